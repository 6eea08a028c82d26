import type { Cluster, UpdateClusterBody } from '@commander/contracts';

import { recordAudit } from '../audit/record-audit.js';
import { archiveCluster } from '../cluster-state/archive.js';
import { CLUSTER_DTO_INCLUDE, toClusterDto } from '../cluster-state/cluster-dto.js';
import { loadCluster, readSecretValues } from '../cluster-state/load-cluster.js';
import { lockedCluster } from '../cluster-state/lock-cluster.js';
import { FINAL_STATUSES, nextStatus } from '../cluster-state/status-machine.js';
import type { ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { notifyChange } from '../events/notify.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';
import { rollbackTarget } from './revisions.js';
import { updateCluster } from './update-cluster.js';

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
    const fresh = await lockedCluster(tx, id);
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

/** Statuses in which a rollback is refused: deletion, attach/join, archived. */
const NOT_ROLLBACKABLE = new Set(['DELETE', 'DELETION_FAILED', 'READY_TO_JOIN', 'JOINING']);

/**
 * Rolls a cluster back to its last applied revision: the template version and values of the
 * newest successfully applied revision older than the desired one become a new desired
 * revision, converged like any change — queued at once in auto change mode, a change request to
 * approve in manual mode.
 * @throws AppError not_found; invalid_state when the cluster was never installed, is being
 *   deleted or has no earlier applied revision on record; operation_in_progress while one of its
 *   operations runs; template_version_unavailable, immutable_field as a change would
 */
export async function rollbackCluster(ctx: ServiceContext, id: string): Promise<Cluster> {
  const cluster = await loadCluster(ctx, id);
  if (FINAL_STATUSES.has(cluster.status) || NOT_ROLLBACKABLE.has(cluster.status)) {
    throw new AppError(
      'invalid_state',
      `A cluster in status ${cluster.status.toLowerCase()} cannot be rolled back`,
      { status: cluster.status.toLowerCase() },
    );
  }
  if (!cluster.wasCreated || cluster.appliedRevision === null) {
    throw new AppError('invalid_state', 'The cluster has no applied revision to roll back to');
  }
  const running = await ctx.db.clusterOperation.count({
    where: { clusterId: id, status: 'RUNNING' },
  });
  if (running > 0 || cluster.status === 'CHANGING') {
    throw new AppError('operation_in_progress', 'An operation of this cluster is running');
  }
  const succeeded = await ctx.db.clusterOperation.findMany({
    where: {
      clusterId: id,
      status: 'SUCCEEDED',
      kind: { in: ['INSTALL', 'UPDATE'] },
      desiredRevision: { lt: cluster.desiredRevision },
    },
    select: { desiredRevision: true },
  });
  const applied = [cluster.appliedRevision, ...succeeded.map((o) => o.desiredRevision)];
  const candidates = [...new Set(applied.filter((r): r is number => r !== null))];
  // The newest applied revision whose configuration is on record.
  let target: number | null = rollbackTarget(cluster.desiredRevision, candidates);
  let snapshot = null;
  while (target !== null) {
    snapshot = await ctx.db.clusterRevision.findUnique({
      where: { clusterId_revision: { clusterId: id, revision: target } },
    });
    if (snapshot) {
      break;
    }
    target = rollbackTarget(target, candidates);
  }
  if (target === null || !snapshot || !snapshot.clusterTemplateVersionId) {
    throw new AppError(
      'invalid_state',
      'There is no earlier applied revision of this cluster to roll back to',
      { desired_revision: cluster.desiredRevision, applied_revision: cluster.appliedRevision },
    );
  }
  const versionInWorkspace = await ctx.db.clusterTemplateVersion.count({
    where: {
      id: snapshot.clusterTemplateVersionId,
      clusterTemplate: { workspaceId: cluster.workspaceId },
    },
  });
  if (versionInWorkspace === 0) {
    // E.g. the cluster moved to another workspace since, or the version was deleted.
    throw new AppError(
      'invalid_state',
      `The template version of revision ${target} is not in this workspace any more`,
      { revision: target },
    );
  }
  const values = {
    ...(snapshot.values as Record<string, unknown>),
    ...readSecretValues(ctx, snapshot.secretValuesEncrypted),
  };
  return updateCluster(
    ctx,
    id,
    {
      name: cluster.name,
      cluster_template_version_id: snapshot.clusterTemplateVersionId,
      values: values as UpdateClusterBody['values'],
      current_revision: cluster.currentRevision,
    },
    { rollbackTo: target },
  );
}
