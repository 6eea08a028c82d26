import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  createCluster,
  ensureAgentKey,
  ensureTelemetryPartitionsFor,
  rollupTelemetry,
  type ServiceContext,
} from '@commander/core';
import { createTestTemplate } from '@commander/core/testing';
import { createEncryptor, generateEncryptionKeys } from '@commander/crypto';
import { utcDay } from '@commander/db';
import { createTestDatabase, type TestDatabase } from '@commander/db/testing';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { useTestApp } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DAY = 24 * 3600_000;

const SAMPLE = {
  cpu_cores: 8,
  cpu_usage: 2.5,
  memory_bytes: 32e9,
  memory_used_bytes: 10e9,
  storage_bytes: 400e9,
  node_count: 3,
  components: [{ name: 'deckhouse', availability: 1 }],
  alerts: [],
};

async function eventually<T>(
  check: () => Promise<T | null | undefined | false>,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await check();
      if (!value) {
        throw new Error(`timed out waiting for ${what}`);
      }
      return value;
    },
    { timeout: timeoutMs, interval: 50 },
  );
}

async function partitionExists(db: TestDatabase['db'], name: string): Promise<boolean> {
  const [row] = await db.$queryRaw<
    { ok: boolean }[]
  >`SELECT to_regclass(${name}) IS NOT NULL AS ok`;
  return row?.ok ?? false;
}

const partitionName = (resolution: string, d: Date) =>
  `telemetry_samples_${resolution}_${utcDay(d).replace(/-/g, '')}`;

