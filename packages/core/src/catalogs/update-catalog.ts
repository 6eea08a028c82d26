import { type Catalog, UpdateCatalogBodySchema } from '@commander/contracts';
import { type Prisma } from '@commander/db';
import { validateValues } from '@commander/renderer';
import { type z } from 'zod';

import { diffChanges, recordAudit } from '../audit/record-audit.js';
import { type ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { notifyChange } from '../events/notify.js';
import { getCatalog } from './get-catalog.js';
import { catalogParams, loadCatalog } from './shared.js';

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
