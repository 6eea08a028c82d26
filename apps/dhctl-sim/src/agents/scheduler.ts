// One timer for every simulated agent: a min-heap of due tasks served by a single setTimeout,
// with a cap on tasks in flight. Thousands of agents cost one timer and a heap entry each,
// not a timer (and a closure) per agent and loop.

/** A task the scheduler runs; resolves when done (it never rejects: errors are the task's). */
export type ScheduledTask = () => Promise<void>;

type Entry = { at: number; seq: number; key: string; task: ScheduledTask };

/** Counters for the control API and tests. */
export type SchedulerStats = {
  /** Tasks waiting in the heap. */
  queued: number;
  /** Tasks running now. */
  running: number;
  /** Tasks started since creation. */
  started: number;
  /** Tasks that started later than 1 s after they were due (the process is overloaded). */
  late: number;
  /** Node timers armed since creation (one at a time). */
  timersArmed: number;
};

/**
 * Runs keyed tasks at given times. Scheduling a key again replaces its pending run (the old
 * heap entry is skipped lazily), so each agent loop has at most one pending entry.
 */
export class TaskScheduler {
  readonly #heap: Entry[] = [];
  /** The live entry per key; heap entries not found here are stale. */
  readonly #pending = new Map<string, Entry>();
  readonly #maxConcurrent: number;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | null = null;
  #timerAt = Number.POSITIVE_INFINITY;
  #running = 0;
  #seq = 0;
  #isStopped = false;
  readonly #idle = new Set<() => void>();
  readonly #stats = { started: 0, late: 0, timersArmed: 0 };

  constructor(options: { maxConcurrent?: number; now?: () => number } = {}) {
    this.#maxConcurrent = options.maxConcurrent ?? 128;
    this.#now = options.now ?? Date.now;
  }

  /** Runs `task` under `key` at `at` (epoch ms), replacing a pending run of the same key. */
  schedule(key: string, at: number, task: ScheduledTask): void {
    if (this.#isStopped) {
      return;
    }
    this.#seq += 1;
    const entry: Entry = { at, seq: this.#seq, key, task };
    this.#pending.set(key, entry);
    this.#push(entry);
    this.#arm();
  }

  /** Drops the pending run of `key` (a running one finishes). */
  cancel(key: string): void {
    this.#pending.delete(key);
  }

  /** Whether `key` has a pending run. */
  has(key: string): boolean {
    return this.#pending.has(key);
  }

  stats(): SchedulerStats {
    return { queued: this.#pending.size, running: this.#running, ...this.#stats };
  }

  /** Stops: no further runs; resolves when the running tasks are done. */
  async stop(): Promise<void> {
    this.#isStopped = true;
    this.#pending.clear();
    this.#heap.length = 0;
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (this.#running > 0) {
      await new Promise<void>((resolve) => this.#idle.add(resolve));
    }
  }

  #arm(): void {
    const next = this.#peekLive();
    if (!next || this.#isStopped) {
      return;
    }
    if (this.#timer && next.at >= this.#timerAt) {
      return;
    }
    if (this.#timer) {
      clearTimeout(this.#timer);
    }
    this.#timerAt = next.at;
    this.#stats.timersArmed += 1;
    this.#timer = setTimeout(
      () => {
        this.#timer = null;
        this.#timerAt = Number.POSITIVE_INFINITY;
        this.#drain();
      },
      Math.max(0, next.at - this.#now()),
    );
    // The servers keep the process alive; a forgotten scheduler must not.
    this.#timer.unref();
  }

  #drain(): void {
    const now = this.#now();
    while (this.#running < this.#maxConcurrent) {
      const next = this.#peekLive();
      if (!next || next.at > now) {
        break;
      }
      this.#pop();
      this.#pending.delete(next.key);
      this.#start(next, now);
    }
    if (this.#running < this.#maxConcurrent) {
      this.#arm();
    }
  }

  #start(entry: Entry, now: number): void {
    this.#running += 1;
    this.#stats.started += 1;
    if (now - entry.at > 1000) {
      this.#stats.late += 1;
    }
    void entry
      .task()
      .catch(() => undefined)
      .finally(() => {
        this.#running -= 1;
        if (this.#isStopped) {
          if (this.#running === 0) {
            for (const resolve of this.#idle) {
              resolve();
            }
            this.#idle.clear();
          }
          return;
        }
        this.#drain();
      });
  }

  /** The earliest live entry, dropping stale ones from the top. */
  #peekLive(): Entry | undefined {
    for (;;) {
      const top = this.#heap[0];
      if (!top || this.#pending.get(top.key) === top) {
        return top;
      }
      this.#pop();
    }
  }

  #less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #push(entry: Entry): void {
    const heap = this.#heap;
    heap.push(entry);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const parentEntry = heap[parent] as Entry;
      if (!this.#less(entry, parentEntry)) {
        break;
      }
      heap[index] = parentEntry;
      index = parent;
    }
    heap[index] = entry;
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop();
    if (!last || heap.length === 0) {
      return;
    }
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let smallest = index;
      let smallestEntry = last;
      const leftEntry = heap[left];
      if (leftEntry && this.#less(leftEntry, smallestEntry)) {
        smallest = left;
        smallestEntry = leftEntry;
      }
      const rightEntry = heap[right];
      if (rightEntry && this.#less(rightEntry, smallestEntry)) {
        smallest = right;
        smallestEntry = rightEntry;
      }
      if (smallest === index) {
        break;
      }
      heap[index] = smallestEntry;
      index = smallest;
    }
    heap[index] = last;
  }
}
