import type { ServiceContext } from '../context.js';
import { queueOperation } from './queue-operation.js';

/** Statuses the reconcile scheduler checks. */
const RECONCILED = [
  'IN_SYNC',
  'OUT_OF_SYNC',
  'SYNCHRONIZATION_FAILURE',
  'PENDING_CHANGES',
  'DESTRUCTIVE_CHANGES',
  'UNKNOWN',
] as const;

/**
 * The reconcile scheduler: queues a check for every installed cluster whose check interval
 * elapsed and that has no operation queued or running. One replica schedules at a time
 * (transaction-level advisory lock); a cluster never gets a second pending check.
 * @returns the number of checks queued.
 */
export async function scheduleDueChecks(ctx: ServiceContext, limit = 500): Promise<number> {
  return ctx.db.$transaction(async (tx) => {
    const [lock] = await tx.$queryRaw<
      { locked: boolean }[]
    >`SELECT pg_try_advisory_xact_lock(727003) AS locked`;
    if (!lock?.locked) {
      return 0;
    }
    const due = await tx.$queryRaw<{ id: string; workspace_id: string }[]>`
      SELECT c.id, c.workspace_id FROM clusters c
      WHERE c.archived_at IS NULL AND c.was_created
        AND c.status::text = ANY(${[...RECONCILED]}::text[])
        AND (c.next_check_at IS NULL OR c.next_check_at <= now())
        AND NOT EXISTS (
          SELECT 1 FROM cluster_operations o WHERE o.cluster_id = c.id AND o.status IN ('QUEUED', 'RUNNING'))
      ORDER BY c.next_check_at NULLS FIRST
      LIMIT ${limit}`;
    for (const cluster of due) {
      await queueOperation(tx, ctx, {
        clusterId: cluster.id,
        workspaceId: cluster.workspace_id,
        kind: 'CHECK',
      });
      await tx.cluster.update({ where: { id: cluster.id }, data: { nextCheckAt: null } });
    }
    return due.length;
  });
}
