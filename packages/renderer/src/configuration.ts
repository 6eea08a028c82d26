// Rendered sections → parsed YAML documents, checked by kind and by the section rules dhctl
// enforces (dhctl-protocol.md §4.1, §4.8), plus the facts the server derives from them.

import type { RenderError, ResourceSyncMode } from '@commander/contracts';
import { LineCounter, parseAllDocuments } from 'yaml';

import {
  CONFIGURATION_KINDS,
  isProviderClusterConfiguration,
  providerKind,
  providerKindMatches,
  validateDocument,
} from './kinds.js';
import { formatPath, isRecord } from './util.js';
import { lineOfPath, type YamlSource } from './yaml-source.js';

/** A resource group after rendering. */
export type RenderedResourceGroup = { name: string; sync_mode: ResourceSyncMode; yaml: string };

/** A cluster configuration as rendered text, by the request field it feeds (ARCHITECTURE.md). */
export type RenderedConfiguration = {
  /** `kubernetes` section: ClusterConfiguration. */
  cluster_configuration: string;
  /** `placement` section: StaticClusterConfiguration or `<Provider>ClusterConfiguration`. */
  provider_specific_cluster_configuration: string;
  /** `installation` section: InitConfiguration (and ModuleConfigs). */
  init_configuration: string;
  /** `ssh` section: SSHConfig and SSHHost documents. */
  connection_config: string;
  /** `primary_resources` section: resources installed with the cluster. */
  primary_resources: string;
  /** `resources` groups, synced by the agent. */
  resources: RenderedResourceGroup[];
};

/** What the server learns about a cluster from its configuration. */
export type ClusterFacts = {
  /** From ClusterConfiguration.clusterType; null when it cannot be read. */
  clusterType: 'static' | 'cloud' | null;
  /** ClusterConfiguration.cloud.provider for cloud clusters. */
  cloudProvider: string | null;
  kubernetesVersion: string | null;
  /** SSHHost documents in order, with SSHConfig.sshUser: the hosts dhctl tries. */
  connectionHosts: { masters: { host: string; user: string | null }[] };
};

/** The outcome of validating rendered sections. */
export type ConfigurationValidation = {
  /** Parsed documents (plain JS values) by section name; empty documents are left out. */
  documents: Record<string, unknown[]>;
  /** Every YAML, schema and section-rule error. */
  errors: RenderError[];
  facts: ClusterFacts;
};

/** One section to validate; `text` null when its template failed (it is then skipped). */
export type SectionText = { section: string; text: string | null };

type ParsedDoc = {
  /** Position among the section's non-empty documents (0-based), as errors report it. */
  index: number;
  value: unknown;
  source: YamlSource;
  /** The YAML had errors: the value is not validated. */
  broken: boolean;
};

type Reporter = (error: RenderError) => void;

function parseSection(section: string, text: string, report: Reporter): ParsedDoc[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const out: ParsedDoc[] = [];
  for (const doc of docs) {
    const source: YamlSource = { doc, lineCounter };
    const broken = doc.errors.length > 0;
    let value: unknown = null;
    if (!broken) {
      try {
        value = doc.toJS({ maxAliasCount: 100 });
      } catch (e) {
        report({
          section,
          document: out.length,
          line: lineOfPath(source, []),
          message: `YAML: ${(e as Error).message}`,
        });
        continue;
      }
      // Stray `---` separators give empty documents; like Commander (since 1.10), ignore them.
      if (value === null || value === undefined) {
        continue;
      }
    }
    const index = out.length;
    for (const err of doc.errors) {
      const pos = lineCounter.linePos(err.pos[0]);
      report({
        section,
        document: index,
        line: pos.line,
        column: pos.col,
        message: `YAML: ${err.message}`,
      });
    }
    out.push({ index, value, source, broken });
  }
  return out;
}

function kindOf(doc: ParsedDoc): string | null {
  return isRecord(doc.value) && typeof doc.value.kind === 'string' ? doc.value.kind : null;
}

