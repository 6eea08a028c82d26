import { type InventoryRecord } from '@commander/contracts';

import { recordAudit } from '../audit/record-audit.js';
import { type ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { notifyChange } from '../events/notify.js';
import { loadRecord, toRecordDtos } from './shared.js';

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
