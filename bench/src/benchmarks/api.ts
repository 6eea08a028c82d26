// Issue 11: the API's hot reads (`GET /api/v1/clusters/:id` and `GET /api/v1/clusters?limit=100`
// with a token) against bare Fastify + `pg` serving the same rows from the same database, both
// as real processes, measured in the same run.
import { randomBytes } from 'node:crypto';

import { createAuthToken, silentLogger } from '@commander/core';
import { createEncryptor, generateEncryptionKeys } from '@commander/crypto';

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
import { formatNumber, formatRatio, summarize } from '../stats.js';

/** Sizes of one run. */
export type ApiOptions = {
  clusters: number;
  concurrency: number;
  durationMs: number;
  warmupMs: number;
};

/** Full run: 1,000 clusters, 32 connections, 10 s per measurement. */
export const FULL_API: ApiOptions = {
  clusters: 1000,
  concurrency: 32,
  durationMs: 10_000,
  warmupMs: 2_000,
};

/** Smoke run (`--quick`). */
export const QUICK_API: ApiOptions = {
  clusters: 200,
  concurrency: 20,
  durationMs: 3_000,
  warmupMs: 1_000,
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

export async function runApiBenchmark(
  env: BenchEnvironment,
  options: ApiOptions,
  log: (line: string) => void,
): Promise<BenchmarkReport> {
  const database = await env.createDatabase('api');
  const keys = generateEncryptionKeys();
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const api = startApp(
    'api',
    'apps/api/src/main.ts',
    {
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
    },
    env.workDir,
    { profileDir: env.profileDir ?? undefined },
  );
  env.defer('stop api', () => api.stop());
  await waitFor('the API to be ready', async () => (await fetch(`${apiUrl}/readyz`)).ok, {
    timeoutMs: 120_000,
    everyMs: 250,
    watch: [api],
  });
  const barePort = await freePort();
  const bareUrl = `http://127.0.0.1:${barePort}`;
  const bare = startApp(
    'bare',
    'bench/src/bare-api-server.ts',
    { DATABASE_URL: database.url, PORT: String(barePort) },
    env.workDir,
    // Profiled like the API, so both breakdowns come from the same classifier.
    { profileDir: env.profileDir ?? undefined },
  );
  env.defer('stop bare server', () => bare.stop());

  log(`creating ${options.clusters} clusters, each with an operation`);
  const db = database.db;
  const workspace = await db.workspace.findUniqueOrThrow({ where: { slug: 'default' } });
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
  await waitFor(
    'the bare server to answer',
    async () => (await fetch(`${bareUrl}/clusters?limit=1`)).ok,
    {
      timeoutMs: 60_000,
      everyMs: 250,
      watch: [bare],
    },
  );

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
  const rows: string[][] = [];
  const findings: string[] = [];
  const windows: { label: string; server: 'api' | 'bare'; window: Measured['window'] }[] = [];
  for (const c of cases) {
    const results: Record<'api' | 'bare', Measured> = {} as Record<'api' | 'bare', Measured>;
    for (const [which, url, server, next] of [
      ['bare', bareUrl, bare, c.bare],
      ['api', apiUrl, api, c.api],
    ] as const) {
      log(
        `${c.label} on ${which}: ${options.concurrency} connections, ${options.durationMs / 1000} s`,
      );
      await closedLoop({
        baseUrl: url,
        concurrency: options.concurrency,
        durationMs: options.warmupMs,
        expectedStatus: 200,
        next,
      });
      results[which] = await measure(database.url, database.name, server, () =>
        closedLoop({
          baseUrl: url,
          concurrency: options.concurrency,
          durationMs: options.durationMs,
          expectedStatus: 200,
          next,
        }),
      );
    }
    const bareRate = rateOf(results.bare.load);
    for (const which of ['bare', 'api'] as const) {
      const m = results[which];
      const s = summarize(m.load.latenciesMs);
      const cpu = cpuPerRequestMs(m);
      rows.push([
        c.label,
        which === 'api'
          ? 'Commander API (token, LOG_LEVEL=info)'
          : 'bare Fastify + `pg` (baseline)',
        formatNumber(rateOf(m.load), 0),
        formatNumber(s.p50, 1),
        formatNumber(s.p99, 1),
        describeErrors(m.load),
        formatNumber(cpu.server, 2),
        formatNumber(cpu.postgres, 2),
        which === 'api' ? formatRatio(rateOf(m.load), bareRate) : '1.00×',
      ]);
    }
    windows.push({ label: c.label, server: 'bare', window: results.bare.window });
    windows.push({ label: c.label, server: 'api', window: results.api.window });
    const ratio = rateOf(results.api.load) / bareRate;
    // The same comparison by CPU per request (server + its PostgreSQL backends): what the rate
    // ratio would be if both ran on an otherwise idle machine, steadier than the rates, which
    // are measured one after the other while other work comes and goes.
    const cpuOf = (m: Measured) => {
      const cpu = cpuPerRequestMs(m);
      return cpu.server + cpu.postgres;
    };
    const cpuRatio = cpuOf(results.bare) / cpuOf(results.api);
    findings.push(
      `- ${c.label}: ${ratio.toFixed(2)}× of the baseline (goal ≥ ${c.goal.toFixed(2)}×): ${ratio >= c.goal ? 'met' : 'NOT met'}; by CPU per request (server + PostgreSQL) ${cpuRatio.toFixed(2)}×.`,
    );
  }
  await bare.stop();
  await api.stop();
  // The API has exited: its CPU profile is on disk.
  const profiles: string[] = [];
  if (env.profileDir) {
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
    `${options.clusters} clusters (each with one operation) in one workspace; a workspace read token; ${options.concurrency} keep-alive connections, ${options.durationMs / 1000} s per measurement after ${options.warmupMs / 1000} s of warm-up. The API runs as \`pnpm start\` runs it (\`node --import tsx apps/api/src/main.ts\`, \`LOG_LEVEL=info\`); the baseline is bare Fastify + \`pg\` (\`bench/src/bare-api-server.ts\`: one named SELECT, no authentication, validation or logging) on the same database. CPU per request counts the server process and its PostgreSQL backends.`,
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
          "Where each server's CPU goes in its measured window (V8 sampling profiler, `--cpu-prof`, self time by function, one classifier for both: `bench/src/cpu-profile.ts`; the two catch-alls broken down by package or function in parentheses):",
          '',
          ...profiles,
        ]
      : []),
    '',
    "What bounds the ratios (read with the breakdowns above; both servers profiled with the same classifier). Both answers are built the same way as the baseline's — one named statement, pg's parsing, one write — plus what a real API must do: authentication (a principal cache hit: one SHA-256 and a map lookup, no round trip), the hooks that apply to the route (the input guard, the cookie parser, the metrics histogram, the `ETag`, ten security headers computed once; the hooks of writes — `If-Match`, idempotency — are not attached to GET routes), one request log line, and the DTO (`toClusterDto`, an allowlist). Already removed (issue 11): zod's response serialization (a fast-json-stringify serializer compiled from the same schema, `apps/api/src/fast-serializer.ts`), helmet's per-request middleware, pino's redaction pass on the request line and the per-request child logger (built only when something is logged through it), promise-based hooks where a callback does (input guard, metrics, request line, agent key check), pg's per-execution parsing of the row description for the hot statements (`DescribedQuery`), the per-row reshaping of rows (pg array rows mapped straight into one object of a fixed shape) and the second scan for `X-Total-Count` (counted in the page's own scan). `GET /clusters/:id`: socket writes dominate both servers; what remains of the API's own CPU beyond the baseline is in pieces of one or two percent each (the request log line, the metrics histogram, the token's SHA-256, the larger header set, the DTO). Its PostgreSQL statement costs more than the baseline's `SELECT *` by id: the template join and the `LATERAL` last operation (about 15–20 µs of the ~65 µs the statement costs, measured one statement at a time); keeping the last operation on the cluster row would remove it, but needs a trigger that locks the cluster row after the operation row, the reverse of the cluster-first order the use cases lock in (ARCHITECTURE.md §8). The baseline and the API are measured one after the other, so on a shared 2-core machine the ratio also moves with whatever else runs; the CPU per request (server + PostgreSQL) is the steadier figure. `GET /clusters?limit=100`: the API's own CPU per request is now close to the baseline's, and the gap is PostgreSQL: the list statement costs about five times the baseline's `SELECT * … ORDER BY name LIMIT 100` (it sorts the workspace by the attention rank, joins the template, finds each row's last operation and counts the filter), and on 2 cores PostgreSQL's CPU is taken from the API's. What would lift it: an index that serves the generic plan's order with the optional filters (the prepared statement's `$n IS NULL OR …` filters make PostgreSQL sort the workspace's rows rather than read the attention index), and the last operation kept on the cluster row (a column written with the operation) instead of a `LATERAL` lookup per row.",
  ].join('\n');
  return { name: 'api', title: 'API: hot reads against bare Fastify + pg (issue 11)', body };
}
