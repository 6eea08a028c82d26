import { FULL_API, QUICK_API, runApiBenchmark } from './benchmarks/api.js';
import { FULL_CONNECTOR, QUICK_CONNECTOR, runConnectorBenchmark } from './benchmarks/connector.js';
import { FULL_FLEET, QUICK_FLEET, runFleetBenchmark } from './benchmarks/fleet.js';
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
    sizes: Sizes,
  ) => Promise<BenchmarkReport>;
  /** Runs only when named (a soak is too long for `pnpm bench` without names). */
  onlyByName?: boolean;
};

/** Size overrides from the command line (`--clusters`, `--duration`; only `fleet` reads them). */
export type Sizes = { clusters?: number; durationMs?: number };

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
    name: 'api',
    description:
      'GET /clusters/:id and /clusters?limit=100 through the API vs bare Fastify + pg (same rows)',
    run: (env, quick, log) => runApiBenchmark(env, quick ? QUICK_API : FULL_API, log),
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
  {
    name: 'connector',
    description:
      'Kubernetes proxy overhead through the tunnel vs kube-sim direct; a connector holding 1,000 and 10,000 idle tunnels',
    run: (env, quick, log) =>
      runConnectorBenchmark(env, quick ? QUICK_CONNECTOR : FULL_CONNECTOR, log),
  },
  {
    name: 'fleet',
    description:
      'soak: 10,000 clusters, their agents, periodic checks and a user for 10 minutes (--clusters, --duration)',
    run: (env, quick, log, sizes) =>
      runFleetBenchmark(env, { ...(quick ? QUICK_FLEET : FULL_FLEET), ...sizes }, log),
    onlyByName: true,
  },
];

/** Parses a duration: `90`, `90s`, `10m`, `1h`, `500ms`. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) {
    return null;
  }
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] ?? 1000;
  const ms = Number(match[1]) * unit;
  return ms > 0 ? ms : null;
}

/** Parsed command line. */
export type CliArgs =
  | {
      kind: 'run';
      names: string[];
      quick: boolean;
      profile: boolean;
      out: string | undefined;
      sizes: Sizes;
    }
  | { kind: 'help' }
  | { kind: 'error'; message: string };

/** Parses `[name…] [--quick] [--no-profile] [--out <file>] [--help]`; no names = every benchmark. */
export function parseArgs(argv: string[]): CliArgs {
  const names: string[] = [];
  let quick = false;
  let profile = true;
  let out: string | undefined;
  const sizes: Sizes = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') ? [arg.split('=')[0]!, arg.split('=')[1]] : [arg];
    if (arg === '--help' || arg === '-h') {
      return { kind: 'help' };
    } else if (flag === '--clusters') {
      const value = Number(inline ?? argv[++i]);
      if (!Number.isInteger(value) || value < 1) {
        return { kind: 'error', message: '--clusters needs a positive whole number' };
      }
      sizes.clusters = value;
    } else if (flag === '--duration') {
      const value = parseDuration(inline ?? argv[++i] ?? '');
      if (value === null) {
        return { kind: 'error', message: '--duration needs a duration such as 60s or 10m' };
      }
      sizes.durationMs = value;
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
  const ordered = BENCHMARKS.filter((b) =>
    names.length === 0 ? !b.onlyByName : names.includes(b.name),
  ).map((b) => b.name);
  return { kind: 'run', names: ordered, quick, profile, out, sizes };
}

/** The help text. */
export function usage(): string {
  return [
    'Usage: pnpm bench [name…] [--quick] [--no-profile] [--out <file>] [--clusters N] [--duration 10m]',
    '',
    'Runs the benchmarks (all but the fleet soak when no name is given) and writes BENCHMARKS.md at the repository',
    'root. --quick runs small sizes (a smoke test) and writes bench/.out/BENCHMARKS.quick.md.',
    "--no-profile runs the processes under test without V8's sampling profiler (no CPU",
    'breakdown by component in the results).',
    '--clusters and --duration size the fleet soak (default 10,000 clusters for 10m).',
    "PostgreSQL: DATABASE_URL's server, else 127.0.0.1:5432, else an embedded one.",
    '',
    'Benchmarks:',
    ...BENCHMARKS.map((b) => `  ${b.name.padEnd(12)} ${b.description}`),
    '',
  ].join('\n');
}
