import { type Catalog } from '@commander/contracts';

import { type ServiceContext } from '../context.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';
import { recordCounts, toCatalogDto } from './shared.js';

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
