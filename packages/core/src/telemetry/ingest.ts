import { type TelemetryBody, TelemetryBodySchema } from '@commander/contracts';
import {
  type AgentSeen,
  type AgentSnapshot,
  ensureTelemetryPartitions,
  insertTelemetrySamples,
  NO_PARTITION_SQLSTATE,
  type Queryable,
  sendNotices,
  type TelemetryRow,
  utcDay,
  writeAgentSnapshots,
} from '@commander/db';

import type { Logger } from '../context.js';
import { AppError } from '../errors.js';
import { EVENTS_CHANNEL } from '../events/notify.js';
import { agentData } from './agent-data.js';

export type TelemetryIngestOptions = {
  /** A batch is written as soon as this many samples wait (default 500). */
  maxBatch?: number;
  /**
   * While a batch is being written and another could start, how long the first sample of the
   * next batch waits for others (default 10 ms); it goes sooner when the running batch ends.
   * When no batch is being written a sample's batch goes at once (in the same turn of the event
   * loop): waiting would share no commit. So batches grow with the load (group commit), and a
   * lone sample waits for its own commit only.
   */
  lingerMs?: number;
  /**
   * Batches written at once (default 4): the next batches fill while one waits for its commit,
   * and batches committing together share PostgreSQL's WAL flushes, so one slow flush delays
   * the samples behind it once, not once per batch queued.
   */
  maxInFlight?: number;
  /** Samples accepted but not yet committed, at most (default 10,000); beyond it: 503. */
  maxPending?: number;
  /**
   * How long the first snapshot waiting for the snapshot writer waits for others (default
   * 50 ms): snapshots are off the acknowledged path, so the writer coalesces them into a few
   * statements per second (each cluster once) instead of one statement and commit per batch.
   */
  snapshotLingerMs?: number;
  /** An agent that only polls is marked seen at most this often (default 10 s). */
  seenEveryMs?: number;
  /** Seconds a refused agent is told to wait (Retry-After). */
  retryAfterSeconds?: number;
  /** Told of every batch written or failed (metrics: its size, wait and commit time). */
  onBatch?: (batch: BatchTiming) => void;
  /** Told of every snapshot statement written or failed (metrics). */
  onSnapshots?: (write: SnapshotTiming) => void;
  log?: Logger;
};

/** What one batch cost in time, for metrics (`TelemetryIngestOptions.onBatch`). */
export type BatchTiming = {
  /** Samples in the batch. */
  samples: number;
  /** Agents that only polled, marked seen by the batch. */
  seen: number;
  /** How long its oldest sample waited before the batch was started (ms). */
  queuedMs: number;
  /** The batch statement's wall time, commit (WAL flush) included (ms). */
  writeMs: number;
  /** Batches being written when this one started (itself excluded). */
  concurrent: number;
  ok: boolean;
};

/** What one snapshot statement cost (`TelemetryIngestOptions.onSnapshots`). */
export type SnapshotTiming = {
  /** Clusters whose snapshot it wrote, and agents that only polled it marked seen. */
  snapshots: number;
  seen: number;
  /** How long its oldest snapshot waited after its sample was committed (ms). */
  lagMs: number;
  /** The statement's wall time, commit included (ms). */
  writeMs: number;
  ok: boolean;
};

/** A telemetry body as its schema parses it. */
export type ParsedTelemetry = ReturnType<typeof TelemetryBodySchema.parse>;

type Waiter = { resolve: () => void; reject: (error: unknown) => void };
type Pending = {
  row: TelemetryRow;
  snapshot: AgentSnapshot;
  waiter: Waiter;
  /** When it was queued (performance.now()). */
  at: number;
};
/** A snapshot whose sample is committed, waiting to be written; `at`: when (performance.now()). */
type WaitingSnapshot = { snapshot: AgentSnapshot; at: number };

/** Error code details of a refusal by back-pressure. */
export type IngestRefusal = { retry_after_seconds: number };

