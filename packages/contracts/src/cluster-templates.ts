import { z } from 'zod';

import { TimestampSchema } from './common.js';

/** Whether the agent deletes resources that disappear from a group (managed) or only labels them. */
export const ResourceSyncModeSchema = z.enum(['managed', 'unmanaged']);
export type ResourceSyncMode = z.infer<typeof ResourceSyncModeSchema>;

export const ResourceGroupTemplateSchema = z.object({
  name: z.string().trim().min(1).max(100),
  sync_mode: ResourceSyncModeSchema.default('managed'),
  template: z.string(),
});
export type ResourceGroupTemplate = z.infer<typeof ResourceGroupTemplateSchema>;

/** The Go-template sections of a version (TEMPLATES.md). */
export const TemplateSectionsSchema = z.object({
  kubernetes_template: z.string(),
  placement_template: z.string(),
  ssh_template: z.string(),
  installation_template: z.string(),
  primary_resources_template: z.string(),
  resources: z.array(ResourceGroupTemplateSchema),
});
export type TemplateSections = z.infer<typeof TemplateSectionsSchema>;

/** Section names as they appear in render errors. */
export const TEMPLATE_SECTIONS = [
  'params',
  'kubernetes',
  'placement',
  'ssh',
  'installation',
  'primary_resources',
  'resources',
] as const;

export const ClusterTemplateVersionSchema = TemplateSectionsSchema.extend({
  id: z.uuid(),
  cluster_template_id: z.uuid(),
  number: z.number().int(),
  comment: z.string(),
  available: z.boolean(),
  params: z.array(z.record(z.string(), z.unknown())),
  created_by: z.string().nullable(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
});
export type ClusterTemplateVersion = z.infer<typeof ClusterTemplateVersionSchema>;

export const ClusterTemplateSchema = z.object({
  id: z.uuid(),
  workspace_id: z.uuid(),
  name: z.string(),
  comment: z.string(),
  current_cluster_template_version_id: z.uuid().nullable(),
  current_revision: z.number().int(),
  immutable: z.boolean(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
  archived_at: TimestampSchema.nullable(),
  archive_number: z.number().int().nullable(),
  clusters_count: z.number().int(),
  cluster_template_versions: z.array(ClusterTemplateVersionSchema),
});
export type ClusterTemplate = z.infer<typeof ClusterTemplateSchema>;

/** Params as a JSON list, or as the YAML text of one (what the template editor sends). */
export const ParamsInputSchema = z.union([z.array(z.record(z.string(), z.unknown())), z.string()]);

/** A new template version: its input schema and sections (absent sections are empty). */
export const CreateTemplateVersionBodySchema = z.strictObject({
  comment: z.string().max(2000).default(''),
  params: ParamsInputSchema.default([]),
  kubernetes_template: z.string().max(500_000).default(''),
  placement_template: z.string().max(500_000).default(''),
  ssh_template: z.string().max(500_000).default(''),
  installation_template: z.string().max(500_000).default(''),
  primary_resources_template: z.string().max(500_000).default(''),
  resources: z.array(ResourceGroupTemplateSchema).max(100).default([]),
  available: z.boolean().default(true),
});
export type CreateTemplateVersionBody = z.input<typeof CreateTemplateVersionBodySchema>;

export const UpdateTemplateVersionBodySchema = z.strictObject({
  comment: z.string().max(2000).optional(),
  available: z.boolean().optional(),
});

export const CreateClusterTemplateBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  comment: z.string().max(2000).default(''),
  immutable: z.boolean().default(false),
  /** The first version; an empty one when absent. */
  version: CreateTemplateVersionBodySchema.optional(),
});
export type CreateClusterTemplateBody = z.input<typeof CreateClusterTemplateBodySchema>;

export const UpdateClusterTemplateBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  comment: z.string().max(2000).default(''),
  immutable: z.boolean().optional(),
  current_revision: z.number().int().optional(),
});

/** Import from text: an export document (YAML or JSON) of a template with its versions. */
export const ImportClusterTemplateBodySchema = z.strictObject({
  content: z.string().min(1).max(5_000_000),
  /** Add the document's versions to this existing template instead of creating one. */
  cluster_template_id: z.uuid().optional(),
  /** Name for the new template (default: the document's name). */
  name: z.string().trim().min(1).max(200).optional(),
});

export const ExportQuerySchema = z.object({ format: z.enum(['yaml', 'json']).default('yaml') });

/** Render preview: a stored version, or sections given inline (the editor's unsaved text). */
export const RenderBodySchema = z.strictObject({
  cluster_template_version_id: z.uuid().optional(),
  template: CreateTemplateVersionBodySchema.optional(),
  values: z.record(z.string(), z.unknown()).default({}),
  /** Render as this existing cluster (its UUID, SSH key and stored secrets). */
  cluster_id: z.uuid().optional(),
  /**
   * Render with the real secret values (stored secrets and SSH private key of `cluster_id`,
   * secret values given here); needs clusters:secrets:read. Otherwise every secret is rendered
   * as a `<secret:key>` placeholder.
   */
  reveal: z.boolean().optional(),
});
export type RenderBody = z.input<typeof RenderBodySchema>;

export const RenderResponseSchema = z.object({
  /** Rendered text by section (null for a section that failed to render). */
  sections: z.record(z.string(), z.string().nullable()),
  errors: z.array(
    z.object({
      section: z.string(),
      document: z.number().int().nullable().optional(),
      line: z.number().int().nullable().optional(),
      column: z.number().int().nullable().optional(),
      field: z.string().nullable().optional(),
      message: z.string(),
    }),
  ),
  /** Values that do not match the input schema (path = field key). */
  value_errors: z.array(z.object({ path: z.string(), message: z.string() })),
  cluster_type: z.string().nullable(),
});
export type RenderResponse = z.infer<typeof RenderResponseSchema>;

export const SwitchVersionBodySchema = z.strictObject({
  cluster_template_version_id: z.uuid(),
  cluster_ids: z.array(z.uuid()).min(1).max(500),
});

export const SwitchVersionResultSchema = z.array(
  z.object({
    cluster_id: z.uuid(),
    ok: z.boolean(),
    status: z.string().nullable(),
    error: z
      .object({ code: z.string(), message: z.string(), details: z.unknown().optional() })
      .nullable(),
  }),
);
