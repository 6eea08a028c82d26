import type { Db } from '@commander/db';

/**
 * How long finished operations (and their log lines) are kept, by class; an age of 0 keeps
 * that class forever. A class is deleted at the shortest age of the rules it falls under (an
 * in-sync check is also a check).
 */
export type OperationRetention = {
  /** Succeeded checks that found the cluster in sync: the volume (one per cluster per interval). */
  inSyncChecksMs: number;
  /** Every other finished check (drift found, failed, cancelled). */
  checksMs: number;
  /** Finished operations of every other kind (install, update, delete, attach, detach...). */
  othersMs: number;
  /** Operations deleted per statement (their log lines go with them). */
  batchSize: number;
  /** Statements per run at most (each its own short transaction). */
  maxBatches: number;
};

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

export const DEFAULT_OPERATION_RETENTION: OperationRetention = {
  inSyncChecksMs: 24 * HOUR_MS,
  checksMs: 14 * DAY_MS,
  othersMs: 90 * DAY_MS,
  batchSize: 1_000,
  maxBatches: 20,
};

/** Advisory lock of one batch: one replica deletes at a time. */
const RETENTION_LOCK = 727005;

/**
 * One batch: up to `$5` finished operations past their class's age, oldest status range first,
 * none of those still needed, deleted with their log lines (`operation_logs` cascades).
 *
 * Kept whatever their age:
 * - queued and running operations (only finished statuses are candidates);
 * - the latest operation of each kind of each cluster (the cluster page's last operation and
 *   last check, `retry` reads the last one): an operation with no newer one of its kind on its
 *   cluster. Ties keep both. A newer operation only ever makes an older one expendable, so a
 *   concurrent insert cannot make this judgement unsafe;
 * - an operation a change request points at (the converge its approval queued);
 * - an operation the audit log names (a cancel), and a replica's current operation;
 * - a succeeded install or update whose revision still has its snapshot (`cluster_revisions`):
 *   rollback (clusters/recovery.ts) offers the revisions such operations applied.
 *
 * Rows are locked `FOR UPDATE SKIP LOCKED` (and re-checked by PostgreSQL when locked), and the
 * batch runs under a transaction-level advisory try-lock, so two replicas never delete the same
 * rows nor wait on each other; nothing here locks a cluster or a running operation's rows.
 */
const EXPIRE_SQL = `
WITH doomed AS (
  SELECT o.id FROM cluster_operations o
  WHERE o.status IN ('SUCCEEDED', 'FAILED', 'CANCELLED', 'SUPERSEDED')
    AND o.created_at < $1::timestamptz
    AND CASE WHEN o.kind = 'CHECK'
          THEN o.created_at < $3::timestamptz
            OR (o.created_at < $2::timestamptz AND o.status = 'SUCCEEDED'
                AND o.result->>'status' = 'InSync')
          ELSE o.created_at < $4::timestamptz END
    AND CASE WHEN o.kind = 'CHECK'
          THEN EXISTS (SELECT 1 FROM cluster_operations n
                       WHERE n.cluster_id = o.cluster_id AND n.created_at > o.created_at
                         AND n.kind = 'CHECK')
          ELSE EXISTS (SELECT 1 FROM cluster_operations n
                       WHERE n.cluster_id = o.cluster_id AND n.kind <> 'CHECK'
                         AND n.kind = o.kind AND n.created_at > o.created_at) END
    AND NOT EXISTS (SELECT 1 FROM change_requests cr WHERE cr.operation_id = o.id)
    AND NOT EXISTS (SELECT 1 FROM manager_replicas r WHERE r.current_operation_id = o.id)
    AND NOT EXISTS (SELECT 1 FROM audit_events a
                    WHERE a.auditable_type = 'ClusterOperation' AND a.auditable_id = o.id::text)
    AND NOT (o.kind IN ('INSTALL', 'UPDATE') AND o.status = 'SUCCEEDED'
             AND EXISTS (SELECT 1 FROM cluster_revisions cv
                         WHERE cv.cluster_id = o.cluster_id AND cv.revision = o.desired_revision))
  LIMIT $5::int
  FOR UPDATE OF o SKIP LOCKED
), gone AS (
  DELETE FROM cluster_operations o USING doomed WHERE o.id = doomed.id
  RETURNING o.log_count
)
SELECT count(*)::int AS operations, coalesce(sum(log_count), 0)::bigint AS lines FROM gone`;

/** A cutoff: `now - age`, or -infinity when the age is 0 (kept forever) or beyond dates. */
function cutoff(now: Date, ageMs: number): string {
  const at = new Date(now.getTime() - ageMs);
  return ageMs > 0 && !Number.isNaN(at.getTime()) ? at.toISOString() : '-infinity';
}

/**
 * Deletes finished operations older than the policy's ages, with their log lines, in batches of
 * `batchSize` operations (each its own short transaction; at most `maxBatches`, stopping at
 * the first batch that is not full or when another replica holds the lock). What a user or
 * the system still needs is never deleted (see {@link EXPIRE_SQL}). Safe from several replicas
 * at once and against running operations; a SIGKILL loses at most one uncommitted batch.
 * @returns operations deleted, their log lines (as counted on the operation), batches run.
 */
export async function expireOperations(
  db: Db,
  policy: OperationRetention = DEFAULT_OPERATION_RETENTION,
  now: Date = new Date(),
): Promise<{ operations: number; lines: number; batches: number }> {
  const ages = [policy.inSyncChecksMs, policy.checksMs, policy.othersMs].filter(
    (a) => a > 0 && Number.isFinite(a),
  );
  const total = { operations: 0, lines: 0, batches: 0 };
  if (ages.length === 0 || policy.batchSize <= 0) {
    return total;
  }
  const newest = cutoff(now, Math.min(...ages));
  const params = [
    newest,
    cutoff(now, policy.inSyncChecksMs),
    cutoff(now, policy.checksMs),
    cutoff(now, policy.othersMs),
    Math.floor(policy.batchSize),
  ];
  while (total.batches < policy.maxBatches) {
    const batch = await db.$transaction(async (tx) => {
      const [lock] = await tx.$queryRaw<
        { locked: boolean }[]
      >`SELECT pg_try_advisory_xact_lock(${RETENTION_LOCK}) AS locked`;
      if (!lock?.locked) {
        return null;
      }
      const [row] = await tx.$queryRawUnsafe<{ operations: number; lines: bigint }[]>(
        EXPIRE_SQL,
        ...params,
      );
      return { operations: row?.operations ?? 0, lines: Number(row?.lines ?? 0) };
    });
    if (!batch) {
      break;
    }
    total.batches++;
    total.operations += batch.operations;
    total.lines += batch.lines;
    if (batch.operations < policy.batchSize) {
      break;
    }
  }
  return total;
}
