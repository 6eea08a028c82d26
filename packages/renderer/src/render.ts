// Template version + values → rendered sections (Go text/template with sprig, through
// @commander/gotemplate) → parsed and validated documents.

import type { RenderError, TemplateSections } from '@commander/contracts';
import {
  executeTemplate,
  parseTemplate,
  RenderBudget,
  type RenderLimitName,
  type RenderLimits,
  TemplateError,
  TemplateLimitError,
} from '@commander/gotemplate';

import {
  type ClusterFacts,
  type RenderedConfiguration,
  type SectionText,
  validateSections,
} from './configuration.js';
import { parseParams } from './params.js';
import { formatPath, isEmptyValue } from './util.js';

/** The variables the platform passes to every section (TEMPLATES.md). */
export type SpecialVariables = {
  /** Public half of the key pair generated for the cluster. */
  dc_sshPublicKey: string;
  /** Private half of the key pair generated for the cluster. */
  dc_sshPrivateKey: string;
  /** The cluster's UUID. */
  dc_clusterUUID: string;
  /** Commander's public host, e.g. `commander.example.com`. */
  dc_domain: string;
  /** Base64 CA bundle the agent trusts. */
  dc_caBundle: string;
} & Partial<RegistryVariables>;

/**
 * The cluster's container registry (Registries page), for templates that configure registry
 * access themselves (mode `Unmanaged`, or a ModuleConfig in mode `Direct`). Every one is an
 * empty string when the cluster has no registry. `dc_registryDockerCfg` is a secret: public
 * renders get `<secret:dc_registryDockerCfg>`.
 */
export type RegistryVariables = {
  /** e.g. `registry.example.com/deckhouse/ee`. */
  dc_registryImagesRepo: string;
  /** `HTTPS` or `HTTP`. */
  dc_registryScheme: string;
  /** PEM CA bundle of the registry. */
  dc_registryCA: string;
  /** Base64 docker config.json (as InitConfiguration `registryDockerCfg`). */
  dc_registryDockerCfg: string;
  /** `Direct` or `Unmanaged`. */
  dc_registryMode: string;
};

/** The registry variables of a cluster without a registry. */
export const NO_REGISTRY_VARIABLES: RegistryVariables = {
  dc_registryImagesRepo: '',
  dc_registryScheme: '',
  dc_registryCA: '',
  dc_registryDockerCfg: '',
  dc_registryMode: '',
};

/** Options of {@link renderClusterConfiguration}. */
export type RenderOptions = {
  /**
   * The render budget, shared by all sections of the configuration (steps, time) or applied to
   * their total (output). Defaults: gotemplate's `DEFAULT_RENDER_LIMITS`.
   */
  limits?: Partial<RenderLimits>;
};

/** The render went over its budget (the template may be valid, but is too expensive). */
export type RenderLimitExceeded = {
  /** Which limit: steps, timeout, output, range, depth or string. */
  limit: RenderLimitName;
  /** The limit's value. */
  max: number;
  /** The section being rendered when it was exceeded. */
  section: string;
};

/** What {@link renderClusterConfiguration} returns. */
export type RenderResult = {
  /**
   * Set when the render budget was exceeded: rendering stopped there, `rendered` is null and
   * `errors` holds one error for that section.
   */
  limitExceeded?: RenderLimitExceeded;
  /** The rendered configuration; null when any section's template failed to render. */
  rendered: RenderedConfiguration | null;
  /** Rendered text by section name; null for a section whose template failed. */
  texts: Record<string, string | null>;
  /** Parsed documents (plain values) by section name; empty documents left out. */
  documents: Record<string, unknown[]>;
  /** Template, YAML, schema and section-rule errors; empty when the configuration is valid. */
  errors: RenderError[];
  facts: ClusterFacts;
};

type SectionTemplate = { section: string; template: string };

function sectionTemplates(version: TemplateSections): SectionTemplate[] {
  return [
    { section: 'kubernetes', template: version.kubernetes_template },
    { section: 'placement', template: version.placement_template },
    { section: 'ssh', template: version.ssh_template },
    { section: 'installation', template: version.installation_template },
    { section: 'primary_resources', template: version.primary_resources_template },
    ...version.resources.map((g) => ({ section: `resources/${g.name}`, template: g.template })),
  ];
}

/**
 * Go reports the column as a 0-based byte offset into the line; editors want a 1-based
 * character (UTF-16) column.
 */
function editorColumn(text: string, line: number, byteColumn: number): number {
  const lineText = text.split('\n')[line - 1] ?? '';
  let bytes = 0;
  let index = 0;
  for (const ch of lineText) {
    if (bytes >= byteColumn) {
      break;
    }
    const cp = ch.codePointAt(0) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    index += ch.length;
  }
  return index + 1;
}

/**
 * Maps a template failure to a render error. The message is Go's, verbatim
 * (`template: kubernetes:3:14: executing "kubernetes" at <.foo>: …`); `line` is 1-based and
 * `column` 1-based in characters (Go's message counts bytes from 0).
 */
