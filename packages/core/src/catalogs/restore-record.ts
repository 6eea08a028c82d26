import { type InventoryRecord } from '@commander/contracts';
import { parseParams } from '@commander/renderer';

import { recordAudit } from '../audit/record-audit.js';
import { type ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { notifyChange } from '../events/notify.js';
import { assertUnique, loadRecord, toRecordDtos } from './shared.js';

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
