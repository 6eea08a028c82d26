import type { ServiceContext } from '../context.js';
import { EVENTS_CHANNEL } from '../events/notify.js';
import { OPERATION_PRIORITY } from '../tasks/enqueue.js';
import { OPERATION_TASKS } from '../tasks/registry.js';

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
 * Most checks one scheduler pass queues. A pass costs a handful of statements whatever its size,
 * so the cap is only a bound on one transaction: at the managers' default pass every 30 s it
 * allows 166 checks/s, ten times what 10,000 clusters checked every 10 minutes need (16.7/s),
 * so a backlog after an outage is queued at once rather than at the demand's own rate.
 */
export const SCHEDULE_BATCH_LIMIT = 5_000;

/**
 * The reconcile scheduler: queues a check for every installed cluster whose check interval
 * elapsed and that has no operation queued or running. One replica schedules at a time
 * (transaction-level advisory lock); a cluster never gets a second pending check.
 *
 * A pass is a fixed number of statements however many clusters are due (one INSERT of the
 * operations, one UPDATE of the clusters, one `add_jobs` call, one statement of `pg_notify`s),
 * not a round trip per statement per cluster as `queueOperation` would make: at 10,000
 * clusters a pass queues about 500 checks.
 * @returns the number of checks queued.
 */
export async function scheduleDueChecks(
  ctx: ServiceContext,
  limit = SCHEDULE_BATCH_LIMIT,
): Promise<number> {
  return ctx.db.$transaction(async (tx) => {
    const [lock] = await tx.$queryRaw<
      { locked: boolean }[]
    >`SELECT pg_try_advisory_xact_lock(727003) AS locked`;
    if (!lock?.locked) {
      return 0;
    }
    const queued = await tx.$queryRaw<{ id: string; cluster_id: string; workspace_id: string }[]>`
      WITH due AS (
        SELECT c.id, c.workspace_id FROM clusters c
        WHERE c.archived_at IS NULL AND c.was_created
          AND c.status::text = ANY(${[...RECONCILED]}::text[])
          AND (c.next_check_at IS NULL OR c.next_check_at <= now())
          AND NOT EXISTS (
            SELECT 1 FROM cluster_operations o WHERE o.cluster_id = c.id AND o.status IN ('QUEUED', 'RUNNING'))
        ORDER BY c.next_check_at NULLS FIRST
        LIMIT ${limit}
        FOR UPDATE OF c SKIP LOCKED
      ), cleared AS (
        UPDATE clusters c SET next_check_at = NULL FROM due WHERE c.id = due.id
      )
      INSERT INTO cluster_operations
        (cluster_id, kind, status, requested_by_type, requested_by_id, requested_by_name, updated_at)
      SELECT due.id, 'CHECK', 'QUEUED', ${ctx.actor.type}, ${ctx.actor.id}, ${ctx.actor.name}, now()
      FROM due
      RETURNING id::text, cluster_id::text,
        (SELECT due.workspace_id::text FROM due WHERE due.id = cluster_operations.cluster_id)
          AS workspace_id`;
    if (queued.length === 0) {
      return 0;
    }
    const operationIds = queued.map((q) => q.id);
    // The jobs commit with the operations; same task, payload and attempts as queueOperation.
    await tx.$executeRaw`
      SELECT graphile_worker.add_jobs(array_agg(
        (${OPERATION_TASKS.CHECK}::text, json_build_object('operationId', op_id), NULL, NULL, 5::smallint,
         NULL, ${OPERATION_PRIORITY.background}::smallint, NULL)::graphile_worker.job_spec))
      FROM unnest(${operationIds}::text[]) AS op_id`;
    const events = queued.map((q) =>
      JSON.stringify({
        type: 'operation',
        id: q.id,
        workspace_id: q.workspace_id,
        cluster_id: q.cluster_id,
        action: 'queued',
      }),
    );
    await tx.$executeRaw`
      SELECT pg_notify(${EVENTS_CHANNEL}, event) FROM unnest(${events}::text[]) AS event`;
    return queued.length;
  });
}
