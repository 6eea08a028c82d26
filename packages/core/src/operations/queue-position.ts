import type { DbOrTx } from '@commander/db';

import { OPERATION_TASKS } from '../tasks/registry.js';

const TASKS = Object.values(OPERATION_TASKS);

/**
 * Where a queued operation's job stands: 1 when it is next, n when n − 1 ready operation jobs
 * come before it in the order the managers take them (priority, then run_at, then id), or
 * null when it has no waiting job (taken, not yet due, or gone). graphile-worker's public
 * `jobs` view has no payload, so this reads its private tables (one indexed lookup by payload
 * is not available: the scan covers only waiting operation jobs, a short list).
 */
export async function queuePosition(db: DbOrTx, operationId: string): Promise<number | null> {
  const rows = await db.$queryRaw<{ position: number | null }[]>`
    WITH waiting AS (
      SELECT j.id, j.priority, j.run_at, j.payload
        FROM graphile_worker._private_jobs j
        JOIN graphile_worker._private_tasks t ON t.id = j.task_id
       WHERE t.identifier = ANY(${TASKS}::text[])
         AND j.locked_at IS NULL
         AND j.attempts < j.max_attempts
    ), me AS (
      SELECT id, priority, run_at FROM waiting WHERE payload->>'operationId' = ${operationId}
    )
    SELECT CASE WHEN me.run_at > now() THEN NULL ELSE (
             SELECT count(*)::int + 1 FROM waiting w
              WHERE w.run_at <= now()
                AND (w.priority, w.run_at, w.id) < (me.priority, me.run_at, me.id)
           ) END AS position
      FROM me`;
  return rows[0]?.position ?? null;
}
