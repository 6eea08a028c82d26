import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { createAuthToken, createCluster } from '@commander/core';
import { generateEncryptionKeys } from '@commander/crypto';
import {
  createDb,
  type Db,
  type EmbeddedServer,
  migrateDatabase,
  startEmbeddedPostgres,
  withDatabase,
} from '@commander/db';
import { createTestDatabase, type TestDatabase } from '@commander/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually, installationContext } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const run = promisify(execFile);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * The ports a child reports once it listens (each is started on port 0: a port picked here
 * beforehand could be taken by another process before the child's listen). `logs` is the
 * child's whole output so far; `pattern`'s groups are the ports.
 */
async function reportedPorts(
  child: ChildProcess,
  logs: () => string,
  pattern: RegExp,
  what: string,
): Promise<number[]> {
  return eventually(
    () => {
      const match = pattern.exec(logs());
      if (match) {
        return Promise.resolve(match.slice(1).map(Number));
      }
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`exited (${child.exitCode ?? child.signalCode}) before listening`);
      }
      return Promise.resolve(null);
    },
    60_000,
    `${what} listening`,
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${logs().slice(-4000)}`);
  });
}

/** The API prints the port it bound; dhctl-sim its gRPC address and control URL. */
const API_PORT = /Listening on port (\d+)/;
const SIM_PORTS = /gRPC on [^\s,]+:(\d+), control API on http:\/\/[^\s,]+:(\d+)/;
/** The manager logs (at info) the port of its /metrics. */
const METRICS_PORT = /"metricsPort":(\d+)/;

// One build for every test of this file (the bundles are written in place: two files building
// at once would race).
beforeAll(async () => {
  await run(
    process.execPath,
    ['--import', 'tsx', 'scripts/build.ts', 'api', 'manager', 'dhctl-sim'],
    {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
}, 240_000);

/**
 * The production build (`pnpm build`'s bundles), started with plain `node` as the image runs
 * them: no tsx in the process (its arguments are checked), the API serves /readyz and renders
 * through its worker pool (the worker file next to the bundle), the simulated dhctl serves,
 * and a compiled manager claims an install and drives it to the end through the compiled
 * simulator, counting it in its own /metrics.
 */
describe('compiled build', () => {
  let database: TestDatabase;
  const keys = generateEncryptionKeys();
  const live = new Set<ChildProcess>();
  const output: string[] = [];
  const logs = new Map<string, string>();

  function startNode(name: string, script: string, env: Record<string, string>): ChildProcess {
    const child = spawn(process.execPath, [script], {
      cwd: ROOT,
      env: {
        // Only what a container would have: no NODE_OPTIONS (vitest's tsx hooks) inherited.
        PATH: process.env.PATH ?? '',
        DATABASE_URL: database.url,
        LOG_LEVEL: 'warn',
        ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: keys.primaryKey as string,
        ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: keys.deterministicKey,
        ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: keys.keyDerivationSalt,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const record = (c: Buffer) => {
      output.push(`[${name}] ${c.toString()}`);
      logs.set(name, (logs.get(name) ?? '') + c.toString());
    };
    child.stdout?.on('data', record);
    child.stderr?.on('data', record);
    live.add(child);
    child.once('exit', () => live.delete(child));
    return child;
  }

  async function stop(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  async function ok(url: string, init?: RequestInit): Promise<Response | null> {
    try {
      const res = await fetch(url, init);
      return res.ok ? res : null;
    } catch {
      return null;
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    if (process.env.DEBUG_BUILD) process.stderr.write(output.join(''));
    await Promise.all([...live].map((child) => stop(child)));
    await database?.drop();
  });

  it('bundles every process next to the files it loads at run time', () => {
    for (const file of [
      'apps/api/dist/main.js',
      'apps/api/dist/worker.js',
      'apps/api/dist/migrate.js',
      'apps/manager/dist/main.js',
      'apps/manager/dist/dhctl-proto/services.proto',
      'apps/dhctl-sim/dist/main.js',
    ]) {
      expect(existsSync(path.join(ROOT, file)), file).toBe(true);
    }
  });

  it('the compiled API serves /readyz and renders in its worker pool', async () => {
    const { ctx, versionId } = await installationContext(database.db, keys, 'build');
    const system = {
      ...ctx,
      actor: { type: 'system' as const, id: null, name: 'test' },
      workspace: null,
      permissions: new Set(['global_tokens:write', 'global_tokens:read']),
    };
    const { token } = await createAuthToken(system, {
      name: 'compiled-build',
      workspace_id: ctx.workspace!.id,
      scope: 'read',
    });
    const api = startNode('api', 'apps/api/dist/main.js', {
      HOST: '127.0.0.1',
      PORT: '0',
      RENDER_WORKERS: '1',
    });
    const [port] = await reportedPorts(api, () => logs.get('api') ?? '', API_PORT, 'compiled API');
    await eventually(() => ok(`http://127.0.0.1:${port}/readyz`), 60_000, 'compiled API ready');
    expect(api.spawnargs.join(' ')).not.toContain('tsx');
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/render`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': token },
      body: JSON.stringify({ cluster_template_version_id: versionId, values: {} }),
    });
    const body = (await res.json()) as { sections?: Record<string, string | null> };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(Object.values(body.sections ?? {}).some((s) => typeof s === 'string' && s !== '')).toBe(
      true,
    );
    await stop(api);
  });

  it('a compiled manager installs a cluster through the compiled simulator', async () => {
    const { ctx, versionId } = await installationContext(database.db, keys, 'build-manager');
    const sim = startNode('dhctl-sim', 'apps/dhctl-sim/dist/main.js', {
      DHCTL_SIM_HOST: '127.0.0.1',
      DHCTL_SIM_GRPC_PORT: '0',
      DHCTL_SIM_HTTP_PORT: '0',
      DHCTL_SIM_PHASE_DELAY_MS: '0',
      DHCTL_SIM_AGENTS: 'off',
    });
    const [grpcPort, httpPort] = await reportedPorts(
      sim,
      () => logs.get('dhctl-sim') ?? '',
      SIM_PORTS,
      'compiled sim',
    );
    await eventually(() => ok(`http://127.0.0.1:${httpPort}/healthz`), 60_000, 'compiled sim');
    const manager = startNode('manager', 'apps/manager/dist/main.js', {
      DHCTL_SERVER_ADDRESS: `127.0.0.1:${grpcPort}`,
      MANAGER_REPLICA_ID: 'compiled',
      MANAGER_HEARTBEAT_MS: '300',
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      // Its start-up line (info) names the metrics port it bound.
      LOG_LEVEL: 'info',
    });
    const [metricsPort] = await reportedPorts(
      manager,
      () => logs.get('manager') ?? '',
      METRICS_PORT,
      'compiled manager metrics',
    );
    await eventually(
      () => ok(`http://127.0.0.1:${metricsPort}/healthz`),
      60_000,
      'manager /healthz',
    );
    const cluster = await createCluster(ctx, {
      name: 'compiled',
      cluster_template_version_id: versionId,
      values: {},
    });
    const op = await eventually(
      () =>
        database.db.clusterOperation.findFirst({
          where: { clusterId: cluster.id, status: { in: ['SUCCEEDED', 'FAILED'] } },
        }),
      90_000,
      'install finished',
    );
    expect([op.kind, op.status, op.error, op.managerReplicaId]).toEqual([
      'INSTALL',
      'SUCCEEDED',
      null,
      'compiled',
    ]);
    // The replica's own metrics: the finished install, its duration and its queue wait.
    // (counted as the task ends, just after the operation's row is final)
    const metrics = await eventually(
      async () => {
        const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        return text.includes('commander_operations_finished_total{kind="install"') ? text : null;
      },
      20_000,
      'install counted in /metrics',
    );
    expect(metrics).toContain(
      'commander_operations_finished_total{kind="install",status="succeeded"} 1',
    );
    expect(metrics).toContain(
      'commander_operation_duration_seconds_count{kind="install",status="succeeded"} 1',
    );
    expect(metrics).toContain('commander_operation_queue_wait_seconds_count{kind="install"} 1');
    expect(metrics).toContain('commander_manager_running_operations 0');
  }, 120_000);
});

