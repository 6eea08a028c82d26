import {
  expireOperations,
  markSilentAgents,
  type OperationRetention,
  rescheduleStalledRollouts,
  rollupTelemetry,
  scheduleDueChecks,
} from '@commander/core';

import { type ManagerDeps, systemContext } from './deps.js';

/**
 * The periodic work of a replica: every `everyMs` it queues checks for clusters whose check
 * interval elapsed, marks silent agents lost and reschedules running rollouts that lost their
 * step job; every five minutes it deletes expired operations (in bounded batches) and every ten
 * it downsamples and expires telemetry. Every replica runs it; each job takes a lock, so one at
 * a time does the work.
 */
export function startReconcileLoop(
  deps: ManagerDeps,
  everyMs: number,
  options: { agentSilentAfterMs: number; operationRetention: OperationRetention },
): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let lastRollup = 0;
  let lastExpiry = 0;
  const tick = async () => {
    try {
      const queued = await scheduleDueChecks(systemContext(deps));
      if (queued > 0) {
        deps.log.info({ queued }, 'queued configuration checks');
      }
      const stalled = await rescheduleStalledRollouts(deps.db);
      if (stalled > 0) {
        deps.log.warn({ stalled }, 'rollouts without a pending step rescheduled');
      }
      const lost = await markSilentAgents(deps.db, options.agentSilentAfterMs);
      if (lost > 0) {
        deps.log.warn({ lost }, 'agents went silent');
      }
      if (Date.now() - lastExpiry > 5 * 60_000) {
        lastExpiry = Date.now();
        const expired = await expireOperations(deps.db, options.operationRetention);
        if (expired.operations > 0) {
          deps.log.info(expired, 'expired operations deleted with their log lines');
        }
      }
      if (Date.now() - lastRollup > 10 * 60_000) {
        lastRollup = Date.now();
        const rollup = await rollupTelemetry(deps.db);
        if (rollup.rolledUp + rollup.droppedPartitions + rollup.createdPartitions > 0) {
          deps.log.info(rollup, 'telemetry partitions kept up, downsampled and expired');
        }
      }
    } catch (err) {
      deps.log.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'periodic work failed (database unreachable?); will retry',
      );
    }
    if (!stopped) {
      timer = setTimeout(() => void tick(), everyMs);
    }
  };
  timer = setTimeout(() => void tick(), Math.min(everyMs, 2_000));
  return () => {
    stopped = true;
    if (timer) {
      clearTimeout(timer);
    }
  };
}
