import {
  type Queryable,
  type ResourcesStatusOutcome,
  type ResourcesStatusReport,
  sendNotices,
  updateResourcesStatusBatch,
} from '@commander/db';

import type { Logger } from '../context.js';
import { AppError } from '../errors.js';
import { EVENTS_CHANNEL } from '../events/notify.js';

export type ResourcesStatusBatcherOptions = {
  /** A batch is written as soon as this many reports wait (default 500). */
  maxBatch?: number;
  /**
   * While a batch is being written, how long the first report of the next waits for others
   * (default 5 ms); an idle writer writes at once.
   */
  lingerMs?: number;
  /** Batches written at once (default 2): the next fills while one waits for its commit. */
  maxInFlight?: number;
  /** Reports accepted and not yet committed, at most (default 10,000); beyond it: 503. */
  maxPending?: number;
  /** Seconds a refused agent is told to wait (Retry-After). */
  retryAfterSeconds?: number;
  log?: Logger;
};

type Pending = {
  report: ResourcesStatusReport;
  resolve: (outcome: ResourcesStatusOutcome) => void;
  reject: (error: unknown) => void;
};

/** PostgreSQL's SQLSTATE of a statement chosen as a deadlock's victim (nothing was written). */
const DEADLOCK_SQLSTATE = '40P01';

/**
 * The write-behind buffer of agents' `POST …/resources/status` reports, like telemetry's
 * (`TelemetryIngest`): {@link submit} resolves with the report's outcome once its batch has
 * COMMITTED (an acknowledged report is stored). A batch is ONE statement
 * (`updateResourcesStatusBatch`: each cluster's row locked in id order, its sync state decided and
 * written), one commit for many agents instead of one each; its change events follow the commit
 * in one statement of their own (`sendNotices`), so concurrent batches share WAL flushes instead
 * of queueing for PostgreSQL's notify lock. Two reports of one cluster never share a batch (the
 * later waits for the next one, so the later report is the one that stays).
 */
export class ResourcesStatusBatcher {
  private pending: Pending[] = [];
  private inFlight = 0;
  private inFlightReports = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private readonly noticesInFlight = new Set<Promise<void>>();
  private readonly maxBatch: number;
  private readonly lingerMs: number;
  private readonly maxInFlight: number;
  private readonly maxPending: number;
  private readonly retryAfterSeconds: number;
  private readonly log: Logger | undefined;
  private readonly db: Queryable;
  /** Counters since start (tests, metrics). */
  readonly stats = { batches: 0, reports: 0, failedBatches: 0, refused: 0 };

  constructor(db: Queryable, options: ResourcesStatusBatcherOptions = {}) {
    this.db = db;
    this.maxBatch = options.maxBatch ?? 500;
    this.lingerMs = options.lingerMs ?? 5;
    this.maxInFlight = options.maxInFlight ?? 2;
    this.maxPending = options.maxPending ?? 10_000;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 2;
    this.log = options.log;
  }

  /** Reports accepted and not yet committed. */
  get backlog(): number {
    return this.pending.length + this.inFlightReports;
  }

  /**
   * Writes a report with the next batch; resolves with its outcome once that batch committed.
   * @throws AppError service_unavailable (buffer full, shutting down, database unreachable;
   * details `{retry_after_seconds}`) or the database's error for its batch.
   */
  submit(report: ResourcesStatusReport): Promise<ResourcesStatusOutcome> {
    if (this.closed || this.backlog >= this.maxPending) {
      this.stats.refused++;
      return Promise.reject(
        new AppError(
          'service_unavailable',
          this.closed
            ? 'Commander is shutting down; report again later'
            : 'Too many resource reports waiting to be stored; report again later',
          { retry_after_seconds: this.retryAfterSeconds },
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ report, resolve, reject });
      this.schedule();
    });
  }

  /** Stops accepting reports and writes everything accepted; resolves when all is committed. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.pending.length > 0 || this.inFlight > 0) {
      if (this.inFlight < this.maxInFlight && this.pending.length > 0) {
        void this.flush();
        continue;
      }
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    await Promise.all([...this.noticesInFlight]);
  }

  private schedule(): void {
    if (this.inFlight >= this.maxInFlight) {
      return; // the end of a running batch starts the next one
    }
    if (this.pending.length >= this.maxBatch) {
      void this.flush();
      return;
    }
    if (this.inFlight === 0) {
      // An idle writer writes at once (this turn's reports together): waiting shares no commit.
      this.immediate ??= setImmediate(() => {
        this.immediate = null;
        if (this.pending.length > 0) {
          if (this.inFlight === 0) {
            void this.flush();
          } else {
            this.schedule();
          }
        }
      });
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = null;
      if (this.inFlight < this.maxInFlight && this.pending.length > 0) {
        void this.flush();
      }
    }, this.lingerMs);
  }

  /** The next batch: in arrival order, at most one report per cluster. */
  private take(): Pending[] {
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    const clusters = new Set<string>();
    for (const p of this.pending) {
      if (batch.length < this.maxBatch && !clusters.has(p.report.clusterId)) {
        clusters.add(p.report.clusterId);
        batch.push(p);
      } else {
        rest.push(p);
      }
    }
    this.pending = rest;
    return batch;
  }

  private async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.take();
    if (batch.length === 0) {
      return;
    }
    this.inFlight++;
    this.inFlightReports += batch.length;
    try {
      const { outcomes, notices } = await this.write(batch.map((p) => p.report));
      this.stats.batches++;
      this.stats.reports += batch.length;
      batch.forEach((p, i) => p.resolve(outcomes[i] ?? 'missing'));
      this.announce(notices);
    } catch (error) {
      this.stats.failedBatches++;
      this.log?.warn({ err: error, reports: batch.length }, 'resource status batch not stored');
      const refusal = isConnectionError(error)
        ? new AppError('service_unavailable', 'The database is unavailable; report again later', {
            retry_after_seconds: this.retryAfterSeconds,
          })
        : error;
      for (const p of batch) {
        p.reject(refusal);
      }
    } finally {
      this.inFlight--;
      this.inFlightReports -= batch.length;
      if (this.pending.length > 0) {
        if (this.pending.length >= this.maxBatch || this.closed) {
          void this.flush();
        } else {
          this.schedule();
        }
      }
      for (const w of this.idleWaiters.splice(0)) {
        w();
      }
    }
  }

  /** One statement; again (at most twice more) when PostgreSQL picked it as a deadlock's victim. */
  private async write(reports: ResourcesStatusReport[]) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await updateResourcesStatusBatch(this.db, reports);
      } catch (error) {
        if ((error as { code?: string }).code !== DEADLOCK_SQLSTATE || attempt >= 2) {
          throw error;
        }
      }
    }
  }

  /** Sends a committed batch's change events (never waited for: the reports are answered). */
  private announce(notices: string[]): void {
    if (notices.length === 0) {
      return;
    }
    const sent = sendNotices(this.db, EVENTS_CHANNEL, notices)
      .catch((error: unknown) => {
        this.log?.warn({ err: error, notices: notices.length }, 'resource change events not sent');
      })
      .finally(() => this.noticesInFlight.delete(sent));
    this.noticesInFlight.add(sent);
  }
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (typeof code === 'string' && (/^(08|57P)/.test(code) || code === 'ECONNREFUSED')) ||
    (error instanceof Error &&
      /Connection terminated|ECONNREFUSED|not queryable/.test(error.message))
  );
}
