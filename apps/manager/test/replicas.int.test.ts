import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { createCluster, getCluster, type ServiceContext } from '@commander/core';
import { generateEncryptionKeys } from '@commander/crypto';
import { createTestDatabase, type TestDatabase } from '@commander/db/testing';
import { type DhctlSim, startDhctlSim } from '@commander/dhctl-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually, installationContext } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Real manager processes (as `pnpm start` runs them) against one database and simulator:
 * a replica killed with SIGKILL mid-operation, and one stopped with SIGTERM.
 */
describe('manager replicas as processes', () => {
  let database: TestDatabase;
  let sim: DhctlSim;
  let ctx: ServiceContext;
  let versionId: string;
  const keys = generateEncryptionKeys();
  const processes = new Map<string, ChildProcess>();
  const stderr: string[] = [];

  function startReplica(id: string): ChildProcess {
    // node --import tsx: one process (the tsx CLI would be a wrapper around a second one).
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/manager/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        DHCTL_SERVER_ADDRESS: sim.grpcAddress,
        MANAGER_REPLICA_ID: id,
        MANAGER_HEARTBEAT_MS: '300',
        MANAGER_DEAD_AFTER_MS: '2000',
        MANAGER_RECONCILE_EVERY_MS: '600000',
        LOG_LEVEL: process.env.DEBUG_REPLICAS ? 'info' : 'warn',
        ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: keys.primaryKey as string,
        ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: keys.deterministicKey,
        ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: keys.keyDerivationSalt,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(`[${id}] ${chunk.toString()}`));
    child.stdout?.on('data', (chunk: Buffer) => stderr.push(`[${id}] ${chunk.toString()}`));
    processes.set(id, child);
    return child;
  }

  async function replicasAlive(ids: string[]): Promise<void> {
    await eventually(
      async () => {
        const rows = await database.db.managerReplica.findMany({
          where: { id: { in: ids }, stoppedAt: null, workerId: { not: null } },
        });
        return rows.length === ids.length;
      },
      60_000,
      `replicas ${ids.join(', ')} up`,
    );
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    // Slow phases: the operation must still be running when its replica dies.
    sim = await startDhctlSim({ phaseDelayMs: 700 });
    ({ ctx, versionId } = await installationContext(database.db, keys, 'tester'));
  });

  afterAll(async () => {
    if (process.env.DEBUG_REPLICAS) {
      process.stderr.write(stderr.join(''));
    }
    for (const child of processes.values()) {
      if (child.exitCode === null) {
        child.kill('SIGKILL');
      }
    }
    await sim?.stop();
    await database?.drop();
  });

  it('a replica killed with SIGKILL mid-install: another takes over, resumes after the last phase, completes exactly once', async () => {
    startReplica('crash-a');
    startReplica('crash-b');
    await replicasAlive(['crash-a', 'crash-b']);
    const created = await createCluster(ctx, {
      name: 'crash',
      cluster_template_version_id: versionId,
      values: {},
    });
    const db = database.db;
    const running = await eventually(
      () =>
        db.clusterOperation.findFirst({
          where: { clusterId: created.id, status: 'RUNNING', lastCompletedPhase: { not: null } },
        }),
      30_000,
      'install running past a phase',
    );
    const victim = running.managerReplicaId!;
    const survivor = victim === 'crash-a' ? 'crash-b' : 'crash-a';
    processes.get(victim)!.kill('SIGKILL');

    const ready = await eventually(
      async () => {
        const c = await getCluster(ctx, created.id);
        return c.status === 'in_sync' ? c : null;
      },
      60_000,
      'in_sync after takeover',
    );
    expect(ready.was_created).toBe(true);

    const ops = await db.clusterOperation.findMany({ where: { clusterId: created.id } });
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({
      kind: 'INSTALL',
      status: 'SUCCEEDED',
      managerReplicaId: survivor,
    });
    expect(ops[0]!.attempt).toBe(2);
    const logs = await db.operationLog.findMany({
      where: { operationId: ops[0]!.id },
      orderBy: { seq: 'asc' },
    });
    expect(logs.map((l) => l.seq)).toEqual(logs.map((_, i) => i + 1));
    expect(logs.some((l) => l.line.startsWith('Resuming the installation after phase'))).toBe(true);
    const dead = await db.managerReplica.findUniqueOrThrow({ where: { id: victim } });
    expect(dead.stoppedAt).not.toBeNull();
    // The virtual cluster was bootstrapped once: one cluster, and no bootstrap phase twice.
    const simClusters = sim.clusters.list().filter((c) => c.status === 'ready');
    expect(simClusters).toHaveLength(1);
    const phases = simClusters[0]!.completedBootstrapPhases;
    expect(new Set(phases).size).toBe(phases.length);
  }, 120_000);

  it('a replica stopped with SIGTERM hands its operation back after the current phase', async () => {
    startReplica('term-c');
    await replicasAlive(['term-c']);
    const created = await createCluster(ctx, {
      name: 'term',
      cluster_template_version_id: versionId,
      values: {},
    });
    const db = database.db;
    // Whichever replica runs it (the surviving one of the first test, or term-c) is stopped.
    const running = await eventually(
      () =>
        db.clusterOperation.findFirst({
          where: { clusterId: created.id, status: 'RUNNING', lastCompletedPhase: { not: null } },
        }),
      30_000,
      'install running',
    );
    const stopped = running.managerReplicaId!;
    processes.get(stopped)!.kill('SIGTERM');
    await eventually(
      async () => processes.get(stopped)!.exitCode !== null,
      30_000,
      'replica to exit',
    );
    expect(processes.get(stopped)!.exitCode).toBe(0);
    if (![...processes.values()].some((p) => p.exitCode === null)) {
      startReplica('term-d');
    }
    await eventually(
      async () => (await getCluster(ctx, created.id)).status === 'in_sync',
      60_000,
      'in_sync after hand-back',
    );
    const op = await db.clusterOperation.findFirstOrThrow({ where: { clusterId: created.id } });
    expect(op.status).toBe('SUCCEEDED');
    expect(op.managerReplicaId).not.toBe(stopped);
    const logs = await db.operationLog.findMany({ where: { operationId: op.id } });
    expect(logs.some((l) => l.line.includes('handing the operation back'))).toBe(true);
  }, 120_000);
});
