import { Writable } from 'node:stream';

import { createCluster, ensureAgentKey, type ServiceContext } from '@commander/core';
import { createTestTemplate } from '@commander/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

type Line = { level: number; msg: string; reqId?: string; route?: string | null; status?: number };

/**
 * The request log at LOG_LEVEL=info (as `pnpm start` runs the API): one line per request (not
 * Fastify's two), and none for probes, metrics and the agent API unless they fail.
 */
describe('request log at info', () => {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const text of chunk.toString().split('\n')) {
        if (text.trim() !== '') {
          lines.push(JSON.parse(text) as Line);
        }
      }
      done();
    },
  });
  const t = useTestApp({ LOG_LEVEL: 'info', COMMANDER_METRICS_PUBLIC: 'true' }, () => ({
    logStream: sink,
  }));
  let cluster: { id: string; uuid: string };
  let agentKey = '';

  beforeAll(async () => {
    const { versionId } = await createTestTemplate(t.db, t.defaultWorkspaceId);
    const ctx: ServiceContext = {
      ...t.systemContext(),
      workspace: { id: t.defaultWorkspaceId, slug: 'default' },
      permissions: new Set(['clusters:write']),
    };
    cluster = await createCluster(ctx, {
      name: `log-${t.suffix}`,
      cluster_template_version_id: versionId,
      values: {},
    });
    agentKey = await t.db.$transaction((tx) => ensureAgentKey(tx, ctx.encryptor, cluster.id));
  });

  it('an API request writes exactly one line, with its route pattern and status', async () => {
    const before = lines.length;
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clusters/${cluster.id}`,
      headers: t.headers(),
    });
    expect(res.statusCode).toBe(200);
    const added = lines.slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({
      level: 30,
      msg: 'request',
      route: '/api/v1/clusters/:id',
      status: 200,
    });
    expect(typeof added[0]!.reqId).toBe('string');
  });

  it('a refused API request is logged too, once', async () => {
    const before = lines.length;
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/clusters/${cluster.id}` });
    expect(res.statusCode).toBe(401);
    const added = lines.slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ route: '/api/v1/clusters/:id', status: 401 });
  });

  it('probes, metrics and the agent API are not logged at info', async () => {
    const before = lines.length;
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    const auth = { authorization: `Bearer ${agentKey}` };
    const poll = await t.app.inject({
      method: 'GET',
      url: `/agent_api/${cluster.uuid}/resources`,
      headers: auth,
    });
    expect(poll.statusCode).toBe(200);
    const sample = await t.app.inject({
      method: 'POST',
      url: `/agent_api/${cluster.uuid}/telemetry`,
      headers: auth,
      payload: { cpu_cores: 4, memory_bytes: 8e9, storage_bytes: 1e11, node_count: 1 },
    });
    expect(sample.statusCode).toBe(204);
    expect(lines.slice(before)).toEqual([]);
  });
});
