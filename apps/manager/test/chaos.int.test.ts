import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { createCluster, deleteCluster, type ServiceContext, updateCluster } from '@commander/core';
import { createTestTemplate } from '@commander/core/testing';
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
import {
  type DhctlSim,
  type DhctlSimOptions,
  type FaultOperation,
  startDhctlSim,
} from '@commander/dhctl-sim';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { eventually, installationContext } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

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
 * Chaos: manager replicas as real processes (as `pnpm start` runs them), killed with SIGKILL in
 * the middle of an operation, with the simulator holding the operation at a phase so the kill
 * always lands mid-way (no phase delays, no sleeps). Whatever happens, every operation finishes
 * exactly once, the operations of one cluster never overlap, nothing stays running or queued,
 * and the simulator never gets a second virtual cluster for one Commander cluster.
 */
describe('chaos: replicas killed mid-operation', () => {
  let database: TestDatabase;
  let sim: DhctlSim;
  let ctx: ServiceContext;
  let versionId: string;
  const keys = generateEncryptionKeys();
  const live = new Set<ChildProcess>();
  const output: string[] = [];
  /** The one phase an operation is held at (until its client goes away), if any. */
  let hold: { operation: FaultOperation; phase: string; reached: () => void } | null = null;

  /** Holds the next `operation` at the start of `phase`; resolves once it is held. */
  function holdAt(operation: FaultOperation, phase: string): Promise<void> {
    return new Promise((resolve) => {
      hold = { operation, phase, reached: resolve };
    });
  }

  /** The simulators' phase hook: holds the operation `holdAt` chose. */
  const holdHook: NonNullable<DhctlSimOptions['beforePhase']> = async (
    operation,
    phase,
    signal,
  ) => {
    const h = hold;
    if (!h || h.operation !== operation || h.phase !== phase) {
      return;
    }
    hold = null;
    h.reached();
    // Held until the client (the killed replica) goes away; the run then ends as canceled.
    await new Promise<void>((resolve) => {
      if (signal.aborted) {
        resolve();
      } else {
        signal.addEventListener('abort', () => resolve(), { once: true });
      }
    });
  };

  function startReplica(name: string, env: Record<string, string> = {}): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/manager/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        DHCTL_SERVER_ADDRESS: sim.grpcAddress,
        MANAGER_REPLICA_ID: name,
        MANAGER_HEARTBEAT_MS: '300',
        // Large by default: a restart in place must not need the dead-after rule.
        MANAGER_DEAD_AFTER_MS: '600000',
        MANAGER_RECONCILE_EVERY_MS: '600000',
        LOG_LEVEL: process.env.DEBUG_CHAOS ? 'info' : 'warn',
        ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: keys.primaryKey as string,
        ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: keys.deterministicKey,
        ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: keys.keyDerivationSalt,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c: Buffer) => output.push(`[${name}] ${c.toString()}`));
    child.stderr?.on('data', (c: Buffer) => output.push(`[${name}] ${c.toString()}`));
    live.add(child);
    child.once('exit', () => live.delete(child));
    return child;
  }

  /** Waits until the replica process `child` registered (instance and graphile worker ids). */
  async function registered(name: string, child: ChildProcess): Promise<void> {
    await eventually(
      async () => {
        const row = await database.db.managerReplica.findUnique({ where: { id: name } });
        return (
          row !== null && row.pid === child.pid && row.stoppedAt === null && row.workerId !== null
        );
      },
      60_000,
      `replica ${name} (pid ${child.pid}) registered`,
    );
  }

  async function kill(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve();
      } else {
        child.once('exit', () => resolve());
      }
    });
    child.kill(signal);
    await exited;
  }

  async function createOne(name: string): Promise<{ id: string; uuid: string }> {
    const created = await createCluster(ctx, {
      name,
      cluster_template_version_id: versionId,
      values: {},
    });
    return { id: created.id, uuid: created.uuid };
  }

  /** Changes an installed cluster's values, so a converge (UPDATE) is queued. */
  async function changeValues(id: string, name: string): Promise<void> {
    await updateCluster(ctx, id, {
      name,
      cluster_template_version_id: versionId,
      values: { kubeVersion: '1.34' },
    });
  }

  /** The simulator's virtual cluster got the changed values (the converge really ran). */
  function expectConverged(uuid: string): void {
    const [virtual] = sim.clusters.list().filter((c) => c.uuid === uuid);
    expect(String(virtual!.clusterConfiguration.kubernetesVersion)).toBe('1.34');
  }

  async function clusterStatus(id: string): Promise<string> {
    const row = await database.db.cluster.findUniqueOrThrow({ where: { id } });
    return row.status;
  }

  async function runningOperation(clusterId: string) {
    return eventually(
      () =>
        database.db.clusterOperation.findFirst({
          where: { clusterId, status: 'RUNNING', lastCompletedPhase: { not: null } },
        }),
      30_000,
      'operation running past a phase',
    );
  }

  /** The invariants every scenario ends with. */
  async function assertSettled(
    clusterId: string,
    uuid: string,
    kinds: string[],
    simulator: DhctlSim = sim,
  ): Promise<void> {
    const db = database.db;
    const ops = await db.clusterOperation.findMany({
      where: { clusterId },
      orderBy: { createdAt: 'asc' },
    });
    // Finished exactly once each; nothing left running or queued.
    expect(ops.map((o) => [o.kind, o.status])).toEqual(kinds.map((k) => [k, 'SUCCEEDED']));
    // Never two operations of the cluster at once.
    for (const a of ops) {
      for (const b of ops) {
        if (a.id !== b.id && a.startedAt! < b.startedAt!) {
          expect(a.finishedAt!.getTime()).toBeLessThanOrEqual(b.startedAt!.getTime());
        }
      }
    }
    const active = await db.clusterOperation.count({
      where: { status: { in: ['QUEUED', 'RUNNING'] } },
    });
    expect(active).toBe(0);
    // No graphile job of these operations left behind (locked or waiting).
    // (a duplicate job of a taken-over operation is a no-op, done once a replica polls it).
    await eventually(
      async () => {
        const jobs = await db.$queryRaw<{ n: bigint }[]>`
          SELECT count(*) AS n FROM graphile_worker._private_jobs
          WHERE payload->>'operationId' = ANY(${ops.map((o) => o.id)}::text[])`;
        return Number(jobs[0]!.n) === 0;
      },
      20_000,
      'no jobs left',
    );
    // One virtual cluster per Commander cluster, each bootstrap phase run once.
    const simClusters = simulator.clusters.list().filter((c) => c.uuid === uuid);
    if (kinds.includes('DELETE')) {
      expect(simClusters).toHaveLength(0);
    } else {
      expect(simClusters).toHaveLength(1);
      expect(simClusters[0]!.status).toBe('ready');
      const phases = simClusters[0]!.completedBootstrapPhases;
      expect(new Set(phases).size).toBe(phases.length);
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startDhctlSim({ phaseDelayMs: 0, agents: false, beforePhase: holdHook });
    ({ ctx, versionId } = await installationContext(database.db, keys, 'chaos'));
  });

  afterEach(async () => {
    hold = null;
    await Promise.all([...live].map((child) => kill(child)));
  });

  afterAll(async () => {
    if (process.env.DEBUG_CHAOS) {
      process.stderr.write(output.join(''));
    }
    await Promise.all([...live].map((child) => kill(child)));
    await sim?.stop();
    await database?.drop();
  });

  it('install, SIGKILL, restart under the same name: resumes at once and finishes once', async () => {
    const first = startReplica('inplace-install');
    await registered('inplace-install', first);
    const held = holdAt('Bootstrap', 'InstallDeckhouse');
    const cluster = await createOne('inplace-install');
    await held;
    const running = await runningOperation(cluster.id);
    expect(running.managerReplicaId).toBe('inplace-install');

    await kill(first);
    // The supervisor's restart: same name, new process. Dead-after is ten minutes, so only
    // the predecessor release can give the operation back.
    startReplica('inplace-install');
    await eventually(
      async () => (await clusterStatus(cluster.id)) === 'IN_SYNC',
      60_000,
      'in_sync after the restart',
    );
    await assertSettled(cluster.id, cluster.uuid, ['INSTALL']);
    const op = await database.db.clusterOperation.findUniqueOrThrow({ where: { id: running.id } });
    expect(op.attempt).toBe(2);
    const logs = await database.db.operationLog.findMany({ where: { operationId: op.id } });
    expect(logs.some((l) => l.line.includes('Replica inplace-install restarted'))).toBe(true);
  }, 90_000);

  it('install, SIGKILL, no restart: the other replica takes over after dead-after', async () => {
    const fast = { MANAGER_DEAD_AFTER_MS: '2000' };
    const a = startReplica('deadafter-a', fast);
    const b = startReplica('deadafter-b', fast);
    await registered('deadafter-a', a);
    await registered('deadafter-b', b);
    const held = holdAt('Bootstrap', 'InstallDeckhouse');
    const cluster = await createOne('deadafter-install');
    await held;
    const running = await runningOperation(cluster.id);
    const victim = running.managerReplicaId === 'deadafter-a' ? a : b;
    const survivor = victim === a ? 'deadafter-b' : 'deadafter-a';

    await kill(victim);
    await eventually(
      async () => (await clusterStatus(cluster.id)) === 'IN_SYNC',
      60_000,
      'in_sync after the takeover',
    );
    await assertSettled(cluster.id, cluster.uuid, ['INSTALL']);
    const op = await database.db.clusterOperation.findUniqueOrThrow({ where: { id: running.id } });
    expect(op.managerReplicaId).toBe(survivor);
  }, 90_000);

  it('delete, SIGKILL, restart under the same name: the destroy resumes and finishes once', async () => {
    const first = startReplica('inplace-delete');
    await registered('inplace-delete', first);
    const cluster = await createOne('inplace-delete');
    await eventually(async () => (await clusterStatus(cluster.id)) === 'IN_SYNC', 60_000);
    const held = holdAt('Destroy', 'SetDeckhouseResourcesDelete');
    await deleteCluster(ctx, cluster.id);
    await held;
    await runningOperation(cluster.id);

    await kill(first);
    startReplica('inplace-delete');
    await eventually(
      async () => (await clusterStatus(cluster.id)) === 'DELETED',
      60_000,
      'deleted after the restart',
    );
    await assertSettled(cluster.id, cluster.uuid, ['INSTALL', 'DELETE']);
  }, 90_000);

  it('delete, SIGKILL, no restart: the other replica takes over after dead-after', async () => {
    const fast = { MANAGER_DEAD_AFTER_MS: '2000' };
    const a = startReplica('deadafter-del-a', fast);
    await registered('deadafter-del-a', a);
    const cluster = await createOne('deadafter-delete');
    await eventually(async () => (await clusterStatus(cluster.id)) === 'IN_SYNC', 60_000);
    const held = holdAt('Destroy', 'SetDeckhouseResourcesDelete');
    await deleteCluster(ctx, cluster.id);
    await held;
    await runningOperation(cluster.id);
    await kill(a);
    startReplica('deadafter-del-b', fast);
    await eventually(
      async () => (await clusterStatus(cluster.id)) === 'DELETED',
      60_000,
      'deleted after the takeover',
    );
    await assertSettled(cluster.id, cluster.uuid, ['INSTALL', 'DELETE']);
  }, 90_000);

  it('converge, SIGKILL, restart under the same name: the converge resumes and finishes once', async () => {
    const first = startReplica('inplace-converge');
    await registered('inplace-converge', first);
    const cluster = await createOne('inplace-converge');
    await eventually(async () => (await clusterStatus(cluster.id)) === 'IN_SYNC', 60_000);
    const held = holdAt('Converge', 'AllNodes');
    await changeValues(cluster.id, 'inplace-converge');
    await held;
    const running = await runningOperation(cluster.id);
    expect(running.kind).toBe('UPDATE');
    expect(running.managerReplicaId).toBe('inplace-converge');

    await kill(first);
    startReplica('inplace-converge');
    await eventually(
      async () =>
        (await database.db.clusterOperation.findUniqueOrThrow({ where: { id: running.id } }))
          .status === 'SUCCEEDED' && (await clusterStatus(cluster.id)) === 'IN_SYNC',
      60_000,
      'converged after the restart',
    );
    await assertSettled(cluster.id, cluster.uuid, ['INSTALL', 'UPDATE']);
    expectConverged(cluster.uuid);
    const op = await database.db.clusterOperation.findUniqueOrThrow({ where: { id: running.id } });
    expect(op.attempt).toBe(2);
  }, 90_000);

  it('converge, SIGKILL, no restart: the other replica takes over after dead-after', async () => {
    const fast = { MANAGER_DEAD_AFTER_MS: '2000' };
    const a = startReplica('deadafter-conv-a', fast);
    await registered('deadafter-conv-a', a);
    const cluster = await createOne('deadafter-converge');
    await eventually(async () => (await clusterStatus(cluster.id)) === 'IN_SYNC', 60_000);
    const held = holdAt('Converge', 'AllNodes');
    await changeValues(cluster.id, 'deadafter-converge');
    await held;
    const running = await runningOperation(cluster.id);
    expect(running.kind).toBe('UPDATE');
    await kill(a);
    startReplica('deadafter-conv-b', fast);
    await eventually(
      async () =>
        (await database.db.clusterOperation.findUniqueOrThrow({ where: { id: running.id } }))
          .status === 'SUCCEEDED' && (await clusterStatus(cluster.id)) === 'IN_SYNC',
      60_000,
      'converged after the takeover',
    );
    await assertSettled(cluster.id, cluster.uuid, ['INSTALL', 'UPDATE']);
    expectConverged(cluster.uuid);
    const op = await database.db.clusterOperation.findUniqueOrThrow({ where: { id: running.id } });
    expect(op.managerReplicaId).toBe('deadafter-conv-b');
  }, 90_000);

  it('dhctl-sim restarted mid-install (same port, same state file): the install finishes once, one virtual cluster', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'chaos-sim-'));
    const stateFile = path.join(dir, 'state.json');
    const simOptions = { phaseDelayMs: 0, agents: false, beforePhase: holdHook, stateFile };
    let own = await startDhctlSim(simOptions);
    try {
      const grpcPort = Number(own.grpcAddress.split(':').pop());
      const a = startReplica('sim-restart', { DHCTL_SERVER_ADDRESS: own.grpcAddress });
      await registered('sim-restart', a);
      const held = holdAt('Bootstrap', 'InstallDeckhouse');
      const cluster = await createOne('sim-restart');
      await held;
      const running = await runningOperation(cluster.id);

      // The dhctl server goes away mid-stream and comes back on the same address with what
      // it had persisted; the replica keeps running and retries against the new process.
      await own.stop();
      own = await startDhctlSim({ ...simOptions, grpcPort });
      await eventually(
        async () => (await clusterStatus(cluster.id)) === 'IN_SYNC',
        60_000,
        'in_sync after the simulator restart',
      );
      await assertSettled(cluster.id, cluster.uuid, ['INSTALL'], own);
      // The cut stream was a transport failure, retried on the same operation row.
      const logs = await database.db.operationLog.findMany({ where: { operationId: running.id } });
      expect(logs.some((l) => l.line.includes('dhctl is unreachable'))).toBe(true);
      const op = await database.db.clusterOperation.findUniqueOrThrow({
        where: { id: running.id },
      });
      expect(op.managerReplicaId).toBe('sim-restart');
      expect(a.exitCode).toBeNull();
    } finally {
      await own.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('dhctl-sim restarted mid-converge (same port, same state file): the converge finishes once', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'chaos-sim-'));
    const stateFile = path.join(dir, 'state.json');
    const simOptions = { phaseDelayMs: 0, agents: false, beforePhase: holdHook, stateFile };
    let own = await startDhctlSim(simOptions);
    try {
      const grpcPort = Number(own.grpcAddress.split(':').pop());
      const a = startReplica('sim-restart-conv', { DHCTL_SERVER_ADDRESS: own.grpcAddress });
      await registered('sim-restart-conv', a);
      const cluster = await createOne('sim-restart-conv');
      await eventually(async () => (await clusterStatus(cluster.id)) === 'IN_SYNC', 60_000);
      const held = holdAt('Converge', 'AllNodes');
      await changeValues(cluster.id, 'sim-restart-conv');
      await held;
      const running = await runningOperation(cluster.id);
      expect(running.kind).toBe('UPDATE');

      await own.stop();
      own = await startDhctlSim({ ...simOptions, grpcPort });
      await eventually(
        async () =>
          (await database.db.clusterOperation.findUniqueOrThrow({ where: { id: running.id } }))
            .status === 'SUCCEEDED' && (await clusterStatus(cluster.id)) === 'IN_SYNC',
        60_000,
        'converged after the simulator restart',
      );
      await assertSettled(cluster.id, cluster.uuid, ['INSTALL', 'UPDATE'], own);
      // The cut stream was a transport failure, retried on the same operation row.
      const logs = await database.db.operationLog.findMany({ where: { operationId: running.id } });
      expect(logs.some((l) => l.line.includes('dhctl is unreachable'))).toBe(true);
      const [virtual] = own.clusters.list().filter((c) => c.uuid === cluster.uuid);
      expect(String(virtual!.clusterConfiguration.kubernetesVersion)).toBe('1.34');
      expect(a.exitCode).toBeNull();
    } finally {
      await own.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('a delete requested while a killed replica still holds the install follows the install', async () => {
    const fast = { MANAGER_DEAD_AFTER_MS: '2000' };
    const a = startReplica('follow-a', fast);
    await registered('follow-a', a);
    const held = holdAt('Bootstrap', 'InstallDeckhouse');
    const cluster = await createOne('follow');
    await held;
    await runningOperation(cluster.id);
    await kill(a);
    // The install is still RUNNING on a dead replica: the delete must wait for it.
    await deleteCluster(ctx, cluster.id);
    startReplica('follow-b', fast);
    await eventually(
      async () => (await clusterStatus(cluster.id)) === 'DELETED',
      60_000,
      'deleted after the install',
    );
    await assertSettled(cluster.id, cluster.uuid, ['INSTALL', 'DELETE']);
  }, 90_000);
});