/**
 * Several processes as they run on Kubernetes, on one machine, all from the compiled build:
 * two API processes and three manager processes against one PostgreSQL (this test's own
 * embedded server, so restarting it touches no other test), the compiled simulator as dhctl.
 * A burst of cluster creations through both APIs; one API and one manager SIGKILLed mid-way
 * (the API while requests are in flight, the manager while it runs an operation past a phase);
 * PostgreSQL restarted while operations run. Every install completes exactly once: one
 * operation per cluster, succeeded, nothing running or queued, no job left, and exactly one
 * virtual cluster per Commander cluster in the simulator.
 */
describe('compiled build: two APIs and three managers, killed and PostgreSQL restarted', () => {
  const CLUSTERS = 20;
  const dataDir = path.join(ROOT, `.data/test-multi-process-pg-${process.pid}`);
  const keys = generateEncryptionKeys();
  let pgPort = 0;
  let server: EmbeddedServer;
  let url = '';
  let db: Db;
  const live = new Set<ChildProcess>();
  const output: string[] = [];
  const logs = new Map<string, string>();

  function startNode(name: string, script: string, env: Record<string, string>): ChildProcess {
    const child = spawn(process.execPath, [script], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: url,
        LOG_LEVEL: process.env.DEBUG_MULTI ? 'info' : 'warn',
        ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: keys.primaryKey as string,
        ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: keys.deterministicKey,
        ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: keys.keyDerivationSalt,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const record = (c: Buffer) => {
      output.push(`[${name}] ${c.toString()}`);
      logs.set(name, (logs.get(name) ?? '') + c.toString());
    };
    child.stdout?.on('data', record);
    child.stderr?.on('data', record);
    live.add(child);
    child.once('exit', () => live.delete(child));
    return child;
  }

  async function kill(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  async function ok(target: string): Promise<boolean> {
    try {
      return (await fetch(target)).ok;
    } catch {
      return false;
    }
  }

  beforeAll(async () => {
    // PostgreSQL keeps its port across the restart below, so it gets a fixed one: should
    // another process take it before PostgreSQL listens, start again on another.
    for (let attempt = 1; ; attempt++) {
      pgPort = await freePort();
      try {
        server = await startEmbeddedPostgres({ dataDir, port: pgPort });
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
    url = withDatabase(server.url, 'commander');
    await migrateDatabase(url);
    db = createDb(url, { poolSize: 2 });
  }, 120_000);

  afterAll(async () => {
    if (process.env.DEBUG_MULTI) process.stderr.write(output.join(''));
    await Promise.all([...live].map((child) => kill(child)));
    await db?.$disconnect().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a burst of installs completes exactly once through kills and a PostgreSQL restart', async () => {
    const { ctx, versionId } = await installationContext(db, keys, 'multi-process');
    const { token } = await createAuthToken(
      {
        ...ctx,
        actor: { type: 'system', id: null, name: 'test' },
        workspace: null,
        permissions: new Set(['global_tokens:write', 'global_tokens:read']),
      },
      { name: 'multi-process', workspace_id: ctx.workspace!.id, scope: 'write' },
    );

    // The simulated dhctl, with a phase delay so that operations are in flight when we kill.
    const simulator = startNode('dhctl-sim', 'apps/dhctl-sim/dist/main.js', {
      DHCTL_SIM_HOST: '127.0.0.1',
      DHCTL_SIM_GRPC_PORT: '0',
      DHCTL_SIM_HTTP_PORT: '0',
      DHCTL_SIM_PHASE_DELAY_MS: '150',
      DHCTL_SIM_AGENTS: 'off',
    });
    const [grpcPort, httpPort] = await reportedPorts(
      simulator,
      () => logs.get('dhctl-sim') ?? '',
      SIM_PORTS,
      'simulator',
    );
    // Each API on a port of its own choosing, read from its output.
    const started = ['api-a', 'api-b'].map((name) => ({
      name,
      child: startNode(name, 'apps/api/dist/main.js', {
        HOST: '127.0.0.1',
        PORT: '0',
        RENDER_WORKERS: '1',
      }),
    }));
    const apis = new Map<number, ChildProcess>();
    for (const { name, child } of started) {
      const [port] = await reportedPorts(child, () => logs.get(name) ?? '', API_PORT, name);
      apis.set(port!, child);
    }
    const [apiA, apiB] = [...apis.keys()] as [number, number];
    const managers = new Map<string, ChildProcess>();
    for (const name of ['m1', 'm2', 'm3']) {
      managers.set(
        name,
        startNode(name, 'apps/manager/dist/main.js', {
          DHCTL_SERVER_ADDRESS: `127.0.0.1:${grpcPort}`,
          MANAGER_REPLICA_ID: name,
          MANAGER_HEARTBEAT_MS: '300',
          // The killed manager is not restarted: the others take its operation over.
          MANAGER_DEAD_AFTER_MS: '8000',
          MANAGER_RECONCILE_EVERY_MS: '600000',
        }),
      );
    }
    await eventually(() => ok(`http://127.0.0.1:${httpPort}/healthz`), 60_000, 'simulator');
    for (const port of [apiA, apiB]) {
      await eventually(() => ok(`http://127.0.0.1:${port}/readyz`), 60_000, `API ${port}`).catch(
        (error: unknown) => {
          // Why it never answered (a crash, a database that never came back).
          throw new Error(`${(error as Error).message}\n${output.join('').slice(-4000)}`);
        },
      );
    }
    await eventually(
      async () =>
        (await db.managerReplica.count({
          where: { id: { in: ['m1', 'm2', 'm3'] }, stoppedAt: null, workerId: { not: null } },
        })) === 3,
      60_000,
      'three managers registered',
    );

    const names = Array.from({ length: CLUSTERS }, (_, i) => `burst-${String(i).padStart(2, '0')}`);
    const killedApis = new Set<number>();
    /**
     * Creates a cluster as a client behind a load balancer would: through one API, and through
     * the other when that one is gone. An attempt whose outcome is unknown (the API died with
     * the request in flight) may have created it: then the retry is refused (the name is
     * taken) and the cluster is the one the first attempt made.
     */
    async function create(name: string, index: number): Promise<void> {
      const order = index % 2 ? [apiB, apiA] : [apiA, apiB];
      for (const port of order) {
        if (killedApis.has(port)) continue;
        try {
          const res = await fetch(`http://127.0.0.1:${port}/api/v1/clusters`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-auth-token': token },
            body: JSON.stringify({ name, cluster_template_version_id: versionId, values: {} }),
          });
          if (res.status === 201) return;
          const exists = await db.cluster.count({ where: { name } });
          expect(exists, `${name}: ${res.status} ${await res.text()}`).toBe(1);
          return;
        } catch {
          // The API died with the request in flight: try the other one.
        }
      }
      throw new Error(`no API left to create ${name}`);
    }

    // First half of the burst, through both APIs.
    const half = CLUSTERS / 2;
    await Promise.all(names.slice(0, half).map((name, i) => create(name, i)));

    // Kill manager m2 while it runs an operation past a phase.
    await eventually(
      () =>
        db.clusterOperation.findFirst({
          where: { status: 'RUNNING', managerReplicaId: 'm2', lastCompletedPhase: { not: null } },
        }),
      60_000,
      'm2 running an operation past a phase',
    );
    await kill(managers.get('m2')!);

    // Second half, with API B killed while its requests are in flight.
    const second = Promise.all(names.slice(half).map((name, i) => create(name, half + i)));
    killedApis.add(apiB);
    await kill(apis.get(apiB)!);
    await second;

    // PostgreSQL restarted while operations run.
    await eventually(
      () => db.clusterOperation.findFirst({ where: { status: 'RUNNING' } }),
      60_000,
      'an operation running',
    );
    await server.stop();
    server = await startEmbeddedPostgres({ dataDir, port: pgPort });

    await eventually(
      async () =>
        (await db.cluster.count({ where: { name: { in: names }, status: 'IN_SYNC' } })) ===
        CLUSTERS,
      150_000,
      'every cluster installed',
    ).catch(async (error: unknown) => {
      // Say which operations did not end well, and why.
      const open = await db.clusterOperation.findMany({
        where: { status: { not: 'SUCCEEDED' } },
        select: { clusterId: true, kind: true, status: true, error: true, attempt: true },
      });
      throw new Error(`${(error as Error).message}: ${JSON.stringify(open)}`);
    });

    // Exactly once: one cluster per name, one install per cluster, succeeded.
    const clusters = await db.cluster.findMany({
      where: { name: { in: names } },
      include: { operations: true },
    });
    expect(clusters.map((c) => c.name).sort()).toEqual(names);
    for (const cluster of clusters) {
      expect(
        cluster.operations.map((o) => [o.kind, o.status]),
        cluster.name,
      ).toEqual([['INSTALL', 'SUCCEEDED']]);
    }
    expect(
      await db.clusterOperation.count({ where: { status: { in: ['QUEUED', 'RUNNING'] } } }),
    ).toBe(0);
    // Some installs were taken over from the killed manager or resumed after the restart.
    const ops = clusters.flatMap((c) => c.operations);
    expect(new Set(ops.map((o) => o.managerReplicaId)).size).toBeGreaterThanOrEqual(2);
    await eventually(
      async () => {
        const rows = await db.$queryRaw<{ n: bigint }[]>`
          SELECT count(*) AS n FROM graphile_worker._private_jobs`;
        return Number(rows[0]!.n) === 0;
      },
      30_000,
      'no job left in the queue',
    );
    // The simulator's records: one virtual cluster per Commander cluster, none extra.
    const sim = (await (await fetch(`http://127.0.0.1:${httpPort}/sim/clusters`)).json()) as {
      clusters: { uuid: string }[];
    };
    expect(sim.clusters.map((c) => c.uuid).sort()).toEqual(clusters.map((c) => c.uuid).sort());
    // The surviving processes are still up (they rode out the restart).
    expect(await ok(`http://127.0.0.1:${apiA}/readyz`)).toBe(true);
    for (const name of ['m1', 'm3']) {
      // A survivor that exited says why (its last output).
      expect(
        managers.get(name)!.exitCode,
        `${name} exited:\n${(logs.get(name) ?? '').slice(-3000)}`,
      ).toBeNull();
    }
  }, 300_000);
});