describe('telemetry ingest (in-process)', () => {
  const t = useTestApp({ TELEMETRY_MAX_PENDING: '3' });
  let ctx: ServiceContext;
  let versionId = '';

  beforeAll(async () => {
    ({ versionId } = await createTestTemplate(t.db, t.defaultWorkspaceId));
    ctx = {
      ...t.systemContext(),
      workspace: { id: t.defaultWorkspaceId, slug: 'default' },
      permissions: new Set(['clusters:write', 'clusters:read']),
    };
  });

  async function clusterWithKey(name: string): Promise<{ id: string; uuid: string; key: string }> {
    const cluster = await createCluster(ctx, {
      name: `${name}-${t.suffix}`,
      cluster_template_version_id: versionId,
      values: {},
    });
    const key = await t.db.$transaction((tx) => ensureAgentKey(tx, ctx.encryptor, cluster.id));
    return { id: cluster.id, uuid: cluster.uuid, key };
  }

  const postTelemetry = (
    app: FastifyInstance,
    c: { uuid: string; key: string },
    body: object = SAMPLE,
  ) =>
    app.inject({
      method: 'POST',
      url: `/agent_api/${c.uuid}/telemetry`,
      headers: { authorization: `Bearer ${c.key}` },
      payload: body,
    });

  it('answers 503 with Retry-After when the buffer is full, and stores what it accepted', async () => {
    const c = await clusterWithKey('pressure');
    // Hold every batch at its INSERT: the samples accepted stay pending.
    const blocker = new pg.Client({ connectionString: t.database.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE telemetry_samples IN ACCESS EXCLUSIVE MODE');
      const accepted = [0, 1, 2].map((i) =>
        postTelemetry(t.app, c, { ...SAMPLE, ts: new Date(Date.now() - i * 1000).toISOString() }),
      );
      await eventually(async () => t.app.telemetryIngest.backlog === 3, 'three samples pending');
      const refused = await postTelemetry(t.app, c);
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('2');
      expect(refused.json().error.code).toBe('service_unavailable');
      await blocker.query('COMMIT');
      const results = await Promise.all(accepted);
      expect(results.map((r) => r.statusCode)).toEqual([204, 204, 204]);
    } finally {
      await blocker.end();
    }
    expect(await t.db.telemetrySample.count({ where: { clusterId: c.id } })).toBe(3);
    expect((await postTelemetry(t.app, c)).statusCode).toBe(204);
  });

  it('batches: many concurrent samples, every 204 a row, one snapshot per cluster', async () => {
    const clusters = await Promise.all([clusterWithKey('batch-a'), clusterWithKey('batch-b')]);
    const before = t.app.telemetryIngest.stats.batches;
    const sent = [];
    // Below the 3-sample bound: one wave at a time.
    for (let wave = 0; wave < 4; wave++) {
      const results = await Promise.all(
        clusters.map((c, i) =>
          postTelemetry(t.app, c, { ...SAMPLE, node_count: wave * 10 + i + 1 }),
        ),
      );
      sent.push(...results);
    }
    expect(sent.every((r) => r.statusCode === 204)).toBe(true);
    // Every 204 is a stored row at once; the snapshots follow their samples' commit.
    for (const c of clusters) {
      expect(await t.db.telemetrySample.count({ where: { clusterId: c.id } })).toBe(4);
    }
    await t.app.telemetryIngest.settled();
    for (const [i, c] of clusters.entries()) {
      const row = await t.db.cluster.findUniqueOrThrow({ where: { id: c.id } });
      expect(row.agentStatus).toBe('online');
      const overview = (row.agentData as { source: string; data: { metrics: object } }[]).find(
        (d) => d.source === 'overview',
      );
      expect(overview?.data.metrics).toMatchObject({ node_count: 30 + i + 1 });
    }
    // Two clusters' samples sent together share a batch at least once.
    expect(t.app.telemetryIngest.stats.batches - before).toBeLessThan(8);
  });

  it('a sample for a day without a partition creates it', async () => {
    const c = await clusterWithKey('old-day');
    const ts = new Date(Date.now() - 12 * DAY);
    expect(await partitionExists(t.db, partitionName('raw', ts))).toBe(false);
    const res = await postTelemetry(t.app, c, { ...SAMPLE, ts: ts.toISOString() });
    expect(res.statusCode).toBe(204);
    expect(await partitionExists(t.db, partitionName('raw', ts))).toBe(true);
    const rows = await t.db.telemetrySample.findMany({ where: { clusterId: c.id } });
    expect(rows.map((r) => r.ts.getTime())).toEqual([new Date(ts.toISOString()).getTime()]);
  });

  it('retention drops day partitions: raw days roll up into hourly rows, old hourly days go', async () => {
    const c = await clusterWithKey('retention');
    const now = new Date();
    const rawDay = new Date(Math.floor((now.getTime() - 3 * DAY) / DAY) * DAY + 5 * 3600_000);
    const oldHourly = new Date(now.getTime() - 40 * DAY);
    await ensureTelemetryPartitionsFor(t.db, rawDay, rawDay);
    await ensureTelemetryPartitionsFor(t.db, oldHourly, oldHourly);
    await t.db.telemetrySample.createMany({
      data: [0, 10, 20].map((m, i) => ({
        clusterId: c.id,
        ts: new Date(rawDay.getTime() + m * 60_000),
        cpuCores: 4 + i * 2,
        memoryBytes: 1,
        storageBytes: 1,
        nodeCount: 3,
      })),
    });
    await t.db.telemetrySample.create({
      data: {
        clusterId: c.id,
        ts: oldHourly,
        resolution: 'hourly',
        cpuCores: 1,
        memoryBytes: 1,
        storageBytes: 1,
        nodeCount: 1,
      },
    });
    // A sample of today stays raw.
    expect((await postTelemetry(t.app, c)).statusCode).toBe(204);

    const result = await rollupTelemetry(t.db);
    expect(result.rolledUp).toBeGreaterThanOrEqual(1);
    expect(await partitionExists(t.db, partitionName('raw', rawDay))).toBe(false);
    expect(await partitionExists(t.db, partitionName('hourly', oldHourly))).toBe(false);
    expect(
      await partitionExists(t.db, partitionName('raw', new Date(now.getTime() + 7 * DAY))),
    ).toBe(true);
    const rows = await t.db.telemetrySample.findMany({
      where: { clusterId: c.id },
      orderBy: { ts: 'asc' },
    });
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ resolution: 'hourly', cpuCores: 6, samples: 3 });
    expect(rows[0]!.ts.getTime()).toBe(Math.floor(rawDay.getTime() / 3600_000) * 3600_000);
    expect(rows[1]).toMatchObject({ resolution: 'raw', cpuCores: 8 });
    // Idempotent: nothing left to roll up or drop.
    const again = await rollupTelemetry(t.db);
    expect(again).toMatchObject({ rolledUp: 0, droppedPartitions: 0 });
  });

  it('an unchanged resource poll (304) costs no statement (the version is cached), and marks the agent seen in the batch', async () => {
    const c = await clusterWithKey('poll');
    const get = (etag?: string) =>
      t.app.inject({
        method: 'GET',
        url: `/agent_api/${c.uuid}/resources`,
        headers: { authorization: `Bearer ${c.key}`, ...(etag ? { 'if-none-match': etag } : {}) },
      });
    const first = await get();
    expect(first.statusCode).toBe(200);
    const etag = first.headers.etag as string;
    expect((await get(etag)).statusCode).toBe(304); // warms the key cache
    await eventually(
      async () =>
        (await t.db.cluster.findUniqueOrThrow({ where: { id: c.id } })).agentStatus === 'online',
      'the poll marked the agent online',
    );
    // The computed version is stored in the background (other processes, restarts).
    await eventually(
      async () =>
        (
          await t.db.cluster.findUniqueOrThrow({ where: { id: c.id } })
        ).resourcesVersion?.startsWith(`${etag.replace(/"/g, '')}@`) === true,
      'the version was stored',
    );
    const counted = async <T>(run: () => Promise<T>): Promise<{ result: T; queries: string[] }> => {
      // Count every statement any pg client of this process sends (Prisma's adapter uses pg too).
      const queries: string[] = [];
      // eslint-disable-next-line @typescript-eslint/unbound-method -- restored as it was below
      const original = pg.Client.prototype.query;
      pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
        const q = args[0];
        queries.push(typeof q === 'string' ? q : String((q as { text?: string }).text ?? q));
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof original;
      try {
        return { result: await run(), queries };
      } finally {
        pg.Client.prototype.query = original;
      }
    };
    const cached = await counted(() => get(etag));
    expect(cached.result.statusCode).toBe(304);
    expect(cached.queries).toHaveLength(0);
    // Without the cached version (another process, a restart): one statement, the stored stamp.
    t.app.agentResourcesCache.clear();
    const stored = await counted(() => get(etag));
    expect(stored.result.statusCode).toBe(304);
    expect(stored.queries).toHaveLength(1);
    expect(stored.queries[0]).toMatch(/resources_version AS stored/);
    expect(t.app.agentResourcesCache.version(c.id)).toBe(etag.replace(/"/g, ''));
    // A change of the desired resources (made anywhere: here straight in the database) is
    // announced at commit; once the notification is in, the same ETag gets a 200.
    await t.db.cluster.update({
      where: { id: c.id },
      data: { desiredRenderedEncrypted: null },
    });
    await eventually(
      async () => t.app.agentResourcesCache.version(c.id) === undefined,
      'the change notification dropped the cached version',
    );
    const changed = await counted(() => get(etag));
    expect(changed.result.statusCode).toBe(200);
    expect(changed.result.headers.etag).not.toBe(etag);
    // The 200 is one statement too (the version is stored later, in a batch).
    expect(changed.queries).toHaveLength(1);
    const body = changed.result.json();
    expect(`"${body.version}"`).toBe(changed.result.headers.etag);
    expect(body.groups.map((g: { name: string }) => g.name)).toEqual(['commander-agent']);
    // Its version is stored in the background (a batch 50 ms later): let it go before counting.
    await eventually(
      async () =>
        (
          await t.db.cluster.findUniqueOrThrow({ where: { id: c.id } })
        ).resourcesVersion?.startsWith(`${body.version}@`) === true,
      'the new version was stored',
    );
    // And the apply report that follows is one statement (its batch's), the version known from
    // the cache; the state changed, so its change event follows the commit in one more.
    const report = await counted(() =>
      t.app.inject({
        method: 'POST',
        url: `/agent_api/${c.uuid}/resources/status`,
        headers: { authorization: `Bearer ${c.key}` },
        payload: { version: body.version, results: [] },
      }),
    );
    expect(report.result.statusCode).toBe(204);
    const written = report.queries.filter((q) => !/pg_notify/.test(q));
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/resources_sync_state/);
    expect(report.queries.length - written.length).toBeLessThanOrEqual(1);
    expect((await t.db.cluster.findUniqueOrThrow({ where: { id: c.id } })).resourcesSyncState).toBe(
      'configured',
    );
  });
});