/**
 * The write-behind buffer of agent telemetry. {@link submit} resolves once the sample's batch
 * has COMMITTED, so an acknowledged sample is never lost; what is lost on a crash is only what
 * was never acknowledged (the agent sees its request fail and reports again). A batch is one
 * statement (`insertTelemetrySamples`): the samples as one multi-row INSERT, which locks no
 * cluster row.
 *
 * The clusters' snapshots (`agent_data`, online status, last seen) are derived data, written
 * right AFTER their samples' commit, off the acknowledged path: one statement at a time
 * (`writeAgentSnapshots`), coalesced per cluster (only the newest sample's snapshot of each
 * cluster waits; the statement never replaces a newer stored one), together with the last-seen
 * time of agents that only polled. What a crash can lose is a snapshot lagging by the batches
 * not yet applied, never a sample: the cluster's next sample (30 s) writes its snapshot again,
 * and its latest stored sample holds the same numbers. The clusters' change events follow the
 * snapshot statement's commit (a reader woken sees the snapshot) as one statement of coalesced
 * notices (one per workspace and 150 clusters; `sendNotices`), outside its transaction so that
 * concurrent writers share WAL flushes instead of queueing for the notify lock.
 */
export class TelemetryIngest {
  private pending: Pending[] = [];
  private seen = new Map<string, Date>();
  /** Snapshots of committed samples not yet written, the newest per cluster. */
  private snapshots = new Map<string, WaitingSnapshot>();
  private snapshotsWriting = false;
  private snapshotsTimer: NodeJS.Timeout | null = null;
  private snapshotsRetry: NodeJS.Timeout | null = null;
  private readonly lastSeenWrite = new Map<string, number>();
  private inFlight = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private seenTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  /** Notices of committed batches being sent. */
  private readonly noticesInFlight = new Set<Promise<void>>();
  private readonly maxBatch: number;
  private readonly lingerMs: number;
  private readonly maxInFlight: number;
  private readonly maxPending: number;
  private readonly seenEveryMs: number;
  private readonly snapshotLingerMs: number;
  private readonly retryAfterSeconds: number;
  private readonly log: Logger | undefined;
  private readonly onBatch: ((batch: BatchTiming) => void) | undefined;
  private readonly onSnapshots: ((write: SnapshotTiming) => void) | undefined;
  /** Counters since start (metrics, benchmarks). */
  readonly stats = {
    batches: 0,
    samples: 0,
    refused: 0,
    failedBatches: 0,
    snapshotWrites: 0,
    failedSnapshotWrites: 0,
  };

  private readonly db: Queryable;

  constructor(db: Queryable, options: TelemetryIngestOptions = {}) {
    this.db = db;
    this.maxBatch = options.maxBatch ?? 500;
    this.lingerMs = options.lingerMs ?? 10;
    this.maxInFlight = options.maxInFlight ?? 4;
    this.maxPending = options.maxPending ?? 10_000;
    this.seenEveryMs = options.seenEveryMs ?? 10_000;
    this.snapshotLingerMs = options.snapshotLingerMs ?? 50;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 2;
    this.log = options.log;
    this.onBatch = options.onBatch;
    this.onSnapshots = options.onSnapshots;
  }

  /** Samples accepted and not yet committed. */
  get backlog(): number {
    return this.pending.length + this.inFlightSamples;
  }
  private inFlightSamples = 0;

