// Issue 6: sustained telemetry ingest into the API's agent endpoint from thousands of agents,
// against baselines measured in the same run (the API's /healthz and /readyz, and single-row
// INSERTs straight into PostgreSQL).
import { randomBytes } from 'node:crypto';

import { TelemetryBodySchema } from '@commander/contracts';
import {
  AGENT_POLL_INTERVAL_SECONDS,
  AGENT_TELEMETRY_INTERVAL_SECONDS,
  agentCredentialsSecret,
  agentData,
  agentUrl,
  ensureAgentKey,
  EVENTS_CHANNEL,
} from '@commander/core';
import { createEncryptor, generateEncryptionKeys } from '@commander/crypto';
import {
  insertTelemetrySamples,
  selectAgentAuth,
  sendNotices,
  TELEMETRY_NOTICE_MAX_CLUSTERS,
  type TelemetryRow,
  writeAgentSnapshots,
} from '@commander/db';
import pg from 'pg';

import { agentApiLatencies, type ServerLatencies } from '../api-log.js';
import { mapLimit, sleep } from '../concurrency.js';
import { CpuMeter, type CpuUsage, processCpuSeconds } from '../cpu.js';
import {
  analyzeProfiles,
  describeBreakdown,
  type ProfileBreakdown,
  profileClockNow,
  profileFiles,
} from '../cpu-profile.js';
import type { BenchDatabase, BenchEnvironment } from '../environment.js';
import {
  closedLoop,
  describeErrors,
  type HttpRequestSpec,
  type LoadResult,
  openLoop,
  rateOf,
} from '../http-load.js';
import { describeWaits, type WaitProfile, WaitSampler } from '../pg-waits.js';
import { type AppProcess, freePort, startApp, waitFor } from '../processes.js';
import { type BenchmarkReport, markdownTable } from '../report.js';
import { formatNumber, formatPercent, formatRatio, summarize, type Summary } from '../stats.js';
import { type AgentModel, newAgentModel, nextTelemetryBody } from '../telemetry-body.js';

/** Sizes of one run of the benchmark. */
export type TelemetryOptions = {
  /** Agent counts of the open-loop runs (each agent sends every `intervalMs`). */
  agentCounts: number[];
  intervalMs: number;
  /** Length of each open-loop run. */
  openLoopMs: number;
  /**
   * Length of each closed-loop saturation run, and the connection counts of its ladder: the
   * saturation rate is the best rung (a closed loop is bounded by connections ÷ latency, so one
   * connection count can measure the latency instead of the ceiling).
   */
  saturationMs: number;
  saturationLadder: number[];
  /** Length of each baseline run. */
  baselineMs: number;
  /**
   * Connection counts of the single-row INSERT baseline's ladder (its best rung is the
   * baseline, as for saturation). At most 60: the API's pools are open on the same server.
   */
  insertLadder: number[];
  /** Concurrency of the `/healthz` and `/readyz` baselines. */
  baselineConcurrency: number;
  /** Simulated commander-agents of dhctl-sim driving the API (0 = skip). */
  fleetAgents: number;
  /** Measured window of the fleet run, after `fleetSettleMs`. */
  fleetMs: number;
  fleetSettleMs: number;
  /** Calls per kind when measuring what one Prisma call costs. */
  prismaCalls: number;
};

/** Full run: 1,000 and 10,000 agents at the agents' 30 s interval, and 1,000 dhctl-sim agents. */
export const FULL_TELEMETRY: TelemetryOptions = {
  agentCounts: [1000, 10_000],
  intervalMs: AGENT_TELEMETRY_INTERVAL_SECONDS * 1000,
  openLoopMs: 15_000,
  saturationMs: 8_000,
  saturationLadder: [32, 64, 128],
  baselineMs: 5_000,
  insertLadder: [20, 40, 60],
  baselineConcurrency: 32,
  fleetAgents: 1000,
  fleetMs: 20_000,
  // One poll interval and a little: every agent has done its first full sync (GET 200 and a
  // status report), so the window shows the steady state (mostly 304s and telemetry).
  fleetSettleMs: AGENT_POLL_INTERVAL_SECONDS * 1000 + 5_000,
  prismaCalls: 200,
};

/** Smoke run (`--quick`): ten times fewer agents, seconds instead of tens of seconds. */
export const QUICK_TELEMETRY: TelemetryOptions = {
  agentCounts: [100, 1000],
  intervalMs: AGENT_TELEMETRY_INTERVAL_SECONDS * 1000,
  openLoopMs: 4_000,
  saturationMs: 2_000,
  saturationLadder: [16, 64],
  baselineMs: 1_500,
  insertLadder: [20, 40],
  baselineConcurrency: 16,
  fleetAgents: 100,
  fleetMs: 5_000,
  fleetSettleMs: 2_000,
  prismaCalls: 30,
};

type Agent = { uuid: string; key: string; model: AgentModel };

/** One measured row. */
type Row = {
  label: string;
  kind: 'baseline' | 'saturation' | 'open' | 'fleet';
  /** A rung of a connection ladder: the INSERT baseline's or the API's saturation. */
  rung?: { ladder: 'insert' | 'saturation'; connections: number };
  /** Offered load (requests/s) of an open-loop run. */
  offered: number | null;
  /** Agents of an open-loop or fleet run. */
  agents?: number;
  /** Achieved rate: requests (or samples) per second. */
  rate: number;
  latency: Summary | null;
  errors: string;
  /** Telemetry rows the database gained (checks that every 204 was stored). */
  rowsWritten: number | null;
  cpu: CpuUsage | null;
  waits: WaitProfile | null;
  server: ServerLatencies | null;
  note: string;
  /** The measured window on the CPU profiles' clock. */
  window: { fromUs: number; toUs: number } | null;
  /** Where the API spent its CPU in the window, once analysed. */
  profile: ProfileBreakdown | null;
};

type Setup = {
  database: BenchDatabase;
  api: AppProcess;
  apiUrl: string;
  agents: Agent[];
  keys: ReturnType<typeof generateEncryptionKeys>;
};

