// Runs the phases of one operation over a Conversation: phase ends carrying the state,
// progress snapshots, failure injection, simulated duration and dhctl-style logs.
import {
  phaseTitle,
  type PhaseWithSubPhases,
  ProgressTracker,
  subPhaseTitle,
} from '@commander/dhctl';

import type { ClusterStore } from './cluster-store.js';
import { type Conversation, OperationFailed } from './conversation.js';
import { defaultFaultMessage, type FaultOperation, type FaultRegistry } from './faults.js';
import { PhaseLog } from './log-lines.js';

/** What every operation needs from the simulator. */
export type SimDeps = {
  clusters: ClusterStore;
  faults: FaultRegistry;
  /** Simulated duration of one phase, in ms. */
  phaseDelayMs: number;
  /** Version label shown in logs. */
  version: string;
  log: (message: string) => void;
  /**
   * Test hook: awaited before each phase starts (e.g. to hold an operation at a phase while a
   * test kills its client). `signal` aborts when the client cancels or goes away.
   */
  beforePhase?: PhaseHook;
  /** Echo each operation's configuration into its log (DHCTL_SIM_DEBUG_CONFIG_LOGS). */
  debugConfigLogs?: boolean;
};

/** Awaited before each phase of an operation starts (tests). */
export type PhaseHook = (
  operation: FaultOperation,
  phase: string,
  signal: AbortSignal,
) => Promise<void>;

/** The state cache of a running operation: key → bytes. */
export type StateBag = Map<string, Buffer>;

/** Options of one run. */
export type OperationRunOptions = {
  /** Name used for fault matching (`Abort` differs from its progress operation). */
  faultOperation: FaultOperation;
  /** `Progress.operation` (`Destroy` for Abort). */
  progressOperation: string;
  /** The planned phase list for progress. */
  phases: readonly PhaseWithSubPhases[];
  /** Host used in log lines and default fault messages. */
  host: string;
};

/** One running operation. */
export class OperationRun {
  readonly conversation: Conversation<unknown>;
  readonly deps: SimDeps;
  readonly options: OperationRunOptions;
  readonly tracker: ProgressTracker;
  readonly state: StateBag;
  #lastCompleted = '';
  #phasesRun = 0;
  #currentSubPhases: readonly string[] = [];

  constructor(
    conversation: Conversation<unknown>,
    deps: SimDeps,
    options: OperationRunOptions,
    state: StateBag,
  ) {
    this.conversation = conversation;
    this.deps = deps;
    this.options = options;
    this.state = state;
    this.tracker = new ProgressTracker(options.progressOperation, options.phases);
  }

  /** Sets a state key (strings are stored as UTF-8, objects as JSON). */
  setState(key: string, value: string | object): void {
    this.state.set(
      key,
      Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8'),
    );
  }

  /** A snapshot of the state for a phase end. */
  stateSnapshot(): Record<string, Buffer> {
    return Object.fromEntries(
      [...this.state.entries()].map(([key, value]) => [key, Buffer.from(value)]),
    );
  }

  /**
   * A phase boundary: `phase_end {completed_phase: <last run phase>, next_phase: next}` and
   * wait for `continue`. `next = ""` is the end of the pipeline.
   */
  async boundary(next: string, options: { critical?: boolean; data?: string } = {}): Promise<void> {
    await this.conversation.phaseEnd({
      completed_phase: this.#lastCompleted,
      completed_phase_state: this.stateSnapshot(),
      next_phase: next,
      next_phase_critical: options.critical ?? false,
      ...(options.data === undefined ? {} : { completed_phase_data: options.data }),
    });
  }

  /**
   * Runs one phase: progress (unless the phase is not in the progress list), a possible
   * injected fault, the work, and the phase's share of the simulated delay.
   *
   * @throws OperationFailed when a fault hits or the work fails.
   */
  async phase(
    name: string,
    work: (log: PhaseLog) => void | Promise<void>,
    options: { reportProgress?: boolean } = {},
  ): Promise<void> {
    const planned = this.options.phases.find((p) => p.phase === name);
    if (options.reportProgress ?? true) {
      this.conversation.progress(this.tracker.enterPhase(name));
    }
    this.#currentSubPhases = planned?.sub_phases ?? [];
    const log = new PhaseLog(this.options.progressOperation, phaseTitle(name), (lines) =>
      this.conversation.logs(lines),
    );
    log.open();
    if (this.deps.beforePhase) {
      await this.deps.beforePhase(this.options.faultOperation, name, this.conversation.signal);
      this.conversation.throwIfCanceled();
    }
    const fault = this.deps.faults.take(this.options.faultOperation, name, this.#phasesRun === 0);
    this.#phasesRun += 1;
    if (fault) {
      const message = fault.message ?? defaultFaultMessage(name, this.options.host);
      await this.conversation.pause(this.deps.phaseDelayMs / 2);
      log.fail(message);
      throw new OperationFailed(message);
    }
    try {
      await work(log);
    } catch (error) {
      if (error instanceof OperationFailed && error.message !== 'canceled') {
        log.fail(error.message);
      }
      throw error;
    }
    // A phase outside the progress list (or skipped) takes no simulated time of its own.
    if (this.#currentSubPhases.length === 0 && (options.reportProgress ?? true)) {
      await this.conversation.pause(this.deps.phaseDelayMs);
    }
    log.close();
    this.#lastCompleted = name;
  }

  /** Completes a sub-phase of the current phase: its share of the delay, then progress. */
  async subPhase(name: string, log: PhaseLog, body: readonly string[] = []): Promise<void> {
    const share = this.#currentSubPhases.length > 0 ? this.#currentSubPhases.length : 1;
    await this.conversation.pause(this.deps.phaseDelayMs / share);
    log.step(subPhaseTitle(name), body);
    this.conversation.progress(this.tracker.completeSubPhase(name));
  }

  /**
   * Records a phase as done by an earlier attempt (resumed bootstrap). The next phase end
   * still reports `completed_phase: ""`: the pipeline of this call starts fresh.
   */
  markDone(name: string): void {
    this.tracker.markDone(name);
  }

  /** The operation completed: final progress (1.0 when the last phase ran). */
  finishProgress(): void {
    this.conversation.progress(this.tracker.finish());
  }
}
