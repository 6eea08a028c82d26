// Issue 11, "Fleet soak": thousands of installed clusters managed for minutes by the real
// processes (the API, two manager replicas, dhctl-sim with zero phase delay), their agents
// sending telemetry and polling resources at Commander's intervals, the system's own periodic
// checks, and a user listing clusters. The fleet is seeded directly (one real install, cloned).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createCommanderClient, unwrap } from '@commander/client';
import { WORKSPACE_PERMISSIONS } from '@commander/contracts';
import {
  AGENT_TELEMETRY_INTERVAL_SECONDS,
  bootstrapInstallation,
  createCluster,
  DEFAULT_OPERATION_RETENTION,
  type ServiceContext,
  silentLogger,
} from '@commander/core';
import { createTestTemplate } from '@commander/core/testing';
import {
  createEncryptor,
  generateEncryptionKeys,
  generateToken,
  hashToken,
} from '@commander/crypto';
import pg from 'pg';

import { agentApiLatencies, type ServerLatencies } from '../api-log.js';
import { CpuMeter, type CpuUsage } from '../cpu.js';
import {
  analyzeProfiles,
  describeBreakdown,
  type ProfileBreakdown,
  profileClockNow,
  profileFiles,
} from '../cpu-profile.js';
import type { BenchDatabase, BenchEnvironment } from '../environment.js';
import {
  histogramByLabel,
  type LoopDelay,
  LoopDelaySampler,
  summarizeLoopDelay,
} from '../event-loop.js';
import type { FleetAgentsInput, FleetAgentsOutput, RequestTally } from '../fleet-agents.js';
import {
  type AppProcess,
  freePort,
  hasExited,
  REPO_ROOT,
  startApp,
  waitFor,
} from '../processes.js';
import { type BenchmarkReport, markdownTable } from '../report.js';
import { measureRouteCpu, type RouteCpu } from '../route-cpu.js';
import { formatNumber, summarize, type Summary } from '../stats.js';

/** Sizes of one soak. */
export type FleetOptions = {
  clusters: number;
  durationMs: number;
  /** Each cluster's check interval (`check_interval_seconds`; Commander's default is 600). */
  checkIntervalSeconds: number;
  telemetryMs: number;
  pollMs: number;
  /** User listing requests per second. */
  listingPerSecond: number;
  /**
   * `MANAGER_RECONCILE_EVERY_MS` (how often a replica looks for clusters due a check), or null
   * for the manager's default, as `pnpm start` runs it.
   */
  reconcileEveryMs: number | null;
  replicas: number;
};

/** Full soak: 10,000 clusters for 10 minutes at Commander's intervals. */
export const FULL_FLEET: FleetOptions = {
  clusters: 10_000,
  durationMs: 10 * 60_000,
  checkIntervalSeconds: 600,
  telemetryMs: AGENT_TELEMETRY_INTERVAL_SECONDS * 1000,
  // The issue's soak polls every 60 s (Commander's AGENT_POLL_INTERVAL_SECONDS says 30).
  pollMs: 60_000,
  listingPerSecond: 2,
  reconcileEveryMs: null,
  replicas: 2,
};

/** Smoke run (`--quick`): 500 clusters for a minute. */
export const QUICK_FLEET: FleetOptions = { ...FULL_FLEET, clusters: 500, durationMs: 60_000 };

/** Lateness of one cluster's checks against its schedule. */
export type CheckTiming = {
  clusterId: string;
  /** Successful checks that finished in the window. */
  checks: number;
  /** Worst lateness (ms) of a check that finished: finished_at − due time. */
  worstLateMs: number | null;
  /** Gaps (ms) between consecutive successful checks of this cluster. */
  gapsMs: number[];
  /** At the end: how late (ms) the next check already is (0 when not due yet). */
  lateAtEndMs: number;
};

/**
 * A table's `pg_total_relation_size` (heap, indexes, TOAST) and live rows (`n_live_tup`, the
 * statistics' estimate) at the start and the end of the window; telemetry's day partitions are
 * summed by resolution (`telemetry_samples (raw)`, `telemetry_samples (hourly)`).
 */
export type TableSize = {
  name: string;
  startBytes: number;
  endBytes: number;
  startRows: number;
  endRows: number;
};

/** Sizes by table (see {@link TableSize}) of every schema but PostgreSQL's own. */
async function tableSizes(url: string): Promise<Map<string, { bytes: number; rows: number }>> {
  const rows = await pgQuery<{ name: string; bytes: string; rows: string }>(
    url,
    `SELECT CASE WHEN c.relname ~ '^telemetry_samples_(raw|hourly)_'
                 THEN 'telemetry_samples (' || substring(c.relname from '^telemetry_samples_(raw|hourly)_') || ')'
                 WHEN n.nspname = 'public' THEN c.relname
                 ELSE n.nspname || '.' || c.relname END AS name,
            sum(pg_total_relation_size(c.oid))::bigint AS bytes,
            sum(coalesce(s.n_live_tup, 0))::bigint AS rows
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
     WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
       AND n.nspname NOT LIKE 'pg_toast%'
     GROUP BY 1`,
  );
  return new Map(rows.map((r) => [r.name, { bytes: Number(r.bytes), rows: Number(r.rows) }]));
}

/** What a soak measured (the report renders it; the test asserts on it). */
export type FleetResult = {
  options: FleetOptions;
  windowMs: number;
  loadAverage: { start: number[]; end: number[] };
  agents: FleetAgentsOutput;
  server: ServerLatencies;
  checks: {
    succeeded: number;
    failed: number;
    /** Operations queued or running at the end. */
    unfinished: number;
    timings: CheckTiming[];
    latenessMs: Summary;
    queueToStartMs: Summary;
    /** Wall time of a check, started_at → finished_at (what bounds a replica's rate). */
    runMs: Summary;
    /** Clusters whose check was (or is, at the end) more than one interval late. */
    overdue: number;
    /** Clusters never checked during the window although due before its end. */
    dueButUnchecked: number;
    /** Checks due in the window (the schedule's demand). */
    due: number;
  };
  telemetry: { rowsStored: number; clustersWithSamples: number; clustersSeenByAgent: number };
  cpu: CpuUsage;
  database: {
    startBytes: number;
    endBytes: number;
    perDayBytes: number;
    /** Each table's size (indexes and TOAST included) at the start and the end. */
    tables: TableSize[];
    /**
     * Operations created in the window by retention class (see `OperationRetention`) and their
     * log lines: what the operation tables' growth is made of.
     */
    operations: { inSyncChecks: number; otherChecks: number; others: number; lines: number };
  };
  /** Process exits and error-level log lines, by process. */
  processErrors: Record<string, number>;
  /** The most frequent error messages, by process. */
  errorMessages: Record<string, { message: string; count: number }[]>;
  exited: string[];
  profiles: { name: string; profile: ProfileBreakdown }[];
  seedMs: number;
  /** Event loop delay of the API and the managers, scraped from their /metrics every 5 s. */
  eventLoop: LoopDelay[];
  /**
   * Server-side request durations by route (the API's `commander_http_request_duration_seconds`
   * at the end): requests, and how many took longer than 100 ms and 1 s.
   */
  serverSlow: { route: string; count: number; over100ms: number; over1s: number }[];
  /**
   * The API's CPU per request by route, measured after the soak at a moderate fixed rate (see
   * bench/src/route-cpu.ts), with the API profile of each phase when profiling.
   */
  routeCpu: RouteCpu;
  routeProfiles: { name: string; profile: ProfileBreakdown }[];
};

type Encryptor = ReturnType<typeof createEncryptor>;

async function pgQuery<T extends pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, application_name: 'commander-bench' });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

function startSim(
  env: BenchEnvironment,
  name: string,
  stateFile: string,
  ports: { grpc: number; http: number },
): AppProcess {
  const sim = startApp(
    name,
    'apps/dhctl-sim/src/main.ts',
    {
      DHCTL_SIM_GRPC_PORT: String(ports.grpc),
      DHCTL_SIM_HTTP_PORT: String(ports.http),
      DHCTL_SIM_PHASE_DELAY_MS: '0',
      // The agents are the load generator's (lighter than the simulator's at 10,000).
      DHCTL_SIM_AGENTS: 'off',
      DHCTL_SIM_STATE_FILE: stateFile,
    },
    env.workDir,
    { profileDir: env.profileDir ?? undefined },
  );
  env.defer(`stop ${name}`, () => sim.stop());
  return sim;
}