async function setUp(
  env: BenchEnvironment,
  count: number,
  log: (line: string) => void,
): Promise<Setup> {
  const database = await env.createDatabase('telemetry');
  const keys = generateEncryptionKeys();
  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  const api = startApp(
    'api',
    'apps/api/src/main.ts',
    {
      DATABASE_URL: database.url,
      HOST: '127.0.0.1',
      PORT: String(port),
      // What `pnpm start` runs: every request is logged (two JSON lines), as in production.
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

  log(`creating ${count} clusters with agent keys`);
  const db = database.db;
  // The API bootstrapped the installation: its default workspace holds the clusters.
  const workspace = await db.workspace.findUniqueOrThrow({ where: { slug: 'default' } });
  for (let start = 0; start < count; start += 1000) {
    await db.cluster.createMany({
      data: Array.from({ length: Math.min(1000, count - start) }, (_, i) => ({
        workspaceId: workspace.id,
        name: `agent-${String(start + i + 1).padStart(5, '0')}`,
        status: 'IN_SYNC' as const,
        wasCreated: true,
        clusterType: 'Static',
      })),
    });
  }
  const clusters = await db.cluster.findMany({
    where: { workspaceId: workspace.id, name: { startsWith: 'agent-' } },
    select: { id: true, uuid: true },
    orderBy: { name: 'asc' },
  });
  const encryptor = createEncryptor(keys);
  // What install does for each cluster: an agent key, stored hashed and encrypted.
  const agentKeys = await mapLimit(clusters, 8, (c) => ensureAgentKey(db, encryptor, c.id));
  const agents = clusters.map((c, i) => ({
    uuid: c.uuid,
    key: agentKeys[i]!,
    model: newAgentModel(i),
  }));
  return { database, api, apiUrl, agents, keys };
}

function telemetryRequest(agent: Agent): HttpRequestSpec {
  return {
    method: 'POST',
    path: `/agent_api/${agent.uuid}/telemetry`,
    headers: { authorization: `Bearer ${agent.key}` },
    body: JSON.stringify(nextTelemetryBody(agent.model)),
  };
}

async function telemetryRows(database: BenchDatabase): Promise<number> {
  return database.db.telemetrySample.count();
}

/** Runs `work` with the CPU meter and the wait sampler around it. */
async function measured<T>(
  setup: Setup,
  extra: { name: string; pids: () => number[] }[],
  work: () => Promise<T>,
): Promise<{
  value: T;
  cpu: CpuUsage;
  waits: WaitProfile;
  rowsWritten: number;
  window: { fromUs: number; toUs: number };
}> {
  const sampler = new WaitSampler(setup.database.url, setup.database.name, 25);
  await sampler.start();
  const meter = new CpuMeter([
    { name: 'API', pids: () => [setup.api.pid] },
    ...extra,
    { name: 'PostgreSQL backends', pids: () => sampler.backendPids() },
    { name: 'bench process', pids: () => [process.pid] },
  ]);
  const before = await telemetryRows(setup.database);
  await meter.start();
  const fromUs = profileClockNow();
  const value = await work();
  const cpu = await meter.stop();
  const toUs = profileClockNow();
  const waits = await sampler.stop();
  const rowsWritten = (await telemetryRows(setup.database)) - before;
  return { value, cpu, waits, rowsWritten, window: { fromUs, toUs } };
}

function loadRow(
  label: string,
  kind: Row['kind'],
  result: LoadResult,
  offered: number | null,
  extra: Partial<Row> = {},
): Row {
  return {
    label,
    kind,
    offered,
    rate: rateOf(result),
    latency: summarize(result.latenciesMs),
    errors: describeErrors(result),
    rowsWritten: null,
    cpu: null,
    waits: null,
    server: null,
    note: '',
    window: null,
    profile: null,
    ...extra,
  };
}

/** Single-row INSERTs of a telemetry sample straight into PostgreSQL, `concurrency` connections. */
async function insertBaseline(
  database: BenchDatabase,
  clusterIds: string[],
  concurrency: number,
  durationMs: number,
): Promise<{ rate: number; latency: Summary }> {
  const clients = await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const client = new pg.Client({
        connectionString: database.url,
        application_name: 'commander-bench insert',
      });
      await client.connect();
      return client;
    }),
  );
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + durationMs;
  let n = 0;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < deadline) {
        const at = performance.now();
        await client.query({
          name: 'bench-insert',
          text: `INSERT INTO telemetry_samples (cluster_id, ts, cpu_cores, cpu_usage, memory_bytes, memory_used_bytes, storage_bytes, storage_used_bytes, node_count)
                 VALUES ($1, now(), 16, 4.2, 68719476736, 34359738368, 536870912000, 107374182400, 4)`,
          values: [clusterIds[n++ % clusterIds.length]],
        });
        latencies.push(performance.now() - at);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(clients.map((c) => c.end()));
  return { rate: latencies.length / seconds, latency: summarize(latencies) };
}

/** CPU and wall time of one call of each kind the telemetry route makes. */
type CallCost = { call: string; cpuMs: number; wallMs: number };

/**
 * What the statements of the telemetry path cost, measured one at a time in this process: the
 * API's hot statements on `pg` (agent-key lookup on a cache miss, the batch statement with 1
 * and with 100 samples), against the Prisma calls the per-sample path made before the
 * write-behind buffer, and `SELECT 1` on each for the floor. CPU per call is this process's;
 * "per sample" divides a batch by its samples.
 */
async function callCosts(
  database: BenchDatabase,
  agent: Agent,
  calls: number,
): Promise<CallCost[]> {
  const db = database.db;
  const cluster = await db.cluster.findUniqueOrThrow({ where: { uuid: agent.uuid } });
  const pool = new pg.Pool({ connectionString: database.url, max: 1 });
  const row = (i: number): TelemetryRow => ({
    clusterId: cluster.id,
    ts: new Date(),
    cpuCores: 16,
    cpuUsage: i % 16,
    memoryBytes: 1,
    memoryUsedBytes: 1,
    storageBytes: 1,
    storageUsedBytes: 1,
    nodeCount: 4,
  });
  const batch = async (n: number, i: number) => {
    await insertTelemetrySamples(
      pool,
      Array.from({ length: n }, (_, k) => row(i + k)),
    );
    const { notices } = await writeAgentSnapshots(pool, {
      snapshots: [
        {
          clusterId: cluster.id,
          agentDataJson: '[]',
          reportedAt: new Date().toISOString(),
          seenAt: new Date(),
        },
      ],
      seen: [],
    });
    await sendNotices(pool, EVENTS_CHANNEL, notices);
  };
  const kinds: [string, number, (i: number) => Promise<unknown>][] = [
    [
      'pg: agent-key lookup (`selectAgentAuth`, a cache miss)',
      1,
      () => selectAgentAuth(pool, agent.uuid),
    ],
    [
      'pg: `insertTelemetrySamples`, then `writeAgentSnapshots` + `sendNotices`, 1 sample',
      1,
      (i) => batch(1, i),
    ],
    [
      'pg: `insertTelemetrySamples`, then `writeAgentSnapshots` + `sendNotices`, 100 samples of one cluster (per sample)',
      100,
      (i) => batch(100, i),
    ],
    ['pg: `SELECT 1`', 1, () => pool.query('SELECT 1')],
    [
      'before: Prisma `cluster.findUnique` (agent-key lookup per request)',
      1,
      () => db.cluster.findUnique({ where: { uuid: agent.uuid } }),
    ],
    [
      'before: Prisma `$transaction([telemetrySample.create, cluster.update])` + `pg_notify`',
      1,
      async (i) => {
        await db.$transaction([
          db.telemetrySample.create({ data: row(i) }),
          db.cluster.update({
            where: { id: cluster.id },
            data: { agentStatus: 'online', agentLastSeenAt: new Date() },
          }),
        ]);
        await db.$executeRaw`SELECT pg_notify('commander_bench', ${String(i)})`;
      },
    ],
    ['Prisma `$queryRaw` `SELECT 1`', 1, () => db.$queryRaw`SELECT 1`],
  ];
  const costs: CallCost[] = [];
  try {
    for (const [call, per, run] of kinds) {
      const n = Math.max(10, Math.round(calls / per));
      for (let i = 0; i < Math.min(30, n); i++) {
        await run(i);
      }
      const cpu = process.cpuUsage();
      const at = performance.now();
      for (let i = 0; i < n; i++) {
        await run(i);
      }
      const used = process.cpuUsage(cpu);
      costs.push({
        call,
        cpuMs: (used.user + used.system) / 1000 / n / per,
        wallMs: (performance.now() - at) / n / per,
      });
    }
  } finally {
    await pool.end();
  }
  return costs;
}