function docError(
  section: string,
  doc: ParsedDoc,
  path: PropertyKey[],
  message: string,
): RenderError {
  const kind = kindOf(doc);
  const field = path.length > 0 ? formatPath(path) : null;
  const subject = [kind, field].filter((s) => s !== null).join('.');
  return {
    section,
    document: doc.index,
    line: lineOfPath(doc.source, path),
    field,
    message: subject === '' ? message : `${subject}: ${message}`,
  };
}

/** Which kinds a section takes, and how to say so when a document has another one. */
type SectionKinds = { allowed: (kind: string) => boolean; expected: string };

/**
 * Checks the documents of a section: each must be a mapping with a kind the section takes
 * (otherwise "unknown kind", as dhctl says, and no schema check), then its kind's schema.
 * Returns the documents of an allowed kind.
 */
function checkDocuments(
  section: string,
  docs: ParsedDoc[],
  kinds: SectionKinds,
  report: Reporter,
): ParsedDoc[] {
  const kept: ParsedDoc[] = [];
  for (const doc of docs) {
    if (doc.broken) {
      continue;
    }
    if (!isRecord(doc.value)) {
      report(docError(section, doc, [], 'a document must be a mapping with apiVersion and kind'));
      continue;
    }
    const kind = doc.value.kind;
    if (typeof kind !== 'string' || kind === '') {
      report(docError(section, doc, ['kind'], 'is required'));
      continue;
    }
    if (!kinds.allowed(kind)) {
      report(docError(section, doc, ['kind'], `unknown kind, expected ${kinds.expected}`));
      continue;
    }
    for (const issue of validateDocument(doc.value, section === 'placement')) {
      report(docError(section, doc, issue.path, issue.message));
    }
    kept.push(doc);
  }
  return kept;
}

function exactlyOne(
  section: string,
  kind: string,
  docs: ParsedDoc[],
  report: Reporter,
  options: { allowNone?: boolean } = {},
): ParsedDoc | null {
  const found = docs.filter((d) => kindOf(d) === kind);
  if (found.length === 0 && options.allowNone !== true) {
    report({
      section,
      document: null,
      line: null,
      field: null,
      message: `exactly one "${kind}" required, found none`,
    });
  }
  for (const extra of found.slice(1)) {
    report(
      docError(section, extra, ['kind'], `only one "${kind}" allowed in the ${section} section`),
    );
  }
  return found[0] ?? null;
}

function factsFrom(clusterConfig: ParsedDoc | null): Omit<ClusterFacts, 'connectionHosts'> {
  const v = clusterConfig !== null && isRecord(clusterConfig.value) ? clusterConfig.value : {};
  const clusterType =
    v.clusterType === 'Static' ? 'static' : v.clusterType === 'Cloud' ? 'cloud' : null;
  const provider =
    isRecord(v.cloud) && typeof v.cloud.provider === 'string' ? v.cloud.provider : null;
  return {
    clusterType,
    cloudProvider: clusterType === 'cloud' ? provider : null,
    kubernetesVersion: typeof v.kubernetesVersion === 'string' ? v.kubernetesVersion : null,
  };
}

function resourceIdentity(doc: ParsedDoc): string | null {
  if (!isRecord(doc.value) || !isRecord(doc.value.metadata)) {
    return null;
  }
  const m = doc.value.metadata;
  if (typeof m.name !== 'string') {
    return null;
  }
  const ns = typeof m.namespace === 'string' ? m.namespace : '';
  return `${String(doc.value.apiVersion)}|${String(doc.value.kind)}|${ns}|${m.name}`;
}