function startManagers(
  env: BenchEnvironment,
  label: string,
  count: number,
  managerEnv: Record<string, string>,
  profile: boolean,
  replicaEnv: (i: number) => Record<string, string> = () => ({}),
): AppProcess[] {
  return Array.from({ length: count }, (_, i) => {
    const id = `${label}-${i + 1}`;
    const replica = startApp(
      id,
      'apps/manager/src/main.ts',
      { ...managerEnv, ...replicaEnv(i), MANAGER_REPLICA_ID: id },
      env.workDir,
      { profileDir: profile ? (env.profileDir ?? undefined) : undefined },
    );
    env.defer(`stop ${id}`, () => replica.stop(5_000));
    return replica;
  });
}

async function waitForReplicas(database: BenchDatabase, replicas: AppProcess[]): Promise<void> {
  const ids = replicas.map((r) => r.name);
  await waitFor(
    `${ids.length} manager replicas to register`,
    async () =>
      (await database.db.managerReplica.count({
        where: { id: { in: ids }, stoppedAt: null, workerId: { not: null } },
      })) === ids.length,
    { timeoutMs: 120_000, everyMs: 250, watch: replicas },
  );
}

/**
 * Installs one cluster through the real path (createCluster, a manager, dhctl-sim), then clones
 * it `count − 1` times: database rows (each clone its own uuid, agent key and dhctl state
 * naming its virtual cluster) and the simulator's virtual clusters (its state file, which the
 * simulator loads at start: the existing import path). Returns the fleet (id, uuid, agent key).
 */
async function seedFleet(
  env: BenchEnvironment,
  database: BenchDatabase,
  options: FleetOptions,
  ctx: ServiceContext,
  encryptor: Encryptor,
  managerEnv: Record<string, string>,
  stateFile: string,
  log: (line: string) => void,
): Promise<{ id: string; uuid: string; key: string }[]> {
  const db = database.db;
  const workspace = ctx.workspace!;
  const { versionId } = await createTestTemplate(db, workspace.id, { name: 'fleet-template' });
  const ports = { grpc: await freePort(), http: await freePort() };
  const sim = startSim(env, 'dhctl-sim-seed', stateFile, ports);
  await waitFor(
    'dhctl-sim to answer',
    async () => (await fetch(`http://127.0.0.1:${ports.http}/healthz`)).ok,
    {
      timeoutMs: 60_000,
      watch: [sim],
    },
  );
  const managers = startManagers(
    env,
    'seed',
    1,
    { ...managerEnv, DHCTL_SERVER_ADDRESS: `127.0.0.1:${ports.grpc}` },
    false,
  );
  log('installing the prototype cluster');
  const prototype = await createCluster(ctx, {
    name: 'fleet-00001',
    cluster_template_version_id: versionId,
    values: {},
  });
  await waitFor(
    'the prototype cluster to be installed',
    async () =>
      (await db.cluster.findUnique({ where: { id: prototype.id }, select: { status: true } }))
        ?.status === 'IN_SYNC',
    { timeoutMs: 120_000, everyMs: 250, watch: [...managers, sim] },
  );
  await Promise.all(managers.map((m) => m.stop(10_000)));
  // The simulator writes its state file on every change: the installed cluster is in it.
  await sim.stop();

  const proto = await db.cluster.findUniqueOrThrow({ where: { id: prototype.id } });
  if (!proto.dhctlStateEncrypted) {
    throw new Error('the prototype cluster has no dhctl state after its install');
  }
  let protoKey: string;
  if (proto.agentKeyEncrypted) {
    protoKey = encryptor.decrypt(proto.agentKeyEncrypted);
  } else {
    protoKey = generateToken('agent');
    await db.cluster.update({
      where: { id: proto.id },
      data: { agentKeyHash: hashToken(protoKey), agentKeyEncrypted: encryptor.encrypt(protoKey) },
    });
  }
  const protoState = encryptor.decrypt(proto.dhctlStateEncrypted);
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  if (!protoState.includes(proto.uuid) && !protoState.includes(b64(proto.uuid))) {
    throw new Error('the dhctl state of the prototype does not name its cluster uuid');
  }
  const stateOf = (uuid: string) =>
    protoState.replaceAll(proto.uuid, uuid).replaceAll(b64(proto.uuid), b64(uuid));

  log(`seeding ${options.clusters - 1} clones in the database`);
  const fleet: { id: string; uuid: string; key: string }[] = [
    { id: proto.id, uuid: proto.uuid, key: protoKey },
  ];
  const columns = (
    await pgQuery<{ column_name: string }>(
      database.url,
      `SELECT column_name FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = 'clusters' ORDER BY ordinal_position`,
    )
  ).map((c) => c.column_name);
  const override: Record<string, string> = {
    id: 'v.id',
    uuid: 'v.uuid',
    name: 'v.name',
    dhctl_state_encrypted: 'v.state',
    agent_key_hash: 'v.hash',
    agent_key_encrypted: 'v.enc',
    // Not due until the soak starts (then one UPDATE spreads the schedule).
    next_check_at: "now() + interval '1 day'",
    check_interval_seconds: String(options.checkIntervalSeconds),
    created_at: 'now()',
    updated_at: 'now()',
  };
  const insert = `INSERT INTO clusters (${columns.map((c) => `"${c}"`).join(', ')})
    SELECT ${columns.map((c) => override[c] ?? `p."${c}"`).join(', ')}
    FROM clusters p,
      unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[])
        AS v(id, uuid, name, state, hash, enc)
    WHERE p.id = $7`;
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query(
      `UPDATE clusters SET check_interval_seconds = $1, next_check_at = now() + interval '1 day' WHERE id = $2`,
      [options.checkIntervalSeconds, proto.id],
    );
    for (let start = 1; start < options.clusters; start += 1000) {
      const chunk = Array.from({ length: Math.min(1000, options.clusters - start) }, (_, i) => {
        const key = generateToken('agent');
        return {
          id: randomUUID(),
          uuid: randomUUID(),
          name: `fleet-${String(start + i + 1).padStart(5, '0')}`,
          key,
        };
      });
      await client.query(insert, [
        chunk.map((c) => c.id),
        chunk.map((c) => c.uuid),
        chunk.map((c) => c.name),
        chunk.map((c) => encryptor.encrypt(stateOf(c.uuid))),
        chunk.map((c) => hashToken(c.key)),
        chunk.map((c) => encryptor.encrypt(c.key)),
        proto.id,
      ]);
      fleet.push(...chunk.map((c) => ({ id: c.id, uuid: c.uuid, key: c.key })));
    }
    // The revision history rollbacks read: the prototype's, for every clone.
    await client.query(
      `INSERT INTO cluster_revisions (cluster_id, revision, cluster_template_version_id, values, secret_values_encrypted)
       SELECT c.id, r.revision, r.cluster_template_version_id, r.values, r.secret_values_encrypted
       FROM cluster_revisions r CROSS JOIN clusters c
       WHERE r.cluster_id = $1 AND c.id <> $1 AND c.workspace_id = $2`,
      [proto.id, workspace.id],
    );
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }

  log(`seeding ${options.clusters - 1} virtual clusters in the simulator's state file`);
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as {
    version: 1;
    clusters: { uuid: string }[];
  };
  const virtual = state.clusters.find((c) => c.uuid === proto.uuid);
  if (!virtual) {
    throw new Error(`the simulator's state file has no virtual cluster ${proto.uuid}`);
  }
  const text = JSON.stringify(virtual);
  const clones = fleet
    .slice(1)
    .map((c) => JSON.parse(text.replaceAll(proto.uuid, c.uuid)) as object);
  writeFileSync(stateFile, JSON.stringify({ version: 1, clusters: [virtual, ...clones] }), {
    mode: 0o600,
  });
  return fleet;
}

/**
 * Error-level (pino level ≥ 50) lines of a process log, by message (the log line's `msg` and
 * the first and last lines of its error's message, shortened).
 */
export function errorLines(logFile: string): Record<string, number> {
  const byMessage: Record<string, number> = {};
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.startsWith('{') || !/"level":(5\d|60)/.test(line)) {
      continue;
    }
    let text = 'unparsable log line';
    try {
      const entry = JSON.parse(line) as { msg?: string; err?: { message?: string } | string };
      const err = typeof entry.err === 'string' ? entry.err : (entry.err?.message ?? '');
      // Prisma puts the call first and the cause last: keep both ends.
      const lines = err
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      const cause =
        lines.length > 1
          ? `${lines[0]!.slice(0, 80)} … ${lines.at(-1)!.slice(0, 160)}`
          : (lines[0] ?? '').slice(0, 200);
      text = `${entry.msg ?? ''}${cause ? `: ${cause}` : ''}`;
    } catch {
      // counted as unparsable
    }
    byMessage[text] = (byMessage[text] ?? 0) + 1;
  }
  return byMessage;
}