/** What one variant of the batch statement costs, per sample. */
type BatchCost = {
  statement: string;
  /** Samples (or polled agents) per statement. */
  perStatement: number;
  /** CPU of every PostgreSQL backend of the database (the statement's and the listeners'). */
  pgCpuMs: number;
  /** CPU of this process (the pg driver: building and sending the statement). */
  clientCpuMs: number;
  /** Wall time of one statement, commit (WAL flush) included. */
  wallMsPerStatement: number;
};

/** Samples (of as many clusters) in each batch of the breakdown. */
const BREAKDOWN_BATCH = 100;

/**
 * The telemetry batch statement taken apart, each variant timed alone (one statement at a time,
 * autocommit, one connection, `calls` statements): the multi-row INSERT alone (the acknowledged
 * statement now); with each cluster's snapshot UPDATE (`agent_data` jsonb, online, last seen)
 * in the same statement (before); the INSERT, then the snapshot statement and its coalesced
 * notices in their own transactions (now); with one `pg_notify` per
 * cluster inside the transaction, or the coalesced notices inside it (before); the seen UPDATE
 * of agents that only polled; and the single-row INSERT of the baseline. A batch holds {@link BREAKDOWN_BATCH} samples of as many clusters, as at
 * saturation, where each request is another agent. PostgreSQL's CPU is that of every backend of
 * the database from /proc, which includes the API's idle LISTEN connections: PostgreSQL wakes
 * every listening backend of the database on each NOTIFY, whatever its channel.
 */
