// Failures of the render pool, apart from the pool itself (so that use cases can recognise them
// without loading piscina).

/** The pool's queue is full: the caller should answer "try again later" (503). */
export class RenderPoolBusyError extends Error {
  constructor() {
    super('the render pool is busy; try again later');
    this.name = 'RenderPoolBusyError';
  }
}

/** What stopped a render in the pool: its running time, or its worker's heap. */
export type RenderPoolFailure = 'timeout' | 'heap';

/**
 * A render overran its time (its worker was terminated) or its worker ran out of heap. `max` is
 * in milliseconds (timeout) or MiB (heap).
 */
export class RenderPoolLimitError extends Error {
  readonly limit: RenderPoolFailure;
  readonly max: number;

  constructor(limit: RenderPoolFailure, max: number) {
    super(
      limit === 'timeout'
        ? `render limit exceeded: render time (ms) over ${max}; the render was stopped`
        : `render limit exceeded: worker heap (MiB) over ${max}; the render was stopped`,
    );
    this.name = 'RenderPoolLimitError';
    this.limit = limit;
    this.max = max;
  }
}