  /**
   * Stores a sample and the cluster's latest snapshot; resolves when they are committed.
   * @throws AppError validation_failed (ts in the future), service_unavailable (buffer full or
   * shutting down; details {@link IngestRefusal}) or the database's error for its batch.
   */
  submit(
    cluster: { id: string },
    raw: TelemetryBody | ParsedTelemetry,
    parsed = false,
  ): Promise<void> {
    // The route has validated the body already (its schema); other callers have not.
    const body = parsed ? (raw as ParsedTelemetry) : TelemetryBodySchema.parse(raw);
    const now = new Date();
    const ts = body.ts ? new Date(body.ts) : now;
    if (ts.getTime() > now.getTime() + 5 * 60_000) {
      throw new AppError('validation_failed', 'ts is in the future');
    }
    if (this.closed || this.backlog >= this.maxPending) {
      this.stats.refused++;
      throw new AppError(
        'service_unavailable',
        this.closed
          ? 'Commander is shutting down; report again later'
          : 'Too many telemetry samples waiting to be stored; report again later',
        { retry_after_seconds: this.retryAfterSeconds } satisfies IngestRefusal,
      );
    }
    return new Promise<void>((resolve, reject) => {
      this.pending.push({
        row: {
          clusterId: cluster.id,
          ts,
          cpuCores: body.cpu_cores,
          cpuUsage: body.cpu_usage ?? null,
          memoryBytes: body.memory_bytes,
          memoryUsedBytes: body.memory_used_bytes ?? null,
          storageBytes: body.storage_bytes,
          storageUsedBytes: body.storage_used_bytes ?? null,
          nodeCount: body.node_count,
        },
        snapshot: {
          clusterId: cluster.id,
          agentDataJson: JSON.stringify(agentData(body, ts)),
          reportedAt: ts.toISOString(),
          seenAt: now,
        },
        waiter: { resolve, reject },
        at: performance.now(),
      });
      this.lastSeenWrite.set(cluster.id, now.getTime());
      this.schedule();
    });
  }

  /**
   * The agent of `clusterId` was seen (a resource poll): its last-seen time and online status
   * are written by the next snapshot statement, at most once per `seenEveryMs` per cluster.
   * Never waits.
   */
  markSeen(clusterId: string): void {
    const now = Date.now();
    const last = this.lastSeenWrite.get(clusterId);
    if (this.closed || (last !== undefined && now - last < this.seenEveryMs)) {
      return;
    }
    this.lastSeenWrite.set(clusterId, now);
    this.seen.set(clusterId, new Date(now));
    if (!this.seenTimer) {
      // Polls alone are written within a second even when no telemetry arrives.
      this.seenTimer = setTimeout(() => {
        this.seenTimer = null;
        this.scheduleSnapshots();
      }, 1_000);
      this.seenTimer.unref();
    }
    if (this.lastSeenWrite.size > 50_000) {
      this.pruneSeen(now);
    }
  }

