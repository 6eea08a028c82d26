// Issue 4: how many cluster operations per second N manager replicas (real processes, as in
// production) get through, and how long an operation waits in the queue, against dhctl-sim
// with zero phase delay, compared with 1 replica and with graphile-worker draining no-op jobs.
import { readFileSync } from 'node:fs';

import { WORKSPACE_PERMISSIONS } from '@commander/contracts';
import {
  bootstrapInstallation,
  checkClusterNow,
  createCluster,
  scheduleDueChecks,
  type ServiceContext,
  silentLogger,
} from '@commander/core';
import { createTestTemplate } from '@commander/core/testing';
import { createEncryptor, generateEncryptionKeys } from '@commander/crypto';
import pg from 'pg';

import { mapLimit } from '../concurrency.js';
import { CpuMeter, type CpuUsage } from '../cpu.js';
import {
  analyzeProfiles,
  describeBreakdown,
  type ProfileBreakdown,
  profileClockNow,
  profileFiles,
} from '../cpu-profile.js';
import type { BenchDatabase, BenchEnvironment } from '../environment.js';
import { NOOP_TASK } from '../noop-task.js';
import { describeWaits, type WaitProfile, WaitSampler } from '../pg-waits.js';
import { type AppProcess, freePort, startApp, waitFor } from '../processes.js';
import { type BenchmarkReport, markdownTable } from '../report.js';
import { formatNumber, formatPercent, formatRatio, summarize, type Summary } from '../stats.js';

/** Sizes of one run of the benchmark. */
export type OperationsOptions = {
  /** Replica counts to measure; the first is the baseline of the ratios. */
  replicaCounts: number[];
  /** Check operations queued per replica count (on as many installed clusters). */
  checks: number;
  /** No-op jobs drained per worker-process count (the graphile-worker ceiling). */
  noopJobs: number;
  /** API-like concurrency of the enqueueing burst. */
  enqueueConcurrency: number;
  /** Checks queued one at a time after each check burst (idle queue-to-start latency). */
  idleChecks: number;
  /** Installs per replica count against a dhctl that takes `phaseDelayMs` per phase. */
  slowInstalls: number;
  /** The slow dhctl's time per phase (real dhctl spends minutes per phase waiting on clouds). */
  phaseDelayMs: number;
  /**
   * Clusters the check replicas install and check before the measured checks (per replica
   * count, not measured): replicas that have run, as a running replica is when it first checks
   * a cluster.
   */
  checkWarmClusters: number;
};

/** Full run: 240 installs (80 per replica count) then 240 checks per replica count. */
export const FULL_OPERATIONS: OperationsOptions = {
  replicaCounts: [1, 2, 4],
  checks: 240,
  noopJobs: 2000,
  enqueueConcurrency: 4,
  idleChecks: 10,
  slowInstalls: 24,
  phaseDelayMs: 100,
  checkWarmClusters: 40,
};
/** Smoke run (`--quick`): the same steps, ten times smaller. */
export const QUICK_OPERATIONS: OperationsOptions = {
  replicaCounts: [1, 2, 4],
  checks: 30,
  noopJobs: 300,
  enqueueConcurrency: 4,
  idleChecks: 3,
  slowInstalls: 8,
  phaseDelayMs: 100,
  checkWarmClusters: 40,
};

/**
 * Size overrides for A/B runs of one part (`BENCH_OPS_REPLICAS=1 BENCH_OPS_CHECKS=60
 * BENCH_OPS_NOOP=600 BENCH_OPS_SLOW_INSTALLS=0 pnpm bench operations --quick`).
 */
function withEnvSizes(options: OperationsOptions): OperationsOptions {
  const int = (name: string): number | undefined => {
    const text = process.env[name];
    const value = text === undefined ? Number.NaN : Number(text);
    return Number.isInteger(value) && value >= 0 ? value : undefined;
  };
  const replicas = process.env.BENCH_OPS_REPLICAS?.split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  return {
    ...options,
    replicaCounts: replicas && replicas.length > 0 ? replicas : options.replicaCounts,
    checks: int('BENCH_OPS_CHECKS') || options.checks,
    noopJobs: int('BENCH_OPS_NOOP') || options.noopJobs,
    idleChecks: int('BENCH_OPS_IDLE_CHECKS') || options.idleChecks,
    slowInstalls: int('BENCH_OPS_SLOW_INSTALLS') ?? options.slowInstalls,
    checkWarmClusters: int('BENCH_OPS_CHECK_WARM') ?? options.checkWarmClusters,
  };
}

type Workload = 'install' | 'check' | 'check-again' | 'check-scheduled' | 'noop' | 'slow-install';

/** What one (workload, replica count) run measured. */
type RunResult = {
  workload: Workload;
  replicas: number;
  operations: number;
  succeeded: number;
  /** Operations per second from the first queued to the last finished. */
  throughput: number;
  /** From the first queued to the last finished, seconds. */
  makespanSeconds: number;
  /** Operations queued per second during the burst (null for no-op jobs: one bulk insert). */
  enqueueRate: number | null;
  /** created_at → started_at, ms (null for no-op jobs, which keep no timestamps). */
  queueToStart: Summary | null;
  /** started_at → finished_at, ms. */
  runTime: Summary | null;
  /** created_at → started_at of operations queued one at a time on idle replicas, ms. */
  idleQueueToStart: Summary | null;
  cpu: CpuUsage;
  waits: WaitProfile;
  /** The measured window on the CPU profiles' clock, and whose profiles (file name prefix). */
  window: { fromUs: number; toUs: number; prefix: string };
  /** Where the managers (or no-op workers) spent their CPU in the window, once analysed. */
  profile: ProfileBreakdown | null;
};

const FINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'SUPERSEDED'] as const;

type Setup = {
  database: BenchDatabase;
  ctx: ServiceContext;
  versionId: string;
  sim: AppProcess;
  simGrpc: string;
  /** A second simulator whose phases take `phaseDelayMs` (a dhctl that waits, as real ones do). */
  slowSim: AppProcess;
  slowSimGrpc: string;
  managerEnv: Record<string, string>;
};

/** The simulator as its own process (as in production, where dhctl is a separate server). */
async function startSim(
  env: BenchEnvironment,
  name: string,
  phaseDelayMs: number,
): Promise<{ sim: AppProcess; grpc: string }> {
  const [grpcPort, httpPort] = [await freePort(), await freePort()];
  const sim = startApp(
    name,
    'apps/dhctl-sim/src/main.ts',
    {
      DHCTL_SIM_GRPC_PORT: String(grpcPort),
      DHCTL_SIM_HTTP_PORT: String(httpPort),
      DHCTL_SIM_PHASE_DELAY_MS: String(phaseDelayMs),
      DHCTL_SIM_AGENTS: 'off',
    },
    env.workDir,
    { profileDir: env.profileDir ?? undefined },
  );
  env.defer(`stop ${name}`, () => sim.stop());
  await waitFor(
    `${name} to answer`,
    async () => (await fetch(`http://127.0.0.1:${httpPort}/healthz`)).ok,
    { timeoutMs: 60_000, watch: [sim] },
  );
  return { sim, grpc: `127.0.0.1:${grpcPort}` };
}

