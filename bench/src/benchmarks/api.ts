// Issue 11: the API's hot reads (`GET /api/v1/clusters/:id` and `GET /api/v1/clusters?limit=100`
// with a token) against bare Fastify + `pg` serving the same rows from the same database, both
// as real processes, measured in the same run.
import { randomBytes } from 'node:crypto';

import { TelemetryBodySchema } from '@commander/contracts';
import { agentData, createAuthToken, silentLogger } from '@commander/core';
import { createEncryptor, generateEncryptionKeys } from '@commander/crypto';
import type { Prisma } from '@commander/db';

import { CpuMeter, type CpuUsage } from '../cpu.js';
import {
  analyzeProfiles,
  describeBreakdown,
  profileClockNow,
  profileFiles,
} from '../cpu-profile.js';
import type { BenchEnvironment } from '../environment.js';
import {
  closedLoop,
  describeErrors,
  type HttpRequestSpec,
  type LoadResult,
  rateOf,
} from '../http-load.js';
import { WaitSampler } from '../pg-waits.js';
import { type AppProcess, freePort, startApp, waitFor } from '../processes.js';
import { type BenchmarkReport, markdownTable } from '../report.js';
import { formatNumber, summarize } from '../stats.js';
import { newAgentModel, nextTelemetryBody } from '../telemetry-body.js';

/** Sizes of one run. */
export type ApiOptions = {
  clusters: number;
  concurrency: number;
  /** Interleaved rounds of (baseline, API) per request; the ratio is their median. */
  rounds: number;
  /** Length of one measurement (one server, one round). */
  roundMs: number;
  /** Warm-up of each server before its first round (the same for both). */
  warmupMs: number;
  /** The extra, profiled window per server (only with profiles), reported as a breakdown. */
  profileMs: number;
};

/** Full run: 1,000 clusters, 32 connections, 4 rounds of 2.5 s per server (10 s each). */
export const FULL_API: ApiOptions = {
  clusters: 1000,
  concurrency: 32,
  rounds: 4,
  roundMs: 2_500,
  warmupMs: 2_000,
  profileMs: 4_000,
};

/** Smoke run (`--quick`). */
export const QUICK_API: ApiOptions = {
  clusters: 200,
  concurrency: 20,
  rounds: 3,
  roundMs: 1_000,
  warmupMs: 1_000,
  profileMs: 1_000,
};

type Measured = { load: LoadResult; cpu: CpuUsage; window: { fromUs: number; toUs: number } };

async function measure(
  databaseUrl: string,
  databaseName: string,
  server: AppProcess,
  run: () => Promise<LoadResult>,
): Promise<Measured> {
  const sampler = new WaitSampler(databaseUrl, databaseName, 50);
  await sampler.start();
  const meter = new CpuMeter([
    { name: 'server', pids: () => [server.pid] },
    { name: 'PostgreSQL backends', pids: () => sampler.backendPids() },
  ]);
  await meter.start();
  const fromUs = profileClockNow();
  const load = await run();
  const toUs = profileClockNow();
  const cpu = await meter.stop();
  await sampler.stop();
  return { load, cpu, window: { fromUs, toUs } };
}

/** CPU milliseconds per successful request (server process + PostgreSQL backends). */
function cpuPerRequestMs(m: Measured): { server: number; postgres: number } {
  const ok = Math.max(1, m.load.ok);
  const seconds = (cores: number) => (cores * m.cpu.wallSeconds * 1000) / ok;
  return {
    server: seconds(m.cpu.groups[0]?.cores ?? Number.NaN),
    postgres: seconds(m.cpu.groups[1]?.cores ?? Number.NaN),
  };
}

/** One round of one request: the baseline's and the API's rate and CPU per request. */
export type ApiRound = {
  bareRate: number;
  apiRate: number;
  /** CPU ms per request, server + PostgreSQL backends. */
  bareCpuMs: number;
  apiCpuMs: number;
};

