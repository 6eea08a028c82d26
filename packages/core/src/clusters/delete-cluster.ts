import type { Cluster } from '@commander/contracts';

import { recordAudit } from '../audit/record-audit.js';
import { archiveCluster } from '../cluster-state/archive.js';
import { CLUSTER_DTO_INCLUDE, toClusterDto } from '../cluster-state/cluster-dto.js';
import { loadCluster } from '../cluster-state/load-cluster.js';
import { lockedCluster } from '../cluster-state/lock-cluster.js';
import { queueOperation } from '../cluster-state/queue-operation.js';
import { nextStatus } from '../cluster-state/status-machine.js';
import type { ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { notifyChange } from '../events/notify.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';

/**
 * Deletes a cluster. An installed (or partly installed) cluster gets status `delete` and a
 * destroy operation; after it, the cluster is archived and `GET` answers 404. A cluster that
 * never reached dhctl (new with its install still queued, or a configuration error) is archived
 * at once.
 * @throws AppError not_found; already_deleted when a deletion is already under way.
 */
export async function deleteCluster(ctx: ServiceContext, id: string): Promise<Cluster> {
  const workspace = requireWorkspace(ctx);
  const cluster = await loadCluster(ctx, id);
  if (cluster.status === 'DELETE') {
    throw new AppError('already_deleted', `Cluster "${cluster.name}" is already being deleted`);
  }
  const row = await ctx.db.$transaction(async (tx) => {
    // Serialise with other writers of this cluster (a concurrent delete or update).
    const fresh = await lockedCluster(tx, id);
    if (fresh.status === 'DELETE') {
      throw new AppError('already_deleted', `Cluster "${fresh.name}" is already being deleted`);
    }
    const started = await tx.clusterOperation.count({
      where: {
        clusterId: id,
        kind: { in: ['INSTALL', 'ATTACH'] },
        // An install taken back from a dead replica is queued again but did reach dhctl.
        OR: [{ status: { in: ['RUNNING', 'SUCCEEDED', 'FAILED'] } }, { attempt: { gt: 0 } }],
      },
    });
    const neverReachedDhctl = !fresh.wasCreated && started === 0;
    if (neverReachedDhctl) {
      await tx.clusterOperation.updateMany({
        where: { clusterId: id, status: 'QUEUED' },
        data: { status: 'CANCELLED', finishedAt: new Date() },
      });
      await archiveCluster(tx, id, 'DELETED');
    } else {
      const status = nextStatus(fresh.status, 'delete_requested');
      await tx.clusterOperation.updateMany({
        where: { clusterId: id, status: 'QUEUED', kind: { in: ['UPDATE', 'CHECK'] } },
        data: { status: 'SUPERSEDED', finishedAt: new Date() },
      });
      await tx.changeRequest.updateMany({
        where: { clusterId: id, status: 'PENDING' },
        data: { status: 'SUPERSEDED' },
      });
      await tx.cluster.update({
        where: { id },
        data: { status, nextCheckAt: null, currentRevision: { increment: 1 } },
      });
      await queueOperation(tx, ctx, { clusterId: id, workspaceId: workspace.id, kind: 'DELETE' });
    }
    await recordAudit(tx, ctx, {
      action: 'delete',
      auditableType: 'Cluster',
      auditableId: id,
      changes: { status: [fresh.status.toLowerCase(), neverReachedDhctl ? 'deleted' : 'delete'] },
    });
    await notifyChange(tx, {
      type: 'cluster',
      id,
      workspace_id: workspace.id,
      cluster_id: id,
      action: 'delete',
    });
    return tx.cluster.findUniqueOrThrow({ where: { id }, include: CLUSTER_DTO_INCLUDE });
  });
  return toClusterDto(row, { withRendered: true, encryptor: ctx.encryptor, secretKeys: [] });
}
