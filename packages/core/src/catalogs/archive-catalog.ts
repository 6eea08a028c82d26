import { type Catalog } from '@commander/contracts';

import { recordAudit } from '../audit/record-audit.js';
import { type ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { notifyChange } from '../events/notify.js';
import { getCatalog } from './get-catalog.js';
import { loadCatalog } from './shared.js';

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