/** Runs the soak and returns its measurements (no rendering). */
export async function runFleetSoak(
  env: BenchEnvironment,
  options: FleetOptions,
  log: (line: string) => void,
): Promise<FleetResult> {
  const seedStarted = performance.now();
  const database = await env.createDatabase('fleet');
  const keys = generateEncryptionKeys();
  const encryptor = createEncryptor(keys);
  const boot = await bootstrapInstallation(database.db, {});
  const workspace = await database.db.workspace.findUniqueOrThrow({ where: { slug: 'default' } });
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const ctx: ServiceContext = {
    db: database.db,
    actor: { type: 'user', id: null, name: 'bench@example.com' },
    workspace: { id: workspace.id, slug: workspace.slug },
    permissions: new Set<string>(WORKSPACE_PERMISSIONS),
    log: silentLogger,
    encryptor,
    instance: {
      publicHost: new URL(apiUrl).host,
      publicUrl: apiUrl,
      caBundle: '',
      commanderUuid: boot.commanderUuid,
    },
    auditSink: () => undefined,
  };
  const encryptionEnv = {
    ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: keys.primaryKey as string,
    ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: keys.deterministicKey,
    ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: keys.keyDerivationSalt,
  };
  const managerEnv: Record<string, string> = {
    DATABASE_URL: database.url,
    LOG_LEVEL: 'info',
    COMMANDER_PUBLIC_URL: apiUrl,
    ...encryptionEnv,
    ...(options.reconcileEveryMs !== null
      ? { MANAGER_RECONCILE_EVERY_MS: String(options.reconcileEveryMs) }
      : {}),
  };
  const stateFile = path.join(env.workDir, 'dhctl-sim-fleet.json');
  const fleet = await seedFleet(env, database, options, ctx, encryptor, managerEnv, stateFile, log);

  log('starting the API, dhctl-sim and the manager replicas');
  const bootstrapToken = randomBytes(32).toString('hex');
  const metricsToken = randomBytes(32).toString('hex');
  const api = startApp(
    'api',
    'apps/api/src/main.ts',
    {
      DATABASE_URL: database.url,
      HOST: '127.0.0.1',
      PORT: String(apiPort),
      LOG_LEVEL: 'info',
      COMMANDER_PUBLIC_URL: apiUrl,
      COMMANDER_ADMIN_EMAIL: 'admin@bench.local',
      COMMANDER_ADMIN_PASSWORD: randomBytes(12).toString('base64url'),
      COMMANDER_BOOTSTRAP_TOKEN: bootstrapToken,
      COMMANDER_METRICS_TOKEN: metricsToken,
      ...encryptionEnv,
    },
    env.workDir,
    { profileDir: env.profileDir ?? undefined },
  );
  env.defer('stop api', () => api.stop());
  const simPorts = { grpc: await freePort(), http: await freePort() };
  const sim = startSim(env, 'dhctl-sim', stateFile, simPorts);
  await waitFor('the API to be ready', async () => (await fetch(`${apiUrl}/readyz`)).ok, {
    timeoutMs: 120_000,
    everyMs: 250,
    watch: [api],
  });
  await waitFor(
    'dhctl-sim to load the fleet',
    async () => (await fetch(`http://127.0.0.1:${simPorts.http}/healthz`)).ok,
    { timeoutMs: 300_000, everyMs: 500, watch: [sim] },
  );
  const managerMetricsPorts: number[] = [];
  for (let i = 0; i < options.replicas; i++) {
    managerMetricsPorts.push(await freePort());
  }
  const managers = startManagers(
    env,
    'manager',
    options.replicas,
    { ...managerEnv, DHCTL_SERVER_ADDRESS: `127.0.0.1:${simPorts.grpc}` },
    true,
    (i) => ({ METRICS_PORT: String(managerMetricsPorts[i]), METRICS_HOST: '127.0.0.1' }),
  );
  await waitForReplicas(database, managers);

  // A user's workspace read token, issued through the API as a user would.
  const { token: listingToken } = await unwrap(
    createCommanderClient({ baseUrl: apiUrl, token: bootstrapToken }).POST('/api/v1/auth_tokens/', {
      body: { name: 'fleet-soak', workspace_id: workspace.id, scope: 'read' },
    }),
  );

  const input: FleetAgentsInput = {
    apiUrl,
    agents: fleet.map((f) => ({ uuid: f.uuid, key: f.key })),
    durationMs: options.durationMs,
    telemetryMs: options.telemetryMs,
    pollMs: options.pollMs,
    listingPerSecond: options.listingPerSecond,
    listingToken,
    maxSockets: 256,
  };
  const inputFile = path.join(env.workDir, 'fleet-agents.json');
  const outputFile = path.join(env.workDir, 'fleet-agents.out.json');
  writeFileSync(inputFile, JSON.stringify(input), { mode: 0o600 });
  rmSync(outputFile, { force: true });
  const seedMs = performance.now() - seedStarted;

  const pgPids = async () =>
    (await pgQuery<{ pid: number }>(env.adminUrl, 'SELECT pid FROM pg_stat_activity')).map(
      (r) => r.pid,
    );
  const meter = new CpuMeter([
    { name: 'API', pids: () => [api.pid] },
    ...managers.map((m) => ({ name: m.name, pids: () => [m.pid] })),
    { name: 'dhctl-sim', pids: () => [sim.pid] },
    {
      name: 'load generator',
      pids: () => (loadgen ? [loadgen.pid] : []),
      // It has exited when the meter stops: its own count, from its output (null: not written).
      reported: () => {
        try {
          return (JSON.parse(readFileSync(outputFile, 'utf8')) as FleetAgentsOutput).cpuSeconds;
        } catch {
          return null;
        }
      },
    },
    { name: 'PostgreSQL', pids: pgPids },
    { name: 'bench process', pids: () => [process.pid] },
  ]);
  const sizeOf = async () =>
    Number(
      (
        await pgQuery<{ size: string }>(env.adminUrl, 'SELECT pg_database_size($1) AS size', [
          database.name,
        ])
      )[0]?.size ?? Number.NaN,
    );

  // The schedule of a fleet in steady state: due times spread evenly over one interval.
  const due = await pgQuery<{ id: string; next_check_at: Date }>(
    database.url,
    `WITH ordered AS (
       SELECT id, row_number() OVER (ORDER BY name) - 1 AS i, count(*) OVER () AS n FROM clusters
       WHERE workspace_id = $1)
     UPDATE clusters c SET next_check_at = now() + make_interval(secs => $2 * (o.i + 1)::float8 / o.n)
     FROM ordered o WHERE c.id = o.id
     RETURNING c.id, c.next_check_at`,
    [workspace.id, options.checkIntervalSeconds],
  );
  const firstDue = new Map(due.map((d) => [d.id, d.next_check_at.getTime()]));
  const startBytes = await sizeOf();
  const startTables = await tableSizes(database.url);
  const loadStart = os.loadavg();
  let loadgen: AppProcess | null = null;
  const apiMetrics = {
    url: `${apiUrl}/metrics`,
    headers: { authorization: `Bearer ${metricsToken}` },
  };
  const loopSampler = new LoopDelaySampler([
    { name: 'API', ...apiMetrics },
    ...managers.map((m, i) => ({
      name: m.name,
      url: `http://127.0.0.1:${managerMetricsPorts[i]}/metrics`,
    })),
  ]);
  await loopSampler.start();
  await meter.start();
  const fromUs = profileClockNow();
  const from = Date.now();
  log(
    `soak: ${fleet.length} clusters for ${formatNumber(options.durationMs / 1000, 0)} s (seeded in ${formatNumber(seedMs / 1000, 0)} s)`,
  );
  loadgen = startApp(
    'load-generator',
    'bench/src/fleet-agents.ts',
    { FLEET_INPUT: inputFile, FLEET_OUTPUT: outputFile },
    env.workDir,
  );
  env.defer('stop load generator', () => loadgen.stop());
  const everything = [api, sim, ...managers];
  const exited = new Set<string>();
  let lastProgress = Date.now();
  while (!hasExited(loadgen)) {
    for (const app of everything) {
      if (hasExited(app)) {
        exited.add(app.name);
      }
    }
    if (Date.now() - lastProgress >= 60_000) {
      lastProgress = Date.now();
      const [row] = await pgQuery<{ done: string; queued: string; samples: string }>(
        database.url,
        `SELECT (SELECT count(*) FROM cluster_operations WHERE kind = 'CHECK' AND status = 'SUCCEEDED') AS done,
                (SELECT count(*) FROM cluster_operations WHERE status IN ('QUEUED', 'RUNNING')) AS queued,
                (SELECT count(*) FROM telemetry_samples) AS samples`,
      );
      log(
        `${formatNumber((Date.now() - from) / 1000, 0)} s: checks done ${row?.done}, operations waiting ${row?.queued}, telemetry rows ${row?.samples}, load ${os.loadavg()[0]?.toFixed(2)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const to = Date.now();
  const cpu = await meter.stop();
  const eventLoop = await loopSampler.stop();
  const serverSlow = await fetch(apiMetrics.url, { headers: apiMetrics.headers })
    .then((res) => res.text())
    .then((text) =>
      [...histogramByLabel(text, 'commander_http_request_duration_seconds', 'route')]
        .map(([route, buckets]) => {
          const count = buckets.get(Number.POSITIVE_INFINITY) ?? 0;
          return {
            route,
            count,
            over100ms: count - (buckets.get(0.1) ?? 0),
            over1s: count - (buckets.get(1) ?? 0),
          };
        })
        .filter((r) => r.count > 0 && r.route !== '/metrics')
        .sort((a, b) => b.count - a.count)
        .slice(0, 8),
    )
    .catch(() => []);
  const toUs = profileClockNow();
  const loadEnd = os.loadavg();
  const endBytes = await sizeOf();
  // The statistics (n_live_tup) are sent by backends at most every 0.5 s and when idle.
  const endTables = await tableSizes(database.url);
  const [written] = await pgQuery<{
    in_sync: string;
    other_checks: string;
    others: string;
    lines: string;
  }>(
    database.url,
    `SELECT count(*) FILTER (WHERE kind = 'CHECK' AND status = 'SUCCEEDED'
                               AND result->>'status' = 'InSync') AS in_sync,
            count(*) FILTER (WHERE kind = 'CHECK' AND NOT (status = 'SUCCEEDED'
                               AND coalesce(result->>'status' = 'InSync', false))) AS other_checks,
            count(*) FILTER (WHERE kind <> 'CHECK') AS others,
            coalesce(sum(log_count), 0) AS lines
     FROM cluster_operations WHERE created_at >= $1`,
    [new Date(from)],
  );
  if (loadgen.child.exitCode !== 0) {
    throw new Error(`the load generator failed:\n${loadgen.tail()}`);
  }
  const agents = JSON.parse(readFileSync(outputFile, 'utf8')) as FleetAgentsOutput;

  // Checks: each cluster's successful checks against its schedule (first due time seeded, then
  // the previous check's end + the interval, as the manager schedules it).
  const intervalMs = options.checkIntervalSeconds * 1000;
  const ops = await pgQuery<{
    cluster_id: string;
    status: string;
    created_at: Date;
    started_at: Date | null;
    finished_at: Date | null;
  }>(
    database.url,
    `SELECT cluster_id, status::text, created_at, started_at, finished_at FROM cluster_operations
     WHERE kind = 'CHECK' ORDER BY finished_at NULLS LAST`,
  );
  const byCluster = new Map<string, typeof ops>();
  for (const op of ops) {
    const list = byCluster.get(op.cluster_id) ?? [];
    list.push(op);
    byCluster.set(op.cluster_id, list);
  }
  const timings: CheckTiming[] = [];
  const lateness: number[] = [];
  let demand = 0;
  for (const { id } of fleet) {
    let dueAt = firstDue.get(id) ?? Number.NaN;
    const timing: CheckTiming = {
      clusterId: id,
      checks: 0,
      worstLateMs: null,
      gapsMs: [],
      lateAtEndMs: 0,
    };
    let previous: number | null = null;
    for (const op of byCluster.get(id) ?? []) {
      if (op.status !== 'SUCCEEDED' || !op.finished_at || op.finished_at.getTime() > to) {
        continue;
      }
      const finished = op.finished_at.getTime();
      demand += 1;
      const late = Math.max(0, finished - dueAt);
      lateness.push(late);
      timing.worstLateMs = Math.max(timing.worstLateMs ?? 0, late);
      timing.checks += 1;
      if (previous !== null) {
        timing.gapsMs.push(finished - previous);
      }
      previous = finished;
      dueAt = finished + intervalMs;
    }
    if (dueAt <= to) {
      demand += 1;
      timing.lateAtEndMs = to - dueAt;
    }
    timings.push(timing);
  }
  const overdue = timings.filter(
    (t) => (t.worstLateMs ?? 0) > intervalMs || t.lateAtEndMs > intervalMs,
  ).length;
  const queueToStart = ops
    .filter((o) => o.started_at && o.created_at.getTime() >= from)
    .map((o) => o.started_at!.getTime() - o.created_at.getTime());

  const [telemetry] = await pgQuery<{ rows: string; clusters: string; seen: string }>(
    database.url,
    `SELECT (SELECT count(*) FROM telemetry_samples WHERE ts >= $1) AS rows,
            (SELECT count(DISTINCT cluster_id) FROM telemetry_samples WHERE ts >= $1) AS clusters,
            (SELECT count(*) FROM clusters WHERE agent_last_seen_at >= $1) AS seen`,
    [new Date(from - 60_000)],
  );

  log('route CPU: one phase per kind of request against the API');
  const routeCpu = await measureRouteCpu(
    {
      apiUrl,
      apiPid: api.pid,
      agents: fleet.map((f) => ({ uuid: f.uuid, key: f.key })),
      listingToken,
      rate: 100,
      requests: 1500,
    },
    log,
  );
  const server = agentApiLatencies(api.logFile, from, to);
  await Promise.all([...managers.map((m) => m.stop(10_000)), api.stop()]);
  await sim.stop();
  const processErrors: Record<string, number> = {};
  const errorMessages: FleetResult['errorMessages'] = {};
  for (const app of everything) {
    const byMessage = errorLines(app.logFile);
    processErrors[app.name] = Object.values(byMessage).reduce((sum, n) => sum + n, 0);
    errorMessages[app.name] = Object.entries(byMessage)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([message, count]) => ({ message, count }));
  }
  const profiles: FleetResult['profiles'] = [];
  if (env.profileDir) {
    for (const app of [api, ...managers, sim]) {
      const files = profileFiles(env.profileDir, app.name);
      if (files.length > 0) {
        profiles.push({ name: app.name, profile: analyzeProfiles(files, fromUs, toUs) });
      }
    }
  }
  const routeProfiles: FleetResult['routeProfiles'] = [];
  const apiProfile = env.profileDir ? profileFiles(env.profileDir, api.name) : [];
  if (apiProfile.length > 0) {
    for (const p of routeCpu.phases) {
      routeProfiles.push({ name: p.name, profile: analyzeProfiles(apiProfile, p.fromUs, p.toUs) });
    }
  }
  await database.drop();
  const windowMs = to - from;
  return {
    options,
    windowMs,
    loadAverage: { start: loadStart, end: loadEnd },
    agents,
    server,
    checks: {
      succeeded: ops.filter(
        (o) => o.status === 'SUCCEEDED' && o.finished_at && o.finished_at.getTime() <= to,
      ).length,
      failed: ops.filter((o) => o.status === 'FAILED').length,
      unfinished: ops.filter((o) => o.status === 'QUEUED' || o.status === 'RUNNING').length,
      timings,
      latenessMs: summarize(lateness),
      queueToStartMs: summarize(queueToStart),
      runMs: summarize(
        ops
          .filter(
            (o) =>
              o.status === 'SUCCEEDED' &&
              o.started_at &&
              o.finished_at &&
              o.started_at.getTime() >= from &&
              o.finished_at.getTime() <= to,
          )
          .map((o) => o.finished_at!.getTime() - o.started_at!.getTime()),
      ),
      overdue,
      dueButUnchecked: timings.filter((t) => t.checks === 0 && t.lateAtEndMs > 0).length,
      due: demand,
    },
    telemetry: {
      rowsStored: Number(telemetry?.rows ?? 0),
      clustersWithSamples: Number(telemetry?.clusters ?? 0),
      clustersSeenByAgent: Number(telemetry?.seen ?? 0),
    },
    cpu,
    database: {
      startBytes,
      endBytes,
      perDayBytes: ((endBytes - startBytes) / windowMs) * 86_400_000,
      tables: [...new Set([...startTables.keys(), ...endTables.keys()])].map((name) => ({
        name,
        startBytes: startTables.get(name)?.bytes ?? 0,
        endBytes: endTables.get(name)?.bytes ?? 0,
        startRows: startTables.get(name)?.rows ?? 0,
        endRows: endTables.get(name)?.rows ?? 0,
      })),
      operations: {
        inSyncChecks: Number(written?.in_sync ?? 0),
        otherChecks: Number(written?.other_checks ?? 0),
        others: Number(written?.others ?? 0),
        lines: Number(written?.lines ?? 0),
      },
    },
    processErrors,
    errorMessages,
    exited: [...exited],
    profiles,
    seedMs,
    eventLoop,
    serverSlow,
    routeCpu,
    routeProfiles,
  };
}

/** Non-2xx/304 answers of a tally, as `503×4, TIMEOUT×1`, or `none`. */
/**
 * Statuses plus the requests still unanswered when the load generator stopped waiting (a server
 * that fell behind leaves them queued; they have no latency, so they are counted here).
 */
export function withUnanswered(t: RequestTally): Record<string, number> {
  const answered = Object.values(t.statuses).reduce((sum, n) => sum + n, 0);
  return t.sent > answered ? { ...t.statuses, unanswered: t.sent - answered } : t.statuses;
}

export function tallyErrors(t: RequestTally): string {
  const bad = Object.entries(withUnanswered(t)).filter(([s]) => !/^(2\d\d|304)$/.test(s));
  return bad.length === 0 ? 'none' : bad.map(([s, n]) => `${s}×${n}`).join(', ');
}

function latencyCell(s: Summary): string {
  return s.count > 0
    ? `${formatNumber(s.p50)} / ${formatNumber(s.p99)} / ${formatNumber(s.max)}`
    : '—';
}

/**
 * What the measured check rate means beyond the window: a window shorter than two intervals
 * cannot show a check more than one interval late, but a rate below the demand makes the
 * backlog grow until it does.
 */
/** The managers' reconcile period (`MANAGER_RECONCILE_EVERY_MS`, default 30 s). */
const DEFAULT_RECONCILE_MS = 30_000;

/**
 * Clusters whose check is, at the end, later than the reconcile scheduler explains: due more
 * than one reconcile period and a minute before the end, and not run. A check due less than a
 * reconcile period ago has not been queued yet (the scheduler queues what is due every period),
 * so a window always ends with about demand × period checks due but not run; those are not a
 * backlog.
 */
export function staleBacklog(r: FleetResult): number {
  const reconcileMs = r.options.reconcileEveryMs ?? DEFAULT_RECONCILE_MS;
  return r.checks.timings.filter((t) => t.lateAtEndMs > reconcileMs + 60_000).length;
}

export function projection(r: FleetResult): string {
  const seconds = r.windowMs / 1000;
  const demand = r.options.clusters / r.options.checkIntervalSeconds;
  const rate = r.checks.succeeded / seconds;
  const reconcileMs = r.options.reconcileEveryMs ?? DEFAULT_RECONCILE_MS;
  const stale = staleBacklog(r);
  if (rate >= demand * 0.98 || (rate > 0 && stale === 0)) {
    return (
      `keeps up: ${formatNumber(rate, 2)} checks/s finished for a demand of ${formatNumber(demand, 2)};` +
      ` every check due more than ${formatNumber(reconcileMs / 1000 + 60, 0)} s before the end ran (no backlog), and the` +
      ` ${r.checks.dueButUnchecked} due later were waiting for the reconcile pass that queues them (every` +
      ` ${formatNumber(reconcileMs / 1000, 0)} s), which is why the rate over the window is below the demand`
    );
  }
  if (rate <= 0) {
    return 'finished no check: every cluster falls behind without bound';
  }
  // Backlog grows at (demand − rate); the oldest waiting check is backlog ÷ rate late.
  const afterS = (r.options.checkIntervalSeconds * rate) / (demand - rate);
  return (
    `falls behind: ${stale} clusters' checks are more than one reconcile period and a minute late at the end;` +
    ` ${formatNumber(rate, 2)} of ${formatNumber(demand, 2)} checks/s (${formatNumber((100 * rate) / demand, 0)} %);` +
    ` the backlog grows by ${formatNumber((demand - rate) * 60, 0)} checks a minute and checks run more than one interval late` +
    ` after about ${formatNumber(afterS / 60, 0)} minutes of steady state`
  );
}

function mib(bytes: number): string {
  return formatNumber(bytes / 1024 ** 2, 1);
}

function minutes(ms: number): string {
  return formatNumber(ms / 60_000, 1);
}

/** `pnpm bench fleet`: the soak, rendered as a BENCHMARKS.md section. */
export async function runFleetBenchmark(
  env: BenchEnvironment,
  options: FleetOptions,
  log: (line: string) => void,
): Promise<BenchmarkReport> {
  const r = await runFleetSoak(env, options, log);
  // The raw measurements, to re-read or re-render a long soak (bench/.out is not committed).
  const raw = path.join(REPO_ROOT, 'bench/.out/fleet-result.json');
  mkdirSync(path.dirname(raw), { recursive: true });
  writeFileSync(
    raw,
    JSON.stringify({
      ...r,
      checks: {
        ...r.checks,
        timings: r.checks.timings.filter((t) => t.checks > 0 || t.lateAtEndMs > 0),
      },
    }),
  );
  log(`raw results in ${path.relative(process.cwd(), raw)}`);
  return {
    name: 'fleet',
    title: 'Fleet soak: 10,000 clusters on one machine (issue 11)',
    body: renderFleet(r),
  };
}

/** The report of a soak (exported for the harness's tests). */
export function renderFleet(r: FleetResult): string {
  const o = r.options;
  const seconds = r.windowMs / 1000;
  const kinds: [string, RequestTally][] = [
    [`agent \`POST …/telemetry\` (every ${o.telemetryMs / 1000} s)`, r.agents.telemetry],
    [`agent \`GET …/resources\` (every ${o.pollMs / 1000} s, with ETag)`, r.agents.poll],
    ['agent `POST …/resources/status` (after a 200)', r.agents.status],
    [`user \`GET /api/v1/clusters?limit=100\` (${o.listingPerSecond}/s)`, r.agents.listing],
  ];
  const requests = markdownTable(
    [
      'Requests',
      'Sent',
      'Per second',
      'Statuses',
      'Latency p50 / p99 / max (ms)',
      'First poll interval p50 / p99 / max (ms)',
      'Steady state p50 / p99 / max (ms)',
      'Goal p99 < 100 ms (whole window; steady state)',
    ],
    kinds.map(([label, t]) => {
      const s = summarize(t.latenciesMs);
      const steady = summarize(t.steadyLatenciesMs ?? []);
      const first = summarize(t.firstLatenciesMs ?? []);
      return [
        label,
        t.sent,
        formatNumber(t.sent / seconds, 1),
        Object.entries(withUnanswered(t))
          .map(([code, n]) => `${code}×${n}`)
          .join(', ') || '—',
        latencyCell(s),
        first.count > 0 ? latencyCell(first) : '—',
        steady.count > 0 ? latencyCell(steady) : '—',
        [s, steady]
          .map((x, i) =>
            x.count === 0
              ? null
              : `${i === 0 ? 'window' : 'steady'}: ${x.p99 < 100 ? 'met' : `**not met** (${formatNumber(x.p99 / 100, 1)}×)`}`,
          )
          .filter((x) => x !== null)
          .join('; ') || '—',
      ];
    }),
  );
  const serverRows = Object.entries(r.server);
  const serverTable =
    serverRows.length > 0
      ? markdownTable(
          ['Route (API request log)', 'Requests', 'Server time p50 / p99 / max (ms)'],
          serverRows.map(([route, s]) => [
            `\`${route}\``,
            s.responseTimeMs.count,
            latencyCell(s.responseTimeMs),
          ]),
        )
      : '';
  const c = r.checks;
  const intervalMs = o.checkIntervalSeconds * 1000;
  const gaps = summarize(r.checks.timings.flatMap((t) => t.gapsMs));
  const checkTable = markdownTable(
    ['Checks', 'Value'],
    [
      [
        'demand (clusters ÷ interval)',
        `${formatNumber(o.clusters / o.checkIntervalSeconds, 2)} checks/s`,
      ],
      ['checks due in the window', c.due],
      [
        'succeeded / failed / still queued or running at the end',
        `${c.succeeded} / ${c.failed} / ${c.unfinished}`,
      ],
      ['throughput', `${formatNumber(c.succeeded / seconds, 2)} checks/s`],
      [
        'lateness (finished − due) p50 / p99 / max (min)',
        `${minutes(c.latenessMs.p50)} / ${minutes(c.latenessMs.p99)} / ${minutes(c.latenessMs.max)}`,
      ],
      [
        'wall time per check (started → finished) p50 / p99 (ms)',
        c.runMs.count > 0
          ? `${formatNumber(c.runMs.p50, 0)} / ${formatNumber(c.runMs.p99, 0)}`
          : '—',
      ],
      [
        'queue → start p50 / p99 (s)',
        `${formatNumber(c.queueToStartMs.p50 / 1000, 1)} / ${formatNumber(c.queueToStartMs.p99 / 1000, 1)}`,
      ],
      [
        'gap between consecutive checks of a cluster p50 / max (min)',
        gaps.count > 0
          ? `${minutes(gaps.p50)} / ${minutes(gaps.max)}`
          : '— (window shorter than two intervals)',
      ],
      ['due but never checked in the window', c.dueButUnchecked],
      [`**overdue by more than one interval (${minutes(intervalMs)} min)**`, `**${c.overdue}**`],
      ['projection', projection(r)],
    ],
    ['l', 'r'],
  );
  const cpuTable = markdownTable(
    ['Process', 'Cores (CPU s per wall s)'],
    [
      ...r.cpu.groups.map((g) => [g.name, formatNumber(g.cores, 2)]),
      ['other processes on the machine', formatNumber(r.cpu.otherCores, 2)],
      ['**machine busy**', `**${formatNumber(r.cpu.machineCores, 2)} of ${r.cpu.cpuCount}**`],
    ],
    ['l', 'r'],
  );
  const db = r.database;
  const steady = operationsAtSteadyState(r);
  const errors = Object.entries(r.processErrors)
    .filter(([, n]) => n > 0)
    .map(
      ([name, n]) =>
        `${name}: ${n} (${(r.errorMessages[name] ?? [])
          .map((m) => `${m.count}× \`${m.message.replaceAll('`', "'").replaceAll('|', '/')}\``)
          .join(', ')})`,
    );
  const lines = [
    `${o.clusters.toLocaleString('en-US')} installed clusters in one workspace for ${formatNumber(seconds / 60, 1)} minutes, managed by the real`,
    `processes as \`pnpm start\` runs them (the API, ${o.replicas} manager replicas, dhctl-sim with zero phase delay;`,
    '`node --import tsx`, `LOG_LEVEL=info`). The fleet is seeded, not installed: one cluster is installed',
    'through the real path and cloned (database rows with their own uuid, agent key and dhctl state; the',
    "simulator's virtual clusters through its state file). Checks are the system's own: each cluster's",
    `\`check_interval_seconds\` = ${o.checkIntervalSeconds}, due times spread evenly over one interval at the start (a fleet in`,
    `steady state), queued by the managers' reconcile scheduler (\`MANAGER_RECONCILE_EVERY_MS\` ${o.reconcileEveryMs === null ? 'default' : `= ${o.reconcileEveryMs}`}).`,
    "**The agents are a load generator** (`bench/src/fleet-agents.ts`, its own process), not dhctl-sim's",
    'simulated agents (too heavy at this size on 2 cores): it speaks the same agent HTTP API with each',
    "cluster's real agent key: telemetry every " +
      `${o.telemetryMs / 1000} s, a resources poll every ${o.pollMs / 1000} s with the last ETag`,
    '(a 200 is followed by a status report), each agent on its own jittered open-loop schedule; latency',
    'counts from the scheduled send time. A user lists clusters with a workspace read token at a',
    'steady rate.',
    '',
    `Load average (1/5/15 min) at the start ${r.loadAverage.start.map((l) => l.toFixed(2)).join(' / ')}, at the end ${r.loadAverage.end.map((l) => l.toFixed(2)).join(' / ')}`,
    `(the machine is shared). Seeding and start-up took ${formatNumber(r.seedMs / 1000, 0)} s.`,
    '',
    '### API latency',
    '',
    requests,
    '',
    `Steady state: the requests scheduled after the first ${o.pollMs / 1000} s, when every agent has made its first`,
    'poll (the first sync — a 200 with its status report — and the first agent key lookups are behind).',
    'The whole window includes that first minute, in which every agent of the seeded fleet syncs at',
    'once (no agent has an ETag yet, no stored resources version); a running fleet sees it only for',
    'agents that (re)start.',
    '',
  ];
  if (serverTable) {
    lines.push(
      serverTable,
      '',
      "Server time is Fastify's `responseTime` from the API's request log.",
      '',
    );
  }
  if (r.serverSlow.length > 0) {
    lines.push(
      markdownTable(
        ['Route (API `commander_http_request_duration_seconds`)', 'Requests', '> 100 ms', '> 1 s'],
        r.serverSlow.map((s) => [`\`${s.route}\``, s.count, s.over100ms, s.over1s]),
        ['l', 'r', 'r', 'r'],
      ),
      '',
      "Server time from the request reaching Fastify to the response (the API's histogram over its",
      'whole run, start-up included): a request the client saw slow but the server did not waited',
      'before Fastify read it (a blocked event loop, or the client).',
      '',
    );
  }
  if (r.eventLoop.length > 0) {
    lines.push(
      '### Event loop delay',
      '',
      markdownTable(
        [
          'Process',
          'Windows (5 s)',
          'Max (ms)',
          'Window p99: median / worst (ms)',
          'Windows with max > 100 ms',
          'Worst windows at (s)',
          'Scrapes failed',
        ],
        r.eventLoop.map((d) => {
          const s = summarizeLoopDelay(d);
          return [
            d.name,
            d.windows.length,
            formatNumber(s.maxMs, 0),
            `${formatNumber(s.medianP99Ms, 1)} / ${formatNumber(s.worstP99Ms, 0)}`,
            s.windowsOver100,
            s.worstAtS.join(', ') || '—',
            d.failed,
          ];
        }),
        ['l', 'r', 'r', 'r', 'r', 'l', 'r'],
      ),
      '',
      "From each process's `/metrics` every 5 s: prom-client's default `nodejs_eventloop_lag_max_seconds`",
      'and `…_p99_seconds` (perf_hooks `monitorEventLoopDelay`, reset at each scrape), so each window',
      'is the 5 s before its scrape.',
      '',
    );
  }
  lines.push(
    '### Periodic checks',
    '',
    checkTable,
    '',
    '### CPU by process',
    '',
    cpuTable,
    '',
    'From /proc over the whole window; PostgreSQL is every process of its server (backends and',
    'background processes, `pg_stat_activity`).',
    '',
  );
  if (r.profiles.length > 0) {
    lines.push(
      markdownTable(
        ['Process', 'CPU sampled (s)', 'Share by component'],
        r.profiles.map((p) => [
          p.name,
          formatNumber(p.profile.busyMs / 1000, 1),
          describeBreakdown(p.profile),
        ]),
        ['l', 'r', 'l'],
      ),
      '',
      "From V8's sampling profiler (10 ms) over the window. Sampled time is time on the process's",
      'threads, including time the OS did not run them on a busy machine: read the shares, not the',
      'seconds (/proc above has the CPU).',
      '',
    );
  }
  const rc = r.routeCpu;
  const profileOf = (name: string) => r.routeProfiles.find((p) => p.name === name)?.profile;
  lines.push(
    '### API CPU per request, by route',
    '',
    markdownTable(
      ['Route', 'Requests (rate)', 'Answers', 'API CPU per request (ms)', 'Where (API profile)'],
      rc.phases.map((p) => {
        const profile = profileOf(p.name);
        return [
          `\`${p.name}\``,
          `${p.requests} (${formatNumber(p.rate, 0)}/s)`,
          Object.entries(p.statuses)
            .map(([code, n]) => `${code}: ${n}`)
            .join(', '),
          formatNumber(p.cpuMsPerRequest, 2),
          profile ? describeBreakdown(profile, 0.05) : '—',
        ];
      }),
      ['l', 'r', 'l', 'r', 'l'],
    ),
    '',
    'After the soak, against the same API (the managers still checking): one phase per kind of',
    "request at a fixed rate (open loop), the API process's CPU from /proc over the phase less its",
    `idle CPU over the same time (${formatNumber(rc.idleCores * 1000, 0)} ms/s, measured first), per request`,
    "(bench/src/route-cpu.ts). The agents are the fleet's, each request a different cluster.",
    '',
  );
  lines.push(
    '### Storage and errors',
    '',
    markdownTable(
      ['Measure', 'Value'],
      [
        ['database size at start / end (MiB)', `${mib(db.startBytes)} / ${mib(db.endBytes)}`],
        ['growth extrapolated per day (GiB)', formatNumber(db.perDayBytes / 1024 ** 3, 2)],
        [
          'growth per day net of retention (GiB)',
          formatNumber(
            (accumulatingTables(r).reduce((n, t) => n + t.endBytes - t.startBytes, 0) *
              86_400_000) /
              r.windowMs /
              1024 ** 3,
            2,
          ),
        ],
        [
          'operations at steady state under retention (GiB)',
          steady ? formatNumber(steady.steadyBytes / 1024 ** 3, 1) : '—',
        ],
        ['telemetry rows stored', r.telemetry.rowsStored],
        [
          'clusters with telemetry / seen by their agent',
          `${r.telemetry.clustersWithSamples} / ${r.telemetry.clustersSeenByAgent}`,
        ],
        [
          'agent request errors',
          [r.agents.telemetry, r.agents.poll, r.agents.status].map(tallyErrors).join('; '),
        ],
        ['listing errors', tallyErrors(r.agents.listing)],
        ['error-level log lines', errors.length > 0 ? errors.join(', ') : 'none'],
        [
          'processes that exited during the soak',
          r.exited.length > 0 ? r.exited.join(', ') : 'none',
        ],
      ],
      ['l', 'l'],
    ),
    '',
  );
  const perDay = 86_400_000 / r.windowMs;
  const grown = [...db.tables].sort(
    (a, b) => b.endBytes - b.startBytes - (a.endBytes - a.startBytes),
  );
  const shown = grown.slice(0, 8);
  const rest = grown.slice(8);
  const total = db.tables.reduce((n, t) => n + t.endBytes - t.startBytes, 0);
  const row = (name: string, t: Pick<TableSize, 'startBytes' | 'endBytes'>, rows: string) => {
    const growth = t.endBytes - t.startBytes;
    return [
      name,
      mib(t.startBytes),
      mib(t.endBytes),
      mib(growth),
      formatNumber((growth * perDay) / 1024 ** 3, 2),
      total > 0 ? `${formatNumber((100 * growth) / total, 0)} %` : '—',
      rows,
    ];
  };
  lines.push(
    markdownTable(
      [
        'Table (indexes and TOAST included)',
        'Start (MiB)',
        'End (MiB)',
        'Growth (MiB)',
        'Per day (GiB)',
        'Share of growth',
        'Rows start → end (≈)',
      ],
      [
        ...shown.map((t) =>
          row(
            `\`${t.name}\``,
            t,
            `${formatNumber(t.startRows, 0)} → ${formatNumber(t.endRows, 0)}`,
          ),
        ),
        ...(rest.length > 0
          ? [
              row(
                `${rest.length} other tables`,
                {
                  startBytes: rest.reduce((n, t) => n + t.startBytes, 0),
                  endBytes: rest.reduce((n, t) => n + t.endBytes, 0),
                },
                '',
              ),
            ]
          : []),
      ],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    '`pg_total_relation_size` of each table at the start and the end of the window (telemetry day',
    'partitions summed by resolution); rows from the statistics (`n_live_tup`, an estimate).',
    '',
  );
  lines.push('### Reading', '', ...reading(r), '');
  return lines.join('\n');
}

/** Tables whose size levels off under retention: telemetry partitions and operations. */
const OPERATION_TABLES = ['cluster_operations', 'operation_logs'];

/**
 * What the operation tables level off at under the managers' default retention
 * (`DEFAULT_OPERATION_RETENTION`; nothing expires during a soak: the shortest age is a day).
 * Each class is kept the shortest age of its rules (an in-sync check is also a check), so the
 * tables hold about (their growth per day) × (the days kept, weighted by the classes' shares of
 * the operations written), with autovacuum reusing the space of the deleted rows. Assumes the
 * classes' operations are of similar size (in a soak nearly all are in-sync checks).
 */
export function operationsAtSteadyState(r: FleetResult): {
  perDayBytes: number;
  steadyBytes: number;
  keptDays: number;
  linesPerOperation: number;
  bytesPerLine: number;
  bytesPerOperationRow: number;
} | null {
  // Absent from a result saved before it was measured (re-rendered from bench/.out).
  const w = r.database.operations as FleetResult['database']['operations'] | undefined;
  const written = w ? w.inSyncChecks + w.otherChecks + w.others : 0;
  if (!w || written === 0) {
    return null;
  }
  const growth = (name: string) => {
    const t = r.database.tables.find((x) => x.name === name);
    return t ? t.endBytes - t.startBytes : 0;
  };
  const policy = DEFAULT_OPERATION_RETENTION;
  const days = (...ages: number[]) => {
    const set = ages.filter((a) => a > 0);
    return set.length > 0 ? Math.min(...set) / 86_400_000 : Number.POSITIVE_INFINITY;
  };
  const keptDays =
    (w.inSyncChecks * days(policy.inSyncChecksMs, policy.checksMs) +
      w.otherChecks * days(policy.checksMs) +
      w.others * days(policy.othersMs)) /
    written;
  const perDayBytes =
    (OPERATION_TABLES.reduce((n, t) => n + growth(t), 0) * 86_400_000) / r.windowMs;
  return {
    perDayBytes,
    steadyBytes: perDayBytes * keptDays,
    keptDays,
    linesPerOperation: w.lines / written,
    bytesPerLine: w.lines > 0 ? growth('operation_logs') / w.lines : 0,
    bytesPerOperationRow: growth('cluster_operations') / written,
  };
}

/**
 * A table whose rows come and go: graphile-worker's queue (a job row is deleted when it
 * completes, so the rows at the end are the jobs then waiting, not history).
 */
function isQueueTable(t: TableSize): boolean {
  return t.name.startsWith('graphile_worker.');
}

/**
 * Growth per day of the tables nothing expires (not telemetry, not operations, not the queue,
 * not the tables that grew by rewriting their rows): what the database still adds a day at
 * steady state.
 */
function accumulatingTables(r: FleetResult): TableSize[] {
  const growth = (t: TableSize) => t.endBytes - t.startBytes;
  return r.database.tables
    .filter(
      (t) =>
        !t.name.startsWith('telemetry_samples') &&
        !OPERATION_TABLES.includes(t.name) &&
        !isQueueTable(t) &&
        growth(t) > 0 &&
        t.endRows > t.startRows * 1.01,
    )
    .sort((a, b) => growth(b) - growth(a));
}

/** What the table growth is made of, and what telemetry retention does to it. */
function storageReading(r: FleetResult, offeredTelemetry: number): string {
  const perDay = 86_400_000 / r.windowMs;
  const growth = (t: TableSize) => t.endBytes - t.startBytes;
  const total = r.database.tables.reduce((n, t) => n + growth(t), 0);
  const raw = r.database.tables.find((t) => t.name === 'telemetry_samples (raw)');
  if (!raw || total <= 0 || r.telemetry.rowsStored === 0) {
    return '';
  }
  const rawPerDay = growth(raw) * perDay;
  const perSample = growth(raw) / r.telemetry.rowsStored;
  const hourlyRows = r.telemetry.clustersWithSamples * 24 * 30;
  const others = r.database.tables
    .filter(
      (t) =>
        !t.name.startsWith('telemetry_samples') &&
        !OPERATION_TABLES.includes(t.name) &&
        growth(t) > 0,
    )
    .sort((a, b) => growth(b) - growth(a));
  // A table whose rows did not grow grew by its updates: dead row versions (and TOAST) that
  // autovacuum makes reusable, so its size levels off instead of growing by the day.
  const churned = others.filter((t) => isQueueTable(t) || t.endRows <= t.startRows * 1.01);
  const accumulating = accumulatingTables(r);
  const gib = (b: number) => formatNumber(b / 1024 ** 3, 1);
  const ops = operationsAtSteadyState(r);
  const policy = DEFAULT_OPERATION_RETENTION;
  const operations = ops
    ? ` Operations (\`cluster_operations\` and \`operation_logs\`) grew ${gib(ops.perDayBytes)} GiB a day:` +
      ` ${formatNumber(ops.linesPerOperation, 1)} log lines per operation at ${formatNumber(ops.bytesPerLine, 0)} bytes per line and` +
      ` ${formatNumber(ops.bytesPerOperationRow, 0)} bytes per operation row (indexes, TOAST and the row's dead versions included).` +
      ` They level off too: the managers delete in-sync checks after ${formatNumber(policy.inSyncChecksMs / 3_600_000, 0)} h,` +
      ` other checks after ${formatNumber(policy.checksMs / 86_400_000, 0)} days and other operations after ${formatNumber(policy.othersMs / 86_400_000, 0)}` +
      ` (OPERATION_RETENTION_*), so at this mix (${formatNumber(ops.keptDays, 2)} days kept on average) they hold about` +
      ` ${gib(ops.steadyBytes)} GiB (plus the dead space autovacuum has not yet reclaimed, up to its 20 % scale factor).`
    : '';
  const otherPerDay = accumulating.reduce((n, t) => n + growth(t), 0) * perDay;
  const named = churned.filter((t) => growth(t) >= total / 100).map((t) => `\`${t.name}\``);
  const small = churned.length > named.length ? 'smaller tables' : '';
  const churn =
    churned.length === 0
      ? ''
      : ` ${[named.join(', '), small].filter(Boolean).join(' and ')} grew` +
        ` ${formatNumber((100 * churned.reduce((n, t) => n + growth(t), 0)) / total, 0)} % of it` +
        " without more rows (each telemetry sample and status report rewrites its cluster's row; queue" +
        ' jobs come and go: dead row versions and TOAST that autovacuum makes reusable), which levels off' +
        ' rather than adding up by the day.';
  return (
    ` Raw telemetry is ${formatNumber((100 * growth(raw)) / total, 0)} % of the growth (${gib(rawPerDay)} GiB a day,` +
    ` ${formatNumber(perSample, 0)} bytes per sample with its indexes; ${formatNumber((offeredTelemetry * 86_400) / 1e6, 1)} M rows a day at the offered rate).` +
    ' It does not accumulate: a raw day partition is rolled up into hourly averages and dropped once the whole day is older than 24 h,' +
    ` so at most two days of raw samples exist (≈ ${gib(2 * rawPerDay)} GiB), and the hourly rows of 30 days` +
    ` (${formatNumber(hourlyRows / 1e6, 1)} M for ${formatNumber(r.telemetry.clustersWithSamples, 0)} clusters, ≈ ${gib(hourlyRows * perSample)} GiB at the raw row's size)` +
    ` are dropped by day too: telemetry levels off at about ${gib(2 * rawPerDay + hourlyRows * perSample)} GiB.` +
    churn +
    operations +
    ` What accumulates net of retention is the rest: ${gib(otherPerDay)} GiB a day` +
    (accumulating.length > 0
      ? ` (${accumulating
          .slice(0, 3)
          .map((t) => `\`${t.name}\` ${gib(growth(t) * perDay)}`)
          .join(', ')})`
      : '') +
    '.'
  );
}

function coresOf(r: FleetResult, name: string): number {
  return r.cpu.groups.find((g) => g.name === name)?.cores ?? Number.NaN;
}

/** The findings, written from the numbers of the run. */
function reading(r: FleetResult): string[] {
  const o = r.options;
  const seconds = r.windowMs / 1000;
  const out: string[] = [];
  const other = r.cpu.otherCores;
  out.push(
    `- **The machine.** ${formatNumber(r.cpu.machineCores, 2)} of ${r.cpu.cpuCount} cores were busy on average, ${formatNumber(other, 2)} of them` +
      ` by processes outside the soak (load average ${r.loadAverage.start[0]?.toFixed(1)} at the start, ${r.loadAverage.end[0]?.toFixed(1)} at the end).` +
      (other > 0.5
        ? ' The soak shared the CPU with other work, so its rates are lower and its latencies longer than on a machine of its own;' +
          ' the CPU per request and per check below are the steadier numbers.'
        : ''),
  );
  const agentKinds = [r.agents.telemetry, r.agents.poll, r.agents.status];
  const agentRequests = agentKinds.reduce((sum, t) => sum + t.sent, 0);
  const answered = agentKinds.reduce(
    (sum, t) =>
      sum +
      Object.entries(t.statuses)
        .filter(([code]) => /^(2\d\d|304)$/.test(code))
        .reduce((n, [, c]) => n + c, 0),
    0,
  );
  const offeredTelemetry = o.clusters / (o.telemetryMs / 1000);
  const api = coresOf(r, 'API');
  // Requests the API answered (any status) in the window: what its CPU went to.
  const served =
    [...agentKinds, r.agents.listing].reduce(
      (sum, t) => sum + Object.values(t.statuses).reduce((n, c) => n + c, 0),
      0,
    ) / seconds;
  const telemetry = summarize(r.agents.telemetry.latenciesMs);
  const listing = summarize(r.agents.listing.latenciesMs);
  out.push(
    `- **Agents.** ${o.clusters.toLocaleString('en-US')} agents offer ${formatNumber(offeredTelemetry, 0)} telemetry samples/s and` +
      ` ${formatNumber(o.clusters / (o.pollMs / 1000), 0)} polls/s; ${formatNumber(r.telemetry.rowsStored / seconds, 1)} samples/s were stored` +
      ` (${formatNumber((100 * r.telemetry.rowsStored) / seconds / offeredTelemetry, 0)} % of the offered rate), ${answered} of ${agentRequests} agent requests` +
      ` were answered successfully (latency counts only answered requests), telemetry p99 ${formatNumber(telemetry.p99, 0)} ms` +
      ` (goal < 100 ms: ${telemetry.p99 < 100 ? 'met' : 'not met'}; after the first poll interval ${formatNumber(summarize(r.agents.telemetry.steadyLatenciesMs ?? []).p99, 0)} ms). The API process used ${formatNumber(api, 2)} cores for` +
      ` ${formatNumber(served, 0)} answered requests/s, ${formatNumber((api * 1000) / served, 2)} ms of CPU per request` +
      (api > 0.85
        ? ': its one thread was saturated, so requests queued and latency is mostly that queue.'
        : '.'),
  );
  const loadgen = coresOf(r, 'load generator');
  const sent = [...agentKinds, r.agents.listing].reduce((sum, t) => sum + t.sent, 0) / seconds;
  out.push(
    `- **The load generator** used ${formatNumber(loadgen, 2)} cores for ${formatNumber(sent, 0)} requests/s sent,` +
      ` ${formatNumber((loadgen * 1000) / Math.max(sent, 1e-9), 2)} ms of CPU per request (its own \`process.cpuUsage()\`,` +
      ' start to exit, as it exits before the window closes); "other processes" is the machine\'s busy time' +
      ' less every process of the table.',
  );
  out.push(
    `- **The user.** \`GET /api/v1/clusters?limit=100\` p50 ${formatNumber(listing.p50, 0)} ms, p99 ${formatNumber(listing.p99, 0)} ms` +
      ` (goal < 100 ms: ${listing.p99 < 100 ? 'met' : 'not met'}), sharing the API's thread with the agents.`,
  );
  const managers = r.cpu.groups
    .filter((g) => g.name.startsWith('manager-'))
    .reduce((sum, g) => sum + g.cores, 0);
  const rate = r.checks.succeeded / seconds;
  const demand = o.clusters / o.checkIntervalSeconds;
  out.push(
    `- **Checks.** Demand ${formatNumber(demand, 2)} checks/s; the ${o.replicas} replicas finished ${formatNumber(rate, 2)}/s` +
      ` using ${formatNumber(managers, 2)} cores together (${formatNumber((managers * 1000) / Math.max(rate, 1e-9), 0)} ms of manager CPU per check,` +
      ` dhctl-sim ${formatNumber((coresOf(r, 'dhctl-sim') * 1000) / Math.max(rate, 1e-9), 0)} ms), queue → start p50` +
      ` ${formatNumber(r.checks.queueToStartMs.p50 / 1000, 0)} s. The fleet ${projection(r)}.` +
      " Each replica runs one operation at a time (graphile-worker concurrency 1), so a check's wall time," +
      ` not only its CPU, bounds the rate: replicas × 1 / (wall time per check) = ${formatNumber(o.replicas / Math.max(r.checks.runMs.p50 / 1000, 1e-9), 0)} checks/s at the p50 wall time of` +
      ` ${formatNumber(r.checks.runMs.p50, 0)} ms.`,
  );
  out.push(
    `- **PostgreSQL** used ${formatNumber(coresOf(r, 'PostgreSQL'), 2)} cores. The database grew ${mib(r.database.endBytes - r.database.startBytes)} MiB in` +
      ` ${formatNumber(seconds / 60, 1)} minutes, ${formatNumber(r.database.perDayBytes / 1024 ** 3, 1)} GiB a day at this rate.` +
      ` At the full offered telemetry rate it would store ${formatNumber((offeredTelemetry * 86_400) / 1e6, 1)} M samples a day.` +
      storageReading(r, offeredTelemetry),
  );
  return out;
}
