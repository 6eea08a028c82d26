import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { createAuthToken, createCluster } from '@commander/core';
import { generateEncryptionKeys } from '@commander/crypto';
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
    child.stdout?.on('data', (c: Buffer) => output.push(`[${name}] ${c.toString()}`));
    child.stderr?.on('data', (c: Buffer) => output.push(`[${name}] ${c.toString()}`));
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
    await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/build.ts', 'api', 'manager', 'dhctl-sim'],
      {
        cwd: ROOT,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
  }, 240_000);

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
    const port = await freePort();
    const api = startNode('api', 'apps/api/dist/main.js', {
      HOST: '127.0.0.1',
      PORT: String(port),
      RENDER_WORKERS: '1',
    });
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
    const [grpcPort, httpPort, metricsPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    startNode('dhctl-sim', 'apps/dhctl-sim/dist/main.js', {
      DHCTL_SIM_HOST: '127.0.0.1',
      DHCTL_SIM_GRPC_PORT: String(grpcPort),
      DHCTL_SIM_HTTP_PORT: String(httpPort),
      DHCTL_SIM_PHASE_DELAY_MS: '0',
      DHCTL_SIM_AGENTS: 'off',
    });
    await eventually(() => ok(`http://127.0.0.1:${httpPort}/healthz`), 60_000, 'compiled sim');
    startNode('manager', 'apps/manager/dist/main.js', {
      DHCTL_SERVER_ADDRESS: `127.0.0.1:${grpcPort}`,
      MANAGER_REPLICA_ID: 'compiled',
      MANAGER_HEARTBEAT_MS: '300',
      METRICS_PORT: String(metricsPort),
      METRICS_HOST: '127.0.0.1',
    });
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
