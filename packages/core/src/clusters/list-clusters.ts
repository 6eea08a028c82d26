import type { Cluster, ClusterStatus } from '@commander/contracts';
import type { Prisma } from '@commander/db';

import type { ServiceContext } from '../context.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';
import { CLUSTER_DTO_INCLUDE, toClusterDto } from './cluster-dto.js';

export type ListClustersInput = {
  limit: number;
  offset: number;
  withoutArchived?: boolean;
  status?: ClusterStatus;
  clusterTemplateId?: string;
  q?: string;
};

/**
 * Clusters of the current workspace, live ones first by name, then archived ones by archive
 * date (newest first). Rendered configurations are left out of lists (null); get one cluster
 * for them.
 */
export async function listClusters(
  ctx: ServiceContext,
  input: ListClustersInput,
): Promise<{ items: Cluster[]; total: number }> {
  const workspace = requireWorkspace(ctx);
  const where: Prisma.ClusterWhereInput = {
    workspaceId: workspace.id,
    ...(input.withoutArchived ? { archivedAt: null } : {}),
    ...(input.status
      ? { status: input.status.toUpperCase() as Prisma.ClusterWhereInput['status'] }
      : {}),
    ...(input.clusterTemplateId
      ? { clusterTemplateVersion: { clusterTemplateId: input.clusterTemplateId } }
      : {}),
    ...(input.q ? { name: { contains: input.q, mode: 'insensitive' } } : {}),
  };
  const [rows, total] = await Promise.all([
    ctx.db.cluster.findMany({
      where,
      include: CLUSTER_DTO_INCLUDE,
      orderBy: [{ archiveNumber: 'asc' }, { archivedAt: 'desc' }, { name: 'asc' }],
      take: input.limit,
      skip: input.offset,
    }),
    ctx.db.cluster.count({ where }),
  ]);
  return {
    items: rows.map((row) =>
      toClusterDto(row, { withRendered: false, encryptor: ctx.encryptor, secretKeys: [] }),
    ),
    total,
  };
}
