import { scheduleDueChecks } from '@commander/core';

import { type ManagerDeps, systemContext } from './deps.js';

/**
 * The reconcile scheduler loop of a replica: every `everyMs` it queues checks for clusters
 * whose check interval elapsed. Every replica runs it; one at a time does the work.
 */
export function startReconcileLoop(deps: ManagerDeps, everyMs: number): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const tick = async () => {
    try {
      const queued = await scheduleDueChecks(systemContext(deps));
      if (queued > 0) {
        deps.log.info({ queued }, 'queued configuration checks');
      }
    } catch (err) {
      deps.log.warn({ err }, 'reconcile scheduling failed; will retry');
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
