import type { OperationPhase } from '@commander/contracts';
import {
  type FinalRecording,
  recordOperation,
  type SecretMasker,
  updateOperationProgress,
} from '@commander/core';
import type { Db } from '@commander/db';
import type { Progress } from '@commander/dhctl';

type ProgressUpdate = { progress: number; phase: string | null; phases: OperationPhase[] };

/** What a flush may carry besides the buffer. */
export type FlushOptions = {
  /** Answer whether this instance still holds the operation (in the same statement). */
  heldBy?: string;
  /** A completed phase's dhctl state (encrypted), stored only while `heldBy` holds it. */
  phaseState?: { phase: string; stateEncrypted: string };
};

const LOG_FLUSH_MS = 300;
const LOG_FLUSH_LINES = 200;
const PROGRESS_MIN_INTERVAL_MS = 250;
/**
 * Progress alone (same phases, a new percentage) is announced to live listeners at most this
 * often; a change of the phase list (a phase started, ended, failed) is announced at once.
 */
const PROGRESS_NOTIFY_MIN_MS = 2_000;

/** What live listeners see of the phase list: names and statuses (not timestamps). */
function phasesKey(phases: OperationPhase[], current: string | null): string {
  return `${current ?? ''}|${phases.map((p) => `${p.name}:${p.status}`).join(',')}`;
}

/** Maps dhctl's progress snapshot to our phase list with a status per phase. */
export function phasesFromProgress(
  progress: Progress,
  previous: OperationPhase[],
): OperationPhase[] {
  const names = progress.phases.map((p) => p.phase);
  const currentIndex = names.indexOf(progress.current_phase);
  const completedIndex = names.indexOf(progress.completed_phase);
  const done = progress.progress >= 1 && progress.current_phase === '';
  const now = new Date().toISOString();
  return progress.phases.map((p, i) => {
    const before = previous.find((x) => x.name === p.phase);
    let status: OperationPhase['status'];
    if (p.action === 'skip') {
      status = 'skipped';
    } else if (done || i <= completedIndex || (currentIndex >= 0 && i < currentIndex)) {
      status = 'completed';
    } else if (i === currentIndex) {
      status = 'running';
    } else {
      status = 'pending';
    }
    return {
      name: p.phase,
      status,
      started_at:
        before?.started_at ?? (status === 'running' || status === 'completed' ? now : null),
      finished_at: before?.finished_at ?? (status === 'completed' ? now : null),
    };
  });
}

/**
 * Buffers an operation's log lines and progress and writes them in batches: logs every 300 ms
 * or 200 lines, progress at most every 250 ms (the latest wins), both in ONE statement per
 * flush (a multi-row INSERT of the lines and the progress UPDATE). A change event is sent with
 * a flush only when the phase list changed or {@link PROGRESS_NOTIFY_MIN_MS} passed since the
 * last one (no NOTIFY per step). `flush()` before anything that must see them stored (a phase
 * end, the result). Lines are stored through the operation's {@link SecretMasker} (required:
 * no recorder can store unmasked lines). A crash loses only what is buffered (at most
 * 300 ms of lines and progress); the phase states and the result are written after a flush.
 */
export class OperationRecorder {
  readonly #db: Db;
  readonly #operationId: string;
  readonly #masker: SecretMasker;
  #lines: string[] = [];
  #timer: NodeJS.Timeout | null = null;
  #pendingProgress: Progress | null = null;
  /**
   * Starts at construction: the first progress waits for the timer like the others (an
   * operation that ends within {@link PROGRESS_MIN_INTERVAL_MS} writes its progress once, with
   * its last lines; the claim has announced the start already).
   */
  #lastProgressAt = Date.now();
  #phases: OperationPhase[] = [];
  #notifiedKey: string | null = null;
  #lastNotifyAt = 0;
  #chain: Promise<void> = Promise.resolve();

  constructor(
    db: Db,
    operationId: string,
    masker: SecretMasker,
    initialPhases: OperationPhase[] = [],
  ) {
    this.#db = db;
    this.#operationId = operationId;
    this.#masker = masker;
    this.#phases = initialPhases;
  }

  /** Adds log lines (dhctl batches or the manager's own notes). */
  log(lines: string[]): Promise<void> {
    this.#lines.push(...lines);
    if (this.#lines.length >= LOG_FLUSH_LINES) {
      return this.flush().then(() => undefined);
    }
    this.#timer ??= setTimeout(() => this.#flushInBackground(), LOG_FLUSH_MS);
    return Promise.resolve();
  }