/**
 * Parses and validates rendered sections.
 *
 * Each section is parsed as multi-document YAML (empty documents ignored; syntax errors carry
 * the line and column in the rendered text). Each document is checked by its kind (see
 * `validateDocument` in kinds.ts), and the sections by dhctl's rules:
 * - `kubernetes`: exactly one ClusterConfiguration, nothing else;
 * - `placement`: for Static at most one StaticClusterConfiguration (dhctl accepts none: "only
 *   one allowed"); for Cloud exactly one `<Provider>ClusterConfiguration` matching
 *   `cloud.provider`;
 * - `ssh`: exactly one SSHConfig and any number of SSHHost ("Unknown kind" otherwise); a Static
 *   cluster needs at least one SSHHost;
 * - `installation`: exactly one InitConfiguration, plus ModuleConfigs;
 * - `primary_resources` and `resources/<group>`: Kubernetes resources (apiVersion, kind,
 *   metadata.name), no configuration kinds, no duplicate resources across the resource groups;
 *   CustomResourceDefinitions are rejected in primary_resources, as dhctl does.
 *
 * Errors name the section, the document (0-based among non-empty documents), the 1-based line
 * of the field in the rendered text, and the field path (`cloud.provider`,
 * `sshAgentPrivateKeys[0].key`).
 */