describe('agent key cache across two API processes', () => {
  const t = useTestApp();
  let second: FastifyInstance;
  const PORT_A = 14131;
  const PORT_B = 14132;

  beforeAll(async () => {
    const config = loadConfig({
      DATABASE_URL: t.database.url,
      LOG_LEVEL: 'silent',
      COMMANDER_WEB_DIST: '/nonexistent',
    });
    const sys = t.systemContext();
    second = await buildApp(config, {
      db: t.db,
      encryptor: sys.encryptor,
      instance: sys.instance,
      auditSink: () => undefined,
    });
    await t.app.listen({ host: '127.0.0.1', port: PORT_A });
    await second.listen({ host: '127.0.0.1', port: PORT_B });
  });
  afterAll(async () => {
    await second?.close();
  });

  it('the old key is refused on the very next request to the other instance', async () => {
    const { versionId } = await createTestTemplate(t.db, t.defaultWorkspaceId);
    const ctx: ServiceContext = {
      ...t.systemContext(),
      workspace: { id: t.defaultWorkspaceId, slug: 'default' },
      permissions: new Set(['clusters:write']),
    };
    const cluster = await createCluster(ctx, {
      name: `rotate-${t.suffix}`,
      cluster_template_version_id: versionId,
      values: {},
    });
    const key1 = await t.db.$transaction((tx) => ensureAgentKey(tx, ctx.encryptor, cluster.id));
    const poll = (port: number, key: string) =>
      fetch(`http://127.0.0.1:${port}/agent_api/${cluster.uuid}/resources`, {
        headers: { authorization: `Bearer ${key}` },
      });
    const rotate = async () => {
      const res = await fetch(
        `http://127.0.0.1:${PORT_A}/api/v1/clusters/${cluster.id}/agent_key/rotate`,
        { method: 'POST', headers: t.headers() },
      );
      expect(res.status).toBe(200);
    };
    const currentKey = async () => {
      const row = await t.db.cluster.findUniqueOrThrow({ where: { id: cluster.id } });
      return ctx.encryptor.decrypt(row.agentKeyEncrypted!);
    };

    expect((await poll(PORT_B, key1)).status).toBe(200);
    expect(second.agentKeyCache.size).toBe(1); // instance B serves key1 from its cache now

    await rotate(); // through instance A: key1 becomes the previous key (grace period)
    const key2 = await currentKey();
    expect((await poll(PORT_B, key1)).status).toBe(200);
    expect((await poll(PORT_B, key2)).status).toBe(200);

    await rotate(); // key2 is now the previous key; key1 is no key at all
    const key3 = await currentKey();
    expect((await poll(PORT_B, key1)).status).toBe(401);
    expect((await poll(PORT_B, key2)).status).toBe(200);
    expect((await poll(PORT_B, key3)).status).toBe(200);

    // Archived (deleted) clusters: the current key, served from the cache, is refused as soon as
    // the trigger's notification reaches each instance (it is sent at commit).
    expect((await poll(PORT_B, key3)).status).toBe(200);
    await t.db.cluster.update({ where: { id: cluster.id }, data: { archivedAt: new Date() } });
    await eventually(async () => (await poll(PORT_B, key3)).status === 401, 'B refuses key3');
    await eventually(async () => (await poll(PORT_A, key3)).status === 401, 'A refuses key3');
  });
});

