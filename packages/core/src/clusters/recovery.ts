import type { Cluster } from '@commander/contracts';

import { recordAudit } from '../audit/record-audit.js';
import type { ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { notifyChange } from '../events/notify.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';
import { archiveCluster } from './archive.js';
import { CLUSTER_DTO_INCLUDE, toClusterDto } from './cluster-dto.js';
import { loadCluster } from './get-cluster.js';
import { nextStatus } from './status-machine.js';

/** Statuses in which a cluster may be archived without cleanup (a failed deletion). */
export const ARCHIVE_WITHOUT_CLEANUP_STATUSES = ['DELETION_FAILED'] as const;

/**
 * "Archive without cleanup" after a failed deletion: the cluster record is archived (GET answers
 * 404 afterwards, its name is free again) without touching its infrastructure — whatever dhctl
 * left behind must be removed by hand. The inventory records it held are released and queued
 * operations are superseded.
 * @throws AppError not_found; invalid_state unless the cluster is in deletion_failed;
 *   operation_in_progress while one of its operations runs
 */
export async function archiveClusterWithoutCleanup(
  ctx: ServiceContext,
  id: string,
): Promise<Cluster> {
  const workspace = requireWorkspace(ctx);
  await loadCluster(ctx, id);
  const row = await ctx.db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM clusters WHERE id = ${id}::uuid FOR UPDATE`;
    const fresh = await tx.cluster.findUniqueOrThrow({ where: { id } });
    if (
      fresh.archivedAt ||
      !(ARCHIVE_WITHOUT_CLEANUP_STATUSES as readonly string[]).includes(fresh.status)
    ) {
      throw new AppError(
        'invalid_state',
        `Only a cluster whose deletion failed can be archived without cleanup (status ${fresh.status.toLowerCase()})`,
        { status: fresh.status.toLowerCase() },
      );
    }
    const running = await tx.clusterOperation.count({
      where: { clusterId: id, status: 'RUNNING' },
    });
    if (running > 0) {
      throw new AppError('operation_in_progress', 'An operation of this cluster is running');
    }
    const to = nextStatus(fresh.status, 'archived_without_cleanup');
    const released = await tx.record.count({ where: { clusterId: id } });
    await archiveCluster(tx, id, to as 'DELETED');
    await recordAudit(tx, ctx, {
      action: 'archive_without_cleanup',
      auditableType: 'Cluster',
      auditableId: id,
      changes: {
        status: [fresh.status.toLowerCase(), to.toLowerCase()],
        event: 'archived_without_cleanup',
        released_records: released,
      },
    });
    await notifyChange(tx, {
      type: 'cluster',
      id,
      workspace_id: workspace.id,
      cluster_id: id,
      action: 'archived_without_cleanup',
    });
    return tx.cluster.findUniqueOrThrow({ where: { id }, include: CLUSTER_DTO_INCLUDE });
  });
  return toClusterDto(row, { withRendered: false, encryptor: ctx.encryptor });
}