async function setUp(env: BenchEnvironment, options: OperationsOptions): Promise<Setup> {
  const database = await env.createDatabase('operations');
  const keys = generateEncryptionKeys();
  const boot = await bootstrapInstallation(database.db, {});
  const workspace = await database.db.workspace.findUniqueOrThrow({ where: { slug: 'default' } });
  const { versionId } = await createTestTemplate(database.db, workspace.id, {
    name: 'bench-template',
  });
  const ctx: ServiceContext = {
    db: database.db,
    actor: { type: 'user', id: null, name: 'bench@example.com' },
    workspace: { id: workspace.id, slug: workspace.slug },
    permissions: new Set<string>(WORKSPACE_PERMISSIONS),
    log: silentLogger,
    encryptor: createEncryptor(keys),
    instance: {
      publicHost: 'commander.bench',
      publicUrl: 'http://commander.bench',
      caBundle: '',
      commanderUuid: boot.commanderUuid,
    },
    // Audit lines would go to stdout in production; the benchmark has no reader for them.
    auditSink: () => undefined,
  };
  const { sim, grpc } = await startSim(env, 'dhctl-sim', 0);
  const slow = await startSim(env, 'dhctl-sim-slow', options.phaseDelayMs);
  const managerEnv = {
    DATABASE_URL: database.url,
    DHCTL_SERVER_ADDRESS: grpc,
    // No scheduled checks during the measurements: only the operations we queue run.
    MANAGER_RECONCILE_EVERY_MS: '600000',
    // What `pnpm start` runs (info), so the cost of logging is part of the measurement.
    LOG_LEVEL: 'info',
    COMMANDER_PUBLIC_URL: 'http://commander.bench',
    ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: keys.primaryKey as string,
    ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: keys.deterministicKey,
    ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: keys.keyDerivationSalt,
  };
  return {
    database,
    ctx,
    versionId,
    sim,
    simGrpc: grpc,
    slowSim: slow.sim,
    slowSimGrpc: slow.grpc,
    managerEnv,
  };
}

async function startReplicas(
  env: BenchEnvironment,
  setup: Setup,
  label: string,
  count: number,
  extraEnv: Record<string, string> = {},
): Promise<AppProcess[]> {
  const ids = Array.from({ length: count }, (_, i) => `bench-${label}-${count}x-${i + 1}`);
  const replicas = ids.map((id) =>
    startApp(
      id,
      'apps/manager/src/main.ts',
      { ...setup.managerEnv, ...extraEnv, MANAGER_REPLICA_ID: id },
      env.workDir,
      { profileDir: env.profileDir ?? undefined },
    ),
  );
  for (const replica of replicas) {
    env.defer(`stop ${replica.name}`, () => replica.stop(5_000));
  }
  // Ready = registered with its graphile worker id (it takes jobs from then on).
  await waitFor(
    `${count} manager replicas to register`,
    async () => {
      const rows = await setup.database.db.managerReplica.count({
        where: { id: { in: ids }, stoppedAt: null, workerId: { not: null } },
      });
      return rows === ids.length;
    },
    { timeoutMs: 120_000, everyMs: 200, watch: replicas },
  );
  return replicas;
}

/** Queues checks one at a time, each after the previous finished; their queue-to-start times. */
async function idleQueueToStart(
  setup: Setup,
  replicas: AppProcess[],
  clusterIds: string[],
): Promise<Summary> {
  const db = setup.database.db;
  const waits: number[] = [];
  for (const id of clusterIds) {
    const op = await checkClusterNow(setup.ctx, id);
    const done = await waitFor(
      'a lone check to finish',
      () =>
        db.clusterOperation.findFirst({
          where: { id: op.id, status: { in: [...FINAL] } },
          select: { createdAt: true, startedAt: true },
        }),
      { timeoutMs: 60_000, everyMs: 20, watch: [...replicas, setup.sim] },
    );
    if (done.startedAt) {
      waits.push(done.startedAt.getTime() - done.createdAt.getTime());
    }
  }
  return summarize(waits);
}

/**
 * Makes exactly `clusterIds` due (every other cluster's next check a day away, before the
 * measurement) and returns the enqueue of the burst: one `scheduleDueChecks` pass, as the
 * reconcile loop runs it, answering the queued operations' ids.
 */
async function makeDue(setup: Setup, clusterIds: string[]): Promise<() => Promise<string[]>> {
  const db = setup.database.db;
  const checksOfTargets = async () =>
    (
      await db.clusterOperation.findMany({
        where: { clusterId: { in: clusterIds }, kind: 'CHECK' },
        select: { id: true },
      })
    ).map((o) => o.id);
  const before = new Set(await checksOfTargets());
  await db.cluster.updateMany({
    where: { id: { notIn: clusterIds } },
    data: { nextCheckAt: new Date(Date.now() + 86_400_000) },
  });
  await db.cluster.updateMany({
    where: { id: { in: clusterIds } },
    data: { nextCheckAt: new Date(Date.now() - 1_000) },
  });
  return async () => {
    const queued = await scheduleDueChecks(setup.ctx);
    const ids = (await checksOfTargets()).filter((id) => !before.has(id));
    if (queued !== clusterIds.length || ids.length !== clusterIds.length) {
      throw new Error(
        `the scheduler queued ${queued} checks (${ids.length} of the targets) for ${clusterIds.length} due clusters`,
      );
    }
    return ids;
  };
}

/** Waits until the operations are final (warm-up bursts, not measured). */
async function settle(setup: Setup, replicas: AppProcess[], ids: string[]): Promise<void> {
  await waitFor(
    `${ids.length} warm-up operations to finish`,
    async () =>
      (await setup.database.db.clusterOperation.count({
        where: { id: { in: ids }, status: { in: [...FINAL] } },
      })) === ids.length,
    { timeoutMs: 5 * 60_000, everyMs: 100, watch: [...replicas, setup.sim] },
  );
}

