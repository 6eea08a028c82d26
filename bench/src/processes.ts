import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the repository (benchmarks run the apps from there, as `pnpm start` does). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A Commander process started by a benchmark (manager replica, API, dhctl-sim, worker). */
export type AppProcess = {
  name: string;
  pid: number;
  child: ChildProcess;
  /** File receiving the process's stdout and stderr. */
  logFile: string;
  /** The last lines of its log (for error messages). */
  tail: (lines?: number) => string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null if killed). */
  stop: (graceMs?: number) => Promise<number | null>;
};

/**
 * Starts `node --import tsx <script>` from the repository root: one process per component
 * (what `pnpm start` and production run), its output in `logDir/<name>.log` rather than a pipe
 * we would have to drain during measurements. With `profileDir`, V8's sampling profiler writes
 * the process's profiles to `<profileDir>/<name>/` when it exits (`--cpu-prof`). The sampler is
 * not free: at V8's default interval (1 ms) it costs about 0.06 cores per isolate even when the
 * isolate is idle (a render worker blocked in `Atomics.wait` is sampled like a running one), so
 * a process with worker threads pays it several times over (measured: an idle process with two
 * blocked workers, 0.17 cores more than unprofiled), and a process with more threads (the API:
 * main, tsx's loader, two render workers) pays more than one with fewer (the bare baseline),
 * which skews ratios measured on a shared 2-core machine and CPU read from /proc. So every
 * benchmark samples every {@link PROFILE_INTERVAL_US} µs (10 ms: ~0.006 cores per isolate,
 * still 1,000 samples per busy thread in a 10 s window); `profileIntervalUs` overrides it.
 */
/**
 * V8 sampling interval of the benchmarks' `--cpu-prof` (see {@link startApp}); `BENCH_PROFILE_US`
 * overrides it for a closer look at one run (1000: V8's default, at the cost above).
 */
export const PROFILE_INTERVAL_US = (() => {
  const value = Number(process.env.BENCH_PROFILE_US);
  return Number.isInteger(value) && value > 0 ? value : 10_000;
})();

export function startApp(
  name: string,
  script: string,
  env: Record<string, string>,
  logDir: string,
  options: { profileDir?: string; profileIntervalUs?: number } = {},
): AppProcess {
  const logFile = path.join(logDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  // A folder per process: V8 writes one profile per thread (tsx's loader hooks run in one).
  const profile = options.profileDir
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${path.join(options.profileDir, name)}`,
        `--cpu-prof-interval=${options.profileIntervalUs ?? PROFILE_INTERVAL_US}`,
      ]
    : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const tail = (lines = 20) => {
    try {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  return {
    name,
    pid: child.pid ?? -1,
    child,
    logFile,
    tail,
    stop: async (graceMs = 20_000) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        return child.exitCode;
      }
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Whether a process has exited (then its log tail explains why). */
export function hasExited(app: AppProcess): boolean {
  return app.child.exitCode !== null || app.child.signalCode !== null;
}

/** A TCP port free right now on 127.0.0.1 (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Polls `check` every `everyMs` until it returns a truthy value; throws after `timeoutMs`
 * with `what`, or as soon as one of `watch` exits (with its log tail).
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  options: { timeoutMs?: number; everyMs?: number; watch?: AppProcess[] } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    for (const app of options.watch ?? []) {
      if (hasExited(app)) {
        throw new Error(`${app.name} exited while waiting for ${what}:\n${app.tail()}`);
      }
    }
    try {
      const value = await check();
      if (value) {
        return value;
      }
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 100));
  }
  const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`timed out after ${options.timeoutMs ?? 60_000} ms waiting for ${what}${reason}`);
}
