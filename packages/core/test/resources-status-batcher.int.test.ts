import { randomUUID } from 'node:crypto';

import { WORKSPACE_PERMISSIONS } from '@commander/contracts';
import { createEncryptor, generateEncryptionKeys } from '@commander/crypto';
import {
  type Db,
  type ResourcesStatusReport,
  sqlPool,
  updateResourcesStatusBatch,
  writeAgentSnapshots,
} from '@commander/db';
import { createTestDatabase, type TestDatabase } from '@commander/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  bootstrapInstallation,
  createCluster,
  ResourcesStatusBatcher,
  type ServiceContext,
  silentLogger,
} from '../src/index.js';
import { createTestTemplate } from '../src/testing/index.js';

/** The write-behind buffer of agents' apply reports, against a real PostgreSQL. */
describe('ResourcesStatusBatcher', () => {
  let database: TestDatabase;
  let db: Db;
  let clusterIds: string[] = [];
  let workspaceId = '';
  const TAG = '@tag1';

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    const boot = await bootstrapInstallation(db, {});
    workspaceId = boot.defaultWorkspaceId!;
    const ctx: ServiceContext = {
      db,
      actor: { type: 'system', id: null, name: 'test' },
      workspace: { id: workspaceId, slug: 'default' },
      permissions: new Set<string>(WORKSPACE_PERMISSIONS),
      log: silentLogger,
      encryptor: createEncryptor(generateEncryptionKeys()),
      instance: {
        publicHost: 'commander.test',
        publicUrl: 'http://commander.test',
        caBundle: '',
        commanderUuid: boot.commanderUuid,
      },
      auditSink: () => undefined,
    };
    const { versionId } = await createTestTemplate(db, workspaceId);
    clusterIds = [];
    for (let i = 0; i < 4; i++) {
      const c = await createCluster(ctx, {
        name: `status-${i}`,
        cluster_template_version_id: versionId,
        values: {},
      });
      clusterIds.push(c.id);
    }
  });
  afterAll(async () => {
    await database?.drop();
  });

  const report = (
    clusterId: string,
    over: Partial<ResourcesStatusReport> = {},
  ): ResourcesStatusReport => ({
    clusterId,
    current: 'v1',
    reported: 'v1',
    hasErrors: false,
    resultsJson: '[]',
    now: new Date(),
    tagSuffix: TAG,
    ...over,
  });

  /** Counts the batch statements the batcher's pool sends. */
  function countingPool(): { pool: pg.Pool; statements: string[] } {
    const pool = sqlPool(db);
    const statements: string[] = [];
    const counted = {
      query: (config: pg.QueryConfig) => {
        statements.push(config.name ?? config.text);
        return pool.query(config);
      },
    } as unknown as pg.Pool;
    return { pool: counted, statements };
  }

  it('writes the reports submitted together in ONE statement, each stored when it is answered', async () => {
    const { pool, statements } = countingPool();
    const batcher = new ResourcesStatusBatcher(pool, { lingerMs: 1 });
    const [a, b, c] = clusterIds as [string, string, string];
    const results = JSON.stringify([{ kind: 'ConfigMap', name: 'x', status: 'error' }]);
    const outcomes = await Promise.all([
      batcher.submit(report(a)),
      batcher.submit(report(b, { reported: 'v0' })),
      batcher.submit(report(c, { hasErrors: true, resultsJson: results })),
      batcher.submit(report(randomUUID())),
    ]);
    expect(outcomes).toEqual(['updated', 'updated', 'updated', 'missing']);
    expect(statements.filter((s) => s === 'commander_resources_status_batch')).toHaveLength(1);
    // Answered means committed: another connection reads every report at once.
    const rows = await db.cluster.findMany({
      where: { id: { in: [a, b, c] } },
      select: {
        id: true,
        resourcesSyncState: true,
        resourcesStateResults: true,
        agentStatus: true,
        resourcesAppliedAt: true,
      },
    });
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(a)?.resourcesSyncState).toBe('configured');
    expect(byId.get(a)?.resourcesAppliedAt).not.toBeNull();
    expect(byId.get(b)?.resourcesSyncState).toBe('not_configured'); // an older version applied
    expect(byId.get(c)?.resourcesSyncState).toBe('not_configured'); // an error
    expect(byId.get(c)?.resourcesStateResults).toEqual(JSON.parse(results));
    expect(rows.every((r) => r.agentStatus === 'online')).toBe(true);
    await batcher.close();
    expect(batcher.stats.batches).toBe(1);
  });

  it('decides against the stored stamp when the version is not known, and says so when neither knows it', async () => {
    const batcher = new ResourcesStatusBatcher(sqlPool(db), { lingerMs: 1 });
    const [a, b] = clusterIds as [string, string];
    await db.cluster.update({ where: { id: a }, data: { resourcesVersion: `v7${TAG}` } });
    await db.cluster.update({ where: { id: b }, data: { resourcesVersion: null } });
    const outcomes = await Promise.all([
      batcher.submit(report(a, { current: null, reported: 'v7' })),
      batcher.submit(report(b, { current: null, reported: 'v7' })),
    ]);
    expect(outcomes).toEqual(['updated', 'unknown_version']);
    expect((await db.cluster.findUniqueOrThrow({ where: { id: a } })).resourcesSyncState).toBe(
      'configured',
    );
    await batcher.close();
  });

  it('keeps two reports of one cluster out of one batch: the later one is what stays', async () => {
    const { pool, statements } = countingPool();
    const batcher = new ResourcesStatusBatcher(pool, { lingerMs: 1 });
    const d = clusterIds[3]!;
    const outcomes = await Promise.all([
      batcher.submit(report(d, { reported: 'v1' })),
      batcher.submit(report(d, { reported: 'v0' })),
    ]);
    expect(outcomes).toEqual(['updated', 'updated']);
    expect(statements.filter((s) => s === 'commander_resources_status_batch')).toHaveLength(2);
    expect((await db.cluster.findUniqueOrThrow({ where: { id: d } })).resourcesSyncState).toBe(
      'not_configured',
    );
    await batcher.close();
  });

  it('never deadlocks with telemetry snapshot statements over the same clusters: both lock their rows in id order', async () => {
    await db.cluster.createMany({
      data: Array.from({ length: 120 }, (_, i) => ({ workspaceId, name: `overlap-${i}` })),
    });
    const ids = (
      await db.cluster.findMany({
        where: { name: { startsWith: 'overlap-' } },
        select: { id: true },
      })
    ).map((c) => c.id);
    // Separate connections, the arrays in opposite orders, many rounds at once.
    const a = new pg.Pool({ connectionString: database.url, max: 4 });
    const b = new pg.Pool({ connectionString: database.url, max: 4 });
    try {
      const now = new Date();
      const telemetry = (order: string[]) =>
        writeAgentSnapshots(a, {
          snapshots: order.map((clusterId) => ({
            clusterId,
            agentDataJson: '{}',
            reportedAt: now.toISOString(),
            seenAt: now,
          })),
          seen: [],
        });
      const status = (order: string[]) =>
        updateResourcesStatusBatch(
          b,
          order.map((clusterId) => report(clusterId)),
        );
      const reversed = [...ids].reverse();
      const rounds = Array.from({ length: 8 }, (_, i) => [
        telemetry(i % 2 === 0 ? ids : reversed),
        status(i % 2 === 0 ? reversed : ids),
      ]).flat();
      const settled = await Promise.allSettled(rounds);
      expect(settled.filter((r) => r.status === 'rejected').map((r) => String(r.reason))).toEqual(
        [],
      );
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('refuses with 503 details once closed, after writing everything it accepted', async () => {
    const batcher = new ResourcesStatusBatcher(sqlPool(db), { lingerMs: 50 });
    const accepted = batcher.submit(report(clusterIds[0]!));
    await batcher.close();
    await expect(accepted).resolves.toBe('updated');
    await expect(batcher.submit(report(clusterIds[0]!))).rejects.toMatchObject({
      code: 'service_unavailable',
      details: { retry_after_seconds: 2 },
    });
  });
});