describe('replica shutdown', () => {
  let database: TestDatabase;
  let sim: DhctlSim;
  let ctx: ServiceContext;
  let versionId: string;
  const keys = generateEncryptionKeys();
  const children: ChildProcess[] = [];
  const output: string[] = [];
  let held: (() => void) | null = null;
  let holding = false;

  function startReplica(name: string, graceMs: number): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/manager/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        DHCTL_SERVER_ADDRESS: sim.grpcAddress,
        MANAGER_REPLICA_ID: name,
        MANAGER_HEARTBEAT_MS: '300',
        MANAGER_SHUTDOWN_GRACE_MS: String(graceMs),
        MANAGER_RECONCILE_EVERY_MS: '600000',
        LOG_LEVEL: 'info',
        ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: keys.primaryKey as string,
        ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: keys.deterministicKey,
        ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: keys.keyDerivationSalt,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c: Buffer) => {
      output.push(`[${name}] ${c.toString()}`);
    });
    child.stderr?.on('data', (c: Buffer) => output.push(`[${name}] ${c.toString()}`));
    children.push(child);
    return child;
  }

  function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
    return new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve({ code: child.exitCode, signal: child.signalCode });
      } else {
        child.once('exit', (code, signal) => resolve({ code, signal }));
      }
    });
  }

  /** Starts an install held in its InstallDeckhouse phase (no phase boundary comes). */
  async function heldInstall(name: string): Promise<string> {
    const reached = new Promise<void>((resolve) => {
      held = resolve;
      holding = true;
    });
    const created = await createCluster(ctx, {
      name,
      cluster_template_version_id: versionId,
      values: {},
    });
    await reached;
    await eventually(() =>
      database.db.clusterOperation.findFirst({
        where: { clusterId: created.id, status: 'RUNNING', lastCompletedPhase: { not: null } },
      }),
    );
    return created.id;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startDhctlSim({
      phaseDelayMs: 0,
      agents: false,
      beforePhase: async (operation, phase, signal) => {
        if (!holding || operation !== 'Bootstrap' || phase !== 'InstallDeckhouse') {
          return;
        }
        holding = false;
        held?.();
        await new Promise<void>((resolve) => {
          if (signal.aborted) {
            resolve();
          } else {
            signal.addEventListener('abort', () => resolve(), { once: true });
          }
        });
      },
    });
    ({ ctx, versionId } = await installationContext(database.db, keys, 'shutdown'));
  });

  afterAll(async () => {
    if (process.env.DEBUG_CHAOS) {
      process.stderr.write(output.join(''));
    }
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
      }
    }
    await sim?.stop();
    await database?.drop();
  });

  it('SIGTERM with no phase boundary in sight: hands the operation back after the grace period, exits 0', async () => {
    const replica = startReplica('grace', 500);
    const clusterId = await heldInstall('grace');
    replica.kill('SIGTERM');
    expect(await exitOf(replica)).toEqual({ code: 0, signal: null });
    const op = await database.db.clusterOperation.findFirstOrThrow({ where: { clusterId } });
    expect(op.status).toBe('QUEUED');
    expect(op.managerInstanceId).toBeNull();
    const row = await database.db.managerReplica.findUniqueOrThrow({ where: { id: 'grace' } });
    expect(row.stoppedAt).not.toBeNull();
    // Another replica resumes and finishes it.
    const next = startReplica('grace-next', 500);
    await eventually(
      async () =>
        (await database.db.cluster.findUniqueOrThrow({ where: { id: clusterId } })).status ===
        'IN_SYNC',
      60_000,
      'in_sync after the hand-back',
    );
    next.kill('SIGKILL');
    await exitOf(next);
  }, 90_000);

  it('a second signal exits at once', async () => {
    // Ten minutes of grace: only the second signal can end the process within the test.
    const replica = startReplica('twice', 600_000);
    await heldInstall('twice');
    replica.kill('SIGTERM');
    // Signals sent back to back may arrive as one: the second goes once the first was handled.
    await eventually(
      async () => output.some((l) => l.startsWith('[twice]') && l.includes('stopping: ')),
      30_000,
      'first signal handled',
    );
    replica.kill('SIGTERM');
    const exit = await exitOf(replica);
    expect(exit.code).toBe(1);
  }, 90_000);
});