async function batchBreakdown(
  database: BenchDatabase,
  clusterIds: string[],
  calls: number,
): Promise<BatchCost[]> {
  const client = new pg.Client({
    connectionString: database.url,
    application_name: 'commander-bench breakdown',
  });
  await client.connect();
  const backendPids = async () =>
    (
      await client.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE datname = current_database()',
      )
    ).rows.map((r) => r.pid);
  const model = newAgentModel(7);
  const agentDataJson = JSON.stringify(
    agentData(TelemetryBodySchema.parse(nextTelemetryBody(model)), new Date()),
  );
  const groups = Math.max(1, Math.floor(clusterIds.length / BREAKDOWN_BATCH));
  const idsOf = (i: number) =>
    clusterIds.slice(
      (i % groups) * BREAKDOWN_BATCH,
      (i % groups) * BREAKDOWN_BATCH + BREAKDOWN_BATCH,
    );
  const samples = (ids: string[], i: number): TelemetryRow[] =>
    ids.map((clusterId, k) => ({
      clusterId,
      ts: new Date(),
      cpuCores: 16,
      cpuUsage: (i + k) % 16,
      memoryBytes: 68_719_476_736,
      memoryUsedBytes: 34_359_738_368,
      storageBytes: 536_870_912_000,
      storageUsedBytes: 107_374_182_400,
      nodeCount: 4,
    }));
  const snapshots = (ids: string[]) =>
    ids.map((clusterId) => ({
      clusterId,
      agentDataJson,
      reportedAt: new Date().toISOString(),
      seenAt: new Date(),
    }));
  // The INSERT and the snapshot UPDATE in one statement, as the batch statement wrote them
  // before the snapshots left the acknowledged path: without NOTIFY (the notices after the
  // commit), or with the NOTIFYs inside the transaction, one per cluster or coalesced.
  const insertAndSnapshot = (notify: 'none' | 'per-cluster' | 'coalesced') => `WITH inserted AS (
      INSERT INTO telemetry_samples (cluster_id, ts, cpu_cores, cpu_usage, memory_bytes,
                                     memory_used_bytes, storage_bytes, storage_used_bytes, node_count)
      SELECT u.* FROM unnest($1::uuid[], $2::timestamptz[], $3::float8[], $4::float8[], $5::float8[],
                             $6::float8[], $7::float8[], $8::float8[], $9::int[])
                   AS u(cluster_id, ts, cpu_cores, cpu_usage, memory_bytes, memory_used_bytes,
                        storage_bytes, storage_used_bytes, node_count)
      WHERE EXISTS (SELECT 1 FROM clusters c WHERE c.id = u.cluster_id)
      RETURNING 1
    ), snapshots AS (
      UPDATE clusters c
      SET agent_data = v.data::jsonb, agent_status = 'online', agent_last_seen_at = v.seen
      FROM unnest($10::uuid[], $11::text[], $12::timestamptz[]) AS v(id, data, seen)
      WHERE c.id = v.id
      RETURNING c.id, c.workspace_id
    )
    SELECT (SELECT count(*) FROM inserted)::int AS stored,
           ${
             notify === 'none'
               ? '(SELECT count(*) FROM snapshots)'
               : notify === 'per-cluster'
                 ? `(SELECT count(pg_notify('${EVENTS_CHANNEL}', json_build_object('type', 'telemetry', 'id', id,
                    'workspace_id', workspace_id, 'cluster_id', id)::text)) FROM snapshots)`
                 : `(SELECT count(pg_notify('${EVENTS_CHANNEL}', p.payload))
                   FROM (SELECT json_build_object('type', 'telemetry', 'workspace_id', k.workspace_id,
                                  'cluster_ids', json_agg(k.id ORDER BY k.id))::text AS payload
                         FROM (SELECT id, workspace_id,
                                      (row_number() OVER (PARTITION BY workspace_id ORDER BY id) - 1)
                                        / ${TELEMETRY_NOTICE_MAX_CLUSTERS} AS chunk
                               FROM snapshots) k
                         GROUP BY k.workspace_id, k.chunk) p)`
           } AS n`;
  const custom = (name: string, text: string) => (i: number) => {
    const ids = idsOf(i);
    const rows = samples(ids, i);
    const snaps = snapshots(ids);
    return client.query({
      name,
      text,
      values: [
        rows.map((r) => r.clusterId),
        rows.map((r) => r.ts),
        rows.map((r) => r.cpuCores),
        rows.map((r) => r.cpuUsage),
        rows.map((r) => r.memoryBytes),
        rows.map((r) => r.memoryUsedBytes),
        rows.map((r) => r.storageBytes),
        rows.map((r) => r.storageUsedBytes),
        rows.map((r) => r.nodeCount),
        snaps.map((r) => r.clusterId),
        snaps.map((r) => r.agentDataJson),
        snaps.map((r) => r.seenAt),
      ],
    });
  };
  const n = BREAKDOWN_BATCH;
  const variants: [string, number, (i: number) => Promise<unknown>][] = [
    [
      "single-row `INSERT` (the baseline's statement)",
      1,
      (i) =>
        client.query({
          name: 'bench-breakdown-insert',
          text: `INSERT INTO telemetry_samples (cluster_id, ts, cpu_cores, cpu_usage, memory_bytes, memory_used_bytes, storage_bytes, storage_used_bytes, node_count)
                 VALUES ($1, now(), 16, 4.2, 68719476736, 34359738368, 536870912000, 107374182400, 4)`,
          values: [clusterIds[i % clusterIds.length]],
        }),
    ],
    [
      `multi-row \`INSERT\` of ${n} samples (\`insertTelemetrySamples\`: the acknowledged statement now)`,
      n,
      (i) => insertTelemetrySamples(client, samples(idsOf(i), i)),
    ],
    [
      `+ snapshot \`UPDATE\` of their ${n} clusters in the same statement (\`agent_data\`; the batch statement before)`,
      n,
      custom('bench-breakdown-insert-snapshot', insertAndSnapshot('none')),
    ],
    [
      `now: the \`INSERT\`, then the snapshot statement (\`writeAgentSnapshots\`) and its notices (\`sendNotices\`), three transactions`,
      n,
      async (i) => {
        const ids = idsOf(i);
        await insertTelemetrySamples(client, samples(ids, i));
        const { notices } = await writeAgentSnapshots(client, {
          snapshots: snapshots(ids),
          seen: [],
        });
        await sendNotices(client, EVENTS_CHANNEL, notices);
      },
    ],
    [
      `before: one \`pg_notify\` per cluster inside the batch's transaction (${n} notifications)`,
      n,
      custom('bench-breakdown-notify-each', insertAndSnapshot('per-cluster')),
    ],
    [
      "before: one coalesced NOTIFY per workspace inside the batch's transaction",
      n,
      custom('bench-breakdown-notify-coalesced', insertAndSnapshot('coalesced')),
    ],
    [
      `seen \`UPDATE\` of ${n} agents that only polled (\`writeAgentSnapshots\`, seen only)`,
      n,
      (i) =>
        writeAgentSnapshots(client, {
          snapshots: [],
          seen: idsOf(i).map((clusterId) => ({ clusterId, seenAt: new Date() })),
        }),
    ],
  ];
  // Interleaved: each variant runs a share of its statements in every round, so a change in
  // the machine's load during the measurement falls on all of them alike.
  const rounds = 5;
  const totals = variants.map(() => ({ pg: 0, client: 0, wall: 0, statements: 0 }));
  try {
    for (const [, , run] of variants) {
      for (let i = 0; i < 20; i++) {
        await run(i); // warm-up: JIT, plans, buffers
      }
    }
    const pids = await backendPids();
    let sequence = 0;
    for (let round = 0; round < rounds; round++) {
      for (const [v, [, perStatement, run]] of variants.entries()) {
        const count = Math.ceil(Math.max(20, perStatement === 1 ? calls * 5 : calls) / rounds);
        const pgBefore = pids.map((pid) => processCpuSeconds(pid) ?? 0);
        const cpu = process.cpuUsage();
        const at = performance.now();
        for (let i = 0; i < count; i++) {
          await run(sequence++);
        }
        const total = totals[v]!;
        total.wall += performance.now() - at;
        const used = process.cpuUsage(cpu);
        total.client += (used.user + used.system) / 1000;
        total.pg +=
          1000 *
          pids.reduce(
            (sum, pid, k) =>
              sum + Math.max(0, (processCpuSeconds(pid) ?? pgBefore[k]!) - pgBefore[k]!),
            0,
          );
        total.statements += count;
      }
    }
  } finally {
    await client.end();
  }
  return variants.map(([statement, perStatement], v) => {
    const t = totals[v]!;
    const samplesDone = t.statements * perStatement;
    return {
      statement,
      perStatement,
      pgCpuMs: t.pg / samplesDone,
      clientCpuMs: t.client / samplesDone,
      wallMsPerStatement: t.wall / t.statements,
    };
  });
}

