import { type Catalog } from '@commander/contracts';
import { isUniqueViolation } from '@commander/db';

import { recordAudit } from '../audit/record-audit.js';
import { type ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { notifyChange } from '../events/notify.js';
import { getCatalog } from './get-catalog.js';
import { loadCatalog } from './shared.js';

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
