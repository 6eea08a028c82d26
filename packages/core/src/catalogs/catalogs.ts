import {
  type Catalog,
  type CreateCatalogBody,
  CreateCatalogBodySchema,
  type InventoryRecord,
  UpdateCatalogBodySchema,
} from '@commander/contracts';
import {
  type Catalog as CatalogRow,
  isUniqueViolation,
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
import type { z } from 'zod';

import { diffChanges, recordAudit } from '../audit/record-audit.js';
import type { ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { notifyChange } from '../events/notify.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';

/** Catalog params as stored (a JSON list); YAML text is parsed. @throws AppError invalid_template */
function catalogParams(input: string | Record<string, unknown>[]): {
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

function toCatalogDto(row: CatalogRow, counts: { total: number; used: number }): Catalog {
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

async function recordCounts(
  ctx: ServiceContext,
  catalogIds: string[],
): Promise<Map<string, { total: number; used: number }>> {
  const rows = await ctx.db.$queryRaw<{ id: string; total: bigint; used: bigint }[]>`
    SELECT r.catalog_id AS id, count(*) AS total,
           count(*) FILTER (WHERE r.cluster_id IS NOT NULL OR EXISTS (SELECT 1 FROM cluster_record_usages u WHERE u.record_id = r.id)) AS used
    FROM records r WHERE r.archived_at IS NULL AND r.catalog_id = ANY(${catalogIds}::uuid[]) GROUP BY r.catalog_id`;
  return new Map(rows.map((r) => [r.id, { total: Number(r.total), used: Number(r.used) }]));
}

export async function listCatalogs(
  ctx: ServiceContext,
  input: { withoutArchived?: boolean },
): Promise<Catalog[]> {
  const workspace = requireWorkspace(ctx);
  const rows = await ctx.db.catalog.findMany({
    where: { workspaceId: workspace.id, ...(input.withoutArchived ? { archivedAt: null } : {}) },
    orderBy: [{ archiveNumber: 'asc' }, { name: 'asc' }],
  });
  const counts = await recordCounts(
    ctx,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toCatalogDto(r, counts.get(r.id) ?? { total: 0, used: 0 }));
}

async function loadCatalog(ctx: ServiceContext, id: string): Promise<CatalogRow> {
  const workspace = requireWorkspace(ctx);
  const row = await ctx.db.catalog.findFirst({ where: { id, workspaceId: workspace.id } });
  if (!row) {
    throw notFound('Catalog', id);
  }
  return row;
}

export async function getCatalog(ctx: ServiceContext, id: string): Promise<Catalog> {
  const row = await loadCatalog(ctx, id);
  return toCatalogDto(row, (await recordCounts(ctx, [id])).get(id) ?? { total: 0, used: 0 });
}

type PreparedRecord = {
  values: Record<string, unknown>;
  secrets: Record<string, unknown>;
  matches: boolean;
};

/**
 * Validates record values against the catalog schema and splits off password values.
 * `strict` throws on mismatch (422); otherwise the record is kept with schema_matches = false
 * (imports into an existing catalog, as Commander does).
 */
function prepareRecord(
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
async function assertUnique(
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

async function insertRecord(
  tx: Tx,
  ctx: ServiceContext,
  catalogId: string,
  prepared: PreparedRecord,
): Promise<RecordRow> {
  return tx.record.create({
    data: {
      catalogId,
      values: prepared.values as Prisma.InputJsonValue,
      secretValuesEncrypted:
        Object.keys(prepared.secrets).length > 0
          ? ctx.encryptor.encrypt(JSON.stringify(prepared.secrets))
          : null,
      schemaMatches: prepared.matches,
    },
  });
}

/**
 * Creates a catalog with its records, or — Commander's import — adds the records to the
 * existing catalog with that slug, regardless of schema compliance (its schema is not
 * overwritten; mismatching records are marked schema_matches = false).
 * @throws AppError invalid_template (schema), invalid_values / not_unique (new catalog's records)
 */
export async function createOrImportCatalog(
  ctx: ServiceContext,
  body: CreateCatalogBody,
): Promise<{ catalog: Catalog; created: boolean }> {
  const input = CreateCatalogBodySchema.parse(body);
  const workspace = requireWorkspace(ctx);
  const existing = await ctx.db.catalog.findFirst({
    where: { workspaceId: workspace.id, slug: input.slug, archivedAt: null },
  });
  try {
    const { id, created } = await ctx.db.$transaction(async (tx) => {
      if (existing) {
        const items = parseParams(existing.params as unknown[]).fields;
        for (const r of input.resources) {
          await insertRecord(tx, ctx, existing.id, prepareRecord(items, r.values, false));
        }
        await recordAudit(tx, ctx, {
          action: 'import',
          auditableType: 'Catalog',
          auditableId: existing.id,
          changes: { records: input.resources.length },
        });
        await notifyChange(tx, {
          type: 'catalog',
          id: existing.id,
          workspace_id: workspace.id,
          action: 'import',
        });
        return { id: existing.id, created: false };
      }
      const { stored, items } = catalogParams(input.params);
      const catalog = await tx.catalog.create({
        data: {
          workspaceId: workspace.id,
          slug: input.slug,
          name: input.name,
          params: stored as Prisma.InputJsonValue,
          usage: input.usage === 'exclusive' ? 'EXCLUSIVE' : 'SHARED',
        },
      });
      for (const [i, r] of input.resources.entries()) {
        const prepared = prepareRecord(items, r.values, false);
        if (!prepared.matches) {
          const details = validateValues(items, r.values);
          throw new AppError(
            'invalid_values',
            `Record ${i + 1} does not match the data schema`,
            details.ok ? [] : details.errors,
          );
        }
        await assertUnique(tx, catalog.id, items, prepared.values, null);
        await insertRecord(tx, ctx, catalog.id, prepared);
      }
      await recordAudit(tx, ctx, {
        action: 'create',
        auditableType: 'Catalog',
        auditableId: catalog.id,
        changes: {
          name: input.name,
          slug: input.slug,
          usage: input.usage,
          records: input.resources.length,
        },
      });
      await notifyChange(tx, {
        type: 'catalog',
        id: catalog.id,
        workspace_id: workspace.id,
        action: 'create',
      });
      return { id: catalog.id, created: true };
    });
    return { catalog: await getCatalog(ctx, id), created };
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError('slug_taken', `A catalog with slug "${input.slug}" already exists`);
    }
    throw error;
  }
}

/**
 * Renames a catalog, changes its usage or its schema. The schema can change only while no
 * record is used by a cluster; records are re-checked against the new schema.
 * @throws AppError not_found, stale_revision, in_use, invalid_template
 */
export async function updateCatalog(
  ctx: ServiceContext,
  id: string,
  body: z.input<typeof UpdateCatalogBodySchema>,
): Promise<Catalog> {
  const input = UpdateCatalogBodySchema.parse(body);
  const row = await loadCatalog(ctx, id);
  if (row.archivedAt) {
    throw new AppError('invalid_state', 'An archived catalog cannot change');
  }
  if (input.current_revision !== undefined && input.current_revision !== row.currentRevision) {
    throw new AppError('stale_revision', 'The catalog was changed by someone else; reload it', {
      current_revision: row.currentRevision,
    });
  }
  await ctx.db.$transaction(async (tx) => {
    const data: Prisma.CatalogUpdateInput = { name: input.name, currentRevision: { increment: 1 } };
    if (input.usage) {
      data.usage = input.usage === 'exclusive' ? 'EXCLUSIVE' : 'SHARED';
    }
    if (input.params !== undefined) {
      const used = await tx.clusterRecordUsage.count({
        where: { record: { catalogId: id, archivedAt: null } },
      });
      if (used > 0) {
        throw new AppError(
          'in_use',
          'The data schema can change only while no record of the catalog is used by a cluster',
        );
      }
      const { stored, items } = catalogParams(input.params);
      data.params = stored as Prisma.InputJsonValue;
      const records = await tx.record.findMany({ where: { catalogId: id, archivedAt: null } });
      for (const r of records) {
        const matches = validateValues(items, r.values).ok;
        if (matches !== r.schemaMatches) {
          await tx.record.update({ where: { id: r.id }, data: { schemaMatches: matches } });
        }
      }
    }
    const updated = await tx.catalog.update({ where: { id }, data });
    await recordAudit(tx, ctx, {
      action: 'update',
      auditableType: 'Catalog',
      auditableId: id,
      changes: diffChanges(
        { name: row.name, usage: row.usage, params: row.params },
        { name: updated.name, usage: updated.usage, params: updated.params },
      ),
    });
    await notifyChange(tx, {
      type: 'catalog',
      id,
      workspace_id: row.workspaceId,
      action: 'update',
    });
  });
  return getCatalog(ctx, id);
}

/** Archives a catalog and its records. @throws AppError in_use while a cluster uses a record */
export async function archiveCatalog(ctx: ServiceContext, id: string): Promise<Catalog> {
  const row = await loadCatalog(ctx, id);
  if (row.archivedAt) {
    return getCatalog(ctx, id);
  }
  const used = await ctx.db.clusterRecordUsage.count({ where: { record: { catalogId: id } } });
  if (used > 0) {
    throw new AppError('in_use', 'Records of this catalog are used by clusters');
  }
  await ctx.db.$transaction(async (tx) => {
    const last = await tx.catalog.aggregate({
      where: { workspaceId: row.workspaceId, slug: row.slug },
      _max: { archiveNumber: true },
    });
    const now = new Date();
    await tx.catalog.update({
      where: { id },
      data: {
        archivedAt: now,
        archiveNumber: (last._max.archiveNumber ?? 0) + 1,
        currentRevision: { increment: 1 },
      },
    });
    await tx.record.updateMany({
      where: { catalogId: id, archivedAt: null },
      data: { archivedAt: now, archiveNumber: 1 },
    });
    await recordAudit(tx, ctx, {
      action: 'delete',
      auditableType: 'Catalog',
      auditableId: id,
      changes: { archived_at: [null, now.toISOString()] },
    });
    await notifyChange(tx, {
      type: 'catalog',
      id,
      workspace_id: row.workspaceId,
      action: 'archive',
    });
  });
  return getCatalog(ctx, id);
}

// ───────────────────────────────────── records ─────────────────────────────────────

async function toRecordDtos(ctx: ServiceContext, rows: RecordRow[]): Promise<InventoryRecord[]> {
  const usages = await ctx.db.clusterRecordUsage.findMany({
    where: { recordId: { in: rows.map((r) => r.id) } },
    include: { cluster: { select: { id: true, name: true } } },
  });
  return rows.map((r) => {
    const secrets = r.secretValuesEncrypted
      ? (JSON.parse(ctx.encryptor.decrypt(r.secretValuesEncrypted)) as Record<string, unknown>)
      : {};
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

export async function listRecords(
  ctx: ServiceContext,
  input: {
    catalogId?: string;
    free?: boolean;
    withoutArchived?: boolean;
    limit: number;
    offset: number;
  },
): Promise<{ items: InventoryRecord[]; total: number }> {
  const workspace = requireWorkspace(ctx);
  const where: Prisma.RecordWhereInput = {
    catalog: { workspaceId: workspace.id },
    ...(input.catalogId ? { catalogId: input.catalogId } : {}),
    ...(input.free ? { clusterId: null } : {}),
    ...(input.withoutArchived ? { archivedAt: null } : {}),
  };
  const [rows, total] = await Promise.all([
    ctx.db.record.findMany({
      where,
      orderBy: [{ archiveNumber: 'asc' }, { createdAt: 'asc' }],
      take: input.limit,
      skip: input.offset,
    }),
    ctx.db.record.count({ where }),
  ]);
  return { items: await toRecordDtos(ctx, rows), total };
}

async function loadRecord(
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

export async function getRecord(ctx: ServiceContext, id: string): Promise<InventoryRecord> {
  const row = await loadRecord(ctx, id);
  return (await toRecordDtos(ctx, [row]))[0]!;
}

/** Adds a record, validated against its catalog's schema. @throws AppError not_found, invalid_values, not_unique */
export async function createRecord(
  ctx: ServiceContext,
  input: { catalog_id: string; values: Record<string, unknown> },
): Promise<InventoryRecord> {
  const catalog = await loadCatalog(ctx, input.catalog_id);
  if (catalog.archivedAt) {
    throw new AppError('invalid_state', 'The catalog is archived');
  }
  const items = parseParams(catalog.params as unknown[]).fields;
  const prepared = prepareRecord(items, input.values, true);
  const row = await ctx.db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM catalogs WHERE id = ${catalog.id}::uuid FOR UPDATE`;
    await assertUnique(tx, catalog.id, items, prepared.values, null);
    const created = await insertRecord(tx, ctx, catalog.id, prepared);
    await recordAudit(tx, ctx, {
      action: 'create',
      auditableType: 'Record',
      auditableId: created.id,
      changes: { catalog_id: catalog.id, values: prepared.values },
    });
    await notifyChange(tx, {
      type: 'record',
      id: created.id,
      workspace_id: catalog.workspaceId,
      action: 'create',
    });
    return created;
  });
  return (await toRecordDtos(ctx, [row]))[0]!;
}

/**
 * Replaces a record's values (omitted password values are kept). Clusters using it see the
 * new values at their next configuration change.
 */
export async function updateRecord(
  ctx: ServiceContext,
  id: string,
  input: { values: Record<string, unknown>; current_revision?: number | undefined },
): Promise<InventoryRecord> {
  const row = await loadRecord(ctx, id);
  if (row.archivedAt) {
    throw new AppError('invalid_state', 'An archived record cannot change');
  }
  if (input.current_revision !== undefined && input.current_revision !== row.currentRevision) {
    throw new AppError('stale_revision', 'The record was changed by someone else; reload it', {
      current_revision: row.currentRevision,
    });
  }
  const items = parseParams(row.catalog.params as unknown[]).fields;
  const stored = row.secretValuesEncrypted
    ? (JSON.parse(ctx.encryptor.decrypt(row.secretValuesEncrypted)) as Record<string, unknown>)
    : {};
  const values = { ...input.values };
  for (const [k, v] of Object.entries(stored)) {
    if (values[k] === undefined || values[k] === null) {
      values[k] = v;
    }
  }
  const prepared = prepareRecord(items, values, true);
  const updated = await ctx.db.$transaction(async (tx) => {
    await assertUnique(tx, row.catalogId, items, prepared.values, id);
    const saved = await tx.record.update({
      where: { id },
      data: {
        values: prepared.values as Prisma.InputJsonValue,
        secretValuesEncrypted:
          Object.keys(prepared.secrets).length > 0
            ? ctx.encryptor.encrypt(JSON.stringify(prepared.secrets))
            : null,
        schemaMatches: true,
        currentRevision: { increment: 1 },
      },
    });
    await recordAudit(tx, ctx, {
      action: 'update',
      auditableType: 'Record',
      auditableId: id,
      changes: diffChanges({ values: row.values }, { values: prepared.values }),
    });
    await notifyChange(tx, {
      type: 'record',
      id,
      workspace_id: row.catalog.workspaceId,
      action: 'update',
    });
    return saved;
  });
  return (await toRecordDtos(ctx, [updated]))[0]!;
}

/** Archives a record. @throws AppError in_use while a cluster uses it */
export async function archiveRecord(ctx: ServiceContext, id: string): Promise<InventoryRecord> {
  const row = await loadRecord(ctx, id);
  const used = await ctx.db.clusterRecordUsage.count({ where: { recordId: id } });
  if (used > 0 || row.clusterId) {
    throw new AppError(
      'in_use',
      'The record is used by a cluster; free it first (change or delete the cluster)',
    );
  }
  const updated = await ctx.db.$transaction(async (tx) => {
    const saved = await tx.record.update({
      where: { id },
      data: { archivedAt: new Date(), archiveNumber: 1, currentRevision: { increment: 1 } },
    });
    await recordAudit(tx, ctx, { action: 'delete', auditableType: 'Record', auditableId: id });
    await notifyChange(tx, {
      type: 'record',
      id,
      workspace_id: row.catalog.workspaceId,
      action: 'archive',
    });
    return saved;
  });
  return (await toRecordDtos(ctx, [updated]))[0]!;
}

// ───────────────────────────────────── restore ─────────────────────────────────────

/**
 * Restores an archived catalog and the records archived with it (same instant). A restored
 * catalog takes back archive number 0, so its slug must be free among live catalogs.
 * @throws AppError not_found; invalid_state when it is not archived; slug_taken
 */
export async function restoreCatalog(ctx: ServiceContext, id: string): Promise<Catalog> {
  const row = await loadCatalog(ctx, id);
  if (!row.archivedAt) {
    throw new AppError('invalid_state', 'The catalog is not archived');
  }
  const archivedAt = row.archivedAt;
  const slugTaken = () =>
    new AppError('slug_taken', `A live catalog with slug "${row.slug}" already exists`, {
      slug: row.slug,
    });
  try {
    await ctx.db.$transaction(async (tx) => {
      const live = await tx.catalog.count({
        where: { workspaceId: row.workspaceId, slug: row.slug, archivedAt: null },
      });
      if (live > 0) {
        throw slugTaken();
      }
      await tx.catalog.update({
        where: { id },
        data: { archivedAt: null, archiveNumber: 0, currentRevision: { increment: 1 } },
      });
      await tx.record.updateMany({
        where: { catalogId: id, archivedAt },
        data: { archivedAt: null, archiveNumber: 0 },
      });
      await recordAudit(tx, ctx, {
        action: 'restore',
        auditableType: 'Catalog',
        auditableId: id,
        changes: { archived_at: [archivedAt.toISOString(), null] },
      });
      await notifyChange(tx, {
        type: 'catalog',
        id,
        workspace_id: row.workspaceId,
        action: 'restore',
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw slugTaken();
    }
    throw error;
  }
  return getCatalog(ctx, id);
}

/**
 * Restores an archived record into its (live) catalog; its unique fields must not repeat among
 * the catalog's live records.
 * @throws AppError not_found; invalid_state when it is not archived or its catalog is; conflict
 */
export async function restoreRecord(ctx: ServiceContext, id: string): Promise<InventoryRecord> {
  const row = await loadRecord(ctx, id);
  if (!row.archivedAt) {
    throw new AppError('invalid_state', 'The record is not archived');
  }
  if (row.catalog.archivedAt) {
    throw new AppError('invalid_state', 'The catalog of this record is archived; restore it first');
  }
  const archivedAt = row.archivedAt;
  const items = parseParams(row.catalog.params as unknown[]).fields;
  const updated = await ctx.db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM catalogs WHERE id = ${row.catalogId}::uuid FOR UPDATE`;
    try {
      await assertUnique(tx, row.catalogId, items, row.values as Record<string, unknown>, id);
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_unique') {
        throw new AppError('conflict', error.message, error.details);
      }
      throw error;
    }
    const saved = await tx.record.update({
      where: { id },
      data: { archivedAt: null, archiveNumber: 0, currentRevision: { increment: 1 } },
    });
    await recordAudit(tx, ctx, {
      action: 'restore',
      auditableType: 'Record',
      auditableId: id,
      changes: { archived_at: [archivedAt.toISOString(), null] },
    });
    await notifyChange(tx, {
      type: 'record',
      id,
      workspace_id: row.catalog.workspaceId,
      action: 'restore',
    });
    return saved;
  });
  return (await toRecordDtos(ctx, [updated]))[0]!;
}
