import { type ChildProcess, execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { checkClusterNow, createCluster, silentLogger } from '@commander/core';
import { generateEncryptionKeys } from '@commander/crypto';
import { createTestDatabase, type TestDatabase } from '@commander/db/testing';
import { createDhctlClient } from '@commander/dhctl';
import { type DhctlSim, startDhctlSim } from '@commander/dhctl-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  inheritedServerEnvironment,
  ManagedDhctlServers,
  type ManagedDhctlSettings,
  parseCommandTemplate,
} from '../src/dhctl-servers.js';
import { eventually, installationContext } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const exec = promisify(execFile);

/** The simulator as the managed dhctl server: one process per DKP version, on `{port}`. */
const SIM_COMMAND =
  'env DHCTL_SIM_GRPC_PORT={port} DHCTL_SIM_HTTP_PORT=0 DHCTL_SIM_VERSION=dhctl-{version} ' +
  `DHCTL_SIM_AGENTS=off DHCTL_SIM_PHASE_DELAY_MS=0 '${process.execPath}' --import tsx ` +
  'apps/dhctl-sim/src/main.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pids of `pid`'s children. */
async function childrenOf(pid: number): Promise<number[]> {
  const { stdout } = await exec('ps', ['-o', 'pid=', '--ppid', String(pid)]).catch(() => ({
    stdout: '',
  }));
  return stdout
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((n) => n > 0);
}

async function requests(address: string, method: string): Promise<number> {
  const client = createDhctlClient(address);
  try {
    const status = await client.getStatus();
    const hit = Object.entries(status.requests_by_method).find(([m]) => m.endsWith(`/${method}`));
    return Number(hit?.[1] ?? 0);
  } finally {
    client.close();
  }
}

/**
 * Managed dhctl servers with real processes (the simulator started from the command template):
 * one process per version however many ask at once, reused while it answers, started again
 * after a crash, stopped when idle and with the manager.
 */
describe('managed dhctl servers (pool)', () => {
  const pools: ManagedDhctlServers[] = [];
  function pool(overrides: Partial<ManagedDhctlSettings> = {}): ManagedDhctlServers {
    const created = new ManagedDhctlServers(
      {
        command: parseCommandTemplate(SIM_COMMAND),
        idleMs: 600_000,
        startTimeoutMs: 60_000,
        defaultVersion: null,
        cwd: ROOT,
        env: inheritedServerEnvironment(process.env),
        ...overrides,
      },
      silentLogger,
    );
    pools.push(created);
    return created;
  }

  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it('concurrent needs of one version start one process; later needs reuse it', async () => {
    const servers = pool();
    const clients = await Promise.all(
      Array.from({ length: 6 }, (_, i) => servers.clientFor(i % 2 ? '1.69' : '1.70')),
    );
    const running = servers.list();
    expect(running.map((s) => s.version).sort()).toEqual(['1.69', '1.70']);
    expect(new Set(clients.map((c) => c.address)).size).toBe(2);
    // Each answers as the server of its version's process.
    for (const client of clients) {
      await expect(client.getStatus()).resolves.toBeDefined();
    }
    const again = await servers.clientFor('1.69');
    expect(servers.list()).toEqual(running);
    expect(again.address).toBe(running.find((s) => s.version === '1.69')!.address);
  }, 120_000);

  it('a crashed server is started again on the next need', async () => {
    const servers = pool();
    await servers.clientFor('1.69');
    const [first] = servers.list();
    process.kill(first!.pid, 'SIGKILL');
    await eventually(async () => !alive(first!.pid), 10_000, 'killed');
    const client = await servers.clientFor('1.69');
    const [second] = servers.list();
    expect(second!.pid).not.toBe(first!.pid);
    await expect(client.getStatus()).resolves.toBeDefined();
  }, 120_000);

  it('an idle server is stopped, one with a call in flight is not; the next need starts it again', async () => {
    const servers = pool({ idleMs: 1_000 });
    const busy = await servers.clientFor('1.71');
    const idle = await servers.clientFor('1.72');
    const pidOf = (version: string) => servers.list().find((s) => s.version === version)?.pid;
    // A streaming call held open (its log hook does not return) keeps 1.71 in use.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let logged!: () => void;
    const inCall = new Promise<void>((resolve) => (logged = resolve));
    const call = busy.check(
      { options: { commander_mode: true } },
      {
        onLogs: async () => {
          logged();
          await held;
        },
      },
    );
    await inCall;
    await idle.getStatus();
    // (Either may have been stopped as idle and started again meanwhile: take them now.)
    const [busyPid, idlePid] = [pidOf('1.71')!, pidOf('1.72')!];
    // 1.72 was used last, after 1.71's last use began: once it is stopped as idle, 1.71 has
    // been idle as long, and only its call in flight keeps it.
    await eventually(async () => !alive(idlePid), 30_000, 'idle server stopped');
    expect(servers.list().map((s) => s.version)).toEqual(['1.71']);
    expect(alive(busyPid)).toBe(true);
    release();
    await call;
    await eventually(async () => servers.list().length === 0, 30_000, 'stopped after its call');
    await eventually(async () => !alive(busyPid), 15_000, 'process gone');
    await servers.clientFor('1.71');
    expect(pidOf('1.71')).not.toBe(busyPid);
  }, 120_000);

  it('close() stops every server', async () => {
    const servers = pool();
    await servers.clientFor('1.69');
    await servers.clientFor('1.70');
    const pids = servers.list().map((s) => s.pid);
    expect(pids).toHaveLength(2);
    await servers.close();
    for (const pid of pids) expect(alive(pid)).toBe(false);
    await expect(servers.clientFor('1.69')).rejects.toThrow(/stopping/);
  }, 120_000);

  it('a command that does not start fails with the version and its output', async () => {
    const servers = pool({
      command: parseCommandTemplate(
        `'${process.execPath}' -e "console.error('no dhctl {version} here'); process.exit(3)" {port}`,
      ),
    });
    await expect(servers.clientFor('1.69')).rejects.toThrow(
      /dhctl server for DKP version 1\.69 did not start: it exited \(3\): no dhctl 1\.69 here/,
    );
    expect(servers.list()).toEqual([]);
  }, 60_000);
});

