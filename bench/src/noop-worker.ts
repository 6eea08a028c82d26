// A graphile-worker process that runs no-op jobs with the manager's settings (concurrency 1,
// no local queue, no batching, LISTEN/NOTIFY pickup): the ceiling a manager replica could reach
// if operations cost nothing. Started by the operations benchmark; stops on SIGTERM.
import { Logger, run } from 'graphile-worker';

import { NOOP_TASK } from './noop-task.js';

const connectionString = process.env.DATABASE_URL;
if (!connectionString) {
  throw new Error('DATABASE_URL is required');
}
const runner = await run({
  connectionString,
  concurrency: 1,
  noHandleSignals: true,
  pollInterval: 1_000,
  taskList: {
    // A lone job (queued one at a time by the benchmark) says when it started, so the benchmark
    // can take graphile-worker's own add → start latency in the same run as the managers'.
    [NOOP_TASK]: (payload) => {
      const lone = (payload as { lone?: unknown } | null)?.lone;
      if (typeof lone === 'number') {
        process.stdout.write(`lone-start ${lone} ${performance.timeOrigin + performance.now()}\n`);
      }
      return Promise.resolve();
    },
  },
  logger: new Logger(() => () => undefined),
});
process.stdout.write('noop worker ready\n');
process.on('SIGTERM', () => {
  void runner.stop().then(() => process.exit(0));
});
await runner.promise;
