/** Task identifier of the no-op jobs the graphile-worker baseline drains. */
export const NOOP_TASK = 'bench/noop';
