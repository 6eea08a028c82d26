import {
  FULL_OPERATIONS,
  QUICK_OPERATIONS,
  runOperationsBenchmark,
} from './benchmarks/operations.js';
import {
  FULL_RENDER_SANDBOX,
  QUICK_RENDER_SANDBOX,
  runRenderSandboxBenchmark,
} from './benchmarks/render-sandbox.js';
import { FULL_TELEMETRY, QUICK_TELEMETRY, runTelemetryBenchmark } from './benchmarks/telemetry.js';
import { FULL_WEB, QUICK_WEB, runWebBenchmark } from './benchmarks/web.js';
import type { BenchEnvironment } from './environment.js';
import type { BenchmarkReport } from './report.js';

/** A benchmark `pnpm bench <name>` can run. */
export type Benchmark = {
  name: string;
  description: string;
  run: (
    env: BenchEnvironment,
    quick: boolean,
    log: (line: string) => void,
  ) => Promise<BenchmarkReport>;
};

/** Every benchmark, in the order they run and appear in BENCHMARKS.md. */
export const BENCHMARKS: Benchmark[] = [
  {
    name: 'operations',
    description:
      'cluster operations through 1, 2 and 4 manager replicas (processes) against dhctl-sim',
    run: (env, quick, log) =>
      runOperationsBenchmark(env, quick ? QUICK_OPERATIONS : FULL_OPERATIONS, log),
  },
  {
    name: 'telemetry',
    description: 'agent telemetry ingest into the API process from thousands of agents',
    run: (env, quick, log) =>
      runTelemetryBenchmark(env, quick ? QUICK_TELEMETRY : FULL_TELEMETRY, log),
  },
  {
    name: 'render',
    description: '/healthz latency of the API idle and during hostile template renders',
    run: (env, quick, log) =>
      runRenderSandboxBenchmark(env, quick ? QUICK_RENDER_SANDBOX : FULL_RENDER_SANDBOX, log),
  },
  {
    name: 'web',
    description: 'cold load of the clusters page with 10,000 clusters in Chromium, JS transferred',
    run: (env, quick, log) => runWebBenchmark(env, quick ? QUICK_WEB : FULL_WEB, log),
  },
];

/** Parsed command line. */
export type CliArgs =
  | { kind: 'run'; names: string[]; quick: boolean; profile: boolean; out: string | undefined }
  | { kind: 'help' }
  | { kind: 'error'; message: string };

/** Parses `[name…] [--quick] [--no-profile] [--out <file>] [--help]`; no names = every benchmark. */
export function parseArgs(argv: string[]): CliArgs {
  const names: string[] = [];
  let quick = false;
  let profile = true;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      return { kind: 'help' };
    } else if (arg === '--quick') {
      quick = true;
    } else if (arg === '--no-profile') {
      profile = false;
    } else if (arg === '--out') {
      out = argv[++i];
      if (!out) {
        return { kind: 'error', message: '--out needs a file name' };
      }
    } else if (arg.startsWith('--out=')) {
      out = arg.slice('--out='.length);
    } else if (arg === '--') {
      continue;
    } else if (arg.startsWith('-')) {
      return { kind: 'error', message: `unknown option ${arg}` };
    } else if (BENCHMARKS.some((b) => b.name === arg)) {
      if (!names.includes(arg)) {
        names.push(arg);
      }
    } else {
      return { kind: 'error', message: `unknown benchmark "${arg}"` };
    }
  }
  const ordered = BENCHMARKS.map((b) => b.name).filter(
    (n) => names.length === 0 || names.includes(n),
  );
  return { kind: 'run', names: ordered, quick, profile, out };
}

/** The help text. */
export function usage(): string {
  return [
    'Usage: pnpm bench [name…] [--quick] [--no-profile] [--out <file>]',
    '',
    'Runs the benchmarks (all when no name is given) and writes BENCHMARKS.md at the repository',
    'root. --quick runs small sizes (a smoke test) and writes bench/.out/BENCHMARKS.quick.md.',
    "--no-profile runs the processes under test without V8's sampling profiler (no CPU",
    'breakdown by component in the results).',
    "PostgreSQL: DATABASE_URL's server, else 127.0.0.1:5432, else an embedded one.",
    '',
    'Benchmarks:',
    ...BENCHMARKS.map((b) => `  ${b.name.padEnd(12)} ${b.description}`),
    '',
  ].join('\n');
}
