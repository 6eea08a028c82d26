import type { Tx } from '@commander/db';

/**
 * Archives a cluster: it leaves the live list (its name becomes free again), keeps its
 * configuration, and frees the inventory records it held exclusively.
 */
export async function archiveCluster(
  tx: Tx,
  clusterId: string,
  status: 'DELETED' | 'DETACHED',
): Promise<void> {
  const cluster = await tx.cluster.findUniqueOrThrow({
    where: { id: clusterId },
    select: { workspaceId: true, name: true },
  });
  const last = await tx.cluster.aggregate({
    where: { workspaceId: cluster.workspaceId, name: cluster.name },
    _max: { archiveNumber: true },
  });
  await tx.cluster.update({
    where: { id: clusterId },
    data: {
      status,
      archivedAt: new Date(),
      archiveNumber: (last._max.archiveNumber ?? 0) + 1,
      agentKeyHash: null,
      nextCheckAt: null,
      currentRevision: { increment: 1 },
    },
  });
  await tx.record.updateMany({ where: { clusterId }, data: { clusterId: null } });
  await tx.clusterRecordUsage.deleteMany({ where: { clusterId } });
  await tx.clusterOperation.updateMany({
    where: { clusterId, status: 'QUEUED' },
    data: { status: 'SUPERSEDED', finishedAt: new Date() },
  });
  await tx.changeRequest.updateMany({
    where: { clusterId, status: 'PENDING' },
    data: { status: 'SUPERSEDED' },
  });
}
