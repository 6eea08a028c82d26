// Request counters for dhctl.Status/GetStatus, and the parallel-operations limiter.

/** Counts requests per full gRPC method and the ones still running. */
export class RequestStats {
  readonly #byMethod = new Map<string, number>();
  #inProgress = 0;

  /** Records a request; call the returned function when it ends. */
  begin(method: string): () => void {
    this.#byMethod.set(method, (this.#byMethod.get(method) ?? 0) + 1);
    this.#inProgress += 1;
    let ended = false;
    return () => {
      if (!ended) {
        ended = true;
        this.#inProgress -= 1;
      }
    };
  }

  /** `GetStatusResponse` (int64 as decimal strings). */
  snapshot(): { requests_by_method: Record<string, string>; requests_in_progress: string } {
    return {
      requests_by_method: Object.fromEntries(
        [...this.#byMethod.entries()].map(([method, count]) => [method, String(count)]),
      ),
      requests_in_progress: String(this.#inProgress),
    };
  }
}

/**
 * A semaphore for DHCTL operations (upstream `--server-parallel-tasks-limit`): a call that
 * gets no slot within the wait fails with ResourceExhausted.
 */
export class TaskLimiter {
  readonly limit: number;
  #active = 0;
  #waiters: (() => void)[] = [];

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Running operations. */
  get active(): number {
    return this.#active;
  }

  /** Takes a slot, waiting up to `waitMs`; resolves `false` when none freed up in time. */
  acquire(waitMs: number): Promise<boolean> {
    if (this.#active < this.limit) {
      this.#active += 1;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const grant = () => {
        clearTimeout(timer);
        this.#active += 1;
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((waiter) => waiter !== grant);
        resolve(false);
      }, waitMs);
      this.#waiters.push(grant);
    });
  }

  /** Frees a slot (hands it to the oldest waiter, if any). */
  release(): void {
    this.#active -= 1;
    this.#waiters.shift()?.();
  }
}
