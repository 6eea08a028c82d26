// The agent against the real agent API (apps/api on a real PostgreSQL) and a fake cluster.
import type { AddressInfo } from 'node:net';

import { AgentApiClient } from '@commander/agent-client';
import { createCluster, ensureAgentKey, type ServiceContext } from '@commander/core';
import { createTestTemplate } from '@commander/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { useTestApp } from '../../api/test/helpers.js';
import {
  collectTelemetry,
  configMapStateStore,
  type KubeClient,
  ResourceSync,
  silentLogger,
} from '../src/index.js';
import { type FakeKube, startFakeKube } from './fake-kube-server.js';
import { kubeClientFor, namespace } from './helpers.js';

describe('agent against the real agent API', () => {
  const t = useTestApp();
  let cluster: { id: string; uuid: string };
  let key = '';
  let apiUrl = '';
  let kube: FakeKube;
  let client: KubeClient;

  beforeAll(async () => {
    const { versionId } = await createTestTemplate(t.db, t.defaultWorkspaceId);
    const ctx: ServiceContext = {
      ...t.systemContext(),
      workspace: { id: t.defaultWorkspaceId, slug: 'default' },
      permissions: new Set(['clusters:write']),
    };
    cluster = await createCluster(ctx, {
      name: `agent-real-${t.suffix}`,
      cluster_template_version_id: versionId,
      values: {},
    });
    key = await t.db.$transaction((tx) => ensureAgentKey(tx, ctx.encryptor, cluster.id));
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    apiUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    kube = await startFakeKube();
    kube.put(namespace('d8-commander-agent'));
    client = kubeClientFor(kube);
  });

  afterAll(async () => {
    await kube?.close();
  });

  const clusterView = async () =>
    (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/clusters/${cluster.id}`,
        headers: t.headers(),
      })
    ).json<Record<string, unknown>>();

  it('applies the desired resources, reports them and gets 304 afterwards', async () => {
    const api = new AgentApiClient({ baseUrl: `${apiUrl}/agent_api/${cluster.uuid}`, token: key });
    const sync = new ResourceSync({
      kube: client,
      api: () => Promise.resolve(api),
      state: configMapStateStore(client, 'd8-commander-agent'),
      log: silentLogger,
      statusRefreshMs: 300_000,
    });

    const first = await sync.runPass();
    expect(first.mode).toBe('full');
    expect(first.results.map((r) => `${r.group}:${r.kind}/${r.name}:${r.status}`)).toEqual([
      'main:Namespace/apps:applied',
      'commander-agent:Secret/commander-agent-credentials:applied',
    ]);
    // Commander's own group carried the agent's credentials into the cluster.
    const secret = kube.get('Secret', 'commander-agent-credentials', 'd8-commander-agent');
    expect(Buffer.from((secret?.data as { token: string }).token, 'base64').toString()).toBe(key);
    expect(kube.get('Namespace', 'apps')?.metadata.labels).toEqual({
      heritage: 'deckhouse-commander',
    });

    const view = await clusterView();
    expect(view.resources_sync_state).toBe('configured');
    expect(view.resources_state_results).toHaveLength(2);

    const second = await sync.runPass();
    expect(second).toMatchObject({ mode: 'check', version: first.version, reported: false });
  });

  it('reports an apply error, which makes the cluster not configured', async () => {
    kube.reject('Namespace', 'apps', 'metadata.labels: Invalid value');
    kube.remove('Namespace', 'apps');
    const api = new AgentApiClient({ baseUrl: `${apiUrl}/agent_api/${cluster.uuid}`, token: key });
    const sync = new ResourceSync({
      kube: client,
      api: () => Promise.resolve(api),
      state: configMapStateStore(client, 'd8-commander-agent'),
      log: silentLogger,
      statusRefreshMs: 300_000,
    });
    const outcome = await sync.runPass();
    expect(outcome.results[0]).toMatchObject({ name: 'apps', status: 'error' });
    const view = await clusterView();
    expect(view.resources_sync_state).toBe('not_configured');
    kube.allow('Namespace', 'apps');
  });

  it('sends telemetry the API stores as the cluster snapshot', async () => {
    kube.put({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'master-0' },
      status: {
        capacity: { cpu: '4', memory: '8Gi', 'ephemeral-storage': '50Gi' },
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    });
    const api = new AgentApiClient({ baseUrl: `${apiUrl}/agent_api/${cluster.uuid}`, token: key });
    await api.sendTelemetry(await collectTelemetry(client, silentLogger));
    // The sample is stored when answered; the snapshot follows its commit (ARCHITECTURE.md).
    await t.app.telemetryIngest.settled();
    const view = await clusterView();
    expect(JSON.stringify(view)).toContain('"node_count":1');
    expect(view.agent_status).toBe('online');

    const wrongKey = new AgentApiClient({
      baseUrl: `${apiUrl}/agent_api/${cluster.uuid}`,
      token: 'nope',
    });
    await expect(wrongKey.getResources(null)).rejects.toMatchObject({
      status: 401,
      isUnauthorized: true,
    });
  });
});
