import { type InventoryRecord } from '@commander/contracts';
import { parseParams } from '@commander/renderer';

import { recordAudit } from '../audit/record-audit.js';
import { type ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { notifyChange } from '../events/notify.js';
import { assertUnique, insertRecord, loadCatalog, prepareRecord, toRecordDtos } from './shared.js';

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
