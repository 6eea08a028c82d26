import type { PhaseWithSubPhases, Progress } from './messages.js';

/**
 * Computes dhctl `Progress` snapshots the way dhctl does (upstream `phases/progress.go`):
 *
 * - entering phase `P` (a phase boundary): `progress = max(previous, index(P) / len(phases))`;
 *   phases jumped over get `action: "skip"`;
 * - completing a sub-phase of the current phase adds `(1 / len(phases)) / len(subPhases)`;
 * - finishing: `1.0` when the last phase ran (phases skipped by plan, such as `BaseInfra` on
 *   Static, do not count), otherwise `(index of the last phase that ran + 1) / len`; phases that
 *   never ran become `"skip"`, `current_*` and `next_*` are cleared.
 *
 * Phases that are not in the planned list (for example Destroy's `CommanderUUIDWasChecked`)
 * leave the snapshot unchanged. Progress never decreases.
 */
export class ProgressTracker {
  readonly operation: string;
  readonly #phases: PhaseWithSubPhases[];
  readonly #ran = new Set<string>();
  #progress = 0;
  #completedPhase = '';
  #currentPhase = '';
  #completedSubPhase = '';
  #currentSubPhase = '';
  #nextSubPhase = '';

  /**
   * @param operation `Progress.operation` (`"Bootstrap"`, `"Destroy"` for Abort…).
   * @param phases the planned list, e.g. from `plannedPhases()`; entries already marked
   *   `"skip"` stay skipped.
   */
  constructor(operation: string, phases: readonly PhaseWithSubPhases[]) {
    this.operation = operation;
    this.#phases = phases.map((p) => ({ ...p, sub_phases: [...p.sub_phases] }));
  }

  /** The current progress, 0..1. */
  get value(): number {
    return this.#progress;
  }

  /** Marks a planned phase as skipped (e.g. `BaseInfra` once the cluster is known to be Static). */
  skip(phase: string): void {
    const entry = this.#phases.find((p) => p.phase === phase);
    if (entry && !this.#ran.has(phase)) {
      entry.action = 'skip';
    }
  }

  /** Marks a phase as already done by an earlier attempt (a resumed bootstrap). */
  markDone(phase: string): void {
    const index = this.#indexOf(phase);
    if (index === -1) {
      return;
    }
    this.#ran.add(phase);
    this.#completedPhase = phase;
    this.#progress = Math.max(this.#progress, (index + 1) / this.#phases.length);
  }

  /** A phase boundary: `phase` starts now; the previous current phase is completed. */
  enterPhase(phase: string): Progress {
    const index = this.#indexOf(phase);
    if (index === -1) {
      return this.snapshot();
    }
    if (this.#currentPhase) {
      this.#completedPhase = this.#currentPhase;
    }
    for (let i = 0; i < index; i += 1) {
      const entry = this.#phases[i];
      if (entry && !this.#ran.has(entry.phase)) {
        entry.action = 'skip';
      }
    }
    const entry = this.#phases[index];
    if (entry) {
      entry.action = '';
      this.#ran.add(phase);
    }
    this.#currentPhase = phase;
    this.#completedSubPhase = '';
    this.#currentSubPhase = entry?.sub_phases[0] ?? '';
    this.#nextSubPhase = entry?.sub_phases[1] ?? '';
    this.#progress = Math.max(this.#progress, index / this.#phases.length);
    return this.snapshot();
  }

  /** A sub-phase of the current phase completed. Unknown sub-phases change nothing. */
  completeSubPhase(subPhase: string): Progress {
    const entry = this.#phases.find((p) => p.phase === this.#currentPhase);
    const subIndex = entry ? entry.sub_phases.indexOf(subPhase) : -1;
    if (!entry || subIndex === -1) {
      return this.snapshot();
    }
    this.#completedSubPhase = subPhase;
    this.#currentSubPhase = entry.sub_phases[subIndex + 1] ?? '';
    this.#nextSubPhase = entry.sub_phases[subIndex + 2] ?? '';
    const step = 1 / this.#phases.length / entry.sub_phases.length;
    const phaseEnd = (this.#indexOf(entry.phase) + 1) / this.#phases.length;
    // Float sums of the steps may overshoot the phase end by an ulp; clamp to it.
    this.#progress = Math.min(this.#progress + step, phaseEnd);
    return this.snapshot();
  }

  /** The operation completed: phases that never ran are skipped, current/next cleared. */
  finish(): Progress {
    if (this.#currentPhase) {
      this.#completedPhase = this.#currentPhase;
    }
    this.#currentPhase = '';
    this.#currentSubPhase = '';
    this.#nextSubPhase = '';
    let lastRan = -1;
    let lastPlanned = -1;
    this.#phases.forEach((entry, i) => {
      if (this.#ran.has(entry.phase)) {
        lastRan = i;
      }
      if (entry.action !== 'skip') {
        lastPlanned = i;
      }
      if (!this.#ran.has(entry.phase)) {
        entry.action = 'skip';
      }
    });
    // Phases skipped by plan (BaseInfra on Static) do not hold the end below 1.0; phases the
    // operation never reached (a converge that found nothing to do) do.
    const final = lastRan >= lastPlanned ? 1 : (lastRan + 1) / this.#phases.length;
    this.#progress = Math.max(this.#progress, final);
    return this.snapshot();
  }

  /** The current snapshot as a `dhctl.Progress` message. */
  snapshot(): Progress {
    return {
      operation: this.operation,
      progress: this.#progress,
      completed_phase: this.#completedPhase,
      current_phase: this.#currentPhase,
      next_phase: this.#currentPhase ? this.#nextPlannedAfter(this.#currentPhase) : '',
      completed_sub_phase: this.#completedSubPhase,
      current_sub_phase: this.#currentSubPhase,
      next_sub_phase: this.#nextSubPhase,
      phases: this.#phases.map((p) => ({ ...p, sub_phases: [...p.sub_phases] })),
    };
  }

  #indexOf(phase: string): number {
    return this.#phases.findIndex((p) => p.phase === phase);
  }

  #nextPlannedAfter(phase: string): string {
    const index = this.#indexOf(phase);
    return this.#phases.slice(index + 1).find((p) => p.action !== 'skip')?.phase ?? '';
  }
}

/** Progress as a whole percentage (0..100) for display. */
export function progressPercent(progress: Pick<Progress, 'progress'>): number {
  return Math.round(Math.min(1, Math.max(0, progress.progress)) * 100);
}