  /**
   * Stops accepting samples and writes everything accepted, then the snapshots and last-seen
   * times waiting; resolves when all is committed and the change events are sent.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.seenTimer) {
      clearTimeout(this.seenTimer);
      this.seenTimer = null;
    }
    if (this.snapshotsRetry) {
      clearTimeout(this.snapshotsRetry);
      this.snapshotsRetry = null;
    }
    if (this.snapshotsTimer) {
      clearTimeout(this.snapshotsTimer);
      this.snapshotsTimer = null;
    }
    for (;;) {
      if (this.pending.length > 0 && this.inFlight < this.maxInFlight) {
        void this.flush();
        continue;
      }
      if (
        this.pending.length === 0 &&
        this.inFlight === 0 &&
        !this.snapshotsWriting &&
        (this.snapshots.size > 0 || this.seen.size > 0)
      ) {
        void this.writeSnapshots();
        continue;
      }
      if (this.pending.length === 0 && this.inFlight === 0 && !this.snapshotsWriting) {
        break;
      }
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    await Promise.all([...this.noticesInFlight]);
  }

  /**
   * Resolves when nothing is waiting or being written: samples, snapshots (written now, without
   * their linger), change events.
   */
  async settled(): Promise<void> {
    for (;;) {
      const idle = this.pending.length === 0 && this.inFlight === 0 && !this.snapshotsWriting;
      if (idle && this.snapshots.size === 0 && this.seen.size === 0) {
        break;
      }
      if (idle && !this.snapshotsRetry) {
        void this.writeSnapshots();
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
      // The writer is idle: nothing to share a commit with by waiting, so the batch goes once
      // this turn of the event loop has queued what arrived with it. Under load a batch is
      // always being written, and the next one fills while it commits (below).
      if (!this.immediate) {
        this.immediate = setImmediate(() => {
          this.immediate = null;
          if (this.inFlight === 0 && this.pending.length > 0) {
            void this.flush();
          } else if (this.pending.length > 0) {
            this.schedule();
          }
        });
      }
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        if (this.inFlight < this.maxInFlight && this.pending.length > 0) {
          void this.flush();
        }
      }, this.lingerMs);
    }
  }

  private async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.pending.splice(0, this.maxBatch);
    if (batch.length === 0) {
      return;
    }
    const concurrent = this.inFlight;
    this.inFlight++;
    this.inFlightSamples += batch.length;
    const started = performance.now();
    const timing = (ok: boolean) =>
      this.onBatch?.({
        samples: batch.length,
        seen: 0,
        queuedMs: started - batch[0]!.at,
        writeMs: performance.now() - started,
        concurrent,
        ok,
      });
    try {
      await this.write(batch);
      timing(true);
      this.stats.batches++;
      this.stats.samples += batch.length;
      for (const p of batch) {
        p.waiter.resolve();
      }
      this.queueSnapshots(batch);
    } catch (error) {
      timing(false);
      this.stats.failedBatches++;
      this.log?.warn({ err: error, samples: batch.length }, 'telemetry batch not stored');
      const refusal = isConnectionError(error)
        ? new AppError('service_unavailable', 'The database is unavailable; report again later', {
            retry_after_seconds: this.retryAfterSeconds,
          } satisfies IngestRefusal)
        : error;
      for (const p of batch) {
        p.waiter.reject(refusal);
      }
    } finally {
      this.inFlight--;
      this.inFlightSamples -= batch.length;
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

  /**
   * Sends a committed batch's change events (never waits: the batch is answered already). A
   * failure loses those events only (listeners refetch on their next event or reconnect); the
   * samples are stored.
   */
  private announce(notices: string[]): void {
    if (notices.length === 0) {
      return;
    }
    const sent = sendNotices(this.db, EVENTS_CHANNEL, notices)
      .catch((error: unknown) => {
        this.log?.warn({ err: error, notices: notices.length }, 'telemetry change events not sent');
      })
      .finally(() => this.noticesInFlight.delete(sent));
    this.noticesInFlight.add(sent);
  }

  /** One statement; a missing day partition is created and the batch tried once more. */
  private async write(batch: Pending[]): Promise<void> {
    const samples = batch.map((p) => p.row);
    try {
      await insertTelemetrySamples(this.db, samples);
    } catch (error) {
      if ((error as { code?: string }).code !== NO_PARTITION_SQLSTATE) {
        throw error;
      }
      const days = new Set(samples.map((r) => utcDay(r.ts)));
      for (const day of days) {
        const d = new Date(`${day}T00:00:00Z`);
        await ensureTelemetryPartitions(this.db, d, d);
      }
      await insertTelemetrySamples(this.db, samples);
    }
  }

  /** The snapshots of a committed batch wait for the snapshot writer, the newest per cluster. */
  private queueSnapshots(batch: Pending[]): void {
    const at = performance.now();
    for (const p of batch) {
      this.keepNewest({ snapshot: p.snapshot, at });
    }
    this.scheduleSnapshots();
  }

  /** Keeps `w` unless a snapshot of a later sample of its cluster waits already. */
  private keepNewest(w: WaitingSnapshot): void {
    const current = this.snapshots.get(w.snapshot.clusterId);
    if (!current) {
      this.snapshots.set(w.snapshot.clusterId, w);
      return;
    }
    const older = current.snapshot.reportedAt > w.snapshot.reportedAt;
    const seenAt =
      current.snapshot.seenAt > w.snapshot.seenAt ? current.snapshot.seenAt : w.snapshot.seenAt;
    const kept = older ? current.snapshot : w.snapshot;
    this.snapshots.set(w.snapshot.clusterId, {
      snapshot: { ...kept, seenAt },
      at: Math.min(current.at, w.at),
    });
  }

  /**
   * The snapshot writer goes `snapshotLingerMs` after the first snapshot waiting (one statement
   * at a time: what arrives meanwhile is coalesced into the next, each cluster once).
   */
  private scheduleSnapshots(): void {
    if (
      this.snapshotsWriting ||
      this.snapshotsTimer ||
      this.snapshotsRetry ||
      (this.snapshots.size === 0 && this.seen.size === 0)
    ) {
      return;
    }
    this.snapshotsTimer = setTimeout(() => {
      this.snapshotsTimer = null;
      if (!this.snapshotsWriting) {
        void this.writeSnapshots();
      }
    }, this.snapshotLingerMs);
    this.snapshotsTimer.unref();
  }

  /**
   * Writes the waiting snapshots and last-seen times in one statement, then sends their change
   * events. On a failure the snapshots wait for the next statement (a second later) unless newer
   * ones replaced them, or, when the error is not the database being away, are dropped (logged):
   * the clusters' next samples write them again.
   */
  private async writeSnapshots(): Promise<void> {
    if (this.snapshotsTimer) {
      clearTimeout(this.snapshotsTimer);
      this.snapshotsTimer = null;
    }
    const waiting = this.snapshots;
    const seenMap = this.seen;
    this.snapshots = new Map();
    this.seen = new Map();
    if (waiting.size === 0 && seenMap.size === 0) {
      return;
    }
    this.snapshotsWriting = true;
    const snapshots: AgentSnapshot[] = [];
    let oldest = Infinity;
    for (const w of waiting.values()) {
      snapshots.push(w.snapshot);
      oldest = Math.min(oldest, w.at);
    }
    // Polls of clusters with a snapshot are covered by it.
    const seen: AgentSeen[] = [];
    for (const [clusterId, seenAt] of seenMap) {
      if (!waiting.has(clusterId)) {
        seen.push({ clusterId, seenAt });
      }
    }
    const started = performance.now();
    const timing = (ok: boolean) =>
      this.onSnapshots?.({
        snapshots: snapshots.length,
        seen: seen.length,
        lagMs: snapshots.length > 0 ? started - oldest : 0,
        writeMs: performance.now() - started,
        ok,
      });
    let retry = false;
    try {
      const { notices } = await writeSnapshotsRetryingDeadlocks(this.db, { snapshots, seen });
      timing(true);
      this.stats.snapshotWrites++;
      this.announce(notices);
    } catch (error) {
      timing(false);
      this.stats.failedSnapshotWrites++;
      retry = !this.closed && isConnectionError(error);
      this.log?.warn(
        { err: error, snapshots: snapshots.length, seen: seen.length, retry },
        'telemetry snapshots not stored',
      );
      if (retry) {
        for (const w of waiting.values()) {
          this.keepNewest(w);
        }
        for (const [clusterId, seenAt] of seenMap) {
          if (!this.seen.has(clusterId)) {
            this.seen.set(clusterId, seenAt);
          }
        }
      }
    } finally {
      this.snapshotsWriting = false;
      if (retry) {
        this.snapshotsRetry = setTimeout(() => {
          this.snapshotsRetry = null;
          this.scheduleSnapshots();
        }, 1_000);
        this.snapshotsRetry.unref();
      } else {
        this.scheduleSnapshots();
      }
      for (const w of this.idleWaiters.splice(0)) {
        w();
      }
    }
  }

  private pruneSeen(now: number): void {
    for (const [id, at] of this.lastSeenWrite) {
      if (now - at >= this.seenEveryMs) {
        this.lastSeenWrite.delete(id);
      }
    }
  }
}

/** PostgreSQL's SQLSTATE of a statement chosen as a deadlock's victim (nothing was written). */
const DEADLOCK_SQLSTATE = '40P01';

/**
 * Writes snapshots, again (at most twice more) when PostgreSQL picked the statement as a
 * deadlock's victim: it updates many cluster rows in one statement (in id order, as the status
 * report batch does, but other writers of clusters may not). The victim's statement is rolled
 * back whole, so running it again writes each snapshot once.
 */
async function writeSnapshotsRetryingDeadlocks(
  db: Queryable,
  input: Parameters<typeof writeAgentSnapshots>[1],
): ReturnType<typeof writeAgentSnapshots> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await writeAgentSnapshots(db, input);
    } catch (error) {
      if ((error as { code?: string }).code !== DEADLOCK_SQLSTATE || attempt >= 2) {
        throw error;
      }
    }
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