/** Drives the API with dhctl-sim's simulated commander-agents (the real agent code paths). */
async function fleetRun(
  env: BenchEnvironment,
  setup: Setup,
  options: TelemetryOptions,
  log: (line: string) => void,
): Promise<Row> {
  const agents = setup.agents.slice(0, options.fleetAgents);
  const [grpcPort, httpPort] = [await freePort(), await freePort()];
  const simUrl = `http://127.0.0.1:${httpPort}`;
  const sim = startApp(
    'dhctl-sim-agents',
    'apps/dhctl-sim/src/main.ts',
    {
      DHCTL_SIM_GRPC_PORT: String(grpcPort),
      DHCTL_SIM_HTTP_PORT: String(httpPort),
      DHCTL_SIM_AGENTS: 'on',
      // The intervals Commander tells its agents (packages/core), not the simulator's defaults.
      DHCTL_SIM_AGENT_POLL_MS: String(AGENT_POLL_INTERVAL_SECONDS * 1000),
      DHCTL_SIM_TELEMETRY_MS: String(options.intervalMs),
    },
    env.workDir,
  );
  env.defer('stop dhctl-sim', () => sim.stop());
  try {
    await waitFor('dhctl-sim to answer', async () => (await fetch(`${simUrl}/healthz`)).ok, {
      timeoutMs: 60_000,
      watch: [sim],
    });
    log(`fleet: ${agents.length} simulated agents`);
    // Each virtual cluster holds the credentials Secret Commander installs at bootstrap.
    await mapLimit(agents, 16, async (agent, i) => {
      const response = await fetch(`${simUrl}/sim/clusters`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          host: `10.${100 + Math.floor(i / 65_536)}.${Math.floor(i / 256) % 256}.${i % 256}`,
          uuid: agent.uuid,
          worker_count: agent.model.nodes - 1,
          resources: [agentCredentialsSecret(agent.key, agentUrl(setup.apiUrl, agent.uuid))],
        }),
      });
      if (response.status !== 201) {
        throw new Error(
          `dhctl-sim refused a virtual cluster: ${response.status} ${await response.text()}`,
        );
      }
    });
    const fleetStats = async () => {
      const response = await fetch(`${simUrl}/sim/agents?limit=0`);
      const body = (await response.json()) as {
        stats?: { agents: number; syncs: number; telemetry_sent: number; failures: number };
      };
      return body.stats ?? { agents: 0, syncs: 0, telemetry_sent: 0, failures: 0 };
    };
    await waitFor('the agents to start', async () => (await fleetStats()).agents >= agents.length, {
      timeoutMs: 60_000,
      watch: [sim],
    });
    await sleep(options.fleetSettleMs);
    const before = await fleetStats();
    const from = Date.now();
    const run = await measured(setup, [{ name: 'dhctl-sim (agents)', pids: () => [sim.pid] }], () =>
      sleep(options.fleetMs),
    );
    const to = Date.now();
    const after = await fleetStats();
    const seconds = (to - from) / 1000;
    const server = agentApiLatencies(setup.api.logFile, from, to);
    const telemetry = server['POST telemetry'];
    const syncs = after.syncs - before.syncs;
    return {
      label: `${agents.length.toLocaleString('en-US')} dhctl-sim agents (every ${options.intervalMs / 1000} s, resources every ${AGENT_POLL_INTERVAL_SECONDS} s)`,
      kind: 'fleet',
      agents: agents.length,
      offered: agents.length / (options.intervalMs / 1000),
      rate: run.rowsWritten / seconds,
      latency: telemetry?.responseTimeMs ?? null,
      errors:
        after.failures - before.failures === 0
          ? 'none'
          : `${after.failures - before.failures} agent failures`,
      rowsWritten: run.rowsWritten,
      cpu: run.cpu,
      waits: run.waits,
      server,
      window: run.window,
      profile: null,
      note: `${formatNumber((after.telemetry_sent - before.telemetry_sent) / seconds)} samples/s sent, ${formatNumber(syncs / seconds)} resource syncs/s`,
    };
  } finally {
    await sim.stop();
  }
}

/**
 * Runs the telemetry benchmark: baselines, a closed-loop saturation run, open-loop runs at
 * the agents' interval for each agent count, and the dhctl-sim fleet.
 */
export async function runTelemetryBenchmark(
  env: BenchEnvironment,
  options: TelemetryOptions,
  log: (line: string) => void,
): Promise<BenchmarkReport> {
  const count = Math.max(...options.agentCounts, options.fleetAgents);
  const setup = await setUp(env, count, log);
  const rows: Row[] = [];
  const base = setup.apiUrl;
  let cursor = 0;
  const nextAgent = () => setup.agents[cursor++ % setup.agents.length]!;

  log('baselines: /healthz, /readyz, INSERT');
  const healthz = await measured(setup, [], () =>
    closedLoop({
      baseUrl: base,
      concurrency: options.baselineConcurrency,
      durationMs: options.baselineMs,
      expectedStatus: 200,
      next: () => ({ method: 'GET', path: '/healthz' }),
    }),
  );
  rows.push(
    loadRow('`GET /healthz` (Fastify, no database)', 'baseline', healthz.value, null, {
      cpu: healthz.cpu,
      waits: healthz.waits,
      window: healthz.window,
    }),
  );
  const readyz = await measured(setup, [], () =>
    closedLoop({
      baseUrl: base,
      concurrency: options.baselineConcurrency,
      durationMs: options.baselineMs,
      expectedStatus: 200,
      next: () => ({ method: 'GET', path: '/readyz' }),
    }),
  );
  rows.push(
    loadRow('`GET /readyz` (Fastify + one Prisma `SELECT 1`)', 'baseline', readyz.value, null, {
      cpu: readyz.cpu,
      waits: readyz.waits,
      window: readyz.window,
    }),
  );
  // The database's rate for the same row, over a ladder of connection counts (its best rung is
  // the baseline): PostgreSQL's group commit lets more connections share each WAL flush.
  const clusterIds = (
    await setup.database.db.cluster.findMany({ select: { id: true }, take: 1000 })
  ).map((c) => c.id);
  for (const connections of options.insertLadder) {
    const insert = await measured(setup, [], () =>
      insertBaseline(setup.database, clusterIds, connections, options.baselineMs),
    );
    rows.push({
      label: `single-row \`INSERT\` into telemetry_samples (pg, ${connections} connections, no API)`,
      kind: 'baseline',
      rung: { ladder: 'insert', connections },
      offered: null,
      rate: insert.value.rate,
      latency: insert.value.latency,
      errors: 'none',
      rowsWritten: insert.rowsWritten,
      cpu: insert.cpu,
      waits: insert.waits,
      server: null,
      note: '',
      window: null,
      profile: null,
    });
  }

  log('statement costs');
  const costs = await callCosts(setup.database, setup.agents[0]!, options.prismaCalls);
  const breakdown = await batchBreakdown(setup.database, clusterIds, options.prismaCalls);

  // Warm-up (JIT, pools, caches), not reported.
  await closedLoop({
    baseUrl: base,
    concurrency: 8,
    durationMs: Math.min(3_000, options.saturationMs),
    expectedStatus: 204,
    next: () => telemetryRequest(nextAgent()),
  });

  for (const connections of options.saturationLadder) {
    log(`saturation: ${connections} connections for ${options.saturationMs / 1000} s`);
    const saturation = await measured(setup, [], () =>
      closedLoop({
        baseUrl: base,
        concurrency: connections,
        durationMs: options.saturationMs,
        expectedStatus: 204,
        next: () => telemetryRequest(nextAgent()),
      }),
    );
    rows.push(
      loadRow(
        `\`POST …/telemetry\` as fast as possible (${connections} connections)`,
        'saturation',
        saturation.value,
        null,
        {
          rung: { ladder: 'saturation', connections },
          cpu: saturation.cpu,
          waits: saturation.waits,
          rowsWritten: saturation.rowsWritten,
          window: saturation.window,
        },
      ),
    );
  }

  for (const agents of options.agentCounts) {
    log(
      `open loop: ${agents} agents every ${options.intervalMs / 1000} s for ${options.openLoopMs / 1000} s`,
    );
    const open = await measured(setup, [], () =>
      openLoop({
        baseUrl: base,
        senders: agents,
        intervalMs: options.intervalMs,
        durationMs: options.openLoopMs,
        expectedStatus: 204,
        maxSockets: 128,
        next: (index) => telemetryRequest(setup.agents[index]!),
      }),
    );
    rows.push(
      loadRow(
        `${agents.toLocaleString('en-US')} agents, one sample every ${options.intervalMs / 1000} s each`,
        'open',
        open.value,
        agents / (options.intervalMs / 1000),
        {
          cpu: open.cpu,
          waits: open.waits,
          rowsWritten: open.rowsWritten,
          window: open.window,
          agents,
        },
      ),
    );
  }

  if (options.fleetAgents > 0) {
    rows.push(await fleetRun(env, setup, options, log));
  }

  await setup.api.stop();
  await setup.database.drop();
  // The API has exited: its profile is on disk.
  if (env.profileDir) {
    const files = profileFiles(env.profileDir, 'api');
    for (const row of rows) {
      if (row.window) {
        row.profile = analyzeProfiles(files, row.window.fromUs, row.window.toUs);
      }
    }
  }
  return {
    name: 'telemetry',
    title: 'Telemetry: agent samples into the API (issue 6)',
    body: renderBody(rows, costs, breakdown, options),
  };
}

