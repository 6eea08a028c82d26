import type { ClusterStatus, Prisma, Tx } from '@commander/db';

import { recordAudit } from '../audit/record-audit.js';
import type { ServiceContext } from '../context.js';
import { notifyChange } from '../events/notify.js';
import { type ClusterEvent, nextStatus } from './status-machine.js';

/**
 * Moves a cluster through the status machine inside the caller's transaction, with more column
 * changes if given, and audits the transition (who, from, to, why).
 * @throws AppError invalid_state when the event is not allowed in the cluster's status.
 */
export async function transitionCluster(
  tx: Tx,
  ctx: ServiceContext,
  cluster: { id: string; status: ClusterStatus; workspaceId: string },
  event: ClusterEvent,
  data: Prisma.ClusterUncheckedUpdateInput = {},
): Promise<ClusterStatus> {
  const to = nextStatus(cluster.status, event);
  await tx.cluster.update({ where: { id: cluster.id }, data: { ...data, status: to } });
  if (to !== cluster.status) {
    await recordAudit(tx, ctx, {
      action: 'update',
      auditableType: 'Cluster',
      auditableId: cluster.id,
      changes: { status: [cluster.status.toLowerCase(), to.toLowerCase()], event },
    });
  }
  await notifyChange(tx, {
    type: 'cluster',
    id: cluster.id,
    workspace_id: cluster.workspaceId,
    cluster_id: cluster.id,
    action: event,
  });
  return to;
}
