import type { Prisma, Tx } from '@commander/db';

import { notifyChange } from '../events/notify.js';

export type OpenChangeRequestInput = {
  clusterId: string;
  workspaceId: string;
  destructive: boolean;
  destructiveChangeId: string | null;
  desiredRevision: number;
  checkResult?: unknown;
};

/**
 * Opens a change request that waits for a person, unless an equivalent one is already pending
 * (same revision and destructive change id). Older pending or approved requests of the cluster
 * are superseded: only the latest plan can be approved.
 */
export async function openChangeRequest(tx: Tx, input: OpenChangeRequestInput): Promise<string> {
  const pending = await tx.changeRequest.findFirst({
    where: {
      clusterId: input.clusterId,
      status: 'PENDING',
      destructive: input.destructive,
      destructiveChangeId: input.destructiveChangeId,
      desiredRevision: input.desiredRevision,
    },
  });
  if (pending) {
    return pending.id;
  }
  await tx.changeRequest.updateMany({
    where: { clusterId: input.clusterId, status: { in: ['PENDING', 'APPROVED'] } },
    data: { status: 'SUPERSEDED' },
  });
  const created = await tx.changeRequest.create({
    data: {
      clusterId: input.clusterId,
      destructive: input.destructive,
      destructiveChangeId: input.destructiveChangeId,
      desiredRevision: input.desiredRevision,
      checkResult:
        input.checkResult === undefined ? undefined : (input.checkResult as Prisma.InputJsonValue),
    },
  });
  await notifyChange(tx, {
    type: 'change_request',
    id: created.id,
    workspace_id: input.workspaceId,
    cluster_id: input.clusterId,
    action: 'opened',
  });
  return created.id;
}

/** Marks approved requests completed once a converge applied their revision. */
export async function completeApprovedChangeRequests(
  tx: Tx,
  clusterId: string,
  appliedRevision: number,
): Promise<void> {
  await tx.changeRequest.updateMany({
    where: { clusterId, status: 'APPROVED', desiredRevision: { lte: appliedRevision } },
    data: { status: 'COMPLETED' },
  });
  await tx.changeRequest.updateMany({
    where: {
      clusterId,
      status: 'PENDING',
      desiredRevision: { lte: appliedRevision },
      destructive: false,
    },
    data: { status: 'SUPERSEDED' },
  });
}