/**
 * PostgreSQL restarted while a replica holds an operation in a phase. Like
 * postgres-restart.int.test.ts, the test runs its own embedded server (own data directory, free
 * port), so it can stop and start it anywhere (CI included) without touching another cluster.
 */
describe('chaos: PostgreSQL restarted mid-operation', () => {
  const dataDir = path.join(ROOT, `.data/test-chaos-pg-${process.pid}`);
  const keys = generateEncryptionKeys();
  let pgPort = 0;
  let server: EmbeddedServer;
  let url = '';
  let db: Db;
  let sim: DhctlSim;
  let ctx: ServiceContext;
  let versionId: string;
  const children: ChildProcess[] = [];
  const output: string[] = [];
  let reached: (() => void) | null = null;
  let release: (() => void) | null = null;

  beforeAll(async () => {
    pgPort = await freePort();
    server = await startEmbeddedPostgres({ dataDir, port: pgPort });
    url = withDatabase(server.url, 'commander');
    await migrateDatabase(url);
    db = createDb(url, { poolSize: 2 });
    sim = await startDhctlSim({
      phaseDelayMs: 0,
      agents: false,
      beforePhase: async (operation, phase, signal) => {
        if (!reached || operation !== 'Bootstrap' || phase !== 'InstallDeckhouse') {
          return;
        }
        const done = new Promise<void>((resolve) => {
          release = resolve;
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
        reached();
        reached = null;
        await done;
      },
    });
    ({ ctx, versionId } = await installationContext(db, keys, 'chaos'));
  }, 120_000);

  afterAll(async () => {
    if (process.env.DEBUG_CHAOS) {
      process.stderr.write(output.join(''));
    }
    for (const child of children) {
      child.kill('SIGKILL');
    }
    await db?.$disconnect().catch(() => undefined);
    await sim?.stop();
    await server?.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('install held while PostgreSQL restarts: finishes exactly once, nothing left behind', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/manager/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: url,
        DHCTL_SERVER_ADDRESS: sim.grpcAddress,
        MANAGER_REPLICA_ID: 'pg-restart',
        MANAGER_HEARTBEAT_MS: '300',
        MANAGER_DEAD_AFTER_MS: '600000',
        MANAGER_RECONCILE_EVERY_MS: '600000',
        LOG_LEVEL: process.env.DEBUG_CHAOS ? 'info' : 'warn',
        ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: keys.primaryKey as string,
        ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: keys.deterministicKey,
        ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: keys.keyDerivationSalt,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c: Buffer) => output.push(`[pg-restart] ${c.toString()}`));
    child.stderr?.on('data', (c: Buffer) => output.push(`[pg-restart] ${c.toString()}`));
    children.push(child);
    await eventually(
      async () => (await db.managerReplica.findUnique({ where: { id: 'pg-restart' } }))?.workerId,
      60_000,
      'replica registered',
    );
    const held = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const created = await createCluster(ctx, {
      name: 'pg-restart',
      cluster_template_version_id: versionId,
      values: {},
    });
    await held;
    await eventually(
      () =>
        db.clusterOperation.findFirst({
          where: { clusterId: created.id, status: 'RUNNING', lastCompletedPhase: { not: null } },
        }),
      30_000,
      'operation running past a phase',
    );

    await server.stop();
    server = await startEmbeddedPostgres({ dataDir, port: pgPort });
    // The phase ends only now, with the database back: the run goes on from here.
    release?.();

    await eventually(
      async () =>
        (await db.cluster.findUniqueOrThrow({ where: { id: created.id } })).status === 'IN_SYNC',
      60_000,
      'in_sync after the PostgreSQL restart',
    ).catch(async (error: unknown) => {
      if (process.env.DEBUG_CHAOS) {
        console.log(
          'DUMP ops',
          JSON.stringify(
            await db.clusterOperation.findMany({
              where: { clusterId: created.id },
              select: {
                status: true,
                attempt: true,
                lastCompletedPhase: true,
                managerInstanceId: true,
                heartbeatAt: true,
                startedAt: true,
              },
            }),
          ),
        );
        console.log(
          'DUMP cluster',
          (await db.cluster.findUniqueOrThrow({ where: { id: created.id } })).status,
        );
        console.log(
          'DUMP jobs',
          JSON.stringify(
            await db.$queryRaw`SELECT task_identifier, attempts, locked_by, locked_at, run_at, last_error FROM graphile_worker.jobs`,
          ),
        );
        console.log(
          'DUMP sim',
          JSON.stringify(sim.clusters.list().map((c) => [c.status, c.completedBootstrapPhases])),
        );
        console.log(
          'DUMP activity',
          JSON.stringify(
            await db.$queryRaw`SELECT pid, state, wait_event_type, wait_event, left(query, 100) AS q FROM pg_stat_activity WHERE datname = current_database()`,
          ),
        );
      }
      throw error;
    });
    const ops = await db.clusterOperation.findMany({ where: { clusterId: created.id } });
    expect(ops.map((o) => [o.kind, o.status])).toEqual([['INSTALL', 'SUCCEEDED']]);
    expect(
      await db.clusterOperation.count({ where: { status: { in: ['QUEUED', 'RUNNING'] } } }),
    ).toBe(0);
    await eventually(
      async () => {
        const jobs = await db.$queryRaw<{ n: bigint }[]>`
          SELECT count(*) AS n FROM graphile_worker._private_jobs
          WHERE payload->>'operationId' = ${ops[0]!.id}`;
        return Number(jobs[0]!.n) === 0;
      },
      20_000,
      'no jobs left',
    );
    const virtual = sim.clusters.list().filter((c) => c.uuid === created.uuid);
    expect(virtual).toHaveLength(1);
    expect(virtual[0]!.status).toBe('ready');
    const phases = virtual[0]!.completedBootstrapPhases;
    expect(new Set(phases).size).toBe(phases.length);
    expect(child.exitCode).toBeNull();
  }, 150_000);
});

/**
 * The API killed mid-request: a create either happened completely (the cluster, its install
 * operation and its job, committed together) or not at all. One test holds the request's
 * transaction at the operation insert (a table lock taken by the test), so the kill lands inside
 * it; the other kills the API right after the answer. After a restart of the API everything is
 * consistent and the install, if any, runs exactly once.
 */
describe('chaos: API killed mid-request', () => {
  const keys = generateEncryptionKeys();
  const token = `chaos-bootstrap-${Date.now()}-0123456789abcdef`;
  let database: TestDatabase;
  let sim: DhctlSim;
  let apiPort = 0;
  let api: ChildProcess | null = null;
  let versionId = '';
  let wsToken = '';
  const children: ChildProcess[] = [];
  const output: string[] = [];

  function launch(name: string, script: string, env: Record<string, string>): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        LOG_LEVEL: process.env.DEBUG_CHAOS ? 'info' : 'warn',
        ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: keys.primaryKey as string,
        ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: keys.deterministicKey,
        ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: keys.keyDerivationSalt,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c: Buffer) => output.push(`[${name}] ${c.toString()}`));
    child.stderr?.on('data', (c: Buffer) => output.push(`[${name}] ${c.toString()}`));
    children.push(child);
    return child;
  }

  async function startApi(): Promise<ChildProcess> {
    const child = launch('api', 'apps/api/src/main.ts', {
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      COMMANDER_PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
      COMMANDER_BOOTSTRAP_TOKEN: token,
      COMMANDER_WEB_DIST: '/nonexistent',
    });
    await eventually(
      async () => (await fetch(`http://127.0.0.1:${apiPort}/readyz`)).ok,
      60_000,
      'API up',
    );
    return child;
  }

  async function killHard(child: ChildProcess): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve();
      } else {
        child.once('exit', () => resolve());
      }
    });
    child.kill('SIGKILL');
    await exited;
  }

  function postCluster(name: string): Promise<Response> {
    return fetch(`http://127.0.0.1:${apiPort}/api/v1/clusters`, {
      method: 'POST',
      headers: { 'x-auth-token': wsToken, 'content-type': 'application/json' },
      body: JSON.stringify({ name, cluster_template_version_id: versionId, values: {} }),
    });
  }

  /** Every cluster has its install operation and every queued operation its job, and back. */
  async function assertNothingHalfWritten(): Promise<void> {
    const db = database.db;
    const orphans = await db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM clusters c
      WHERE NOT EXISTS (SELECT 1 FROM cluster_operations o WHERE o.cluster_id = c.id)`;
    expect(Number(orphans[0]!.n)).toBe(0);
    const jobless = await db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM cluster_operations o
      WHERE o.status = 'QUEUED' AND NOT EXISTS (
        SELECT 1 FROM graphile_worker._private_jobs j WHERE j.payload->>'operationId' = o.id::text)`;
    expect(Number(jobless[0]!.n)).toBe(0);
    const operationless = await db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM graphile_worker._private_jobs j
      WHERE j.payload->>'operationId' IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM cluster_operations o WHERE o.id::text = j.payload->>'operationId')`;
    expect(Number(operationless[0]!.n)).toBe(0);
  }

  /** The cluster `name` installs exactly once (one operation, one virtual cluster). */
  async function assertInstalledOnce(name: string): Promise<void> {
    const db = database.db;
    const cluster = await eventually(
      async () => {
        const row = await db.cluster.findFirst({ where: { name } });
        return row?.status === 'IN_SYNC' ? row : null;
      },
      60_000,
      `${name} in_sync`,
    );
    const ops = await db.clusterOperation.findMany({ where: { clusterId: cluster.id } });
    expect(ops.map((o) => [o.kind, o.status])).toEqual([['INSTALL', 'SUCCEEDED']]);
    await eventually(
      async () => {
        const jobs = await db.$queryRaw<{ n: bigint }[]>`
          SELECT count(*) AS n FROM graphile_worker._private_jobs
          WHERE payload->>'operationId' = ${ops[0]!.id}`;
        return Number(jobs[0]!.n) === 0;
      },
      20_000,
      'no jobs left',
    );
    const virtual = sim.clusters.list().filter((c) => c.uuid === cluster.uuid);
    expect(virtual).toHaveLength(1);
    expect(virtual[0]!.status).toBe('ready');
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startDhctlSim({ phaseDelayMs: 0, agents: false });
    apiPort = await freePort();
    api = await startApi();
    const workspace = await database.db.workspace.findUniqueOrThrow({ where: { slug: 'default' } });
    versionId = (await createTestTemplate(database.db, workspace.id)).versionId;
    const issued = await fetch(`http://127.0.0.1:${apiPort}/api/v1/auth_tokens`, {
      method: 'POST',
      headers: { 'x-auth-token': token, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'chaos', workspace_id: workspace.id, scope: 'write' }),
    });
    expect(issued.status).toBe(201);
    wsToken = ((await issued.json()) as { token: string }).token;
    launch('manager', 'apps/manager/src/main.ts', {
      DHCTL_SERVER_ADDRESS: sim.grpcAddress,
      MANAGER_REPLICA_ID: 'api-chaos',
      MANAGER_HEARTBEAT_MS: '300',
      MANAGER_RECONCILE_EVERY_MS: '600000',
    });
  }, 120_000);

  afterAll(async () => {
    if (process.env.DEBUG_CHAOS) {
      process.stderr.write(output.join(''));
    }
    for (const child of children) {
      child.kill('SIGKILL');
    }
    await sim?.stop();
    await database?.drop();
  });

  it('killed inside the create transaction: nothing of the cluster exists; a retry installs once', async () => {
    const blocker = new pg.Client({ connectionString: database.url });
    await blocker.connect();
    try {
      // The create's transaction stops at its operation insert, after the cluster insert.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE cluster_operations IN EXCLUSIVE MODE');
      const request = postCluster('api-kill-inside').catch((error: unknown) => error);
      // (Polled from another connection: inside a transaction pg_stat_activity is a snapshot.)
      const waiting = await eventually(
        async () => {
          const rows = await database.db.$queryRaw<{ pid: number }[]>`
            SELECT pid FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'
              AND query ILIKE 'INSERT INTO%cluster_operations%'`;
          return rows[0] ?? null;
        },
        30_000,
        'the create transaction waiting at the operation insert',
      );
      // It has written the cluster row already (uncommitted): the kill lands between the two.
      const held = await database.db.$queryRaw<unknown[]>`
        SELECT 1 FROM pg_locks
        WHERE pid = ${waiting.pid} AND relation = 'clusters'::regclass
          AND mode = 'RowExclusiveLock' AND granted`;
      expect(held).toHaveLength(1);
      await killHard(api!);
      expect(await request).toBeInstanceOf(Error);
      await blocker.query('COMMIT');
      // The orphaned backend finds its client gone and rolls back.
      await eventually(
        async () =>
          (
            await database.db.$queryRaw<unknown[]>`
              SELECT 1 FROM pg_stat_activity WHERE pid = ${waiting.pid}`
          ).length === 0,
        30_000,
        'the killed request backend ended',
      );
    } finally {
      await blocker.end();
    }
    expect(await database.db.cluster.count({ where: { name: 'api-kill-inside' } })).toBe(0);
    await assertNothingHalfWritten();

    api = await startApi();
    const retried = await postCluster('api-kill-inside');
    expect(retried.status).toBe(201);
    await assertInstalledOnce('api-kill-inside');
    await assertNothingHalfWritten();
  }, 120_000);

  it('killed right after answering: the cluster and its one install survive and run once', async () => {
    const created = await postCluster('api-kill-after');
    expect(created.status).toBe(201);
    await killHard(api!);
    const ops = await database.db.clusterOperation.findMany({
      where: { cluster: { name: 'api-kill-after' } },
    });
    expect(ops.map((o) => o.kind)).toEqual(['INSTALL']);
    await assertNothingHalfWritten();

    api = await startApi();
    await assertInstalledOnce('api-kill-after');
    await assertNothingHalfWritten();
  }, 120_000);
});
