import { z } from 'zod';

import { ClusterStatusSchema } from './clusters.js';
import { PaginationQuerySchema, TimestampSchema } from './common.js';

/**
 * Staged rollouts of a template version (issue 16): the chosen clusters of a template move to a
 * target version wave by wave; a wave starts only when every cluster of the previous one is
 * done (in sync, agent online, no firing critical alert, for the soak time); a failure pauses
 * the rollout.
 */

export const RolloutStatusSchema = z.enum(['planned', 'running', 'paused', 'completed', 'aborted']);
export type RolloutStatus = z.infer<typeof RolloutStatusSchema>;

/**
 * A cluster in a rollout: `pending` (its wave has not started), `updating` (moved to the target
 * version, converging), `awaiting_approval` (a destructive or manual change waits for a change
 * request's approval), `soaking` (in sync and healthy, for the soak time), `done`, `failed`
 * (the rollout paused), `skipped` (nothing to change).
 */
export const RolloutClusterStateSchema = z.enum([
  'pending',
  'updating',
  'awaiting_approval',
  'soaking',
  'done',
  'failed',
  'skipped',
]);
export type RolloutClusterState = z.infer<typeof RolloutClusterStateSchema>;

/**
 * What the target version changes for a cluster: `none` (already on it), `change`, `destructive`
 * (the cluster's own configuration renders differently: dhctl may find it destructive, and
 * then it waits for approval), `invalid` (its values do not render with the target version).
 */
export const RolloutChangeSchema = z.enum(['none', 'change', 'destructive', 'invalid']);
export type RolloutChange = z.infer<typeof RolloutChangeSchema>;

/**
 * One wave of the plan: `size` clusters, `percent` of all clusters that change (rounded up, at
 * least one), `rest` (all that remain), or an explicit group of cluster ids (a ring order).
 * Clusters that remain after the last wave form one more wave.
 */
export const RolloutWaveSpecSchema = z.union([
  z.strictObject({ size: z.number().int().min(1).max(10_000) }),
  z.strictObject({ percent: z.number().min(0.1).max(100) }),
  z.strictObject({ rest: z.literal(true) }),
  z.strictObject({ cluster_ids: z.array(z.uuid()).min(1).max(10_000) }),
]);
export type RolloutWaveSpec = z.infer<typeof RolloutWaveSpecSchema>;

export const DEFAULT_ROLLOUT_WAVES: RolloutWaveSpec[] = [
  { size: 1 },
  { percent: 10 },
  { rest: true },
];

/** The cluster list's filters, applied to the template's clusters. */
export const RolloutClusterFilterSchema = z.strictObject({
  status: ClusterStatusSchema.optional(),
  /** Name contains (case-insensitive). */
  q: z.string().max(100).optional(),
});

export const CreateRolloutBodySchema = z.strictObject({
  cluster_template_id: z.uuid(),
  /** The target version: one of the template's, available. */
  cluster_template_version_id: z.uuid(),
  /**
   * Which clusters: an explicit list (each must use the template), or the template's clusters
   * matching `filter`, or (neither) all the template's clusters. Deleted, detached and joining
   * clusters are never chosen.
   */
  cluster_ids: z.array(z.uuid()).min(1).max(10_000).optional(),
  filter: RolloutClusterFilterSchema.optional(),
  waves: z.array(RolloutWaveSpecSchema).min(1).max(50).default(DEFAULT_ROLLOUT_WAVES),
  /** How long each cluster must stay in sync and healthy before it counts as done. */
  soak_seconds: z.number().int().min(0).max(86_400).default(60),
  /** `true`: answer the plan (200) and change nothing. */
  dry_run: z.boolean().default(false),
});
export type CreateRolloutBody = z.input<typeof CreateRolloutBodySchema>;

/** A cluster of a plan. */
export const RolloutPlanClusterSchema = z.object({
  cluster_id: z.uuid(),
  cluster_name: z.string(),
  status: z.string(),
  /** The template version the cluster is on now. */
  from_version_id: z.uuid().nullable(),
  from_version_number: z.number().int().nullable(),
  change: RolloutChangeSchema,
  /** Why `invalid`. */
  error: z.string().nullable(),
});
export type RolloutPlanCluster = z.infer<typeof RolloutPlanClusterSchema>;