/** The median (NaN for none; the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The ratios of interleaved rounds: per round the API's rate ÷ the baseline's and the
 * baseline's CPU per request ÷ the API's, and the median of each (what the goal is judged on:
 * one slow round, from other work on the machine, moves a median little).
 */
export function roundRatios(rounds: readonly ApiRound[]): {
  rate: number[];
  cpu: number[];
  medianRate: number;
  medianCpu: number;
} {
  const rate = rounds.map((r) => r.apiRate / r.bareRate);
  const cpu = rounds.map((r) => r.bareCpuMs / r.apiCpuMs);
  return { rate, cpu, medianRate: median(rate), medianCpu: median(cpu) };
}

/** Several measurements of one server as one: summed requests, CPU and time, all latencies. */
function pooled(ms: readonly Measured[]): {
  rate: number;
  latencies: number[];
  cpu: { server: number; postgres: number };
  load: LoadResult;
} {
  const load: LoadResult = { durationMs: 0, sent: 0, ok: 0, errors: {}, latenciesMs: [] };
  let serverMs = 0;
  let postgresMs = 0;
  for (const m of ms) {
    load.durationMs += m.load.durationMs;
    load.sent += m.load.sent;
    load.ok += m.load.ok;
    for (const [code, n] of Object.entries(m.load.errors)) {
      load.errors[code] = (load.errors[code] ?? 0) + n;
    }
    for (const l of m.load.latenciesMs) {
      load.latenciesMs.push(l);
    }
    const cpu = cpuPerRequestMs(m);
    const ok = Math.max(1, m.load.ok);
    serverMs += cpu.server * ok;
    postgresMs += cpu.postgres * ok;
  }
  const ok = Math.max(1, load.ok);
  return {
    rate: rateOf(load),
    latencies: load.latenciesMs,
    cpu: { server: serverMs / ok, postgres: postgresMs / ok },
    load,
  };
}