export function validateSections(sections: readonly SectionText[]): ConfigurationValidation {
  const errors: RenderError[] = [];
  const report: Reporter = (e) => errors.push(e);
  const documents: Record<string, unknown[]> = {};
  const parsed = new Map<string, ParsedDoc[]>();
  for (const { section, text } of sections) {
    if (text === null) {
      continue;
    }
    const docs = parseSection(section, text, report);
    parsed.set(section, docs);
    documents[section] = docs.filter((d) => !d.broken).map((d) => d.value);
  }

  // kubernetes
  let clusterConfig: ParsedDoc | null = null;
  const kubernetes = parsed.get('kubernetes');
  if (kubernetes) {
    const docs = checkDocuments(
      'kubernetes',
      kubernetes,
      { allowed: (k) => k === 'ClusterConfiguration', expected: '"ClusterConfiguration"' },
      report,
    );
    clusterConfig = exactlyOne('kubernetes', 'ClusterConfiguration', docs, report, {
      allowNone: kubernetes.some((d) => d.broken),
    });
  }
  const facts = factsFrom(clusterConfig);

  // placement
  const placement = parsed.get('placement');
  if (placement) {
    const anyBroken = placement.some((d) => d.broken);
    if (facts.clusterType === 'static') {
      const kept = checkDocuments(
        'placement',
        placement,
        {
          allowed: (k) => k === 'StaticClusterConfiguration',
          expected: '"StaticClusterConfiguration" for a Static cluster',
        },
        report,
      );
      exactlyOne('placement', 'StaticClusterConfiguration', kept, report, { allowNone: true });
    } else if (facts.clusterType === 'cloud' && facts.cloudProvider !== null) {
      const provider = facts.cloudProvider;
      const expected = `"${providerKind(provider)}" (cloud.provider is ${provider})`;
      const kept = checkDocuments(
        'placement',
        placement,
        { allowed: (k) => providerKindMatches(k, provider), expected },
        report,
      );
      if (kept.length === 0 && !anyBroken) {
        report({
          section: 'placement',
          document: null,
          line: null,
          field: null,
          message: `exactly one ${expected} required, found none`,
        });
      }
      for (const extra of kept.slice(1)) {
        report(docError('placement', extra, ['kind'], 'only one provider configuration allowed'));
      }
    } else {
      // ClusterConfiguration unreadable: check only that placement holds one placement document.
      const kept = checkDocuments(
        'placement',
        placement,
        {
          allowed: (k) => k.endsWith('ClusterConfiguration') && k !== 'ClusterConfiguration',
          expected: '"StaticClusterConfiguration" or "<Provider>ClusterConfiguration"',
        },
        report,
      );
      for (const extra of kept.slice(1)) {
        report(docError('placement', extra, ['kind'], 'only one placement document allowed'));
      }
    }
  }

  // ssh
  const masters: ClusterFacts['connectionHosts']['masters'] = [];
  const ssh = parsed.get('ssh');
  if (ssh) {
    const docs = checkDocuments(
      'ssh',
      ssh,
      {
        allowed: (k) => k === 'SSHConfig' || k === 'SSHHost',
        expected: 'one of (SSHConfig, SSHHost)',
      },
      report,
    );
    const anyBroken = ssh.some((d) => d.broken);
    const config = exactlyOne('ssh', 'SSHConfig', docs, report, { allowNone: anyBroken });
    const user =
      config !== null && isRecord(config.value) && typeof config.value.sshUser === 'string'
        ? config.value.sshUser
        : null;
    for (const d of docs) {
      if (
        kindOf(d) === 'SSHHost' &&
        isRecord(d.value) &&
        typeof d.value.host === 'string' &&
        d.value.host !== ''
      ) {
        masters.push({ host: d.value.host, user });
      }
    }
    if (
      facts.clusterType === 'static' &&
      !anyBroken &&
      !docs.some((d) => kindOf(d) === 'SSHHost')
    ) {
      report({
        section: 'ssh',
        document: null,
        line: null,
        field: null,
        message: 'a Static cluster needs at least one "SSHHost" (the master to bootstrap)',
      });
    }
  }

  // installation
  const installation = parsed.get('installation');
  if (installation) {
    const docs = checkDocuments(
      'installation',
      installation,
      {
        allowed: (k) => k === 'InitConfiguration' || k === 'ModuleConfig',
        expected: 'one of (InitConfiguration, ModuleConfig)',
      },
      report,
    );
    exactlyOne('installation', 'InitConfiguration', docs, report, {
      allowNone: installation.some((d) => d.broken),
    });
  }

  // resources
  const seen = new Map<string, string>();
  for (const { section } of sections) {
    const isGroup = section.startsWith('resources/');
    if (section !== 'primary_resources' && !isGroup) {
      continue;
    }
    const docs = parsed.get(section);
    if (!docs) {
      continue;
    }
    const sound = checkDocuments(
      section,
      docs,
      {
        allowed: (k) => !CONFIGURATION_KINDS.has(k),
        expected: 'a Kubernetes resource (configuration documents belong to their own sections)',
      },
      report,
    );
    for (const d of sound) {
      const kind = kindOf(d);
      if (
        kind !== null &&
        isRecord(d.value) &&
        isProviderClusterConfiguration(kind, d.value.apiVersion)
      ) {
        report(
          docError(section, d, ['kind'], 'provider configuration belongs to the placement section'),
        );
      } else if (section === 'primary_resources' && kind === 'CustomResourceDefinition') {
        report(
          docError(
            section,
            d,
            ['kind'],
            'CustomResourceDefinition is not allowed in primary resources',
          ),
        );
      }
      const id = isGroup ? resourceIdentity(d) : null;
      if (id !== null) {
        const first = seen.get(id);
        if (first !== undefined) {
          report(
            docError(
              section,
              d,
              ['metadata', 'name'],
              `duplicate resource: already defined in ${first}`,
            ),
          );
        } else {
          seen.set(id, section);
        }
      }
    }
  }

  return { documents, errors, facts: { ...facts, connectionHosts: { masters } } };
}

/** Section names of a rendered configuration, in the order they are checked. */
export function sectionTexts(rendered: RenderedConfiguration): SectionText[] {
  return [
    { section: 'kubernetes', text: rendered.cluster_configuration },
    { section: 'placement', text: rendered.provider_specific_cluster_configuration },
    { section: 'ssh', text: rendered.connection_config },
    { section: 'installation', text: rendered.init_configuration },
    { section: 'primary_resources', text: rendered.primary_resources },
    ...rendered.resources.map((g) => ({ section: `resources/${g.name}`, text: g.yaml })),
  ];
}

/**
 * Validates an already rendered configuration (see {@link validateSections} for the rules):
 * for checking stored configurations or ones produced elsewhere.
 */
export function validateConfiguration(rendered: RenderedConfiguration): ConfigurationValidation {
  return validateSections(sectionTexts(rendered));
}
