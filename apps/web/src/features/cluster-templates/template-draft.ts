// The template editor's draft of a new version, and what the editor derives from it: the body to
// save, the sections to render, and the problems of each section (renderer checkTemplateVersion).

import type {
  ClusterTemplateVersion,
  CreateTemplateVersionBody,
  RenderError,
  ResourceSyncMode,
  TemplateSections,
} from '@commander/contracts';
import { checkTemplateVersion } from '@commander/renderer';
import { stringify } from 'yaml';

/** A resource group being edited; `id` is local (names may be edited, even duplicated). */
export type DraftGroup = {
  id: string;
  name: string;
  sync_mode: ResourceSyncMode;
  template: string;
};

/** A version being edited: the params as YAML text, the sections, the resource groups. */
export type Draft = {
  params: string;
  kubernetes_template: string;
  placement_template: string;
  ssh_template: string;
  installation_template: string;
  primary_resources_template: string;
  resources: DraftGroup[];
};

/** Fixed sections of a version: editor tab, render-error section name, draft field. */
export const FIXED_SECTIONS = [
  { section: 'params', field: 'params' },
  { section: 'kubernetes', field: 'kubernetes_template' },
  { section: 'placement', field: 'placement_template' },
  { section: 'ssh', field: 'ssh_template' },
  { section: 'installation', field: 'installation_template' },
  { section: 'primary_resources', field: 'primary_resources_template' },
] as const satisfies readonly { section: string; field: keyof Draft }[];

export type FixedSection = (typeof FIXED_SECTIONS)[number]['section'];

/** An editor tab: a fixed section or `group:<id>`. */
export type EditorTab = FixedSection | `group:${string}`;

let groupCounter = 0;

/** A fresh local id for a resource group of the draft. */
export function newGroupId(): string {
  groupCounter += 1;
  return `g${groupCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The params list as YAML text for the editor (empty text for no params). */
export function paramsToYaml(params: readonly Record<string, unknown>[]): string {
  return params.length === 0 ? '' : stringify(params, { lineWidth: 0 });
}

/** A draft that starts from a version (its copy), or an empty one. */
export function draftFromVersion(version: ClusterTemplateVersion | null): Draft {
  return {
    params: version ? paramsToYaml(version.params) : '',
    kubernetes_template: version?.kubernetes_template ?? '',
    placement_template: version?.placement_template ?? '',
    ssh_template: version?.ssh_template ?? '',
    installation_template: version?.installation_template ?? '',
    primary_resources_template: version?.primary_resources_template ?? '',
    resources: (version?.resources ?? []).map((g) => ({ id: newGroupId(), ...g })),
  };
}

/** Whether the draft differs from the version it started from. */
export function isDraftChanged(draft: Draft, base: ClusterTemplateVersion | null): boolean {
  const start = draftFromVersion(base);
  const strip = (d: Draft) => ({ ...d, resources: d.resources.map(({ id: _id, ...g }) => g) });
  return JSON.stringify(strip(draft)) !== JSON.stringify(strip(start));
}

/** The draft's sections, as the renderer takes them. */
export function draftSections(draft: Draft): TemplateSections {
  return {
    kubernetes_template: draft.kubernetes_template,
    placement_template: draft.placement_template,
    ssh_template: draft.ssh_template,
    installation_template: draft.installation_template,
    primary_resources_template: draft.primary_resources_template,
    resources: draft.resources.map(({ name, sync_mode, template }) => ({
      name: name.trim(),
      sync_mode,
      template,
    })),
  };
}

/** The request body of "Save as new version" (params sent as the YAML text typed). */
export function draftBody(draft: Draft, comment: string): CreateTemplateVersionBody {
  return { comment, params: draft.params, ...draftSections(draft) };
}

/** Problems of a draft by editor tab; problems that belong to no tab are under `general`. */
export type DraftProblems = {
  all: RenderError[];
  byTab: Map<EditorTab, RenderError[]>;
  general: RenderError[];
};

/** The editor tab a render error belongs to (resource groups by name, first match). */
export function tabOfError(draft: Draft, error: RenderError): EditorTab | null {
  if (FIXED_SECTIONS.some((s) => s.section === error.section)) {
    return error.section as FixedSection;
  }
  if (error.section.startsWith('resources/')) {
    const name = error.section.slice('resources/'.length);
    const group = draft.resources.find((g) => g.name.trim() === name);
    return group ? `group:${group.id}` : null;
  }
  return null;
}

/**
 * Checks a draft as the server does on save (renderer `checkTemplateVersion`): params schema
 * errors with their YAML lines, Go template parse errors per section, duplicate group names;
 * plus empty group names, which the API refuses.
 */
export function checkDraft(draft: Draft): DraftProblems {
  const all = checkTemplateVersion({ ...draftSections(draft), params: draft.params });
  for (const group of draft.resources) {
    if (group.name.trim() === '') {
      all.push({ section: 'resources', message: 'A resource group needs a name' });
    }
  }
  const byTab = new Map<EditorTab, RenderError[]>();
  const general: RenderError[] = [];
  for (const error of all) {
    const tab = tabOfError(draft, error);
    if (tab === null) {
      general.push(error);
    } else {
      byTab.set(tab, [...(byTab.get(tab) ?? []), error]);
    }
  }
  return { all, byTab, general };
}
