import type { OperationKind, Prisma, Tx } from '@commander/db';

import type { ServiceContext } from '../context.js';
import { notifyChange } from '../events/notify.js';
import { enqueueTask, OPERATION_PRIORITY } from '../tasks/enqueue.js';
import { OPERATION_TASKS } from '../tasks/registry.js';

export type QueueOperationInput = {
  clusterId: string;
  workspaceId: string;
  kind: OperationKind;
  /** Desired revision the operation applies (install/update). */
  desiredRevision?: number | null;
  approveDestructionChangeId?: string | null;
  /** Run no earlier than this (retries). */
  runAt?: Date;
};

/**
 * Creates an operation row and its graphile job in the caller's transaction. A converge that
 * is still queued absorbs later changes (it always applies the latest desired revision), so
 * queueing another UPDATE returns the queued one instead of piling up a second.
 */
export async function queueOperation(
  tx: Tx,
  ctx: ServiceContext,
  input: QueueOperationInput,
): Promise<{ id: string; coalesced: boolean }> {
  if (input.kind === 'UPDATE' || input.kind === 'CHECK') {
    const queued = await tx.clusterOperation.findFirst({
      where: { clusterId: input.clusterId, kind: input.kind, status: 'QUEUED' },
      select: { id: true },
    });
    if (queued) {
      if (input.kind === 'UPDATE') {
        await tx.clusterOperation.update({
          where: { id: queued.id },
          data: {
            desiredRevision: input.desiredRevision ?? null,
            approveDestructionChangeId: input.approveDestructionChangeId ?? undefined,
          },
        });
      }
      return { id: queued.id, coalesced: true };
    }
  }
  const data: Prisma.ClusterOperationUncheckedCreateInput = {
    clusterId: input.clusterId,
    kind: input.kind,
    status: 'QUEUED',
    desiredRevision: input.desiredRevision ?? null,
    approveDestructionChangeId: input.approveDestructionChangeId ?? null,
    requestedByType: ctx.actor.type,
    requestedById: ctx.actor.id,
    requestedByName: ctx.actor.name,
  };
  const op = await tx.clusterOperation.create({ data, select: { id: true } });
  await enqueueTask(
    tx,
    OPERATION_TASKS[input.kind],
    { operationId: op.id },
    {
      runAt: input.runAt,
      maxAttempts: 5,
      // People (sessions, API tokens) before the system's own work.
      priority:
        ctx.actor.type === 'system' || ctx.actor.type === 'agent'
          ? OPERATION_PRIORITY.background
          : OPERATION_PRIORITY.interactive,
    },
  );
  await notifyChange(tx, {
    type: 'operation',
    id: op.id,
    workspace_id: input.workspaceId,
    cluster_id: input.clusterId,
    action: 'queued',
  });
  return { id: op.id, coalesced: false };
}
