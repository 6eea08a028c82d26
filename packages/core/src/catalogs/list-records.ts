import { type InventoryRecord } from '@commander/contracts';
import { type Prisma } from '@commander/db';

import { type ServiceContext } from '../context.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';
import { toRecordDtos } from './shared.js';

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