/** Measures one burst: starts the meters, queues the operations, waits for all to finish. */
async function measureOperations(
  env: BenchEnvironment,
  setup: Setup,
  workload: Exclude<Workload, 'noop'>,
  replicas: AppProcess[],
  enqueue: () => Promise<string[]>,
  sim: AppProcess = setup.sim,
): Promise<RunResult> {
  const db = setup.database.db;
  const sampler = new WaitSampler(setup.database.url, setup.database.name, 25);
  await sampler.start();
  const meter = new CpuMeter([
    { name: 'managers', pids: () => replicas.map((r) => r.pid) },
    { name: 'dhctl-sim', pids: () => [sim.pid] },
    { name: 'PostgreSQL backends', pids: () => sampler.backendPids() },
    { name: 'bench process', pids: () => [process.pid] },
  ]);
  await meter.start();
  const fromUs = profileClockNow();
  const queuedAt = performance.now();
  const ids = await enqueue();
  const enqueueSeconds = (performance.now() - queuedAt) / 1000;
  await waitFor(
    `${ids.length} ${workload} operations to finish`,
    async () =>
      (await db.clusterOperation.count({
        where: { id: { in: ids }, status: { in: [...FINAL] } },
      })) === ids.length,
    { timeoutMs: 15 * 60_000, everyMs: 100, watch: [...replicas, sim] },
  );
  const cpu = await meter.stop();
  const toUs = profileClockNow();
  const waits = await sampler.stop();
  const rows = await db.clusterOperation.findMany({
    where: { id: { in: ids } },
    select: { status: true, createdAt: true, startedAt: true, finishedAt: true, error: true },
  });
  const failed = rows.filter((r) => r.status !== 'SUCCEEDED');
  if (failed.length > 0) {
    process.stderr.write(
      `[bench] ${failed.length} ${workload} operations did not succeed, e.g.: ${failed[0]?.error ?? failed[0]?.status}\n`,
    );
  }
  const first = Math.min(...rows.map((r) => r.createdAt.getTime()));
  const last = Math.max(...rows.map((r) => (r.finishedAt ?? r.createdAt).getTime()));
  const makespanSeconds = (last - first) / 1000;
  return {
    workload,
    replicas: replicas.length,
    operations: ids.length,
    succeeded: rows.length - failed.length,
    throughput: ids.length / makespanSeconds,
    makespanSeconds,
    enqueueRate: ids.length / enqueueSeconds,
    queueToStart: summarize(
      rows.filter((r) => r.startedAt).map((r) => r.startedAt!.getTime() - r.createdAt.getTime()),
    ),
    runTime: summarize(
      rows
        .filter((r) => r.startedAt && r.finishedAt)
        .map((r) => r.finishedAt!.getTime() - r.startedAt!.getTime()),
    ),
    cpu,
    waits,
    window: { fromUs, toUs, prefix: `bench-${workload}-${replicas.length}x-` },
    profile: null,
    idleQueueToStart: null,
  };
}