export async function runApiBenchmark(
  env: BenchEnvironment,
  options: ApiOptions,
  log: (line: string) => void,
): Promise<BenchmarkReport> {
  const database = await env.createDatabase('api');
  const keys = generateEncryptionKeys();
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const barePort = await freePort();
  const bareUrl = `http://127.0.0.1:${barePort}`;
  const apiEnv = {
    DATABASE_URL: database.url,
    HOST: '127.0.0.1',
    PORT: String(apiPort),
    // What `pnpm start` runs.
    LOG_LEVEL: 'info',
    COMMANDER_PUBLIC_URL: apiUrl,
    COMMANDER_ADMIN_EMAIL: 'admin@bench.local',
    COMMANDER_ADMIN_PASSWORD: randomBytes(12).toString('base64url'),
    ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: keys.primaryKey as string,
    ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: keys.deterministicKey,
    ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: keys.keyDerivationSalt,
  };
  // The measured (ratio) rounds run both servers without the profiler; with profiles, both are
  // then restarted under `--cpu-prof` for one extra window each (same load), reported only as
  // the CPU breakdown. The sampler costs each isolate CPU, and the API has more of them.
  const startServers = async (profiled: boolean) => {
    const profileDir = profiled ? (env.profileDir ?? undefined) : undefined;
    const api = startApp('api', 'apps/api/src/main.ts', apiEnv, env.workDir, { profileDir });
    env.defer('stop api', () => api.stop());
    const bare = startApp(
      'bare',
      'bench/src/bare-api-server.ts',
      { DATABASE_URL: database.url, PORT: String(barePort) },
      env.workDir,
      { profileDir },
    );
    env.defer('stop bare server', () => bare.stop());
    await waitFor('the API to be ready', async () => (await fetch(`${apiUrl}/readyz`)).ok, {
      timeoutMs: 120_000,
      everyMs: 250,
      watch: [api],
    });
    await waitFor(
      'the bare server to answer',
      async () => (await fetch(`${bareUrl}/clusters?limit=1`)).ok,
      { timeoutMs: 60_000, everyMs: 250, watch: [bare] },
    );
    return { api, bare };
  };

  const db = database.db;
  let servers: { api: AppProcess; bare: AppProcess } | null = null;
  // The API creates the default workspace at startup.
  servers = await startServers(false);
  log(`creating ${options.clusters} clusters, each with an operation and an agent snapshot`);
  const workspace = await db.workspace.findUniqueOrThrow({ where: { slug: 'default' } });
  // The agent snapshot the fleet's agents leave (`cluster_agent_data`: overview + upmeter), from
  // the same telemetry body the fleet benchmark sends, with a seeded random walk.
  let seed = 1;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const reportedAt = new Date();
  for (let start = 0; start < options.clusters; start += 500) {
    await db.cluster.createMany({
      data: Array.from({ length: Math.min(500, options.clusters - start) }, (_, i) => ({
        workspaceId: workspace.id,
        name: `api-${String(start + i + 1).padStart(5, '0')}`,
        status: 'IN_SYNC' as const,
        wasCreated: true,
        clusterType: 'Static',
        values: { region: 'eu-1', replicas: 3, labels: { team: 'bench' } },
        connectionHosts: { masters: [{ host: `10.0.${i % 250}.10`, user: 'ubuntu' }] },
        agentStatus: 'connected',
        agentData: agentData(
          TelemetryBodySchema.parse(nextTelemetryBody(newAgentModel(start + i, random), random)),
          reportedAt,
        ) as Prisma.InputJsonValue,
      })),
    });
  }
  const clusters = await db.cluster.findMany({ select: { id: true }, orderBy: { name: 'asc' } });
  await db.clusterOperation.createMany({
    data: clusters.map((c) => ({
      clusterId: c.id,
      kind: 'CHECK' as const,
      status: 'SUCCEEDED' as const,
    })),
  });
  const encryptor = createEncryptor(keys);
  const created = await createAuthToken(
    {
      db,
      actor: { type: 'system', id: null, name: 'bench' },
      workspace: null,
      permissions: new Set(['global_tokens:write', 'global_tokens:read']),
      log: silentLogger,
      encryptor,
      instance: { publicHost: '127.0.0.1', publicUrl: apiUrl, caBundle: '', commanderUuid: '' },
      auditSink: () => undefined,
    },
    { name: 'bench', workspace_id: workspace.id, scope: 'read' },
  );
  const headers = { 'x-auth-token': created.token };

  const ids = clusters.map((c) => c.id);
  const cases: {
    label: string;
    api: (i: number) => HttpRequestSpec;
    bare: (i: number) => HttpRequestSpec;
    goal: number;
  }[] = [
    {
      label: '`GET /clusters/:id`',
      api: (i) => ({ method: 'GET', path: `/api/v1/clusters/${ids[i % ids.length]!}`, headers }),
      bare: (i) => ({ method: 'GET', path: `/clusters/${ids[i % ids.length]!}` }),
      goal: 0.7,
    },
    {
      label: '`GET /clusters?limit=100`',
      api: () => ({ method: 'GET', path: '/api/v1/clusters?limit=100', headers }),
      bare: () => ({ method: 'GET', path: '/clusters?limit=100' }),
      goal: 0.6,
    },
  ];
  const load = (url: string, next: (i: number) => HttpRequestSpec, durationMs: number) =>
    closedLoop({
      baseUrl: url,
      concurrency: options.concurrency,
      durationMs,
      expectedStatus: 200,
      next,
    });
  const rows: string[][] = [];
  const findings: string[] = [];
  for (const c of cases) {
    const running = servers;
    const target = {
      bare: { url: bareUrl, server: running.bare, next: c.bare },
      api: { url: apiUrl, server: running.api, next: c.api },
    };
    // The same warm-up for both, then rounds of (baseline, API), the order alternating so
    // neither always runs first after the other's load.
    for (const which of ['bare', 'api'] as const) {
      log(`${c.label} on ${which}: warm-up ${options.warmupMs / 1000} s`);
      await load(target[which].url, target[which].next, options.warmupMs);
    }
    const measured: Record<'api' | 'bare', Measured[]> = { api: [], bare: [] };
    const rounds: ApiRound[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? (['bare', 'api'] as const) : (['api', 'bare'] as const);
      const got = {} as Record<'api' | 'bare', Measured>;
      for (const which of order) {
        log(
          `${c.label} round ${round + 1}/${options.rounds} on ${which}: ${options.concurrency} connections, ${options.roundMs / 1000} s`,
        );
        const t = target[which];
        got[which] = await measure(database.url, database.name, t.server, () =>
          load(t.url, t.next, options.roundMs),
        );
        measured[which].push(got[which]);
      }
      const cpuOf = (m: Measured) => {
        const cpu = cpuPerRequestMs(m);
        return cpu.server + cpu.postgres;
      };
      rounds.push({
        bareRate: rateOf(got.bare.load),
        apiRate: rateOf(got.api.load),
        bareCpuMs: cpuOf(got.bare),
        apiCpuMs: cpuOf(got.api),
      });
    }
    const ratios = roundRatios(rounds);
    for (const which of ['bare', 'api'] as const) {
      const p = pooled(measured[which]);
      const s = summarize(p.latencies);
      rows.push([
        c.label,
        which === 'api'
          ? 'Commander API (token, LOG_LEVEL=info)'
          : 'bare Fastify + `pg` (baseline)',
        formatNumber(p.rate, 0),
        formatNumber(s.p50, 1),
        formatNumber(s.p99, 1),
        describeErrors(p.load),
        formatNumber(p.cpu.server, 2),
        formatNumber(p.cpu.postgres, 2),
        which === 'api' ? `${ratios.medianRate.toFixed(2)}× (median)` : '1.00×',
      ]);
    }
    const list = (values: number[]) => values.map((v) => `${v.toFixed(2)}×`).join(', ');
    findings.push(
      `- ${c.label}: ${ratios.medianRate.toFixed(2)}× of the baseline, the median of ${rounds.length} interleaved rounds (${list(ratios.rate)}); goal ≥ ${c.goal.toFixed(2)}×: ${ratios.medianRate >= c.goal ? 'met' : 'NOT met'}. By CPU per request (server + PostgreSQL, the baseline's ÷ the API's) ${ratios.medianCpu.toFixed(2)}× (rounds: ${list(ratios.cpu)}).`,
    );
  }
  await servers.bare.stop();
  await servers.api.stop();
  servers = null;

  const profiles: string[] = [];
  if (env.profileDir) {
    log('restarting both servers under the profiler for the breakdown windows');
    const profiled = await startServers(true);
    const windows: { label: string; server: 'api' | 'bare'; window: Measured['window'] }[] = [];
    for (const c of cases) {
      for (const [which, url, server, next] of [
        ['bare', bareUrl, profiled.bare, c.bare],
        ['api', apiUrl, profiled.api, c.api],
      ] as const) {
        log(`${c.label} on ${which}, profiled: ${options.profileMs / 1000} s`);
        await load(url, next, options.warmupMs);
        const m = await measure(database.url, database.name, server, () =>
          load(url, next, options.profileMs),
        );
        windows.push({ label: c.label, server: which, window: m.window });
      }
    }
    await profiled.bare.stop();
    await profiled.api.stop();
    // Both have exited: their CPU profiles are on disk.
    const files = {
      api: profileFiles(env.profileDir, 'api'),
      bare: profileFiles(env.profileDir, 'bare'),
    };
    for (const w of windows) {
      const breakdown = analyzeProfiles(files[w.server], w.window.fromUs, w.window.toUs);
      profiles.push(
        `- ${w.label}, ${w.server === 'api' ? 'Commander API' : 'bare baseline'} (${formatNumber(breakdown.busyMs / 1000, 1)} s sampled): ${describeBreakdown(breakdown)}`,
      );
    }
  }
  const body = [
    `${options.clusters} clusters (each with one operation and the agent snapshot the fleet's agents leave: \`cluster_agent_data\` overview + upmeter, from \`bench/src/telemetry-body.ts\`) in one workspace; a workspace read token; ${options.concurrency} keep-alive connections. The API runs as \`pnpm start\` runs it (\`node --import tsx apps/api/src/main.ts\`, \`LOG_LEVEL=info\`); the baseline is bare Fastify + \`pg\` (\`bench/src/bare-api-server.ts\`: one named SELECT of the same rows, all columns, no authentication, validation or logging) on the same database. Both servers get the same ${options.warmupMs / 1000} s warm-up per request, then ${options.rounds} interleaved rounds of ${options.roundMs / 1000} s each (baseline then API, the order alternating per round), without the profiler; the ratio is the median of the rounds' ratios. The table pools the rounds; CPU per request counts the server process and its PostgreSQL backends.`,
    '',
    markdownTable(
      [
        'Request',
        'Server',
        'req/s',
        'p50 ms',
        'p99 ms',
        'Errors',
        'CPU ms/req (server)',
        'CPU ms/req (PostgreSQL)',
        'vs baseline',
      ],
      rows,
    ),
    '',
    ...findings,
    ...(profiles.length > 0
      ? [
          '',
          `Where each server's CPU goes, from an extra window per server after the rounds (both restarted under the V8 sampling profiler, \`--cpu-prof\`, for ${options.profileMs / 1000} s of the same load each, so the profiler never runs in the measured rounds above; self time by function, one classifier for both: \`bench/src/cpu-profile.ts\`; the two catch-alls broken down by package or function in parentheses):`,
          '',
          ...profiles,
        ]
      : []),
    '',
    "What bounds the ratios (read with the breakdowns above; both servers profiled with the same classifier). Both answers are built the same way as the baseline's — one named statement, pg's parsing, one write — plus what a real API must do: authentication (a principal cache hit: one SHA-256 and a map lookup, no round trip), the hooks that apply to the route (the input guard, the cookie parser, the metrics histogram, the `ETag`, ten security headers computed once; the hooks of writes — `If-Match`, idempotency — are not attached to GET routes), one request log line, and the DTO (`toClusterDto`, an allowlist). Already removed (issue 11): zod's response serialization (a fast-json-stringify serializer compiled from the same schema, `apps/api/src/fast-serializer.ts`), helmet's per-request middleware, pino's redaction pass on the request line and the per-request child logger (built only when something is logged through it), promise-based hooks where a callback does (input guard, metrics, request line, agent key check), pg's per-execution parsing of the row description for the hot statements (`DescribedQuery`), the per-row reshaping of rows (pg array rows mapped straight into one object of a fixed shape) and the second scan for `X-Total-Count` (counted in the page's own scan). `GET /clusters/:id`: socket writes dominate both servers; what remains of the API's own CPU beyond the baseline is in pieces of one or two percent each (the request log line, the metrics histogram, the token's SHA-256, the larger header set, the DTO). Its PostgreSQL statement costs more than the baseline's `SELECT *` by id: the template join and the `LATERAL` last operation (about 15–20 µs of the ~65 µs the statement costs, measured one statement at a time); keeping the last operation on the cluster row would remove it, but needs a trigger that locks the cluster row after the operation row, the reverse of the cluster-first order the use cases lock in (ARCHITECTURE.md §8). On a shared 2-core machine each round's ratio moves with whatever else runs (the per-round ratios above show the spread); the median of interleaved rounds and the CPU per request (server + PostgreSQL) are the steadier figures. `GET /clusters?limit=100`: both serve 100 rows with their agent snapshots. The baseline's pg parses every JSON column and Fastify writes the rows with `JSON.stringify`; the API writes each snapshot from its jsonb text (`agent_data::text`, projected to the allowlisted `source` and `data` and compacted in one scan, projections kept by text: neither parsed nor stringified; ARCHITECTURE.md, hot reads) and the rest through the compiled serializer. Its PostgreSQL statement costs more than the baseline's `SELECT * … ORDER BY name LIMIT 100`: the page is read from the attention index and its total from the workspace's counts row, but each row joins its template and looks up its last operation (`LATERAL`); keeping the last operation on the cluster row would remove that (see above for why it is not done).",
  ].join('\n');
  return { name: 'api', title: 'API: hot reads against bare Fastify + pg (issue 11)', body };
}
