import { z } from 'zod';

import { ParamsInputSchema } from './cluster-templates.js';
import { TimestampSchema } from './common.js';
import { SLUG_PATTERN } from './workspaces.js';

export const CatalogUsageSchema = z.enum(['shared', 'exclusive']);

export const CatalogSchema = z.object({
  id: z.uuid(),
  workspace_id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  params: z.array(z.record(z.string(), z.unknown())),
  usage: CatalogUsageSchema,
  records_count: z.number().int(),
  used_records_count: z.number().int(),
  current_revision: z.number().int(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
  archived_at: TimestampSchema.nullable(),
  archive_number: z.number().int().nullable(),
});
export type Catalog = z.infer<typeof CatalogSchema>;

/** Create or import (Commander's import shape): records in `resources`. */
export const CreateCatalogBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  slug: z.string().regex(SLUG_PATTERN, 'lowercase letters, digits and dashes'),
  params: ParamsInputSchema.default([]),
  usage: CatalogUsageSchema.default('shared'),
  resources: z
    .array(z.object({ values: z.record(z.string(), z.unknown()) }))
    .max(10_000)
    .default([]),
});
export type CreateCatalogBody = z.input<typeof CreateCatalogBodySchema>;

export const UpdateCatalogBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  params: ParamsInputSchema.optional(),
  usage: CatalogUsageSchema.optional(),
  current_revision: z.number().int().optional(),
});

export const RecordSchema = z.object({
  id: z.uuid(),
  catalog_id: z.uuid(),
  cluster_id: z.uuid().nullable(),
  values: z.record(z.string(), z.unknown()),
  secret_values: z.record(z.string(), z.object({ has_value: z.boolean() })),
  schema_matches: z.boolean(),
  /** Clusters whose values reference this record. */
  used_by: z.array(z.object({ cluster_id: z.uuid(), cluster_name: z.string() })),
  current_revision: z.number().int(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
  archived_at: TimestampSchema.nullable(),
  archive_number: z.number().int().nullable(),
});
export type InventoryRecord = z.infer<typeof RecordSchema>;

export const CreateRecordBodySchema = z.strictObject({
  catalog_id: z.uuid(),
  values: z.record(z.string(), z.unknown()),
});

export const UpdateRecordBodySchema = z.strictObject({
  values: z.record(z.string(), z.unknown()),
  current_revision: z.number().int().optional(),
});

export const ListRecordsQuerySchema = z.object({
  catalog_id: z.uuid().optional(),
  /** Only records not held by a cluster (exclusive catalogs). */
  free: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});