describe('telemetry ingest (the API as a process)', () => {
  const keys = generateEncryptionKeys();
  const token = `ingest-bootstrap-${Date.now()}-0123456789abcdef`;
  const PORT = 14133;
  let database: TestDatabase;
  const children: ChildProcess[] = [];
  const output: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
      }
    }
    await database?.drop();
  });

  async function startApi(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/api/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        LOG_LEVEL: 'warn',
        PORT: String(PORT),
        HOST: '127.0.0.1',
        COMMANDER_PUBLIC_URL: `http://127.0.0.1:${PORT}`,
        COMMANDER_BOOTSTRAP_TOKEN: token,
        COMMANDER_WEB_DIST: '/nonexistent',
        // A long linger (while a batch is being written): a sample may wait in the buffer; the
        // 204 follows its batch's commit either way.
        TELEMETRY_FLUSH_MS: '300',
        ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: keys.primaryKey as string,
        ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: keys.deterministicKey,
        ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: keys.keyDerivationSalt,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c: Buffer) => output.push(c.toString()));
    child.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
    children.push(child);
    await eventually(
      async () => (await fetch(`http://127.0.0.1:${PORT}/readyz`)).ok,
      `API up (${output.join('').slice(-2000)})`,
    );
    return child;
  }

  async function killHard(child: ChildProcess): Promise<void> {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  it(
    'a 204 is durable: the API killed right after answering, the sample is stored',
    { timeout: 300_000 },
    async () => {
      let api = await startApi();
      const db = database.db;
      const workspace = await db.workspace.findFirstOrThrow();
      const cluster = await db.cluster.create({
        data: { workspaceId: workspace.id, name: 'durable' },
      });
      const key = await db.$transaction((tx) =>
        ensureAgentKey(tx, createEncryptor(keys), cluster.id),
      );
      const post = (nodeCount: number) =>
        fetch(`http://127.0.0.1:${PORT}/agent_api/${cluster.uuid}/telemetry`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ ...SAMPLE, node_count: nodeCount }),
        });
      expect((await post(7)).status).toBe(204);
      await killHard(api);
      const rows = await db.telemetrySample.findMany({ where: { clusterId: cluster.id } });
      expect(rows.map((r) => r.nodeCount)).toEqual([7]);

      api = await startApi();
      expect((await post(8)).status).toBe(204);
      // SIGTERM: what was accepted is committed before the process exits.
      const stopped = new Promise<number | null>((resolve) => api.once('exit', resolve));
      const pending = post(9);
      api.kill('SIGTERM');
      const answered = await pending.then(
        (r) => r.status,
        () => null,
      );
      await stopped;
      const after = await db.telemetrySample.findMany({
        where: { clusterId: cluster.id },
        orderBy: { nodeCount: 'asc' },
      });
      const stored = after.map((r) => r.nodeCount);
      expect(stored.slice(0, 2)).toEqual([7, 8]);
      // A 204 during the shutdown is as durable as any other (a refused or cut request may or
      // may not have been stored: the agent reports again).
      if (answered === 204) {
        expect(stored).toEqual([7, 8, 9]);
      }
      const snapshot = await db.cluster.findUniqueOrThrow({ where: { id: cluster.id } });
      expect(snapshot.agentStatus).toBe('online');
    },
  );
});
