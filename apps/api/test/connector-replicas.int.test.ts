import type { AddressInfo } from 'node:net';

import { createCluster, ensureAgentKey, type ServiceContext } from '@commander/core';
import { createTestTemplate } from '@commander/core/testing';
import { TunnelAgent } from '@commander/tunnel';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';

import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { useTestApp } from './helpers.js';
import { startKubeEcho } from './kube-echo-server.js';

const SECRET = 'replica-secret-0123456789abcdef0123456789';
const env = { COMMANDER_CONNECTOR_INTERNAL_PORT: '0', COMMANDER_CONNECTOR_SECRET: SECRET };

/**
 * Two API replicas on one database: the agent's tunnel lands on the first; a request (and an
 * exec) reaching the second is forwarded to the first through its internal listener.
 */
describe('connector replicas', () => {
  const t = useTestApp(env);
  let second: FastifyInstance;
  let kube: Awaited<ReturnType<typeof startKubeEcho>>;
  let agent: TunnelAgent;
  let cluster: { id: string; uuid: string };
  let firstUrl = '';
  let secondUrl = '';
  let firstClosed = false;

  beforeAll(async () => {
    kube = await startKubeEcho();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    firstUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const sys = t.systemContext();
    second = await buildApp(
      loadConfig({
        DATABASE_URL: t.database.url,
        LOG_LEVEL: 'silent',
        COMMANDER_WEB_DIST: '/nonexistent',
        ...env,
      }),
      { db: t.db, encryptor: sys.encryptor, instance: sys.instance, auditSink: () => undefined },
    );
    await second.listen({ port: 0, host: '127.0.0.1' });
    secondUrl = `http://127.0.0.1:${(second.server.address() as AddressInfo).port}`;
    const { versionId } = await createTestTemplate(t.db, t.defaultWorkspaceId);
    const ctx: ServiceContext = {
      ...sys,
      workspace: { id: t.defaultWorkspaceId, slug: 'default' },
      permissions: new Set(['clusters:write']),
    };
    cluster = await createCluster(ctx, {
      name: 'replicated',
      cluster_template_version_id: versionId,
      values: {},
    });
    const key = await t.db.$transaction((tx) => ensureAgentKey(tx, ctx.encryptor, cluster.id));
    agent = new TunnelAgent({
      url: `${firstUrl.replace('http', 'ws')}/agent_api/${cluster.uuid}/tunnel`,
      key,
      target: { baseUrl: kube.url, token: 'sa-token' },
      minBackoffMs: 60_000, // stays down once the first replica is gone
    });
    agent.start();
    await vi.waitFor(
      async () =>
        expect(
          await t.db.connectorTunnel.findUnique({ where: { clusterId: cluster.id } }),
        ).toMatchObject({ replicaId: t.app.connector.replicaId }),
      { timeout: 15_000 },
    );
  });

  afterAll(async () => {
    agent?.stop();
    await second?.close();
    await kube?.close();
  });

  const at = (base: string, path: string, init: RequestInit = {}) =>
    fetch(`${base}/api/v1/clusters/${cluster.id}/kubernetes${path}`, {
      ...init,
      headers: { 'x-auth-token': t.token, ...(init.headers ?? {}) },
    });

  it('routes a request reaching the second replica to the one holding the tunnel', async () => {
    expect(second.connector.hub.get(cluster.id)).toBeUndefined();
    const res = await at(secondUrl, '/api/v1/namespaces/x?labelSelector=a%3Db');
    expect(res.status).toBe(200);
    const body: any = await res.json();
    expect(body.url).toBe('/api/v1/namespaces/x?labelSelector=a%3Db');
    expect(body.impersonate_group).toBe('commander:cluster-admin');
    expect(body.authorization).toBe('Bearer sa-token');
    const post = await at(secondUrl, '/api/v1/namespaces/x/configmaps', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"kind":"ConfigMap"}',
    });
    expect(post.status).toBe(201);
    expect(((await post.json()) as any).body).toBe('{"kind":"ConfigMap"}');
  });

  it('routes an exec reaching the second replica too', async () => {
    const ws = new WebSocket(
      `${secondUrl.replace('http', 'ws')}/api/v1/clusters/${cluster.id}/kubernetes/api/v1/namespaces/d/pods/p/exec?command=sh`,
      { headers: { 'x-auth-token': t.token } },
    );
    const got: string[] = [];
    ws.on('message', (d: Buffer) => got.push(d.toString()));
    await new Promise((r) => ws.on('open', r));
    ws.send('hostname');
    await vi.waitFor(() => expect(got).toEqual(['echo:hostname']), { timeout: 10_000 });
    ws.close();
  });

  it('the internal listener refuses callers without the shared secret', async () => {
    const address = t.app.connector.address!;
    const res = await fetch(`${address}/internal/tunnels/${cluster.id}/api/v1/secrets`);
    expect(res.status).toBe(401);
    const wrong = await fetch(`${address}/internal/tunnels/${cluster.id}/api/v1/secrets`, {
      headers: { 'x-commander-connector-secret': `${SECRET}x` },
    });
    expect(wrong.status).toBe(401);
    expect(kube.seen.some((r) => r.url === '/api/v1/secrets')).toBe(false);
  });

  it('once the replica holding the tunnel is gone, its row goes and the answer is 503', async () => {
    await t.app.close();
    firstClosed = true;
    expect(await t.db.connectorTunnel.count({ where: { clusterId: cluster.id } })).toBe(0);
    const res = await at(secondUrl, '/api/v1/pods');
    expect(res.status).toBe(503);
    expect(firstClosed).toBe(true);
  });
});