/**
 * A manager process with DHCTL_SERVER_COMMAND: installs through the managed server of the
 * default version, sends a cluster with a statically configured version to the static server
 * (precedence), and its managed server does not outlive a SIGKILL of the manager.
 */
describe('managed dhctl servers (manager process)', () => {
  let database: TestDatabase;
  let staticSim: DhctlSim;
  const keys = generateEncryptionKeys();
  const live = new Set<ChildProcess>();
  const output: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    staticSim = await startDhctlSim({ phaseDelayMs: 0, agents: false, httpPort: null });
  });

  afterAll(async () => {
    if (process.env.DEBUG_MANAGED) process.stderr.write(output.join(''));
    for (const child of live) child.kill('SIGKILL');
    await staticSim?.stop();
    await database?.drop();
  });

  function startManager(name: string): ChildProcess {
    const manager = spawn(process.execPath, ['--import', 'tsx', 'apps/manager/src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: database.url,
        LOG_LEVEL: process.env.DEBUG_MANAGED ? 'info' : 'warn',
        MANAGER_REPLICA_ID: name,
        MANAGER_HEARTBEAT_MS: '300',
        MANAGER_RECONCILE_EVERY_MS: '600000',
        ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: keys.primaryKey as string,
        ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: keys.deterministicKey,
        ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: keys.keyDerivationSalt,
        DHCTL_SERVERS: JSON.stringify({ '1.70': staticSim.grpcAddress }),
        DHCTL_SERVER_COMMAND: SIM_COMMAND,
        DHCTL_SERVER_DEFAULT_VERSION: '1.69',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(manager);
    manager.once('exit', () => live.delete(manager));
    manager.stdout.on('data', (c: Buffer) => output.push(`[${name}] ${c.toString()}`));
    manager.stderr.on('data', (c: Buffer) => output.push(`[${name}] ${c.toString()}`));

    return manager;
  }

  it('installs through the managed server, keeps static precedence, stops its servers on SIGTERM and leaves no orphan after SIGKILL', async () => {
    const { ctx, versionId } = await installationContext(database.db, keys, 'managed');
    const manager = startManager('managed');

    // No version reported yet: the install runs on the managed server of the default version.
    const cluster = await createCluster(ctx, {
      name: 'managed',
      cluster_template_version_id: versionId,
      values: {},
    });
    const install = await eventually(
      () =>
        database.db.clusterOperation.findFirst({
          where: { clusterId: cluster.id, status: { in: ['SUCCEEDED', 'FAILED'] } },
        }),
      120_000,
      'install finished',
    );
    expect([install.kind, install.status, install.error]).toEqual(['INSTALL', 'SUCCEEDED', null]);
    const [managedPid] = await childrenOf(manager.pid!);
    expect(managedPid).toBeDefined();
    const logs = await database.db.operationLog.findMany({ where: { operationId: install.id } });
    const address = /with dhctl at (127\.0\.0\.1:\d+)/.exec(
      logs.map((l) => l.line).join('\n'),
    )?.[1];
    expect(address).toBeDefined();
    expect(address).not.toBe(staticSim.grpcAddress);
    expect(await requests(address!, 'Bootstrap')).toBe(1);
    expect(await requests(staticSim.grpcAddress, 'Bootstrap')).toBe(0);

    // The agent reports 1.70, which DHCTL_SERVERS names: the check goes to the static server.
    await database.db.cluster.update({
      where: { id: cluster.id },
      data: { agentData: [{ source: 'overview', data: { dkp_version: 'v1.70.2' } }] },
    });
    await checkClusterNow(ctx, cluster.id);
    await eventually(
      () =>
        database.db.clusterOperation.findFirst({
          where: { clusterId: cluster.id, kind: 'CHECK', status: { in: ['SUCCEEDED', 'FAILED'] } },
        }),
      60_000,
      'check finished',
    );
    expect(await requests(staticSim.grpcAddress, 'Check')).toBe(1);
    expect(await requests(address!, 'Check')).toBe(0);

    // SIGKILL: no shutdown code runs; the managed server notices its manager is gone.
    manager.kill('SIGKILL');
    await eventually(async () => !alive(managedPid!), 30_000, 'managed server gone');

    // A manager stopped normally (SIGTERM) stops its servers before it exits.
    const second = startManager('managed-2');
    await database.db.cluster.update({
      where: { id: cluster.id },
      data: { agentData: [{ source: 'overview', data: { dkp_version: 'v1.69.4' } }] },
    });
    await checkClusterNow(ctx, cluster.id);
    const [secondPid] = await eventually(
      async () => {
        const pids = await childrenOf(second.pid!);
        return pids.length ? pids : null;
      },
      60_000,
      'managed server of 1.69 started by the second manager',
    );
    const exited = new Promise<number | null>((resolve) => second.once('exit', resolve));
    second.kill('SIGTERM');
    expect(await exited).toBe(0);
    await eventually(async () => !alive(secondPid!), 10_000, 'stopped with its manager');
  }, 240_000);
});