/** The answer of a dry run: what each cluster would get, wave by wave. */
export const RolloutPlanSchema = z.object({
  dry_run: z.literal(true),
  cluster_template_id: z.uuid(),
  cluster_template_version_id: z.uuid(),
  target_version_number: z.number().int(),
  soak_seconds: z.number().int(),
  /** The clusters that change, in waves. */
  waves: z.array(
    z.object({ index: z.number().int(), clusters: z.array(RolloutPlanClusterSchema) }),
  ),
  /** Clusters with nothing to change (`none`): skipped. */
  skipped: z.array(RolloutPlanClusterSchema),
  /** Clusters whose values do not render with the target (`invalid`): a rollout is refused. */
  invalid: z.array(RolloutPlanClusterSchema),
  counts: z.object({
    total: z.number().int(),
    none: z.number().int(),
    change: z.number().int(),
    destructive: z.number().int(),
    invalid: z.number().int(),
  }),
});
export type RolloutPlan = z.infer<typeof RolloutPlanSchema>;

export const RolloutClusterSchema = z.object({
  cluster_id: z.uuid(),
  cluster_name: z.string(),
  /** Index of its wave (0-based); null for skipped clusters. */
  wave: z.number().int().nullable(),
  state: RolloutClusterStateSchema,
  change: RolloutChangeSchema,
  /** The cluster's status now. */
  cluster_status: z.string(),
  from_version_id: z.uuid().nullable(),
  /** The desired revision the rollout's update gave the cluster (null before its wave). */
  target_revision: z.number().int().nullable(),
  error: z.string().nullable(),
  started_at: TimestampSchema.nullable(),
  /** Since when it has been in sync and healthy (soaking). */
  healthy_since: TimestampSchema.nullable(),
  finished_at: TimestampSchema.nullable(),
});
export type RolloutCluster = z.infer<typeof RolloutClusterSchema>;

export const RolloutCountsSchema = z.object({
  total: z.number().int(),
  pending: z.number().int(),
  updating: z.number().int(),
  awaiting_approval: z.number().int(),
  soaking: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
});

export const RolloutSchema = z.object({
  id: z.uuid(),
  workspace_id: z.uuid(),
  cluster_template_id: z.uuid(),
  cluster_template_name: z.string(),
  cluster_template_version_id: z.uuid(),
  target_version_number: z.number().int(),
  status: RolloutStatusSchema,
  /** The waves as asked for. */
  wave_plan: z.array(RolloutWaveSpecSchema),
  /** Number of waves of clusters (after the plan was applied to the chosen clusters). */
  wave_count: z.number().int(),
  /** The wave being rolled out (0-based); `wave_count` once every wave is done. */
  current_wave: z.number().int(),
  soak_seconds: z.number().int(),
  /** Why the rollout is paused (a failure, or who paused it). */
  pause_reason: z.string().nullable(),
  created_by: z.string().nullable(),
  counts: RolloutCountsSchema,
  current_revision: z.number().int(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
  started_at: TimestampSchema.nullable(),
  finished_at: TimestampSchema.nullable(),
});
export type Rollout = z.infer<typeof RolloutSchema>;

/** A rollout with each cluster's state, by wave. */
export const RolloutDetailSchema = RolloutSchema.extend({
  waves: z.array(
    z.object({
      index: z.number().int(),
      /** `pending` (not started), `running`, `completed`. */
      status: z.enum(['pending', 'running', 'completed']),
      clusters: z.array(RolloutClusterSchema),
    }),
  ),
  skipped: z.array(RolloutClusterSchema),
});
export type RolloutDetail = z.infer<typeof RolloutDetailSchema>;

export const ListRolloutsQuerySchema = PaginationQuerySchema.extend({
  status: RolloutStatusSchema.optional(),
  cluster_template_id: z.uuid().optional(),
});

/**
 * Body of pause / resume / abort. `current_revision` (optional) makes the action conditional
 * (409 stale_revision when the rollout moved on).
 */
export const RolloutActionBodySchema = z.strictObject({
  reason: z.string().trim().max(500).optional(),
  current_revision: z.number().int().optional(),
});
export type RolloutActionBody = z.input<typeof RolloutActionBodySchema>;
