import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { createTestTemplate } from '@commander/core/testing';
import {
  createDb,
  type EmbeddedServer,
  migrateDatabase,
  startEmbeddedPostgres,
  withDatabase,
} from '@commander/db';
import { type DhctlSim, startDhctlSim } from '@commander/dhctl-sim';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';

import { eventually } from './helpers.js';

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
 * The API and a manager replica, as processes, outlive a PostgreSQL restart: no crash, and they
 * serve and run operations again once the database is back, without anyone touching them.
 */
describe('a PostgreSQL restart', () => {
  const dataDir = path.join(ROOT, `.data/test-restart-${process.pid}`);
  let pgPort = 0;
  let server: EmbeddedServer;
  let url = '';
  let sim: DhctlSim;
  let apiPort = 0;
  const children: ChildProcess[] = [];
  const output: string[] = [];
  const token = `restart-bootstrap-${Date.now()}-0123456789abcdef`;

  function launch(name: string, script: string, env: Record<string, string>): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c: Buffer) => output.push(`[${name}] ${c.toString()}`));
    child.stderr?.on('data', (c: Buffer) => output.push(`[${name}] ${c.toString()}`));
    children.push(child);
    return child;
  }

  async function api(
    method: string,
    urlPath: string,
    body?: unknown,
    auth = token,
  ): Promise<{ status: number; json: any }> {
    const res = await fetch(`http://127.0.0.1:${apiPort}${urlPath}`, {
      method,
      headers: { 'x-auth-token': auth, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  }

  beforeAll(async () => {
    pgPort = await freePort();
    apiPort = await freePort();
    server = await startEmbeddedPostgres({ dataDir, port: pgPort });
    url = withDatabase(server.url, 'commander');
    await migrateDatabase(url);
    sim = await startDhctlSim({ phaseDelayMs: 0 });
    const env = {
      DATABASE_URL: url,
      COMMANDER_KEY_FILE: path.join(dataDir, 'keys.json'),
      LOG_LEVEL: 'warn',
      COMMANDER_PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
    };
    launch('api', 'apps/api/src/main.ts', {
      ...env,
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      COMMANDER_BOOTSTRAP_TOKEN: token,
      COMMANDER_WEB_DIST: '/nonexistent',
    });
    await eventually(
      async () => (await fetch(`http://127.0.0.1:${apiPort}/readyz`)).ok,
      60_000,
      'API up',
    );
    launch('manager', 'apps/manager/src/main.ts', {
      ...env,
      DHCTL_SERVER_ADDRESS: sim.grpcAddress,
      MANAGER_REPLICA_ID: 'restart-1',
      MANAGER_HEARTBEAT_MS: '500',
    });
  }, 120_000);

  afterAll(async () => {
    if (process.env.DEBUG_RESTART) {
      process.stderr.write(output.join(''));
    }
    for (const child of children) {
      child.kill('SIGKILL');
    }
    await sim?.stop();
    await server?.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is survived by the API and the manager without manual action', async () => {
    // It timed out once in a full run (after-restart never in_sync) and passed alone: when it
    // fails, the processes' last output says why.
    onTestFailed(() => {
      process.stderr.write(`--- API, manager and dhctl-sim output (last 20,000 characters) ---\n`);
      process.stderr.write(`${output.join('').slice(-20_000)}\n`);
    });
    const db = createDb(url, { poolSize: 1 });
    const workspace = await db.workspace.findUniqueOrThrow({ where: { slug: 'default' } });
    const { versionId } = await createTestTemplate(db, workspace.id);
    await db.$disconnect();
    const issued = await api('POST', '/api/v1/auth_tokens', {
      name: 'restart',
      workspace_id: workspace.id,
      scope: 'write',
    });
    const wsToken = issued.json.token as string;
    const createAndWait = async (name: string) => {
      const created = await api(
        'POST',
        '/api/v1/clusters',
        { name, cluster_template_version_id: versionId, values: {} },
        wsToken,
      );
      expect(created.status, JSON.stringify(created.json)).toBe(201);
      await eventually(
        async () =>
          (await api('GET', `/api/v1/clusters/${created.json.id}`, undefined, wsToken)).json
            .status === 'in_sync',
        60_000,
        `${name} in_sync`,
      );
    };
    await createAndWait('before-restart');

    await server.stop();
    await expect
      .poll(async () => (await fetch(`http://127.0.0.1:${apiPort}/readyz`)).status, {
        timeout: 30_000,
      })
      .toBe(503);
    server = await startEmbeddedPostgres({ dataDir, port: pgPort });

    await eventually(
      async () => (await fetch(`http://127.0.0.1:${apiPort}/readyz`)).ok,
      60_000,
      'API ready again',
    );
    await createAndWait('after-restart');
    for (const child of children) {
      expect(child.exitCode).toBeNull();
    }
  }, 240_000);
});
