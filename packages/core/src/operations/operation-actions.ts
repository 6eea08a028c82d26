import type { Operation } from '@commander/contracts';
import { type OperationKind, queueCheckRow } from '@commander/db';

import { auditRow, printAudit, recordAudit } from '../audit/record-audit.js';
import { loadCluster } from '../cluster-state/load-cluster.js';
import { lockClusterRow } from '../cluster-state/lock-cluster.js';
import { toOperationDto } from '../cluster-state/operation-dto.js';
import { queueOperation } from '../cluster-state/queue-operation.js';
import { canTransition, FINAL_STATUSES } from '../cluster-state/status-machine.js';
import { transitionCluster } from '../cluster-state/transition.js';
import type { ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { EVENTS_CHANNEL, notifyChange } from '../events/notify.js';
import { enqueueTask } from '../tasks/enqueue.js';
import { OPERATION_TASKS } from '../tasks/registry.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';

/** Statuses a configuration check makes sense in (installed, managed, not busy changing). */
const CHECKABLE = new Set([
  'IN_SYNC',
  'OUT_OF_SYNC',
  'PENDING_CHANGES',
  'DESTRUCTIVE_CHANGES',
  'SYNCHRONIZATION_FAILURE',
  'UNKNOWN',
]);

/**
 * Queues a configuration check (reconcile) now. At most one check waits per cluster.
 * @throws AppError not_found, invalid_state when the cluster is not installed or is archived.
 */
export async function checkClusterNow(ctx: ServiceContext, clusterId: string): Promise<Operation> {
  const workspace = requireWorkspace(ctx);
  const cluster = await loadCluster(ctx, clusterId);
  if (!cluster.wasCreated || !CHECKABLE.has(cluster.status)) {
    throw new AppError(
      'invalid_state',
      `A cluster in status ${cluster.status.toLowerCase()} cannot be checked now`,
    );
  }
  // One statement (operation, job, event, audit): the check is created a moment before its
  // job's NOTIFY goes out, so a waiting replica starts it within milliseconds.
  const audit = { action: 'check', auditableType: 'Cluster', auditableId: clusterId };
  const row = auditRow(ctx, audit);
  const queued = await queueCheckRow(ctx.db, {
    clusterId,
    workspaceId: workspace.id,
    taskIdentifier: OPERATION_TASKS.CHECK,
    maxAttempts: 5,
    requestedBy: { type: ctx.actor.type, id: ctx.actor.id, name: ctx.actor.name },
    audit: row,
    eventsChannel: EVENTS_CHANNEL,
  });
  printAudit(ctx, audit, row.changes, queued.auditedAt);
  return toOperationDto(
    queued.operation ??
      (await ctx.db.clusterOperation.findUniqueOrThrow({ where: { id: queued.waitingId! } })),
  );
}

/** The status event that puts a failed cluster back in line for each kind of retry. */
const RETRY_KINDS: Partial<Record<string, OperationKind>> = {
  CREATION_FAILED: 'INSTALL',
  SYNCHRONIZATION_FAILURE: 'UPDATE',
  DELETION_FAILED: 'DELETE',
};

/**
 * Retries the failed operation of a cluster (install after a creation error, converge after a
 * change error, destroy after a deletion error, or the last failed check/attach). dhctl
 * resumes from the state the failed attempt left.
 * @throws AppError not_found, invalid_state when there is nothing to retry.
 */
export async function retryCluster(ctx: ServiceContext, clusterId: string): Promise<Operation> {
  const workspace = requireWorkspace(ctx);
  const cluster = await loadCluster(ctx, clusterId);
  const last = await ctx.db.clusterOperation.findFirst({
    where: { clusterId },
    orderBy: { createdAt: 'desc' },
  });
  const kind =
    RETRY_KINDS[cluster.status] ??
    (last && ['FAILED', 'CANCELLED'].includes(last.status) ? last.kind : undefined);
  if (!kind || FINAL_STATUSES.has(cluster.status)) {
    throw new AppError(
      'invalid_state',
      `Nothing to retry: cluster is ${cluster.status.toLowerCase()} and its last operation did not fail`,
    );
  }
  const active = await ctx.db.clusterOperation.count({
    where: { clusterId, status: { in: ['QUEUED', 'RUNNING'] } },
  });
  if (active > 0) {
    throw new AppError(
      'operation_in_progress',
      'An operation of this cluster is queued or running',
    );
  }
  const opId = await ctx.db.$transaction(async (tx) => {
    if (kind === 'INSTALL' && canTransition(cluster.status, 'install_queued')) {
      await transitionCluster(tx, ctx, cluster, 'install_queued');
    }
    if (kind === 'DELETE' && canTransition(cluster.status, 'delete_requested')) {
      await transitionCluster(tx, ctx, cluster, 'delete_requested');
    }
    const { id } = await queueOperation(tx, ctx, {
      clusterId,
      workspaceId: workspace.id,
      kind,
      desiredRevision: kind === 'INSTALL' || kind === 'UPDATE' ? cluster.desiredRevision : null,
    });
    await recordAudit(tx, ctx, {
      action: 'retry',
      auditableType: 'Cluster',
      auditableId: clusterId,
      changes: { operation: kind.toLowerCase() },
    });
    return id;
  });
  return toOperationDto(await ctx.db.clusterOperation.findUniqueOrThrow({ where: { id: opId } }));
}

/**
 * Cancels an operation: a queued one at once; a running one is asked to stop (its replica
 * sends dhctl a cancel and records the operation as cancelled, the cluster as failed for that
 * kind of work, ready to retry).
 * @throws AppError not_found, invalid_state when the operation already finished.
 */
export async function cancelOperation(
  ctx: ServiceContext,
  operationId: string,
): Promise<Operation> {
  const workspace = requireWorkspace(ctx);
  const op = await ctx.db.clusterOperation.findFirst({
    where: { id: operationId, cluster: { workspaceId: workspace.id } },
  });
  if (!op) {
    throw notFound('Operation', operationId);
  }
  if (op.status !== 'QUEUED' && op.status !== 'RUNNING') {
    throw new AppError(
      'invalid_state',
      `The operation already finished (${op.status.toLowerCase()})`,
    );
  }
  await ctx.db.$transaction(async (tx) => {
    await lockClusterRow(tx, op.clusterId);
    const fresh = await tx.clusterOperation.findUniqueOrThrow({ where: { id: operationId } });
    const cluster = await tx.cluster.findUniqueOrThrow({ where: { id: op.clusterId } });
    if (fresh.status === 'QUEUED') {
      await tx.clusterOperation.update({
        where: { id: operationId },
        data: {
          status: 'CANCELLED',
          finishedAt: new Date(),
          error: `cancelled by ${ctx.actor.name}`,
        },
      });
      if (fresh.kind === 'INSTALL' && cluster.status === 'NEW') {
        await tx.cluster.update({ where: { id: cluster.id }, data: { status: 'CREATING' } });
        await transitionCluster(tx, ctx, { ...cluster, status: 'CREATING' }, 'install_failed');
      } else if (fresh.kind === 'UPDATE' && cluster.status === 'OUT_OF_SYNC') {
        await tx.cluster.update({ where: { id: cluster.id }, data: { status: 'CHANGING' } });
        await transitionCluster(tx, ctx, { ...cluster, status: 'CHANGING' }, 'converge_failed');
      } else if (fresh.kind === 'DELETE' && cluster.status === 'DELETE') {
        await transitionCluster(tx, ctx, cluster, 'delete_failed');
      }
    } else if (fresh.status === 'RUNNING') {
      await tx.clusterOperation.update({
        where: { id: operationId },
        data: { cancelRequestedAt: new Date() },
      });
    }
    await recordAudit(tx, ctx, {
      action: 'cancel',
      auditableType: 'ClusterOperation',
      auditableId: operationId,
      changes: { kind: fresh.kind.toLowerCase() },
    });
    await notifyChange(tx, {
      type: 'operation',
      id: operationId,
      workspace_id: workspace.id,
      cluster_id: op.clusterId,
      action: 'cancel',
    });
  });
  return toOperationDto(
    await ctx.db.clusterOperation.findUniqueOrThrow({ where: { id: operationId } }),
  );
}

/**
 * Gives a running operation back to the queue (a replica stopping on SIGTERM after a phase
 * boundary): another replica resumes it from the stored phase state.
 */
export async function handBackOperation(ctx: ServiceContext, operationId: string): Promise<void> {
  await ctx.db.$transaction(async (tx) => {
    const op = await tx.clusterOperation.update({
      where: { id: operationId },
      data: {
        status: 'QUEUED',
        managerReplicaId: null,
        managerInstanceId: null,
        heartbeatAt: new Date(),
      },
      include: { cluster: { select: { workspaceId: true } } },
    });
    await enqueueTask(tx, OPERATION_TASKS[op.kind], { operationId }, { maxAttempts: 5 });
    await notifyChange(tx, {
      type: 'operation',
      id: operationId,
      workspace_id: op.cluster.workspaceId,
      cluster_id: op.clusterId,
      action: 'handed_back',
    });
  });
}
