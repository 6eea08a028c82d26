import type { Db, OperationKind, Prisma, Tx } from '@commander/db';

import { notifyChange } from '../events/notify.js';
import { enqueueTask } from '../tasks/enqueue.js';
import { OPERATION_TASKS } from '../tasks/registry.js';
import { appendOperationLogs } from './execution.js';
import { SecretMasker } from './log-masking.js';

/** An operation put back in the queue because the replica instance running it is gone. */
export type ReleasedOperation = {
  id: string;
  kind: OperationKind;
  clusterId: string;
  lastCompletedPhase: string | null;
};

async function requeue(
  tx: Tx,
  where: Prisma.ClusterOperationWhereInput,
): Promise<ReleasedOperation[]> {
  const ops = await tx.clusterOperation.findMany({
    where: { ...where, status: 'RUNNING' },
    select: {
      id: true,
      kind: true,
      clusterId: true,
      lastCompletedPhase: true,
      cluster: { select: { workspaceId: true } },
    },
  });
  for (const op of ops) {
    const { count } = await tx.clusterOperation.updateMany({
      where: { id: op.id, status: 'RUNNING' },
      data: {
        status: 'QUEUED',
        managerReplicaId: null,
        managerInstanceId: null,
        heartbeatAt: new Date(),
      },
    });
    if (count === 0) {
      continue;
    }
    // A fresh job too: the unlocked one may have used up its attempts on earlier crashes. A
    // duplicate is harmless (the claim of an operation that is no longer queued is a no-op).
    await enqueueTask(tx, OPERATION_TASKS[op.kind], { operationId: op.id }, { maxAttempts: 5 });
    await notifyChange(tx, {
      type: 'operation',
      id: op.id,
      workspace_id: op.cluster.workspaceId,
      cluster_id: op.clusterId,
      action: 'handed_back',
    });
  }
  return ops.map(({ cluster: _cluster, ...op }) => op);
}

async function logResume(db: Db, released: ReleasedOperation[], reason: string): Promise<void> {
  for (const op of released) {
    await appendOperationLogs(
      db,
      op.id,
      [
        `${reason}: the operation is queued again and resumes after phase ${op.lastCompletedPhase ?? '(start)'}`,
        // Commander's own text, no secret in it: an empty masker.
      ],
      new SecretMasker(),
    ).catch(() => undefined);
  }
}

/**
 * Releases what a manager replica instance that is gone (killed, declared dead, or replaced by
 * a new process of the same name) held, in one transaction: graphile-worker's locks on its
 * jobs (`force_unlock_workers` with its worker and pool ids) and its running operations, which
 * go back to QUEUED with a fresh job and resume from their last stored phase state.
 * `instanceId` null releases the rows of a replica from before instance ids (by name).
 */
export async function releaseReplicaInstance(
  db: Db,
  input: { replicaId: string; instanceId: string | null; workerIds: string[]; reason: string },
): Promise<ReleasedOperation[]> {
  const released = await db.$transaction(async (tx) => {
    if (input.workerIds.length > 0) {
      await tx.$executeRaw`SELECT graphile_worker.force_unlock_workers(${input.workerIds}::text[])`;
    }
    return requeue(
      tx,
      input.instanceId
        ? { managerInstanceId: input.instanceId }
        : { managerReplicaId: input.replicaId, managerInstanceId: null },
    );
  });
  await logResume(db, released, input.reason);
  return released;
}

/**
 * The safety net of "never running without a live instance": running operations whose instance
 * has no live registration (no `manager_replicas` row with that instance id and no stop time)
 * and whose heartbeat is older than `staleBefore` go back to the queue.
 */
export async function requeueOrphanedOperations(db: Db, staleBefore: Date): Promise<number> {
  const released = await db.$transaction(async (tx) => {
    const orphans = await tx.$queryRaw<{ id: string }[]>`
      SELECT o.id FROM cluster_operations o
      WHERE o.status = 'RUNNING' AND o.manager_instance_id IS NOT NULL
        AND o.heartbeat_at < ${staleBefore}
        AND NOT EXISTS (
          SELECT 1 FROM manager_replicas r
          WHERE r.instance_id = o.manager_instance_id AND r.stopped_at IS NULL)
      FOR UPDATE OF o SKIP LOCKED`;
    if (orphans.length === 0) {
      return [];
    }
    return requeue(tx, { id: { in: orphans.map((o) => o.id) } });
  });
  await logResume(db, released, 'The replica running this operation is gone');
  return released.length;
}
