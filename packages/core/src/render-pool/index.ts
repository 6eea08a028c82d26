// @commander/core/render-pool: renders in worker threads (piscina), off the event loop.
//
// Every render gets the budget of `limits` inside the worker (steps, deadline, output, lists,
// strings, depth: gotemplate's RenderBudget). Around it, the pool enforces what the budget
// cannot: a render still running `killAfterMs` (default `timeoutMs` + 1 s) after it started is
// aborted, which terminates its worker thread (piscina starts another); each worker has a V8
// heap cap (`heapMb`); at most `maxQueue` renders wait for a worker (more are refused at once),
// and a render that waited `maxWaitMs` without starting is given up as busy.

import { fileURLToPath } from 'node:url';

import type { TemplateSections } from '@commander/contracts';
import {
  DEFAULT_RENDER_LIMITS,
  type RenderLimits,
  type RenderResult,
  type SpecialVariables,
} from '@commander/renderer';
import { Piscina } from 'piscina';

import { RenderPoolBusyError, RenderPoolLimitError } from './errors.js';
import type { RenderTask } from './worker.js';

export { RenderPoolBusyError, type RenderPoolFailure, RenderPoolLimitError } from './errors.js';

/** How often a running task's clock is looked at. */
const CHECK_EVERY_MS = 50;

/** Settings of a {@link RenderPool}. */
export type RenderPoolOptions = {
  /** Worker threads (default 2). */
  workers?: number;
  /** V8 old-generation heap cap per worker in MiB (default 256). */
  heapMb?: number;
  /** Renders that may wait for a worker; beyond that {@link RenderPoolBusyError} (default 32). */
  maxQueue?: number;
  /** The render budget; `timeoutMs` also bounds the wall-clock time of a task. */
  limits?: Partial<RenderLimits>;
  /** Running time after which a task's worker is terminated (default `timeoutMs` + 1000). */
  killAfterMs?: number;
  /**
   * Waiting time after which a queued task is given up as busy (default the larger of 30 s and
   * 4 × killAfterMs: it includes a replacement worker's start-up, seconds on a loaded machine).
   */
  maxWaitMs?: number;
};

/**
 * The worker module and how to load it. In development and tests the sources are TypeScript:
 * the worker thread loads tsx first (`--import tsx`). A process started with tsx passes it to
 * its workers by itself; adding it again is harmless.
 */
function workerEntry(): { filename: string; execArgv: string[] } {
  const here = import.meta.url;
  const ts = here.endsWith('.ts');
  const filename = fileURLToPath(new URL(ts ? './worker.ts' : './worker.js', here));
  const inherited = process.execArgv.filter((a) => !a.startsWith('--max-old-space-size'));
  const hasTsx = inherited.some((a, i) => a === 'tsx' && inherited[i - 1] === '--import');
  return { filename, execArgv: ts && !hasTsx ? [...inherited, '--import', 'tsx'] : inherited };
}

/** A pool of render workers. */
export class RenderPool {
  readonly limits: Readonly<RenderLimits>;
  readonly workers: number;
  readonly heapMb: number;
  readonly maxQueue: number;
  readonly killAfterMs: number;
  readonly maxWaitMs: number;
  private readonly pool: Piscina<RenderTask, RenderResult>;

  constructor(options: RenderPoolOptions = {}) {
    this.limits = Object.freeze({ ...DEFAULT_RENDER_LIMITS, ...stripUndefined(options.limits) });
    this.workers = options.workers ?? 2;
    this.heapMb = options.heapMb ?? 256;
    this.maxQueue = options.maxQueue ?? 32;
    this.killAfterMs = options.killAfterMs ?? this.limits.timeoutMs + 1000;
    this.maxWaitMs = options.maxWaitMs ?? Math.max(30_000, 4 * this.killAfterMs);
    const entry = workerEntry();
    this.pool = new Piscina<RenderTask, RenderResult>({
      filename: entry.filename,
      name: 'render',
      execArgv: entry.execArgv,
      minThreads: this.workers,
      maxThreads: this.workers,
      maxQueue: this.maxQueue,
      concurrentTasksPerWorker: 1,
      idleTimeout: Number.POSITIVE_INFINITY,
      resourceLimits: {
        maxOldGenerationSizeMb: this.heapMb,
        maxYoungGenerationSizeMb: Math.min(64, Math.max(8, Math.floor(this.heapMb / 8))),
      },
    });
    // A worker that dies outside a task (e.g. its replacement hitting the heap cap at start)
    // must not crash the process; piscina starts another.
    this.pool.on('error', () => undefined);
  }

  /** Renders in a worker. Throws RenderPoolBusyError or RenderPoolLimitError. */
  async render(
    sections: TemplateSections,
    values: Record<string, unknown>,
    specials: SpecialVariables,
  ): Promise<RenderResult> {
    if (this.pool.queueSize >= this.maxQueue) {
      throw new RenderPoolBusyError();
    }
    const controller = new AbortController();
    const started = new Int32Array(new SharedArrayBuffer(4));
    const queuedAt = Date.now();
    let startedAt = 0;
    let stopped: 'timeout' | 'wait' | null = null;
    const timer = setInterval(() => {
      const now = Date.now();
      if (startedAt === 0 && Atomics.load(started, 0) === 1) {
        startedAt = now;
      }
      if (startedAt !== 0 ? now - startedAt > this.killAfterMs : now - queuedAt > this.maxWaitMs) {
        stopped = startedAt !== 0 ? 'timeout' : 'wait';
        controller.abort();
      }
    }, CHECK_EVERY_MS);
    try {
      return await this.pool.run(
        { sections, values, specials, limits: this.limits, started },
        { signal: controller.signal },
      );
    } catch (e) {
      if (stopped === 'timeout') {
        throw new RenderPoolLimitError('timeout', this.limits.timeoutMs);
      }
      if (stopped === 'wait') {
        throw new RenderPoolBusyError();
      }
      const message = e instanceof Error ? e.message : String(e);
      if (/queue is at limit/i.test(message)) {
        throw new RenderPoolBusyError();
      }
      if (/memory limit|heap out of memory/i.test(message)) {
        throw new RenderPoolLimitError('heap', this.heapMb);
      }
      throw e;
    } finally {
      clearInterval(timer);
    }
  }

  /** Waits until every worker has loaded the renderer (the first render otherwise pays it). */
  async ready(): Promise<void> {
    const specials = {
      dc_sshPublicKey: '',
      dc_sshPrivateKey: '',
      dc_clusterUUID: '',
      dc_domain: '',
      dc_caBundle: '',
    };
    const sections: TemplateSections = {
      kubernetes_template: '',
      placement_template: '',
      ssh_template: '',
      installation_template: '',
      primary_resources_template: '',
      resources: [],
    };
    await Promise.all(
      Array.from({ length: this.workers }, () =>
        this.pool.run({
          sections,
          values: {},
          specials,
          limits: this.limits,
          started: new Int32Array(new SharedArrayBuffer(4)),
        }),
      ),
    );
  }

  /** Renders waiting for a worker. */
  get queued(): number {
    return this.pool.queueSize;
  }

  /** Worker threads alive. */
  get threads(): number {
    return this.pool.threads.length;
  }

  /** Stops the workers (running renders are terminated). */
  async close(): Promise<void> {
    await this.pool.close({ force: true });
  }
}

function stripUndefined(limits: Partial<RenderLimits> | undefined): Partial<RenderLimits> {
  const out: Partial<RenderLimits> = {};
  for (const [k, v] of Object.entries(limits ?? {})) {
    if (v !== undefined) {
      out[k as keyof RenderLimits] = v;
    }
  }
  return out;
}