/** The graphile-worker ceiling: `count` no-op worker processes drain `jobs` bulk-queued jobs. */
async function measureNoopDrain(
  env: BenchEnvironment,
  database: BenchDatabase,
  count: number,
  jobs: number,
  loneJobs = 0,
): Promise<RunResult> {
  const workers = Array.from({ length: count }, (_, i) =>
    startApp(
      `noop-worker-${count}x-${i + 1}`,
      'bench/src/noop-worker.ts',
      { DATABASE_URL: database.url },
      env.workDir,
      {
        profileDir: env.profileDir ?? undefined,
      },
    ),
  );
  for (const worker of workers) {
    env.defer(`stop ${worker.name}`, () => worker.stop(5_000));
  }
  await waitFor(
    `${count} no-op workers`,
    () =>
      Promise.resolve(
        workers.every((w) => readFileSync(w.logFile, 'utf8').includes('noop worker ready')),
      ),
    { timeoutMs: 60_000, everyMs: 100, watch: workers },
  );
  const client = new pg.Client({
    connectionString: database.url,
    application_name: 'commander-bench noop',
  });
  await client.connect();
  const sampler = new WaitSampler(database.url, database.name, 25);
  await sampler.start();
  const meter = new CpuMeter([
    { name: 'workers', pids: () => workers.map((w) => w.pid) },
    { name: 'PostgreSQL backends', pids: () => sampler.backendPids() },
    { name: 'bench process', pids: () => [process.pid] },
  ]);
  try {
    await meter.start();
    const fromUs = profileClockNow();
    const started = performance.now();
    // One statement, one NOTIFY (graphile's perfTest queues the same way).
    await client.query(
      `SELECT graphile_worker.add_jobs(array(
         SELECT json_populate_recordset(null::graphile_worker.job_spec, $1::json)))`,
      [
        JSON.stringify(
          Array.from({ length: jobs }, (_, i) => ({ identifier: NOOP_TASK, payload: { i } })),
        ),
      ],
    );
    await waitFor(
      `${jobs} no-op jobs to drain`,
      async () => {
        const { rows } = await client.query<{ n: string }>(
          `SELECT count(*) AS n FROM graphile_worker._private_jobs j
             JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = $1`,
          [NOOP_TASK],
        );
        return Number(rows[0]?.n) === 0;
      },
      { timeoutMs: 10 * 60_000, everyMs: 20, watch: workers },
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = await meter.stop();
    const toUs = profileClockNow();
    const waits = await sampler.stop();
    const lone = loneJobs > 0 ? await loneJobLatency(client, workers, loneJobs) : null;
    return {
      workload: 'noop',
      replicas: count,
      operations: jobs,
      succeeded: jobs,
      throughput: jobs / seconds,
      makespanSeconds: seconds,
      enqueueRate: null,
      queueToStart: null,
      runTime: null,
      cpu,
      waits,
      window: { fromUs, toUs, prefix: `noop-worker-${count}x-` },
      profile: null,
      idleQueueToStart: lone,
    };
  } finally {
    await client.end();
    await Promise.all(workers.map((w) => w.stop(5_000)));
  }
}

/**
 * graphile-worker's own add → start on idle no-op workers: `count` jobs added one at a time
 * (one statement each, as `checkClusterNow` queues a check), each after the previous started;
 * from the job's `created_at` to the moment the task function ran (the worker prints it).
 */
async function loneJobLatency(
  client: pg.Client,
  workers: AppProcess[],
  count: number,
): Promise<Summary> {
  const waits: number[] = [];
  for (let i = 1; i <= count; i += 1) {
    const { rows } = await client.query<{ created_at: Date }>(
      `SELECT (graphile_worker.add_job($1::text, json_build_object('lone', $2::int))).created_at`,
      [NOOP_TASK, i],
    );
    const createdAt = rows[0]!.created_at.getTime();
    const pattern = new RegExp(`^lone-start ${i} ([0-9.]+)$`, 'm');
    const startedAt = await waitFor(
      'a lone no-op job to start',
      () => {
        for (const worker of workers) {
          const match = pattern.exec(readFileSync(worker.logFile, 'utf8'));
          if (match) {
            return Promise.resolve(Number(match[1]));
          }
        }
        return Promise.resolve(null);
      },
      { timeoutMs: 30_000, everyMs: 10, watch: workers },
    );
    waits.push(startedAt - createdAt);
  }
  return summarize(waits);
}

/**
 * Runs the operations benchmark: no-op drains with 1, 2, 4 worker processes; then per replica
 * count a burst of installs (a third of the clusters each) and, once all are installed, a burst
 * of checks on every cluster per replica count.
 */
export async function runOperationsBenchmark(
  env: BenchEnvironment,
  options: OperationsOptions,
  log: (line: string) => void,
): Promise<BenchmarkReport> {
  options = withEnvSizes(options);
  const setup = await setUp(env, options);
  const results: RunResult[] = [];

  for (const count of options.replicaCounts) {
    log(`no-op drain: ${options.noopJobs} jobs, ${count} worker process(es)`);
    const noopDb = await env.createDatabase('noop');
    results.push(
      await measureNoopDrain(
        env,
        noopDb,
        count,
        options.noopJobs,
        count === options.replicaCounts[0] ? options.idleChecks : 0,
      ),
    );
    await noopDb.drop();
  }

  const installsPerRun = Math.ceil(options.checks / options.replicaCounts.length);
  let clusterNumber = 0;
  const queueInstalls = async (count: number, prefix: string): Promise<string[]> => {
    const names = Array.from(
      { length: count },
      () => `${prefix}-${String(++clusterNumber).padStart(4, '0')}`,
    );
    const clusters = await mapLimit(names, options.enqueueConcurrency, (name) =>
      createCluster(setup.ctx, { name, cluster_template_version_id: setup.versionId, values: {} }),
    );
    const ops = await setup.database.db.clusterOperation.findMany({
      where: { clusterId: { in: clusters.map((c) => c.id) }, kind: 'INSTALL' },
      select: { id: true },
    });
    return ops.map((o) => o.id);
  };
  const queueChecks = async (clusterIds: string[]): Promise<string[]> =>
    (
      await mapLimit(clusterIds, options.enqueueConcurrency, (id) => checkClusterNow(setup.ctx, id))
    ).map((o) => o.id);

  for (const count of options.replicaCounts) {
    log(`install: ${installsPerRun} clusters, ${count} replica(s)`);
    const replicas = await startReplicas(env, setup, 'install', count);
    // Warm replicas, as in production: two operations each before the measured burst.
    await settle(setup, replicas, await queueInstalls(2 * count, 'warm'));
    results.push(
      await measureOperations(env, setup, 'install', replicas, () =>
        queueInstalls(installsPerRun, 'bench'),
      ),
    );
    await Promise.all(replicas.map((r) => r.stop()));
  }

  // The same installs against a dhctl that takes time per phase, as real ones do (minutes,
  // waiting on clouds and SSH): the replicas wait rather than compute, so N of them run N at once.
  for (const count of options.slowInstalls > 0 ? options.replicaCounts : []) {
    log(
      `install, dhctl ${options.phaseDelayMs} ms per phase: ${options.slowInstalls} clusters, ${count} replica(s)`,
    );
    const replicas = await startReplicas(env, setup, 'slow-install', count, {
      DHCTL_SERVER_ADDRESS: setup.slowSimGrpc,
    });
    await settle(setup, replicas, await queueInstalls(count, 'slow-warm'));
    results.push(
      await measureOperations(
        env,
        setup,
        'slow-install',
        replicas,
        () => queueInstalls(options.slowInstalls, 'slow'),
        setup.slowSim,
      ),
    );
    await Promise.all(replicas.map((r) => r.stop()));
  }

  const installed = await setup.database.db.cluster.findMany({
    where: { status: 'IN_SYNC', name: { startsWith: 'bench-' } },
    select: { id: true },
    orderBy: { name: 'asc' },
  });
  const warmTargets = (
    await setup.database.db.cluster.findMany({
      where: { status: 'IN_SYNC', name: { startsWith: 'warm-' } },
      select: { id: true },
    })
  ).map((c) => c.id);
  const checkTargets = installed.slice(0, options.checks).map((c) => c.id);
  for (const count of options.replicaCounts) {
    log(`check: ${checkTargets.length} operations, ${count} replica(s)`);
    const replicas = await startReplicas(env, setup, 'check', count);
    await settle(setup, replicas, await queueChecks(warmTargets.slice(0, 2 * count)));
    // A replica checks a cluster for the first time long after it started: before the burst
    // of first checks it has installed and checked clusters of its own (not measured). Without
    // this the burst also measured the fresh process's warm-up (1-2 ms more per check over its
    // first hundred, spread over all of the run's code: not yet optimised by V8), not what a
    // cluster's first check by a running replica costs.
    if (options.checkWarmClusters > 0) {
      const ops = await queueInstalls(options.checkWarmClusters, `check-warm-${count}x`);
      await settle(setup, replicas, ops);
      const warmed = await setup.database.db.clusterOperation.findMany({
        where: { id: { in: ops } },
        select: { clusterId: true },
      });
      await settle(setup, replicas, await queueChecks(warmed.map((o) => o.clusterId)));
    }
    const run = await measureOperations(env, setup, 'check', replicas, () =>
      queueChecks(checkTargets),
    );
    // The latency of a lone operation on idle replicas: graphile's pickup plus the claim.
    run.idleQueueToStart = await idleQueueToStart(
      setup,
      replicas,
      checkTargets.slice(0, options.idleChecks),
    );
    results.push(run);
    // The same clusters again, by the same replicas: the steady state of periodic checks, where
    // a replica has checked each cluster before (its masker cache holds the cluster's secrets).
    const again = await measureOperations(env, setup, 'check-again', replicas, () =>
      queueChecks(checkTargets),
    );
    again.window.prefix = `bench-check-${count}x-`;
    results.push(again);
    // The same clusters once more, queued as periodic checks are: due, and queued by the
    // scheduler's one batch (`scheduleDueChecks`: one INSERT, one add_jobs, one statement of
    // NOTIFYs) instead of one "check now" statement per cluster.
    const queueScheduled = await makeDue(setup, checkTargets);
    const scheduled = await measureOperations(
      env,
      setup,
      'check-scheduled',
      replicas,
      queueScheduled,
    );
    scheduled.window.prefix = `bench-check-${count}x-`;
    results.push(scheduled);
    await Promise.all(replicas.map((r) => r.stop()));
  }

  await setup.sim.stop();
  await setup.slowSim.stop();
  await setup.database.drop();
  // Every process has exited, so every profile is on disk.
  if (env.profileDir) {
    for (const run of results) {
      run.profile = analyzeProfiles(
        profileFiles(env.profileDir, run.window.prefix),
        run.window.fromUs,
        run.window.toUs,
      );
    }
  }
  return {
    name: 'operations',
    title: 'Operations: manager replicas against dhctl-sim (issues 4 and 11)',
    body: renderBody(results, options),
  };
}

function latencyCell(s: Summary | null): string {
  return s
    ? `${formatNumber(s.p50, 0)} / ${formatNumber(s.p95, 0)} / ${formatNumber(s.max, 0)}`
    : '—';
}

function cpuOf(run: RunResult, group: string): number {
  return run.cpu.groups.find((g) => g.name === group)?.cores ?? Number.NaN;
}

/** CPU milliseconds one operation costs a group of processes (cores × wall time ÷ operations). */
function cpuMsPerOp(run: RunResult, group: string): number {
  return (cpuOf(run, group) * run.cpu.wallSeconds * 1000) / run.operations;
}

const LABELS: Record<Workload, string> = {
  noop: 'no-op jobs (graphile-worker)',
  install: 'install',
  'slow-install': 'install, dhctl waiting',
  check: 'check',
  'check-again': 'check, steady state',
  'check-scheduled': 'check, steady state, queued by the scheduler',
};

function renderBody(results: RunResult[], options: OperationsOptions): string {
  const baselineOf = (workload: Workload) =>
    results.find((r) => r.workload === workload && r.replicas === options.replicaCounts[0]);
  const noopBaseline = baselineOf('noop');
  const throughputRows = results.map((r) => [
    LABELS[r.workload],
    r.workload === 'noop'
      ? `${r.replicas} worker process${r.replicas > 1 ? 'es' : ''}`
      : `${r.replicas}`,
    r.operations,
    r.succeeded,
    formatNumber(r.throughput, 1),
    formatRatio(r.throughput, baselineOf(r.workload)?.throughput ?? Number.NaN),
    formatRatio(r.throughput, noopBaseline?.throughput ?? Number.NaN),
    latencyCell(r.queueToStart),
    r.idleQueueToStart
      ? `${formatNumber(r.idleQueueToStart.p50, 0)} / ${formatNumber(r.idleQueueToStart.max, 0)}`
      : '—',
    r.runTime ? formatNumber(r.runTime.p50, 0) : '—',
    r.enqueueRate === null ? 'bulk' : formatNumber(r.enqueueRate, 0),
  ]);
  const cpuRows = results.map((r) => {
    const system =
      r.workload === 'noop'
        ? ['workers', 'PostgreSQL backends']
        : ['managers', 'dhctl-sim', 'PostgreSQL backends'];
    const perOp = system.map((g) => cpuMsPerOp(r, g));
    const total = perOp.reduce((sum, v) => sum + v, 0);
    return [
      LABELS[r.workload],
      r.replicas,
      formatNumber(r.cpu.machineCores, 2),
      r.workload === 'noop'
        ? formatNumber(cpuOf(r, 'workers'), 2)
        : formatNumber(cpuOf(r, 'managers'), 2),
      r.workload === 'noop' ? '—' : formatNumber(cpuOf(r, 'dhctl-sim'), 2),
      formatNumber(cpuOf(r, 'PostgreSQL backends'), 2),
      formatNumber(cpuOf(r, 'bench process'), 2),
      formatNumber(r.cpu.otherCores, 2),
      `${perOp.map((v) => formatNumber(v, 1)).join(' + ')} = ${formatNumber(total, 1)}`,
      formatNumber((r.cpu.cpuCount * 1000) / total, 0),
      describeWaits(r.waits, 3),
    ];
  });
  const check = (n: number) => results.find((r) => r.workload === 'check' && r.replicas === n);
  const install = (n: number) => results.find((r) => r.workload === 'install' && r.replicas === n);
  const noop = (n: number) => results.find((r) => r.workload === 'noop' && r.replicas === n);
  const slow = (n: number) =>
    results.find((r) => r.workload === 'slow-install' && r.replicas === n);
  const most = options.replicaCounts[options.replicaCounts.length - 1] ?? 1;
  const least = options.replicaCounts[0] ?? 1;
  const lines: string[] = [];
  lines.push(...goals(results, least, options), '');
  lines.push(
    'N manager replicas run as real processes (`node --import tsx apps/manager/src/main.ts`, graphile-worker',
    'concurrency 1, `LOG_LEVEL=info` as `pnpm start`) against one dhctl-sim process with zero phase',
    'delay (agents off), all on this machine with PostgreSQL. Each row is one burst: the operations',
    `are queued through the core use cases (\`createCluster\`, \`checkClusterNow\`) ${options.enqueueConcurrency} at a`,
    'time, as API requests would, while the replicas are already running and warm (two operations',
    'each before the burst, not measured); the run ends when every operation is final. Installs: a',
    'third of the clusters per replica count; checks: every installed cluster, per replica count,',
    'once as each replica\'s first check of the cluster ("check"; before it the check replicas, like',
    `replicas that have been running, installed and checked ${options.checkWarmClusters} clusters of their own, not measured, so`,
    "the burst does not also measure a fresh process's warm-up) and then again by the same replicas",
    '("check, steady state": what periodic checks are, every replica having checked the cluster',
    'before, so its operation masker comes from its cache; a first check builds it from the',
    'rendered secrets the install stored with the cluster, encrypted, instead of parsing the YAML),',
    'and a third time queued as periodic checks are ("queued by the scheduler": the clusters made',
    'due and queued by one `scheduleDueChecks` pass, one INSERT and one `add_jobs` for the burst,',
    'instead of one "check now" statement each).',
    `"install, dhctl waiting": ${options.slowInstalls} installs per replica count against a second dhctl-sim whose`,
    `phases take ${options.phaseDelayMs} ms each, as a real dhctl spends its time waiting (on clouds, SSH, Kubernetes),`,
    'so the replicas wait rather than compute.',
    'The ceiling baseline is graphile-worker itself draining bulk-queued',
    'no-op jobs with the same settings (concurrency 1, no local queue or batching) in 1, 2 and 4',
    'worker processes.',
    '',
    '### Throughput and queue wait',
    '',
    markdownTable(
      [
        'Workload',
        'Replicas',
        'Operations',
        'Succeeded',
        'Throughput (op/s)',
        `vs ${least} replica`,
        'vs no-op ceiling (1 worker)',
        'Queued → started p50 / p95 / max (ms)',
        'Alone: queued → started p50 / max (ms)',
        'Run time p50 (ms)',
        'Queued per s',
      ],
      throughputRows,
    ),
    '',
    'Throughput = operations ÷ (last `finished_at` − first `created_at`). In a burst the queue wait',
    'is mostly the time the operations ahead of it take (position ÷ throughput), so its p50 is about',
    'half the burst. "Alone": after each check burst, ten checks queued one at a time, each once the',
    "previous finished: the wait of an operation that finds a replica idle (graphile-worker's",
    'LISTEN/NOTIFY pickup, the header and cluster lock, the claim statement). Its baseline, in the',
    '1-worker no-op row: no-op jobs added the same way (one statement each, one at a time) to an idle',
    "graphile-worker, from the job's `created_at` to its task function running.",
    '',
    '### Where the CPU went',
    '',
    markdownTable(
      [
        'Workload',
        'Replicas',
        'Machine busy (cores)',
        'Managers / workers',
        'dhctl-sim',
        'PostgreSQL backends',
        'bench process',
        'Other processes',
        'CPU ms per operation (managers + sim + PG)',
        'CPU ceiling (op/s)',
        'PostgreSQL wait events (active backends)',
      ],
      cpuRows,
    ),
    '',
    `Cores are CPU seconds per wall second during the run (the machine has ${results[0]?.cpu.cpuCount ?? '?'}). "Other"`,
    "is everything else busy on the machine meanwhile: PostgreSQL's background processes (WAL writer,",
    'checkpointer), the kernel, and other work sharing the machine. The CPU ceiling is cores ÷ CPU',
    'per operation: the rate the machine could sustain if nothing but this system ran and nothing',
    'waited. Wait events come from sampling `pg_stat_activity` every 25 ms (`CPU` = executing;',
    '`Lock:object` = the NOTIFY commit lock; `IO:WALSync` / `LWLock:WALWrite` = commits waiting for the',
    'WAL flush; `Client:ClientRead` would be a backend waiting for its client).',
    '',
  );
  const profiled = results.filter((r) => r.profile && r.profile.busyMs > 0);
  if (profiled.length > 0) {
    lines.push(
      '### Where the managers spend their CPU',
      '',
      markdownTable(
        [
          'Workload',
          'Replicas',
          'CPU sampled (s)',
          "Share of the managers' (or no-op workers') CPU by component",
        ],
        profiled.map((r) => [
          LABELS[r.workload],
          r.replicas,
          formatNumber(r.profile!.busyMs / 1000, 1),
          describeBreakdown(r.profile!),
        ]),
        ['l', 'r', 'r', 'l'],
      ),
      '',
      "From V8's sampling profiler (`node --cpu-prof`, 10 ms interval) in every manager process, samples",
      'of the measured window only; each sample counts for the function on CPU (self time). "Prisma',
      'query compiler" is the Wasm module that turns each Prisma call into SQL; "Node.js internals"',
      'includes promises, streams, crypto and the event loop.',
      '',
    );
  }
  lines.push('### Reading', '');
  const c1 = check(least);
  const cN = check(most);
  const i1 = install(least);
  const iN = install(most);
  const n1 = noop(least);
  const nN = noop(most);
  if (c1 && cN && i1 && iN && n1 && nN) {
    lines.push(
      ...reading({
        c1,
        cN,
        i1,
        iN,
        n1,
        nN,
        s1: slow(least),
        sN: slow(most),
        least,
        most,
        all: results,
      }),
    );
  }
  return lines.join('\n');
}

const SYSTEM = ['managers', 'dhctl-sim', 'PostgreSQL backends'];

/** Issue 11's goals, each against what this run measured (a cost goal is met at ≤ 1.00×). */
function goals(results: RunResult[], least: number, options: OperationsOptions): string[] {
  const find = (workload: Workload, n: number) =>
    results.find((r) => r.workload === workload && r.replicas === n);
  const managerAndPg = (r: RunResult | undefined) =>
    r ? cpuMsPerOp(r, 'managers') + cpuMsPerOp(r, 'PostgreSQL backends') : Number.NaN;
  const c1 = find('check', least);
  const a1 = find('check-again', least);
  const p1 = find('check-scheduled', least);
  const i1 = find('install', least);
  const noop1 = find('noop', least);
  const s1 = find('slow-install', least);
  const s2 = find('slow-install', 2);
  const rows: {
    goal: string;
    target: string;
    measured: number;
    limit: number;
    atMost: boolean;
    unit: string;
  }[] = [
    {
      goal: `CPU per check, manager + PostgreSQL (${least} replica, zero-delay dhctl; each cluster seen before, as periodic checks are)`,
      target: '≤ 15 ms',
      measured: managerAndPg(a1),
      limit: 15,
      atMost: true,
      unit: ' ms',
    },
    {
      goal: `CPU per check, the same, queued as periodic checks are (one scheduler pass: one INSERT, one add_jobs)`,
      target: '≤ 15 ms',
      measured: managerAndPg(p1),
      limit: 15,
      atMost: true,
      unit: ' ms',
    },
    {
      goal: `CPU per check, the same, each cluster's first check by the replica (masker built; the replica ran ${options.checkWarmClusters} other clusters' installs and first checks before)`,
      target: '≤ 15 ms',
      measured: managerAndPg(c1),
      limit: 15,
      atMost: true,
      unit: ' ms',
    },
    {
      goal: `CPU per install, manager + PostgreSQL (${least} replica, zero-delay dhctl)`,
      target: '≤ 60 ms',
      measured: managerAndPg(i1),
      limit: 60,
      atMost: true,
      unit: ' ms',
    },
    {
      goal: `Lone check, queued → started p50 (${least} replica, idle; graphile-worker's own add → start in this run: ${formatNumber(noop1?.idleQueueToStart?.p50 ?? Number.NaN, 1)} ms)`,
      target: '≤ 5 ms',
      measured: c1?.idleQueueToStart?.p50 ?? Number.NaN,
      limit: 5,
      atMost: true,
      unit: ' ms',
    },
    {
      goal: '2 replicas vs 1, dhctl waiting (throughput)',
      target: '≥ 1.8×',
      measured: s1 && s2 ? s2.throughput / s1.throughput : Number.NaN,
      limit: 1.8,
      atMost: false,
      unit: '×',
    },
  ];
  return [
    '### Goals (issue 11)',
    '',
    markdownTable(
      ['Goal', 'Target', 'Measured', 'Measured ÷ target', 'Met'],
      rows.map((r) => [
        r.goal,
        r.target,
        Number.isFinite(r.measured)
          ? `${formatNumber(r.measured, r.unit === '×' ? 2 : 1)}${r.unit}`
          : '—',
        Number.isFinite(r.measured) ? formatRatio(r.measured, r.limit) : '—',
        !Number.isFinite(r.measured)
          ? '—'
          : (r.atMost ? r.measured <= r.limit : r.measured >= r.limit)
            ? 'yes'
            : 'no',
      ]),
      ['l', 'r', 'r', 'r', 'l'],
    ),
    '',
    "Costs are CPU seconds of the manager processes and of the database's PostgreSQL backends during",
    "the burst ÷ operations (the tables below); dhctl-sim's CPU is the simulated dhctl's, not",
    "Commander's, and is left out of the goals. For a cost, measured ÷ target ≤ 1.00× meets it.",
    ...(c1
      ? [
          '',
          `While the 1-replica check burst ran, the machine was busy ${formatNumber(c1.cpu.machineCores, 2)} of its` +
            ` ${c1.cpu.cpuCount} cores, ${formatNumber(c1.cpu.otherCores, 2)} of them other work: a process that` +
            ' wakes (graphile-worker picking a job up on its LISTEN, the claim) waits for a core, so the lone' +
            " queue → start also measures the machine's run queue, not only the path. Its baseline is" +
            " graphile-worker's own add → start, measured in this run the same way (a job added in one" +
            ` statement, one at a time, to an idle no-op worker): p50 ${formatNumber(noop1?.idleQueueToStart?.p50 ?? Number.NaN, 1)} ms,` +
            ` so the lone check's p50 is ${formatRatio(c1.idleQueueToStart?.p50 ?? Number.NaN, noop1?.idleQueueToStart?.p50 ?? Number.NaN)} of it.` +
            ' What bounds the CPU per operation is in "Reading" below.',
        ]
      : []),
  ];
}

function shareOf(waits: WaitProfile, events: string[]): number {
  return waits.events.filter((e) => events.includes(e.event)).reduce((sum, e) => sum + e.share, 0);
}

function profileShare(run: RunResult, components: string[]): number {
  return (
    run.profile?.shares
      .filter((s) => components.includes(s.component))
      .reduce((sum, s) => sum + s.share, 0) ?? Number.NaN
  );
}

/** The findings, written from the numbers of this run (so they stay true when the numbers move). */
function reading(runs: {
  c1: RunResult;
  cN: RunResult;
  i1: RunResult;
  iN: RunResult;
  n1: RunResult;
  nN: RunResult;
  s1: RunResult | undefined;
  sN: RunResult | undefined;
  least: number;
  most: number;
  all: RunResult[];
}): string[] {
  const { c1, cN, i1, iN, n1, nN, s1, sN, least, most, all } = runs;
  const cpus = cN.cpu.cpuCount;
  const perCheck = SYSTEM.reduce((sum, g) => sum + cpuMsPerOp(cN, g), 0);
  const perInstall = SYSTEM.reduce((sum, g) => sum + cpuMsPerOp(iN, g), 0);
  const busy = cN.cpu.machineCores;
  const isSaturated = busy >= 0.9 * cpus;
  const system = SYSTEM.reduce((sum, g) => sum + cpuOf(cN, g), 0);
  const out: string[] = [];
  out.push(
    `- **Scaling.** Checks: ${formatNumber(c1.throughput)} op/s with ${least} replica, ${formatNumber(cN.throughput)} with ${most}` +
      ` (${formatRatio(cN.throughput, c1.throughput)}). Installs: ${formatNumber(i1.throughput)} → ${formatNumber(iN.throughput)} op/s` +
      ` (${formatRatio(iN.throughput, i1.throughput)}). No-op jobs: ${formatNumber(n1.throughput, 0)} → ${formatNumber(nN.throughput, 0)} jobs/s` +
      ` (${formatRatio(nN.throughput, n1.throughput)}).`,
  );
  if (s1 && sN) {
    out.push(
      `- **When dhctl takes time, replicas scale.** With a dhctl that spends ${formatNumber(s1.runTime?.p50 ?? Number.NaN, 0)} ms (p50) on an` +
        ` install, ${least} replica ran ${formatNumber(s1.throughput, 2)} installs/s and ${most} ran ${formatNumber(sN.throughput, 2)}` +
        ` (${formatRatio(sN.throughput, s1.throughput)}; ${most}× would be perfect), using ${formatNumber(
          SYSTEM.reduce((sum, g) => sum + cpuOf(sN, g), 0),
          2,
        )}` +
        ` cores. Real operations are like this (minutes of waiting each), so there N replicas run N operations at once; the zero-delay` +
        ' rows above measure the other extreme, where the operations are pure CPU and the two cores are the limit.',
    );
  }
  if (isSaturated) {
    out.push(
      `- **The limit on this machine is CPU.** With ${most} check replicas the machine was busy ${formatNumber(busy, 2)} of its ${cpus} cores` +
        ` (${formatPercent(busy / cpus)}); managers, dhctl-sim and PostgreSQL backends used ${formatNumber(system, 2)} of them and other processes` +
        ` ${formatNumber(cN.cpu.otherCores, 2)} (PostgreSQL's WAL writer, the kernel, and whatever else shared the machine). One check costs` +
        ` ${formatNumber(perCheck)} ms of CPU across manager, dhctl-sim and PostgreSQL, one install ${formatNumber(perInstall)} ms, so` +
        ` ${cpus} cores cap checks near ${formatNumber((cpus * 1000) / perCheck, 0)} op/s and installs near ${formatNumber((cpus * 1000) / perInstall, 0)} op/s` +
        ` even with nothing else running. More replicas cannot add CPU: once the cores are busy they only share them, and each operation` +
        ` then costs more (manager CPU per check ${formatNumber(cpuMsPerOp(c1, 'managers'))} ms with ${least} replica,` +
        ` ${formatNumber(cpuMsPerOp(cN, 'managers'))} ms with ${most}; per install ${formatNumber(cpuMsPerOp(i1, 'managers'))} →` +
        ` ${formatNumber(cpuMsPerOp(iN, 'managers'))} ms): more processes switching on the same cores, each with its own idle polling and heartbeats.`,
    );
  } else {
    out.push(
      `- **CPU was not saturated** (${formatNumber(busy, 2)} of ${cpus} cores busy with ${most} check replicas), so the limit is waiting inside` +
        ' an operation (PostgreSQL commits, gRPC round trips) rather than CPU; see the wait events.',
    );
  }
  const prisma = profileShare(cN, ['Prisma client runtime', 'Prisma query compiler (Wasm)']);
  const pgDriver = profileShare(cN, ['pg driver (pg, adapter-pg)']);
  const yamlShare = profileShare(c1, ['yaml']);
  const steady = all.find((r) => r.workload === 'check-again' && r.replicas === least);
  const steadyPrisma = steady
    ? profileShare(steady, ['Prisma client runtime', 'Prisma query compiler (Wasm)'])
    : Number.NaN;
  out.push(
    `- **Where the CPU goes: the managers.** They used ${formatNumber(cpuOf(cN, 'managers'), 2)} cores with ${most} check replicas` +
      ` (${formatNumber(cpuMsPerOp(cN, 'managers'))} ms per check, against ${formatNumber(cpuMsPerOp(cN, 'PostgreSQL backends'))} ms in PostgreSQL and` +
      ` ${formatNumber(cpuMsPerOp(cN, 'dhctl-sim'))} ms in dhctl-sim).` +
      (steady
        ? ` With ${least} replica a periodic check (the replica has checked the cluster before) costs the manager` +
          ` ${formatNumber(cpuMsPerOp(steady, 'managers'))} ms and PostgreSQL ${formatNumber(cpuMsPerOp(steady, 'PostgreSQL backends'))} ms;` +
          ` a replica's first check of a cluster ${formatNumber(cpuMsPerOp(c1, 'managers'))} + ${formatNumber(cpuMsPerOp(c1, 'PostgreSQL backends'))} ms,` +
          ` the difference being what a replica does once per cluster (the operation's secret masker, built from the rendered` +
          ` secrets stored with the cluster, or from its rendered YAML when none are stored for its renders: the YAML parser is` +
          ` ${formatPercent(yamlShare)} of those checks' profile; then cached by cluster while the ciphertexts it comes from stay` +
          ' the same), on replicas that have run operations of other clusters before.'
        : '') +
      (Number.isFinite(prisma)
        ? ` Prisma takes ${formatPercent(prisma)} of the profile${Number.isFinite(steadyPrisma) ? ` (${formatPercent(steadyPrisma)} in the steady state)` : ''} and the pg driver ${formatPercent(pgDriver)}:` +
          " a check's statements are single named pg statements (`packages/db/src/hot/operations.ts`): the operation's header with" +
          " its cluster's advisory lock, the claim, the in-sync completion that also stores the run's last log lines and progress" +
          " and answers whether this instance still holds the operation, the lock's release with the metrics read, besides" +
          " graphile-worker's fetch and completion of the job: six round trips. What remains is Node's own promise and socket work," +
          ' the pg driver and the gRPC stream to dhctl.'
        : ''),
  );
  const scheduled = all.find((r) => r.workload === 'check-scheduled' && r.replicas === least);
  if (steady && scheduled) {
    out.push(
      `- **How a check is queued matters to PostgreSQL.** With ${least} replica, checks queued by the scheduler (one` +
        ' `scheduleDueChecks` pass for the burst: one INSERT of the operations, one `add_jobs`, one statement of NOTIFYs) cost' +
        ` ${formatNumber(cpuMsPerOp(scheduled, 'managers'))} + ${formatNumber(cpuMsPerOp(scheduled, 'PostgreSQL backends'))} ms` +
        ` (manager + PostgreSQL), against ${formatNumber(cpuMsPerOp(steady, 'managers'))} + ${formatNumber(cpuMsPerOp(steady, 'PostgreSQL backends'))} ms` +
        ' queued one "check now" statement each (its own transaction, graphile-worker\'s `add_job` and its NOTIFY, the' +
        " event and the audit row). Periodic checks, what the fleet's 16.7 checks/s are, take the first path.",
    );
  }
  const commit = ['IO:WALSync', 'LWLock:WALWrite', 'Lock:object'];
  const lock1 = shareOf(c1.waits, ['Lock:object']);
  const lockN = shareOf(cN.waits, ['Lock:object']);
  out.push(
    `- **PostgreSQL: commits, then the NOTIFY lock.** With ${most} check replicas ${formatNumber(cN.waits.avgActive, 2)} backends were active on` +
      ` average and ${formatPercent(shareOf(cN.waits, commit))} of their samples waited on commits: WAL flush` +
      ` ${formatPercent(shareOf(cN.waits, ['IO:WALSync', 'LWLock:WALWrite']))}, NOTIFY commit lock (\`Lock:object\`) ${formatPercent(lockN)}` +
      ` (${formatPercent(lock1)} with ${least} replica). Change events are coalesced (per operation: queued, started, a progress event per` +
      ' phase change or at most every 2 s, finished; none for log lines) and graphile-worker notifies on every enqueue; PostgreSQL lets one' +
      ' notifying transaction commit at a time, across its' +
      ` WAL flush, so ${lockN >= 0.15 ? 'with more replicas this lock becomes the next limit after CPU: it serializes their commits' : 'this lock grows with replicas but is not yet a limit at these rates'}.` +
      ` ${formatNumber(cN.waits.avgIdleInTransaction, 2)} backends were idle in a transaction on average (waiting for a manager mid-transaction, i.e. for its CPU).`,
  );
  const sim = Math.max(cpuOf(cN, 'dhctl-sim'), cpuOf(iN, 'dhctl-sim'));
  out.push(
    sim < 0.5
      ? `- **dhctl-sim is not the limit**: at most ${formatNumber(sim, 2)} cores (one Node process could use one).`
      : `- **dhctl-sim is close to a limit**: ${formatNumber(sim, 2)} cores of its one-process maximum of 1.`,
    `- **graphile-worker is not the limit.** One no-op worker drains ${formatNumber(n1.throughput, 0)} jobs/s (${formatNumber(1000 / n1.throughput)} ms per job,` +
      ` under the same machine load), against a p50 run time of ${formatNumber(c1.runTime?.p50 ?? Number.NaN, 0)} ms per check and` +
      ` ${formatNumber(i1.runTime?.p50 ?? Number.NaN, 0)} ms per install with ${least} replica: one replica runs checks at` +
      ` ${formatRatio(c1.throughput, n1.throughput)} of the no-op rate. The work is in the operation, not in the queue.`,
    `- **Queue wait.** A burst of ${cN.operations} checks waited ${formatNumber(cN.queueToStart?.p50 ?? Number.NaN, 0)} ms (p50), at most` +
      ` ${formatNumber(cN.queueToStart?.max ?? Number.NaN, 0)} ms, with ${most} replicas; ${formatNumber(c1.queueToStart?.p50 ?? Number.NaN, 0)} /` +
      ` ${formatNumber(c1.queueToStart?.max ?? Number.NaN, 0)} ms with ${least}: in a burst the wait is the queue ahead, so it shrinks as` +
      ` throughput grows. Alone, a check started ${formatNumber(cN.idleQueueToStart?.p50 ?? Number.NaN, 0)} ms (p50) after it was queued` +
      ` with ${most} replicas, ${formatNumber(c1.idleQueueToStart?.p50 ?? Number.NaN, 0)} ms with ${least}. Run times grow with replicas (p50 check` +
      ` ${formatNumber(c1.runTime?.p50 ?? Number.NaN, 0)} → ${formatNumber(cN.runTime?.p50 ?? Number.NaN, 0)} ms) because the replicas share the cores.`,
    `- **Noise.** This machine is shared: other processes used ${formatNumber(Math.min(...all.map((r) => r.cpu.otherCores)), 2)}–` +
      `${formatNumber(Math.max(...all.map((r) => r.cpu.otherCores)), 2)} cores during these runs, so differences of 20 % or less between` +
      ' rows are within what the other load moves; the CPU per operation and the profile shares are steadier than the rates.',
    "- **On a bigger machine** (managers, dhctl and PostgreSQL on their own cores or hosts) replicas scale until PostgreSQL's commit",
    '  rate and the NOTIFY commit lock are the limit; the remaining notifying transactions per operation are the enqueue (its job and',
    '  its event), the claim, the phase changes and the completion, so queueing checks in batches (one `add_jobs` and one event per',
    "  scheduler tick) is the next lever there, as graphile-worker's docs advise for enqueueing.",
  );
  return out;
}
