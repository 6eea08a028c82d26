import { randomUUID } from 'node:crypto';

import { createCluster, ensureAgentKey, type ServiceContext } from '@commander/core';
import { createTestTemplate } from '@commander/core/testing';
import pg from 'pg';
import { beforeAll, describe, expect, it, vi } from 'vitest';

import { useTestApp } from './helpers.js';

/**
 * An agent's first sync made cheap (BENCHMARKS.md telemetry-tail): cold agent-key lookups of one
 * event-loop turn read together, the resources document kept with its version, and apply reports
 * written in batches — each still exact.
 */
describe('agent first sync', () => {
  const t = useTestApp();
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

  /** Every statement any pg client of this process sends while `run` runs. */
  async function counted<T>(run: () => Promise<T>): Promise<{ result: T; queries: string[] }> {
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
  }

  const getResources = (c: { uuid: string; key: string }, etag?: string) =>
    t.app.inject({
      method: 'GET',
      url: `/agent_api/${c.uuid}/resources`,
      headers: { authorization: `Bearer ${c.key}`, ...(etag ? { 'if-none-match': etag } : {}) },
    });

  it('reads cold agent keys of concurrent requests in one statement, each request its own cluster, strangers refused', async () => {
    const clusters = await Promise.all(['k1', 'k2', 'k3'].map((n) => clusterWithKey(n)));
    const [a, b, c] = clusters as [
      (typeof clusters)[0],
      (typeof clusters)[0],
      (typeof clusters)[0],
    ];
    t.app.agentKeyCache.clear();
    const { result, queries } = await counted(() =>
      Promise.all([
        getResources(a),
        getResources(b),
        getResources(c),
        // a's uuid with b's key, and a cluster that does not exist
        getResources({ uuid: a.uuid, key: b.key }),
        getResources({ uuid: randomUUID(), key: a.key }),
      ]),
    );
    expect(result.map((r) => r.statusCode)).toEqual([200, 200, 200, 401, 401]);
    // Each document is its own cluster's: its own agent key inside.
    for (const [i, cl] of clusters.entries()) {
      expect(result[i]!.body).toContain(cl.key);
      for (const other of clusters.filter((o) => o !== cl)) {
        expect(result[i]!.body).not.toContain(other.key);
      }
    }
    const lookups = queries.filter((q) => /FROM clusters WHERE uuid = ANY/.test(q));
    // Injected together, the five requests reach the key check in one turn of the event loop.
    expect(lookups).toHaveLength(1);
    // The wrong key is refused again from the cache (only the current key is served from it).
    expect((await getResources({ uuid: a.uuid, key: b.key })).statusCode).toBe(401);
    expect((await getResources(a)).statusCode).toBe(200);
  });

  it('answers a poll without the current ETag from the cached document, and serves the new one once the resources change', async () => {
    const c = await clusterWithKey('doc');
    const first = await getResources(c);
    expect(first.statusCode).toBe(200);
    const etag = first.headers.etag as string;
    // Let the background writes of the first poll (its version stamp, the agent's last-seen) go.
    await vi.waitFor(
      async () => {
        const row = await t.db.cluster.findUniqueOrThrow({ where: { id: c.id } });
        if (!row.resourcesVersion?.startsWith(`${etag.replace(/"/g, '')}@`)) {
          throw new Error('the version is not stored yet');
        }
        if (row.agentStatus !== 'online') {
          throw new Error('the agent is not marked seen yet');
        }
      },
      { timeout: 30_000, interval: 50 },
    );
    // Warms the key cache (the first poll's lookup may have raced the new key's notification,
    // and a lookup that raced one is not kept).
    expect((await getResources(c)).statusCode).toBe(200);
    // The same poll again (an agent that lost its ETag, or another's first): no statement.
    const again = await counted(() => getResources(c));
    expect(again.result.statusCode).toBe(200);
    expect(again.result.headers.etag).toBe(etag);
    expect(again.result.body).toBe(first.body);
    expect(again.queries).toEqual([]);
    // An old ETag is a 200 with the document too.
    const stale = await counted(() => getResources(c, '"0123"'));
    expect(stale.result.statusCode).toBe(200);
    expect(stale.result.body).toBe(first.body);
    expect(stale.queries).toEqual([]);
    // The agent key changes (made straight in the database: any code path): its notification
    // drops the document; the next poll is built again, with the new key.
    const rotated = await t.db.$transaction(async (tx) => {
      await tx.cluster.update({
        where: { id: c.id },
        data: { agentKeyEncrypted: null, agentKeyHash: null },
      });
      return ensureAgentKey(tx, ctx.encryptor, c.id);
    });
    await vi.waitFor(
      () => {
        if (t.app.agentResourcesCache.document(c.id) !== undefined) {
          throw new Error('the cached document is still there');
        }
      },
      { timeout: 30_000, interval: 50 },
    );
    const changed = await getResources({ uuid: c.uuid, key: rotated });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.body).toContain(rotated);
    expect(changed.body).not.toContain(c.key);
    expect(`"${changed.json<{ version: string }>().version}"`).toBe(changed.headers.etag);
    // And the render changing drops it too.
    await t.db.cluster.update({ where: { id: c.id }, data: { desiredRenderedEncrypted: null } });
    await vi.waitFor(
      () => {
        if (t.app.agentResourcesCache.document(c.id) !== undefined) {
          throw new Error('the cached document is still there');
        }
      },
      { timeout: 30_000, interval: 50 },
    );
    const emptied = await getResources({ uuid: c.uuid, key: rotated });
    expect(emptied.statusCode).toBe(200);
    expect(emptied.headers.etag).not.toBe(changed.headers.etag);
  });

  it('answers apply reports once their batch has committed: every 204 is stored', async () => {
    const clusters = await Promise.all(['s1', 's2', 's3', 's4'].map((n) => clusterWithKey(n)));
    const versions = await Promise.all(
      clusters.map(async (c) => (await getResources(c)).json<{ version: string }>().version),
    );
    const before = t.app.resourcesStatusBatcher.stats.reports;
    const answers = await Promise.all(
      clusters.map((c, i) =>
        t.app.inject({
          method: 'POST',
          url: `/agent_api/${c.uuid}/resources/status`,
          headers: { authorization: `Bearer ${c.key}` },
          payload: {
            version: versions[i],
            results:
              i === 3
                ? [
                    {
                      group: 'commander-agent',
                      api_version: 'v1',
                      kind: 'Secret',
                      namespace: 'd8-commander-agent',
                      name: 'x',
                      status: 'error',
                      message: 'forbidden',
                    },
                  ]
                : [],
          },
        }),
      ),
    );
    expect(answers.map((r) => r.statusCode)).toEqual([204, 204, 204, 204]);
    expect(t.app.resourcesStatusBatcher.stats.reports - before).toBe(4);
    // Answered means committed: read at once, with no waiting.
    const rows = await t.db.cluster.findMany({
      where: { id: { in: clusters.map((c) => c.id) } },
      select: { id: true, resourcesSyncState: true, agentStatus: true },
    });
    const state = new Map(rows.map((r) => [r.id, r.resourcesSyncState]));
    expect(clusters.map((c) => state.get(c.id))).toEqual([
      'configured',
      'configured',
      'configured',
      'not_configured',
    ]);
    // A stranger's report is refused and writes nothing.
    const refused = await t.app.inject({
      method: 'POST',
      url: `/agent_api/${clusters[0]!.uuid}/resources/status`,
      headers: { authorization: `Bearer ${clusters[1]!.key}` },
      payload: { version: 'x', results: [] },
    });
    expect(refused.statusCode).toBe(401);
    expect(
      (await t.db.cluster.findUniqueOrThrow({ where: { id: clusters[0]!.id } })).resourcesSyncState,
    ).toBe('configured');
  });
});
