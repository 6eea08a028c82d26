import type { DbOrTx } from '@commander/db';

import { type TaskName, type TaskPayload, TaskPayloads } from './registry.js';

export type EnqueueOptions = {
  jobKey?: string;
  jobKeyMode?: 'replace' | 'preserve_run_at' | 'unsafe_dedupe';
  runAt?: Date;
  maxAttempts?: number;
  /** graphile-worker priority: lower runs first (default 0). */
  priority?: number;
};

/**
 * Job priorities of operations: what a person started or approved runs before background work
 * (scheduled checks, the managers' own follow-ups) queued earlier.
 */
export const OPERATION_PRIORITY = { interactive: 0, background: 10 } as const;

/**
 * Adds a graphile-worker job inside the caller's transaction, so it commits or rolls back with
 * the rows it belongs to (STYLE rule 9).
 */
export async function enqueueTask<N extends TaskName>(
  db: DbOrTx,
  name: N,
  payload: TaskPayload<N>,
  options: EnqueueOptions = {},
): Promise<void> {
  const body = JSON.stringify(TaskPayloads[name].parse(payload));
  await db.$executeRaw`
    SELECT graphile_worker.add_job(
      ${name}::text,
      ${body}::json,
      run_at := ${options.runAt ?? null}::timestamptz,
      max_attempts := ${options.maxAttempts ?? 25}::int,
      job_key := ${options.jobKey ?? null}::text,
      job_key_mode := ${options.jobKeyMode ?? 'replace'}::text,
      priority := ${options.priority ?? 0}::int
    )`;
}