  progress(progress: Progress): Promise<void> {
    this.#pendingProgress = progress;
    if (Date.now() - this.#lastProgressAt >= PROGRESS_MIN_INTERVAL_MS) {
      return this.flush().then(() => undefined);
    }
    this.#timer ??= setTimeout(() => this.#flushInBackground(), PROGRESS_MIN_INTERVAL_MS);
    return Promise.resolve();
  }

  /**
   * A timer's flush: nobody awaits it, so a failure (the database unreachable for a moment)
   * must not become an unhandled rejection, which would end the process. What it could not
   * write stays buffered for the next flush.
   */
  #flushInBackground(): void {
    this.flush().catch(() => undefined);
  }

  /**
   * Writes everything buffered; serialised so writes stay in order. A failed write rejects
   * this call only: its lines and progress go back to the buffer (ahead of newer ones) and the
   * next flush writes them. Resolves to whether `options.heldBy` still holds the operation
   * (true without it), answered by the same statement that writes the buffer.
   */
  flush(options: FlushOptions = {}): Promise<boolean> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    // A previous failure is that flush's caller's; it must not fail every later flush.
    const result = this.#chain
      .catch(() => undefined)
      .then(async (): Promise<boolean> => {
        let lines = this.#lines;
        this.#lines = [];
        const progress = this.#pendingProgress;
        this.#pendingProgress = null;
        try {
          const { update, notify, key } = this.#progressUpdate(progress);
          const held = await recordOperation(this.#db, this.#operationId, {
            lines,
            masker: this.#masker,
            progress: update,
            notify,
            heldBy: options.heldBy,
            phaseState: options.phaseState,
          });
          lines = [];
          this.#progressStored(update, notify, key);
          return held;
        } catch (error) {
          this.#lines = [...lines, ...this.#lines];
          this.#pendingProgress ??= progress;
          throw error;
        }
      });
    this.#chain = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /**
   * The last flush of a run, written by `write` (a completion that stores the lines and progress
   * in its own statement) instead of a statement of its own; serialised with the other flushes.
   * `write` answers whether it stored them: when it did not (or failed), they go back to the
   * buffer, ahead of newer ones, for the next flush. Resolves to `write`'s answer.
   */
  flushWith(write: (batch: FinalRecording) => Promise<boolean>): Promise<boolean> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    const result = this.#chain
      .catch(() => undefined)
      .then(async (): Promise<boolean> => {
        const lines = this.#lines;
        this.#lines = [];
        const progress = this.#pendingProgress;
        this.#pendingProgress = null;
        const { update, notify, key } = this.#progressUpdate(progress);
        let stored = false;
        try {
          stored = await write({ lines, progress: update, notify });
        } finally {
          if (stored) {
            this.#progressStored(update, notify, key);
          } else {
            this.#lines = [...lines, ...this.#lines];
            this.#pendingProgress ??= progress;
          }
        }
        return stored;
      });
    this.#chain = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** The progress row update of a pending snapshot, and whether to announce it. */
  #progressUpdate(progress: Progress | null): {
    update: ProgressUpdate | null;
    notify: boolean;
    key: string | null;
  } {
    if (!progress) {
      return { update: null, notify: false, key: null };
    }
    const phases = phasesFromProgress(progress, this.#phases);
    const current = progress.current_phase || progress.completed_phase || null;
    const key = phasesKey(phases, current);
    return {
      update: { progress: progress.progress, phase: current, phases },
      notify:
        key !== this.#notifiedKey || Date.now() - this.#lastNotifyAt >= PROGRESS_NOTIFY_MIN_MS,
      key,
    };
  }

  /** After a write stored `update`: what the coalescing of later ones starts from. */
  #progressStored(update: ProgressUpdate | null, notify: boolean, key: string | null): void {
    if (update) {
      this.#lastProgressAt = Date.now();
      this.#phases = update.phases;
      if (notify) {
        this.#notifiedKey = key;
        this.#lastNotifyAt = this.#lastProgressAt;
      }
    }
  }

  /** Marks the running phase failed (after an error result). */
  async failCurrentPhase(): Promise<void> {
    await this.flush();
    const phases = this.#phases.map((p) =>
      p.status === 'running'
        ? { ...p, status: 'failed' as const, finished_at: new Date().toISOString() }
        : p,
    );
    if (phases.some((p) => p.status === 'failed')) {
      this.#phases = phases;
      const op = await this.#db.clusterOperation.findUniqueOrThrow({
        where: { id: this.#operationId },
        select: { progress: true, phase: true },
      });
      await updateOperationProgress(this.#db, this.#operationId, {
        progress: op.progress,
        phase: op.phase,
        phases,
      });
    }
  }
}
