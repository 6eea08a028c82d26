import type { ClusterStatus, Tx } from '@commander/db';

import type { ServiceContext } from '../context.js';
import { openChangeRequest } from './open-change-request.js';
import { queueOperation } from './queue-operation.js';
import { canTransition } from './status-machine.js';
import { transitionCluster } from './transition.js';

export type ConvergeTarget = {
  id: string;
  workspaceId: string;
  status: ClusterStatus;
  changeMode: 'AUTO' | 'MANUAL';
  desiredRevision: number;
};

/**
 * A new desired revision of an installed cluster should be applied: in auto mode a converge is
 * queued (a queued one absorbs it); in manual mode the cluster waits in pending_changes with a
 * change request for a person to approve.
 */
export async function requestConverge(
  tx: Tx,
  ctx: ServiceContext,
  cluster: ConvergeTarget,
): Promise<void> {
  if (cluster.changeMode === 'MANUAL') {
    if (canTransition(cluster.status, 'change_pending')) {
      await transitionCluster(tx, ctx, cluster, 'change_pending');
    }
    await openChangeRequest(tx, {
      clusterId: cluster.id,
      workspaceId: cluster.workspaceId,
      destructive: false,
      destructiveChangeId: null,
      desiredRevision: cluster.desiredRevision,
    });
    return;
  }
  if (canTransition(cluster.status, 'change_queued')) {
    await transitionCluster(tx, ctx, cluster, 'change_queued');
  }
  await queueOperation(tx, ctx, {
    clusterId: cluster.id,
    workspaceId: cluster.workspaceId,
    kind: 'UPDATE',
    desiredRevision: cluster.desiredRevision,
  });
}