/** CPU of the API and the database's backends per stored sample (ms). */
function perSampleCpu(row: Row): number {
  const samples =
    row.rowsWritten !== null && row.rowsWritten > 0 && row.cpu
      ? row.rowsWritten / row.cpu.wallSeconds
      : row.rate;
  return ((cores(row, 'API') + cores(row, 'PostgreSQL backends')) * 1000) / samples;
}

function latencyCell(s: Summary | null): string {
  return s && s.count > 0
    ? `${formatNumber(s.p50)} / ${formatNumber(s.p99)} / ${formatNumber(s.max)}`
    : '—';
}

function cores(row: Row, group: string): number {
  return row.cpu?.groups.find((g) => g.name === group)?.cores ?? Number.NaN;
}

/** The best rung of a ladder (the highest rate). */
function bestOf(rows: Row[], ladder: 'insert' | 'saturation'): Row | undefined {
  return rows
    .filter((r) => r.rung?.ladder === ladder)
    .reduce<Row | undefined>((best, r) => (!best || r.rate > best.rate ? r : best), undefined);
}

function renderBody(
  rows: Row[],
  callCosts: CallCost[],
  breakdown: BatchCost[],
  options: TelemetryOptions,
): string {
  const healthz = rows.find((r) => r.label.includes('/healthz'));
  const insert = bestOf(rows, 'insert');
  const saturation = bestOf(rows, 'saturation');
  const bestMark = (r: Row) => (r === insert || r === saturation ? ' **(best)**' : '');
  const table = markdownTable(
    [
      'Load',
      'Offered (req/s)',
      'Achieved (req/s)',
      'vs `/healthz`',
      'vs `INSERT`',
      'Latency p50 / p99 / max (ms)',
      'Errors',
      'Rows stored',
    ],
    rows.map((r) => [
      `${r.label}${bestMark(r)}`,
      r.offered === null ? 'max' : formatNumber(r.offered),
      formatNumber(r.rate),
      formatRatio(r.rate, healthz?.rate ?? Number.NaN),
      formatRatio(r.rate, insert?.rate ?? Number.NaN),
      latencyCell(r.latency),
      r.errors,
      r.rowsWritten === null ? '—' : r.rowsWritten,
    ]),
  );
  const cpuTable = markdownTable(
    [
      'Load',
      'Machine busy (cores)',
      'API',
      'dhctl-sim',
      'PostgreSQL backends',
      'bench process (load generator)',
      'Other processes',
      'API CPU ms per request',
      'API + PostgreSQL CPU ms per sample',
      'PostgreSQL wait events (active backends)',
    ],
    rows
      .filter((r) => r.cpu)
      .map((r) => [
        r.label,
        formatNumber(r.cpu!.machineCores, 2),
        formatNumber(cores(r, 'API'), 2),
        r.kind === 'fleet' ? formatNumber(cores(r, 'dhctl-sim (agents)'), 2) : '—',
        formatNumber(cores(r, 'PostgreSQL backends'), 2),
        formatNumber(cores(r, 'bench process'), 2),
        formatNumber(r.cpu!.otherCores, 2),
        r.rung?.ladder === 'insert' ? '—' : formatNumber((cores(r, 'API') * 1000) / r.rate, 2),
        r.kind === 'baseline' && r.rung?.ladder !== 'insert'
          ? '—'
          : formatNumber(perSampleCpu(r), 2),
        r.waits ? describeWaits(r.waits, 3) : '—',
      ]),
  );
  const fleet = rows.find((r) => r.kind === 'fleet');
  const fleetTable =
    fleet?.server && Object.keys(fleet.server).length > 0
      ? markdownTable(
          ['Route (fleet run)', 'Requests', 'Statuses', 'Server time p50 / p99 / max (ms)'],
          Object.entries(fleet.server).map(([route, s]) => [
            `\`${route}\``,
            s.responseTimeMs.count,
            Object.entries(s.statuses)
              .map(([code, n]) => `${code}×${n}`)
              .join(', '),
            latencyCell(s.responseTimeMs),
          ]),
        )
      : '';
  const lines = [
    `Commander's agents report one telemetry sample every ${options.intervalMs / 1000} s (\`AGENT_TELEMETRY_INTERVAL_SECONDS\`).`,
    'The API runs as a real process (`node --import tsx apps/api/src/main.ts`, `LOG_LEVEL=info` as `pnpm start`)',
    'on a database holding one cluster with an agent key per agent (`ensureAgentKey`). Samples go through',
    "the API's write-behind buffer (`TelemetryIngest`): a request is answered once its batch, one",
    'statement on `pg`, has committed; agent keys come from the in-process cache.',
    'The load generator (this process, keep-alive HTTP, at most 128 connections) sends realistic',
    'bodies (`TelemetryBodySchema`: sizes, usage, versions, eight components, an alert now and then).',
    'Open loop: each agent sends on its own jittered schedule whatever the server does, and latency',
    'counts from the scheduled time. Saturation: a closed loop, each connection sending as soon as',
    "the previous answer arrived. The fleet run uses dhctl-sim's simulated commander-agents (the",
    'real agent logic: resource polls, ETags, status reports and telemetry); its latency is the',
    "server-side response time from the API's request log. Baselines, same run, same API process:",
    '`/healthz` (the framework alone), `/readyz` (one Prisma round trip) and plain INSERTs of the same',
    `row into PostgreSQL. A closed loop's rate is its connections ÷ its latency, so both the INSERT`,
    `baseline (${options.insertLadder.join(' / ')} connections) and the saturation run`,
    `(${options.saturationLadder.join(' / ')} connections) climb a ladder of connection counts, and`,
    'the ratios compare the best rung of each (marked **best**); every rung is reported.',
    '',
    table,
    '',
    '### Where the time goes',
    '',
    cpuTable,
    '',
  ];
  if (fleetTable) {
    lines.push(fleetTable, '', `Fleet run: ${fleet?.note ?? ''}.`, '');
  }
  const profiled = rows.filter((r) => r.profile && r.profile.busyMs > 0);
  if (profiled.length > 0) {
    lines.push(
      '### Where the API spends its CPU',
      '',
      markdownTable(
        ['Load', 'CPU sampled (s)', "Share of the API process's CPU by component"],
        profiled.map((r) => [
          r.label,
          formatNumber(r.profile!.busyMs / 1000, 1),
          describeBreakdown(r.profile!),
        ]),
        ['l', 'r', 'l'],
      ),
      '',
      "From V8's sampling profiler in the API process (`node --cpu-prof`, 10 ms interval), samples of",
      'each measured window only, by the function on CPU (self time). "Prisma query compiler" is the',
      'Wasm module that turns every Prisma call into SQL; "socket and file writes" includes the request',
      'log lines; "Node.js internals" includes the HTTP parser, promises and the event loop.',
      '',
    );
  }
  lines.push(
    '### What one statement costs',
    '',
    markdownTable(
      ['Call (one at a time, this process)', 'CPU per call (ms)', 'Wall time per call (ms)'],
      callCosts.map((c) => [c.call, formatNumber(c.cpuMs, 2), formatNumber(c.wallMs, 2)]),
    ),
    '',
    'The statements of the telemetry path, timed one at a time in the benchmark process against the',
    'same database, nothing else running in it: the API\'s hot statements on `pg`, and ("before") the',
    'Prisma calls each sample made before the write-behind buffer; `SELECT 1` is the floor of each.',
    '',
    '### What the batch statement costs PostgreSQL',
    '',
    markdownTable(
      [
        'Statement (one at a time, autocommit)',
        'Samples per statement',
        'PostgreSQL CPU per sample (ms)',
        'Client CPU per sample (ms)',
        'Wall time per statement (ms)',
      ],
      breakdown.map((b) => [
        b.statement,
        b.perStatement,
        formatNumber(b.pgCpuMs, 3),
        formatNumber(b.clientCpuMs, 3),
        formatNumber(b.wallMsPerStatement, 2),
      ]),
    ),
    '',
    `The batch statement taken apart, each variant timed alone on one connection: a batch of ${BREAKDOWN_BATCH}`,
    'samples of as many clusters (as at saturation, where every request is another agent); each of the',
    'first rows adds one part to the row above it ("now" is what the API writes: the INSERT alone answers the',
    'samples, the snapshots follow in a statement of their own), and the "before" rows put the NOTIFYs inside the',
    "batch's transaction instead of after it. PostgreSQL CPU is every backend of the database from /proc,",
    "the API's idle LISTEN connections included (PostgreSQL wakes each listening backend of the",
    "database on every NOTIFY, whatever its channel); wall time includes the commit's WAL flush. The",
    'variants run interleaved, in five rounds, so load that comes and goes falls on all of them;',
    '/proc counts CPU in 10 ms ticks, so differences of a few µs per sample are within the resolution.',
    '',
    '### Reading',
    '',
  );
  if (saturation && healthz && insert) {
    lines.push(...reading(rows, saturation, healthz, insert, callCosts, breakdown, options));
  }
  return lines.join('\n');
}

