// commander-connector as its own process, against real PostgreSQL: an agent's tunnel with the
// cluster's key is held (a bad key is refused), a request forwarded by an API replica (internal
// listener, shared secret) reaches the agent's Kubernetes API, the tunnel comes back after the
// connector restarts, and a key that is no longer accepted (rotated away, or its cluster
// archived) is refused at once and its held tunnel closed: the cache is invalidated through
// PostgreSQL LISTEN, not by waiting out its TTL.
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  bootstrapInstallation,
  createCluster,
  ensureAgentKey,
  rotateAgentKey,
  type ServiceContext,
  silentLogger,
} from '@commander/core';
import { createTestTemplate } from '@commander/core/testing';
import { createEncryptor, generateEncryptionKeys } from '@commander/crypto';
import { createTestDatabase, type TestDatabase } from '@commander/db/testing';
import { TunnelAgent } from '@commander/tunnel';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SECRET = 'connector-test-secret-0123456789abcdef';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('commander-connector (its own process)', () => {
  const keys = generateEncryptionKeys();
  const output: string[] = [];
  let database: TestDatabase;
  let ctx: ServiceContext;
  let versionId = '';
  let kube: http.Server;
  let kubeUrl = '';
  let port = 0;
  let internalPort = 0;
  let connector: ChildProcess | null = null;
  const agents: TunnelAgent[] = [];

  const log = () => output.join('').slice(-3000);

  async function startConnector(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/connector/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        HOST: '127.0.0.1',
        PORT: String(port),
        COMMANDER_CONNECTOR_INTERNAL_HOST: '127.0.0.1',
        COMMANDER_CONNECTOR_INTERNAL_PORT: String(internalPort),
        COMMANDER_CONNECTOR_SECRET: SECRET,
        // Long: only the LISTEN invalidation can make a change take effect within the test.
        AGENT_KEY_CACHE_TTL_SECONDS: '3600',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c: Buffer) => output.push(c.toString()));
    child.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
    connector = child;
    await vi.waitFor(
      async () => expect((await fetch(`http://127.0.0.1:${port}/healthz`)).ok, log()).toBe(true),
      { timeout: 60_000, interval: 200 },
    );
  }

  async function stopConnector(): Promise<void> {
    const child = connector;
    connector = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  /** The status a tunnel upgrade with `key` gets (101 when accepted). */
  function upgradeStatus(uuid: string, key: string | null): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        path: `/agent_api/${uuid}/tunnel`,
        headers: {
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
          ...(key === null ? {} : { authorization: `Bearer ${key}` }),
        },
      });
      req.on('upgrade', (_res, socket) => {
        socket.destroy();
        resolve(101);
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** A request as an API replica forwards it (internal listener, shared secret). */
  async function forwarded(
    clusterId: string,
    pathname: string,
    secret: string | null = SECRET,
  ): Promise<Response> {
    return fetch(`http://127.0.0.1:${internalPort}/internal/tunnels/${clusterId}${pathname}`, {
      headers: {
        ...(secret === null ? {} : { 'x-commander-connector-secret': secret }),
        'impersonate-user': 'someone@commander.test',
      },
    });
  }

  async function newCluster(name: string): Promise<{ id: string; uuid: string; key: string }> {
    const cluster = await createCluster(ctx, {
      name,
      cluster_template_version_id: versionId,
      values: {},
    });
    const key = await database.db.$transaction((tx) =>
      ensureAgentKey(tx, ctx.encryptor, cluster.id),
    );
    return { id: cluster.id, uuid: cluster.uuid, key };
  }

  function connect(uuid: string, key: string): TunnelAgent {
    const agent = new TunnelAgent({
      url: `ws://127.0.0.1:${port}/agent_api/${uuid}/tunnel`,
      key,
      target: { baseUrl: kubeUrl },
      minBackoffMs: 50,
      maxBackoffMs: 300,
    });
    agent.start();
    agents.push(agent);
    return agent;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    const boot = await bootstrapInstallation(database.db, {});
    const workspace = await database.db.workspace.findUniqueOrThrow({
      where: { slug: 'default' },
    });
    ({ versionId } = await createTestTemplate(database.db, workspace.id));
    ctx = {
      db: database.db,
      actor: { type: 'user', id: null, name: 'connector-test' },
      workspace: { id: workspace.id, slug: workspace.slug },
      permissions: new Set<string>(['clusters:read', 'clusters:write', 'clusters:admin:write']),
      log: silentLogger,
      encryptor: createEncryptor(keys),
      instance: {
        publicHost: 'commander.test',
        publicUrl: 'http://commander.test',
        caBundle: '',
        commanderUuid: boot.commanderUuid,
      },
      auditSink: () => undefined,
    };
    // The cluster's Kubernetes API behind the agent: echoes what reached it.
    kube = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: req.url, user: req.headers['impersonate-user'] ?? null }));
    });
    await new Promise<void>((resolve) => kube.listen(0, '127.0.0.1', resolve));
    kubeUrl = `http://127.0.0.1:${(kube.address() as net.AddressInfo).port}`;
    port = await freePort();
    internalPort = await freePort();
    await startConnector();
  }, 120_000);

  afterAll(async () => {
    for (const agent of agents) {
      agent.stop();
    }
    await stopConnector();
    kube?.close();
    await database?.drop();
  });

  it('holds a tunnel opened with the cluster key, refuses others, and proxies forwarded requests', async () => {
    const a = await newCluster('conn-a');
    const b = await newCluster('conn-b');
    expect(await upgradeStatus(a.uuid, null)).toBe(401);
    expect(await upgradeStatus(a.uuid, 'cmdra_wrong')).toBe(401);
    expect(await upgradeStatus(a.uuid, b.key)).toBe(401);

    connect(a.uuid, a.key);
    await vi.waitFor(
      async () => {
        const res = await forwarded(a.id, '/api/v1/namespaces?limit=1');
        expect(res.status, log()).toBe(200);
        expect(await res.json()).toEqual({
          url: '/api/v1/namespaces?limit=1',
          user: 'someone@commander.test',
        });
      },
      { timeout: 20_000, interval: 100 },
    );
    // The tunnel is recorded for the API replicas to find.
    const rows = await database.db.$queryRaw<{ address: string }[]>`
      SELECT address FROM connector_tunnels WHERE cluster_id = ${a.id}::uuid`;
    expect(rows).toEqual([{ address: `http://127.0.0.1:${internalPort}` }]);
    // Without the replicas' secret, or with a wrong one: 401; a cluster without a tunnel: 503.
    expect((await forwarded(a.id, '/api/v1/namespaces', null)).status).toBe(401);
    expect((await forwarded(a.id, '/api/v1/namespaces', `${SECRET}x`)).status).toBe(401);
    expect((await forwarded(b.id, '/api/v1/namespaces')).status).toBe(503);
  });

  it('the agent reconnects after the connector restarts', async () => {
    const c = await newCluster('conn-restart');
    connect(c.uuid, c.key);
    await vi.waitFor(
      async () => expect((await forwarded(c.id, '/version')).status, log()).toBe(200),
      { timeout: 20_000, interval: 100 },
    );
    await stopConnector();
    await startConnector();
    await vi.waitFor(
      async () => {
        const res = await forwarded(c.id, '/version');
        expect(res.status, log()).toBe(200);
        expect(((await res.json()) as { url: string }).url).toBe('/version');
      },
      { timeout: 30_000, interval: 200 },
    );
  });

  it('a rotated-away key is refused at once and its tunnel closed (LISTEN, not the TTL)', async () => {
    const d = await newCluster('conn-rotate');
    connect(d.uuid, d.key);
    await vi.waitFor(
      async () => expect((await forwarded(d.id, '/version')).status, log()).toBe(200),
      { timeout: 20_000, interval: 100 },
    );
    // One rotation: the old key is the previous one, accepted for its grace period.
    await rotateAgentKey(ctx, d.id);
    expect(await upgradeStatus(d.uuid, d.key)).toBe(101);
    // That handshake replaced the agent's tunnel (and dropped it): the agent comes back with
    // the same, previous, key.
    await vi.waitFor(
      async () => expect((await forwarded(d.id, '/version')).status, log()).toBe(200),
      { timeout: 20_000, interval: 100 },
    );
    // A second: the first key is neither current nor previous any more.
    await rotateAgentKey(ctx, d.id);
    await vi.waitFor(
      async () => {
        expect(await upgradeStatus(d.uuid, d.key)).toBe(401);
        expect((await forwarded(d.id, '/version')).status, log()).toBe(503);
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(log()).toContain('its agent key is no longer accepted');
  });

  it("an archived cluster's current key, cached a moment ago, is refused at once", async () => {
    const e = await newCluster('conn-archive');
    connect(e.uuid, e.key);
    await vi.waitFor(
      async () => expect((await forwarded(e.id, '/version')).status, log()).toBe(200),
      { timeout: 20_000, interval: 100 },
    );
    // Served from the cache now (a current-key match); the agent's tunnel comes back after it.
    expect(await upgradeStatus(e.uuid, e.key)).toBe(101);
    await vi.waitFor(
      async () => expect((await forwarded(e.id, '/version')).status, log()).toBe(200),
      { timeout: 20_000, interval: 100 },
    );
    await database.db.cluster.update({ where: { id: e.id }, data: { archivedAt: new Date() } });
    await vi.waitFor(
      async () => {
        expect(await upgradeStatus(e.uuid, e.key)).toBe(401);
        expect((await forwarded(e.id, '/version')).status, log()).toBe(503);
      },
      { timeout: 10_000, interval: 100 },
    );
  });
});
