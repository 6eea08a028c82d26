import { z } from 'zod';

import { JsonObjectSchema, TimestampSchema } from './common.js';
import { RegistryModeSchema } from './registries.js';

/** Cluster statuses as the API spells them (ARCHITECTURE.md §4). */
export const CLUSTER_STATUSES = [
  'new',
  'configuration_error',
  'creating',
  'creation_failed',
  'in_sync',
  'out_of_sync',
  'pending_changes',
  'destructive_changes',
  'changing',
  'synchronization_failure',
  'delete',
  'deletion_failed',
  'deleted',
  'ready_to_join',
  'joining',
  'detached',
  'unknown',
] as const;
export const ClusterStatusSchema = z.enum(CLUSTER_STATUSES);
export type ClusterStatus = z.infer<typeof ClusterStatusSchema>;

/** Statuses in which an operation is (or is about to be) under way. */
export const TRANSITIONAL_CLUSTER_STATUSES: ReadonlySet<ClusterStatus> = new Set([
  'new',
  'creating',
  'changing',
  'delete',
  'joining',
  'out_of_sync',
]);

export const ChangeModeSchema = z.enum(['auto', 'manual']);
export type ChangeMode = z.infer<typeof ChangeModeSchema>;

/** Minimum and maximum reconcile interval, in minutes. */
export const CHECK_INTERVAL_MIN = 1;
export const CHECK_INTERVAL_MAX = 7 * 24 * 60;

export const ClusterSettingsSchema = z.object({
  change_mode: ChangeModeSchema,
  /** Minutes between configuration checks (reconcile). */
  check_interval: z.number().int().min(CHECK_INTERVAL_MIN).max(CHECK_INTERVAL_MAX),
});
export type ClusterSettings = z.infer<typeof ClusterSettingsSchema>;

export const RenderErrorSchema = z.object({
  section: z.string(),
  document: z.number().int().nullable().optional(),
  line: z.number().int().nullable().optional(),
  column: z.number().int().nullable().optional(),
  field: z.string().nullable().optional(),
  message: z.string(),
});
export type RenderError = z.infer<typeof RenderErrorSchema>;

export const ClusterSchema = z.object({
  id: z.uuid(),
  uuid: z.uuid(),
  workspace_id: z.uuid(),
  name: z.string(),
  status: ClusterStatusSchema,
  values: JsonObjectSchema,
  /** Keys of `format: password` values: their value is null in `values` unless revealed. */
  secret_values: z.record(z.string(), z.object({ has_value: z.boolean() })),
  cluster_template_version_id: z.uuid().nullable(),
  cluster_template_id: z.uuid().nullable(),
  /** Read-only: the name of the cluster's template (null without one), for lists. */
  cluster_template_name: z.string().nullable(),
  /** Read-only: the number of the cluster's template version (null without one). */
  cluster_template_version_number: z.number().int().nullable(),
  registry_id: z.uuid().nullable(),
  registry_mode: z.string().nullable(),
  current_revision: z.number().int(),
  was_created: z.boolean(),
  is_locked: z.boolean(),
  cluster_type: z.string().nullable(),
  settings: ClusterSettingsSchema,
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
  archived_at: TimestampSchema.nullable(),
  archive_number: z.number().int().nullable(),
  render_errors: z.array(RenderErrorSchema).nullable(),
  desired_cluster_configuration_rendered: z.string().nullable(),
  desired_provider_specific_cluster_configuration_rendered: z.string().nullable(),
  desired_resources_rendered: z.string().nullable(),
  /** The InitConfiguration (registry access); credentials as `<secret:registryDockerCfg>`. */
  desired_init_configuration_rendered: z.string().nullable(),
  applied_cluster_configuration_rendered: z.string().nullable(),
  applied_provider_specific_cluster_configuration_rendered: z.string().nullable(),
  applied_resources_rendered: z.string().nullable(),
  cluster_configuration_checked_at: TimestampSchema.nullable(),
  cluster_configuration_applied_at: TimestampSchema.nullable(),
  cluster_template_version_switched_at: TimestampSchema.nullable(),
  resources_sync_state: z.string(),
  resources_state_results: z.array(z.unknown()),
  agent_status: z.string(),
  cluster_agent_data: z.array(z.object({ source: z.string(), data: z.unknown() })),
  connection_hosts: z.object({
    masters: z.array(z.object({ host: z.string(), user: z.string().nullable() })),
  }),
  /** The latest operation, for lists and status displays. */
  last_operation: z
    .object({
      id: z.uuid(),
      kind: z.string(),
      status: z.string(),
      progress: z.number(),
      phase: z.string().nullable(),
    })
    .nullable(),
});
export type Cluster = z.infer<typeof ClusterSchema>;

const ClusterNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[^\s/\\][^/\\]*$/, 'must not start with a space or contain slashes');

export const CreateClusterBodySchema = z.strictObject({
  name: ClusterNameSchema,
  cluster_template_version_id: z.uuid(),
  values: JsonObjectSchema.default({}),
  registry_id: z.uuid().nullable().optional(),
  registry_mode: RegistryModeSchema.nullable().optional(),
  settings: ClusterSettingsSchema.partial().optional(),
});
export type CreateClusterBody = z.input<typeof CreateClusterBodySchema>;

/** PUT replaces the cluster's configuration; it carries the revision it was based on. */
export const UpdateClusterBodySchema = z.strictObject({
  name: ClusterNameSchema,
  cluster_template_version_id: z.uuid(),
  values: JsonObjectSchema,
  current_revision: z.number().int().optional(),
  registry_id: z.uuid().nullable().optional(),
  registry_mode: RegistryModeSchema.nullable().optional(),
  settings: ClusterSettingsSchema.partial().optional(),
});
export type UpdateClusterBody = z.input<typeof UpdateClusterBodySchema>;

/** `?sort=`: `attention` (default: failures first, then changes in progress, then the rest, each by name), a field, or `-field` for descending. */
export const ClusterSortSchema = z.enum([
  'attention',
  'name',
  '-name',
  'status',
  '-status',
  'created_at',
  '-created_at',
  'updated_at',
  '-updated_at',
]);

export const ListClustersQuerySchema = z.object({
  status: ClusterStatusSchema.optional(),
  cluster_template_id: z.uuid().optional(),
  q: z.string().max(100).optional(),
  sort: ClusterSortSchema.default('attention'),
});

/** `?reveal=true`: real secret values and configurations (needs clusters:secrets:read). */
export const RevealQuerySchema = z.object({
  reveal: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});
export const GetClusterQuerySchema = RevealQuerySchema;

export const UpdateClusterSettingsBodySchema = ClusterSettingsSchema.partial().strict();

export const AttachClusterBodySchema = z.strictObject({
  name: ClusterNameSchema,
  /** SSHConfig + SSHHost documents (YAML) to reach a master of the existing cluster. */
  connection_config: z.string().min(1).max(100_000),
});
export type AttachClusterBody = z.infer<typeof AttachClusterBodySchema>;

export const ChangeRequestStatusSchema = z.enum([
  'pending',
  'approved',
  'completed',
  'rejected',
  'superseded',
]);

export const ChangeRequestSchema = z.object({
  id: z.uuid(),
  cluster_id: z.uuid(),
  status: ChangeRequestStatusSchema,
  destructive: z.boolean(),
  destructive_change_id: z.string().nullable(),
  desired_revision: z.number().int().nullable(),
  /** Applied vs desired configuration per section (secrets masked); filled for pending requests. */
  diff: z.record(z.string(), z.object({ applied: z.string(), desired: z.string() })),
  check_result: z.unknown().nullable(),
  approved_by: z.string().nullable(),
  approved_at: TimestampSchema.nullable(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
});
export type ChangeRequest = z.infer<typeof ChangeRequestSchema>;

export const ListChangeRequestsQuerySchema = z.object({
  cluster_id: z.uuid().optional(),
  status: ChangeRequestStatusSchema.optional(),
});

/** `POST /clusters/:id/agent_key/rotate`: when, and until when the previous key still works. */
export const RotatedAgentKeySchema = z.object({
  rotated_at: z.string(),
  previous_key_expires_at: z.string(),
});
export type RotatedAgentKey = z.infer<typeof RotatedAgentKeySchema>;
