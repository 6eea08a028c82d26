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
