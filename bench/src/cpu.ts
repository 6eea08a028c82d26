import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Clock ticks per second of /proc times (`getconf CLK_TCK`, 100 on Linux almost always). */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; null when the
 * process is gone or /proc is unavailable (not Linux).
 */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const user = Number(fields[11]);
    const system = Number(fields[12]);
    return Number.isFinite(user) && Number.isFinite(system)
      ? (user + system) / TICKS_PER_SECOND
      : null;
  } catch {
    return null;
  }
}

/** Busy and total CPU seconds of the whole machine (all cores), from /proc/stat. */
export function machineCpuSeconds(): { busy: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [, ...values] = line.trim().split(/\s+/);
    // user nice system idle iowait irq softirq steal (guest time is already inside user).
    const ticks = values.slice(0, 8).map(Number);
    const total = ticks.reduce((sum, v) => sum + v, 0);
    // Steal is time the hypervisor gave to someone else: not busy on our behalf.
    const notBusy = (ticks[3] ?? 0) + (ticks[4] ?? 0) + (ticks[7] ?? 0);
    return { busy: (total - notBusy) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

/**
 * A named set of processes whose CPU is accounted together (e.g. all manager replicas).
 * `reported`, when given and not null at `stop()`, is the group's CPU seconds in the window as
 * the processes measured themselves (`process.cpuUsage()`): for a process that starts after
 * `start()` and exits before `stop()`, whose /proc entry is gone by then.
 */
export type CpuGroup = {
  name: string;
  pids: () => Promise<number[]> | number[];
  reported?: () => number | null;
};

/** CPU used during a measured window, in cores (CPU seconds per wall second). */
export type CpuUsage = {
  wallSeconds: number;
  /** Cores used per group, in the order the groups were given. */
  groups: { name: string; cores: number }[];
  /** Cores the whole machine was busy (every process, ours or not). */
  machineCores: number;
  /** Cores busy outside the groups: other processes, PostgreSQL's background processes, the kernel. */
  otherCores: number;
  cpuCount: number;
};

/**
 * Measures how much CPU each group of processes uses between `start()` and `stop()`.
 * Processes that appear meanwhile are counted from zero; ones that exit meanwhile are lost
 * (benchmarks keep their processes alive across the window).
 */
export class CpuMeter {
  readonly #groups: CpuGroup[];
  #startedAt = 0;
  #machineAtStart: { busy: number; total: number } | null = null;
  readonly #atStart = new Map<number, number>();

  constructor(groups: CpuGroup[]) {
    this.#groups = groups;
  }

  /** Takes the starting snapshot. */
  async start(): Promise<void> {
    this.#atStart.clear();
    for (const group of this.#groups) {
      for (const pid of await group.pids()) {
        this.#atStart.set(pid, processCpuSeconds(pid) ?? 0);
      }
    }
    this.#machineAtStart = machineCpuSeconds();
    this.#startedAt = performance.now();
  }

  /** Takes the final snapshot and returns the usage of the window. */
  async stop(): Promise<CpuUsage> {
    const wallSeconds = (performance.now() - this.#startedAt) / 1000;
    const machine = machineCpuSeconds();
    const groups: CpuUsage['groups'] = [];
    const counted = new Set<number>();
    for (const group of this.#groups) {
      let seconds = 0;
      const reported = group.reported?.() ?? null;
      for (const pid of await group.pids()) {
        if (counted.has(pid)) {
          continue;
        }
        counted.add(pid);
        const now = reported === null ? processCpuSeconds(pid) : null;
        if (now !== null) {
          seconds += now - (this.#atStart.get(pid) ?? 0);
        }
      }
      if (reported !== null) {
        seconds = reported;
      }
      groups.push({
        name: group.name,
        cores: wallSeconds > 0 ? seconds / wallSeconds : Number.NaN,
      });
    }
    const machineCores =
      machine && this.#machineAtStart && wallSeconds > 0
        ? (machine.busy - this.#machineAtStart.busy) / wallSeconds
        : Number.NaN;
    const ours = groups.reduce((sum, g) => sum + g.cores, 0);
    return {
      wallSeconds,
      groups,
      machineCores,
      otherCores: Math.max(0, machineCores - ours),
      cpuCount: os.cpus().length,
    };
  }
}
