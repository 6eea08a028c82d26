// Helpers shared by the catalog and record use cases (one use case per file beside this one).
import { type Catalog, type InventoryRecord } from '@commander/contracts';
import {
  type Catalog as CatalogRow,
  type Prisma,
  type Record as RecordRow,
  type Tx,
} from '@commander/db';
import {
  paramFields,
  type ParamItem,
  parseParams,
  secretKeys,
  validateValues,
} from '@commander/renderer';
import { parse as parseYaml } from 'yaml';

import { type ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { decryptSecretValues, encryptSecretValues } from '../security/secret-values.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';

/** Catalog params as stored (a JSON list); YAML text is parsed. @throws AppError invalid_template */
export function catalogParams(input: string | Record<string, unknown>[]): {
  stored: Record<string, unknown>[];
  items: ParamItem[];
} {
  const parsed = parseParams(input);
  if (parsed.errors.length > 0) {
    throw new AppError('invalid_template', "The catalog's data schema is invalid", parsed.errors);
  }
  const stored =
    typeof input === 'string'
      ? ((parseYaml(input) as Record<string, unknown>[] | null) ?? [])
      : input;
  return { stored, items: parsed.fields };
}

export function toCatalogDto(row: CatalogRow, counts: { total: number; used: number }): Catalog {
  return {
    id: row.id,
    workspace_id: row.workspaceId,
    slug: row.slug,
    name: row.name,
    params: row.params as Record<string, unknown>[],
    usage: row.usage === 'EXCLUSIVE' ? 'exclusive' : 'shared',
    records_count: counts.total,
    used_records_count: counts.used,
    current_revision: row.currentRevision,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    archived_at: row.archivedAt?.toISOString() ?? null,
    archive_number: row.archiveNumber === 0 ? null : row.archiveNumber,
  };
}

export async function recordCounts(
  ctx: ServiceContext,
  catalogIds: string[],
): Promise<Map<string, { total: number; used: number }>> {
  const rows = await ctx.db.$queryRaw<{ id: string; total: bigint; used: bigint }[]>`
    SELECT r.catalog_id AS id, count(*) AS total,
           count(*) FILTER (WHERE r.cluster_id IS NOT NULL OR EXISTS (SELECT 1 FROM cluster_record_usages u WHERE u.record_id = r.id)) AS used
    FROM records r WHERE r.archived_at IS NULL AND r.catalog_id = ANY(${catalogIds}::uuid[]) GROUP BY r.catalog_id`;
  return new Map(rows.map((r) => [r.id, { total: Number(r.total), used: Number(r.used) }]));
}

export async function loadCatalog(ctx: ServiceContext, id: string): Promise<CatalogRow> {
  const workspace = requireWorkspace(ctx);
  const row = await ctx.db.catalog.findFirst({ where: { id, workspaceId: workspace.id } });
  if (!row) {
    throw notFound('Catalog', id);
  }
  return row;
}

export type PreparedRecord = {
  values: Record<string, unknown>;
  secrets: Record<string, unknown>;
  matches: boolean;
};

/**
 * Validates record values against the catalog schema and splits off password values.
 * `strict` throws on mismatch (422); otherwise the record is kept with schema_matches = false
 * (imports into an existing catalog, as Commander does).
 */
export function prepareRecord(
  items: ParamItem[],
  values: Record<string, unknown>,
  strict: boolean,
): PreparedRecord {
  const result = validateValues(items, values);
  if (!result.ok && strict) {
    throw new AppError(
      'invalid_values',
      "The record does not match the catalog's data schema",
      result.errors,
    );
  }
  const clean = result.ok ? result.values : values;
  const secretSet = new Set(secretKeys(items));
  const out: PreparedRecord = { values: {}, secrets: {}, matches: result.ok };
  for (const [k, v] of Object.entries(clean)) {
    (secretSet.has(k) ? out.secrets : out.values)[k] = v;
  }
  return out;
}

/** Unique fields of a catalog may not repeat across its live records. @throws AppError not_unique */
export async function assertUnique(
  tx: Tx,
  catalogId: string,
  items: ParamItem[],
  values: Record<string, unknown>,
  exceptId: string | null,
): Promise<void> {
  for (const field of paramFields(items).filter((f) => f.unique)) {
    const value = values[field.key];
    if (value === undefined || value === null || value === '') {
      continue;
    }
    const clash = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM records WHERE catalog_id = ${catalogId}::uuid AND archived_at IS NULL
        AND (${exceptId}::uuid IS NULL OR id <> ${exceptId}::uuid)
        AND values -> ${field.key} = ${JSON.stringify(value)}::jsonb LIMIT 1`;
    if (clash.length > 0) {
      throw new AppError('not_unique', `"${field.title}" must be unique in the catalog`, [
        { path: field.key, message: `Another record has ${JSON.stringify(value)}` },
      ]);
    }
  }
}

export async function insertRecord(
  tx: Tx,
  ctx: ServiceContext,
  catalogId: string,
  prepared: PreparedRecord,
): Promise<RecordRow> {
  return tx.record.create({
    data: {
      catalogId,
      values: prepared.values as Prisma.InputJsonValue,
      secretValuesEncrypted: encryptSecretValues(ctx.encryptor, prepared.secrets),
      schemaMatches: prepared.matches,
    },
  });
}

export async function toRecordDtos(
  ctx: ServiceContext,
  rows: RecordRow[],
): Promise<InventoryRecord[]> {
  const usages = await ctx.db.clusterRecordUsage.findMany({
    where: { recordId: { in: rows.map((r) => r.id) } },
    include: { cluster: { select: { id: true, name: true } } },
  });
  return rows.map((r) => {
    const secrets = decryptSecretValues(ctx.encryptor, r.secretValuesEncrypted);
    const values: Record<string, unknown> = { ...(r.values as Record<string, unknown>) };
    const secretValues: InventoryRecord['secret_values'] = {};
    for (const key of Object.keys(secrets)) {
      values[key] = null;
      secretValues[key] = { has_value: true };
    }
    const seen = new Set<string>();
    return {
      id: r.id,
      catalog_id: r.catalogId,
      cluster_id: r.clusterId,
      values,
      secret_values: secretValues,
      schema_matches: r.schemaMatches,
      used_by: usages
        .filter((u) => u.recordId === r.id && !seen.has(u.clusterId) && seen.add(u.clusterId))
        .map((u) => ({ cluster_id: u.cluster.id, cluster_name: u.cluster.name })),
      current_revision: r.currentRevision,
      created_at: r.createdAt.toISOString(),
      updated_at: r.updatedAt.toISOString(),
      archived_at: r.archivedAt?.toISOString() ?? null,
      archive_number: r.archiveNumber === 0 ? null : r.archiveNumber,
    };
  });
}

export async function loadRecord(
  ctx: ServiceContext,
  id: string,
): Promise<RecordRow & { catalog: CatalogRow }> {
  const workspace = requireWorkspace(ctx);
  const row = await ctx.db.record.findFirst({
    where: { id, catalog: { workspaceId: workspace.id } },
    include: { catalog: true },
  });
  if (!row) {
    throw notFound('Record', id);
  }
  return row;
}
