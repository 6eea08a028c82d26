import { z } from 'zod';

import { JsonValueSchema } from './common.js';

/**
 * Declarative apply (`POST /api/v1/apply`, `commander apply -f fleet.yaml`): YAML documents
 * (templates in their export format, catalogs with records, clusters) made true, idempotently.
 */
export const ApplyBodySchema = z.strictObject({
  /** One or more YAML (or JSON) documents separated by `---`. */
  documents: z.string().min(1).max(5_000_000),
  /** Plan only: say what would change and change nothing. */
  dry_run: z.boolean().default(false),
});
export type ApplyBody = z.input<typeof ApplyBodySchema>;

export const APPLY_KINDS = ['ClusterTemplate', 'Catalog', 'Record', 'Cluster'] as const;

export const ApplyValueDiffSchema = z.object({
  /** Dotted path of the value (`nodes.count`). */
  path: z.string(),
  /** null when absent; secret values are never shown (`secret: true`). */
  before: JsonValueSchema.nullable(),
  after: JsonValueSchema.nullable(),
  secret: z.boolean(),
});

export const ApplyChangeSchema = z.object({
  kind: z.enum(APPLY_KINDS),
  name: z.string(),
  action: z.enum(['create', 'update', 'unchanged']),
  /** The object's id (null for one still to create). */
  id: z.uuid().nullable(),
  /** What changes, in words (`new version 3`, `template version 2 → 3`, `2 records added`). */
  details: z.array(z.string()),
  /** Clusters: the values that change. */
  values_diff: z.array(ApplyValueDiffSchema).optional(),
  /**
   * Clusters: whether the change can be destructive. `possible` when the rendered cluster
   * configuration changes (dhctl decides when it converges; a destructive change waits for
   * approval as always), `no` when only resources or nothing change.
   */
  destructive: z.enum(['no', 'possible']).optional(),
});
export type ApplyChange = z.infer<typeof ApplyChangeSchema>;

export const ApplyResultSchema = z.object({
  dry_run: z.boolean(),
  changes: z.array(ApplyChangeSchema),
  summary: z.object({ create: z.number(), update: z.number(), unchanged: z.number() }),
});
export type ApplyResult = z.infer<typeof ApplyResultSchema>;