export function templateErrorToRenderError(
  section: string,
  template: string,
  error: unknown,
): RenderError {
  if (error instanceof TemplateError) {
    const line = error.line ?? null;
    const column =
      line !== null && error.column !== undefined
        ? editorColumn(template, line, error.column)
        : null;
    return { section, document: null, line, column, field: null, message: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    section,
    document: null,
    line: null,
    column: null,
    field: null,
    message: `template engine failure: ${message}`,
  };
}

/**
 * The data every section sees: the values, minus empty ones (Commander does not pass optional
 * fields left empty), plus the special variables (which take precedence; params may not use
 * their names).
 */
export function templateData(
  values: Record<string, unknown>,
  specials: SpecialVariables,
): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (!isEmptyValue(value)) {
      data[key] = value;
    }
  }
  return { ...data, ...NO_REGISTRY_VARIABLES, ...specials };
}

/**
 * Renders a template version with validated values and the special variables, then parses and
 * validates the result (rules: `validateSections`).
 *
 * Each section is rendered by the Go engine under its section name as the template name, so
 * errors read `template: kubernetes:3:14: …`; resource groups are rendered one by one as
 * `resources/<group name>`. Values are used as JSON (numbers are Go float64s in the engine).
 * A failing section is reported and skipped; the others are still rendered and checked, so a
 * form shows every problem at once. Pure and synchronous: runs in Node and in the browser.
 */
export function renderClusterConfiguration(
  version: TemplateSections,
  values: Record<string, unknown>,
  specials: SpecialVariables,
  options: RenderOptions = {},
): RenderResult {
  const budget = new RenderBudget(options.limits ?? {});
  const data = templateData(values, specials);
  const errors: RenderError[] = [];
  const texts: Record<string, string | null> = {};
  const sections: SectionText[] = [];
  let total = 0;
  for (const { section, template } of sectionTemplates(version)) {
    let text: string | null = null;
    try {
      text = executeTemplate(parseTemplate(template, { name: section }), data, { budget });
      total += text.length;
      budget.checkOutput(total);
    } catch (e) {
      if (e instanceof TemplateLimitError) {
        return limitResult(version, section, e);
      }
      errors.push(templateErrorToRenderError(section, template, e));
    }
    texts[section] = text;
    sections.push({ section, text });
  }
  const validation = validateSections(sections);
  const failed = sections.some((s) => s.text === null);
  const text = (name: string): string => texts[name] ?? '';
  const rendered: RenderedConfiguration | null = failed
    ? null
    : {
        cluster_configuration: text('kubernetes'),
        provider_specific_cluster_configuration: text('placement'),
        init_configuration: text('installation'),
        connection_config: text('ssh'),
        primary_resources: text('primary_resources'),
        resources: version.resources.map((g) => ({
          name: g.name,
          sync_mode: g.sync_mode,
          yaml: text(`resources/${g.name}`),
        })),
      };
  return {
    rendered,
    texts,
    documents: validation.documents,
    errors: [...errors, ...validation.errors],
    facts: validation.facts,
  };
}

function limitResult(
  version: TemplateSections,
  section: string,
  e: TemplateLimitError,
): RenderResult {
  const texts: Record<string, string | null> = {};
  for (const s of sectionTemplates(version)) {
    texts[s.section] = null;
  }
  return {
    limitExceeded: { limit: e.limit, max: e.max, section },
    rendered: null,
    texts,
    documents: {},
    errors: [
      { section, document: null, line: null, column: null, field: null, message: e.message },
    ],
    facts: validateSections([]).facts,
  };
}

/**
 * Checks a template version without values, as when it is saved: the params schema (errors in
 * section `params`, `field` as `[index].property`) and that every section parses as a Go
 * template. Resource group names must be unique.
 */
export function checkTemplateVersion(
  version: TemplateSections & { params?: string | unknown[] },
): RenderError[] {
  const errors: RenderError[] = [];
  if (version.params !== undefined) {
    for (const e of parseParams(version.params).errors) {
      const path = e.index === null ? [] : e.property === null ? [e.index] : [e.index, e.property];
      errors.push({
        section: 'params',
        document: null,
        line: e.line,
        column: null,
        field: path.length > 0 ? formatPath(path) : null,
        message: e.message,
      });
    }
  }
  const names = new Set<string>();
  for (const group of version.resources) {
    if (names.has(group.name)) {
      errors.push({
        section: 'resources',
        document: null,
        line: null,
        column: null,
        field: null,
        message: `duplicate resource group name "${group.name}"`,
      });
    }
    names.add(group.name);
  }
  for (const { section, template } of sectionTemplates(version)) {
    try {
      parseTemplate(template, { name: section });
    } catch (e) {
      errors.push(templateErrorToRenderError(section, template, e));
    }
  }
  return errors;
}