function profileShare(row: Row, components: string[]): number {
  return (
    row.profile?.shares
      .filter((s) => components.includes(s.component))
      .reduce((sum, s) => sum + s.share, 0) ?? Number.NaN
  );
}

/** The findings, written from the numbers of this run. */
function reading(
  rows: Row[],
  saturation: Row,
  healthz: Row,
  insert: Row,
  callCosts: CallCost[],
  breakdown: BatchCost[],
  options: TelemetryOptions,
): string[] {
  const out: string[] = [];
  const api = cores(saturation, 'API');
  const perRequest = (api * 1000) / saturation.rate;
  const cpus = saturation.cpu?.cpuCount ?? Number.NaN;
  const busy = saturation.cpu?.machineCores ?? Number.NaN;
  const agentsAtCeiling = (saturation.rate * options.intervalMs) / 1000;
  const fleetRow = rows.find((r) => r.kind === 'fleet');
  const fleetPerSample =
    fleetRow && fleetRow.rate > 0 ? (cores(fleetRow, 'API') * 1000) / fleetRow.rate : null;
  const batchOne = callCosts.find((c) => c.call.includes('1 sample'))?.cpuMs ?? Number.NaN;
  const batchMany = callCosts.find((c) => c.call.includes('100 samples'))?.cpuMs ?? Number.NaN;
  const before = callCosts
    .filter((c) => c.call.startsWith('before:'))
    .reduce((sum, c) => sum + c.cpuMs, 0);
  const rungs = (ladder: 'insert' | 'saturation') =>
    rows
      .filter((r) => r.rung?.ladder === ladder)
      .map((r) => `${formatNumber(r.rate, 0)} at ${r.rung!.connections}`)
      .join(', ');
  out.push(
    `- **Ceiling.** The API stored ${formatNumber(saturation.rate, 0)} samples/s at saturation (its best rung, ${saturation.rung?.connections} connections;` +
      ` samples/s by connections: ${rungs('saturation')}): ${formatRatio(saturation.rate, healthz.rate)} of its` +
      ` \`/healthz\` rate and ${formatRatio(saturation.rate, insert.rate)} of the rate PostgreSQL takes the same row as plain single-row INSERTs` +
      ` (their best rung, ${formatNumber(insert.rate, 0)}/s at ${insert.rung?.connections} connections; by connections: ${rungs('insert')}). At one sample` +
      ` per agent every ${options.intervalMs / 1000} s that is about ${formatNumber(agentsAtCeiling, 0)} agents for one API process on this machine` +
      ' counting telemetry only.' +
      (fleetPerSample !== null
        ? ` Real agents also poll their resources: in the fleet run the API spent ${formatNumber(fleetPerSample, 2)} ms of CPU per telemetry sample` +
          ` including the polls and reports, ${formatRatio(fleetPerSample, perRequest)} the cost of the sample alone, so the same CPU serves about` +
          ` ${formatNumber((agentsAtCeiling * perRequest) / fleetPerSample, 0)} real agents.`
        : ''),
  );
  const prisma = profileShare(saturation, [
    'Prisma client runtime',
    'Prisma query compiler (Wasm)',
  ]);
  const writes = profileShare(saturation, ['socket and file writes (native)', 'pino logging']);
  const limit =
    api >= 0.85
      ? `**What limits it: the API process's one thread.** At saturation it was on CPU ${formatNumber(api, 2)} of 1 core`
      : busy >= 0.9 * cpus
        ? `**What limits it: the machine's CPU.** At saturation the machine was busy ${formatNumber(busy, 2)} of ${cpus} cores (the API` +
          ` ${formatNumber(api, 2)}, PostgreSQL backends ${formatNumber(cores(saturation, 'PostgreSQL backends'), 2)}, the load generator` +
          ` ${formatNumber(cores(saturation, 'bench process'), 2)}, other processes ${formatNumber(saturation.cpu?.otherCores ?? Number.NaN, 2)})`
        : `**What limits it: waiting, not CPU.** At saturation the API used ${formatNumber(api, 2)} cores and the machine ${formatNumber(busy, 2)} of ${cpus}` +
          ` (latency p50 ${formatNumber(saturation.latency?.p50 ?? Number.NaN)} ms: a request waits for its batch to fill, be written and commit)`;
  out.push(
    `- ${limit}, spending ${formatNumber(perRequest, 2)} ms of CPU per sample against ${formatNumber((cores(healthz, 'API') * 1000) / healthz.rate, 2)} ms per` +
      ' `/healthz`: what is left per sample is the HTTP request itself (reading and parsing the JSON body, the body schema (compiled by Ajv), the' +
      " input guard, the agent key's SHA-256, the answer's headers and socket write; the agent API writes no log line at `info`)," +
      ' not the database.' +
      (Number.isFinite(prisma)
        ? ` Its profile puts ${formatPercent(prisma)} in Prisma (none of it on the telemetry path any more) and ${formatPercent(writes)} in writes and logging.`
        : '') +
      ` The database side of a sample is the batch statement: ${formatNumber(batchOne, 2)} ms of client CPU for a batch of one,` +
      ` ${formatNumber(batchMany, 3)} ms per sample in a batch of 100, against ${formatNumber(before, 2)} ms for the Prisma calls each sample made before.` +
      ` PostgreSQL's backends used ${formatNumber(cores(saturation, 'PostgreSQL backends'), 2)} cores (${formatNumber(perSampleCpu(saturation), 2)} ms of API + PostgreSQL CPU per sample);` +
      ` their samples: ${saturation.waits ? describeWaits(saturation.waits, 4) : '—'}.` +
      ' Batching turns the commits (WAL flushes) into one per batch instead of one per sample, and the change events, sent after' +
      ' the commit as one notice per workspace, no longer hold the notify lock through it, so batches in flight share their' +
      ' flushes; more API processes (stateless) raise the rate where there are free cores, cheaper request handling raises it' +
      ' per process.',
  );
  const part = (prefix: string) => breakdown.find((b) => b.statement.startsWith(prefix));
  const [single, multi, snapshot, now, notifyEach, notifyCoalesced, seen] = [
    part('single-row'),
    part('multi-row'),
    part('+ snapshot'),
    part('now:'),
    part('before: one `pg_notify`'),
    part('before: one coalesced'),
    part('seen'),
  ];
  if (single && multi && snapshot && now && notifyEach && notifyCoalesced && seen) {
    const us = (v: number) => `${formatNumber(v * 1000, 0)} µs`;
    // Differences under 10 µs per sample are below what /proc's 10 ms ticks resolve here.
    const adds = (v: number) =>
      Math.abs(v * 1000) < 10 ? 'nothing measurable' : `${v > 0 ? '' : '−'}${us(Math.abs(v))}`;
    const wall = (b: BatchCost) => `${formatNumber(b.wallMsPerStatement, 1)} ms`;
    const lockShare = saturation.waits?.events.find((e) => e.event === 'Lock:object')?.share ?? 0;
    out.push(
      `- **PostgreSQL's CPU per sample, by part** (batches of ${BREAKDOWN_BATCH} samples of as many clusters, one statement at a time):` +
        ` the multi-row INSERT ${us(multi.pgCpuMs)} (${wall(multi)} per statement: all an acknowledged sample waits for now; a single-row INSERT with its own commit: ${us(single.pgCpuMs)});` +
        ` the snapshot UPDATE in the same statement (as before) adds ${adds(snapshot.pgCpuMs - multi.pgCpuMs)}, ${us(snapshot.pgCpuMs)} in all (${wall(snapshot)} per statement);` +
        ` as now, the INSERT, then the snapshot statement and its coalesced notices (three transactions), ${us(now.pgCpuMs)} in all (${wall(now)} for the three).` +
        ` Inside the transaction, one \`pg_notify\` per cluster (as before) adds ${adds(notifyEach.pgCpuMs - snapshot.pgCpuMs)}` +
        ` (${wall(notifyEach)}), the coalesced notices ${adds(notifyCoalesced.pgCpuMs - snapshot.pgCpuMs)} (${wall(notifyCoalesced)}).` +
        ` The seen UPDATE of an agent that only polled costs ${us(seen.pgCpuMs)}. So the snapshot UPDATE and the INSERT are the` +
        ' CPU; a NOTIFY costs little CPU one statement at a time. What it cost was waiting: PostgreSQL takes a global lock for a' +
        ' transaction that NOTIFYs before its commit and holds it through the WAL flush, so batches in flight committed one' +
        ' after another instead of sharing flushes, and each NOTIFY wakes every listening backend of the database. Sent after' +
        ' the commit in a transaction of their own (no WAL to flush), one notice per workspace and 150 clusters, the notices' +
        ` hold that lock only for a moment: \`Lock:object\` was ${formatPercent(lockShare)} of the best saturation rung's wait events.`,
    );
  }
  for (const row of rows.filter((r) => r.kind === 'open')) {
    out.push(
      `- **${(row.agents ?? 0).toLocaleString('en-US')} agents** offer ${formatNumber(row.offered ?? Number.NaN)} samples/s: stored ${formatNumber(row.rate)}/s,` +
        ` latency p50 ${formatNumber(row.latency?.p50 ?? Number.NaN)} ms, p99 ${formatNumber(row.latency?.p99 ?? Number.NaN)} ms, errors ${row.errors};` +
        ` the API was busy ${formatNumber(cores(row, 'API'), 2)} cores; the offered rate is ${formatPercent((row.offered ?? Number.NaN) / saturation.rate)} of the` +
        ` ceiling${(row.offered ?? 0) > saturation.rate ? ', so requests queued for the whole run and latency is mostly that queue' : ''}.`,
    );
  }
  const fleet = rows.find((r) => r.kind === 'fleet');
  if (fleet) {
    out.push(
      `- **The dhctl-sim fleet** (${(fleet.agents ?? 0).toLocaleString('en-US')} agents running the real agent logic, measured after their first full sync) stored ${formatNumber(fleet.rate)} samples/s with` +
        ` ${fleet.errors === 'none' ? 'no agent failures' : fleet.errors}; the API used ${formatNumber(cores(fleet, 'API'), 2)} cores for telemetry plus` +
        ` resource polls and status reports (${fleet.note}). Server-side telemetry time p50 ${formatNumber(fleet.latency?.p50 ?? Number.NaN)} ms,` +
        ` p99 ${formatNumber(fleet.latency?.p99 ?? Number.NaN)} ms.`,
    );
  }
  return out;
}
