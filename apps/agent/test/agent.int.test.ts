import { type FakeAgentApi, startFakeAgentApi, waitFor } from '@commander/agent-client/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  configMapStateStore,
  credentialsSource,
  type RunningAgent,
  silentLogger,
  startAgent,
} from '../src/index.js';
import { type FakeKube, startFakeKube } from './fake-kube-server.js';
import { b64, CLUSTER_ID, configMap, kubeClientFor, namespace } from './helpers.js';

let kube: FakeKube;
let api: FakeAgentApi;
let agent: RunningAgent | null = null;

beforeEach(async () => {
  kube = await startFakeKube();
  api = await startFakeAgentApi();
});

afterEach(async () => {
  await agent?.stop();
  agent = null;
  await api.close();
  await kube.close();
});

function putCredentials(token: string) {
  kube.put({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'commander-agent-credentials', namespace: 'd8-commander-agent' },
    data: { token: b64(token), commander_url: b64(api.baseUrlFor(CLUSTER_ID)) },
  });
}

function start(overrides: { pollIntervalMs?: number } = {}): RunningAgent {
  const client = kubeClientFor(kube);
  return startAgent({
    kube: client,
    credentials: credentialsSource({
      kube: client,
      fromEnv: null,
      caFile: null,
      namespace: 'd8-commander-agent',
      secretName: 'commander-agent-credentials',
    }),
    state: configMapStateStore(client, 'd8-commander-agent'),
    log: silentLogger,
    pollIntervalMs: overrides.pollIntervalMs ?? 50,
    telemetryIntervalMs: 50,
    backoffBaseMs: 20,
    backoffMaxMs: 100,
  });
}

describe('agent loops', () => {
  it('reads its credentials from the Secret, syncs, heals and reports telemetry on its own', async () => {
    putCredentials('key-1');
    api.addCluster(CLUSTER_ID, 'key-1', [
      {
        name: 'apps',
        sync_mode: 'managed',
        resources: [namespace('apps'), configMap('a', 'apps')],
      },
    ]);
    kube.put({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1' },
      status: {
        capacity: { cpu: '2', memory: '4Gi' },
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    });
    agent = start();

    await waitFor(() => api.statuses(CLUSTER_ID).length > 0, { message: 'a status report' });
    expect(kube.get('ConfigMap', 'a', 'apps')?.metadata.labels?.heritage).toBe(
      'deckhouse-commander',
    );
    await waitFor(() => api.telemetry(CLUSTER_ID).length > 0, { message: 'telemetry' });
    expect(api.telemetry(CLUSTER_ID)[0]).toMatchObject({
      cpu_cores: 2,
      memory_bytes: 4 * 2 ** 30,
      node_count: 1,
    });

    kube.remove('ConfigMap', 'a', 'apps');
    await waitFor(() => kube.get('ConfigMap', 'a', 'apps'), {
      message: 'the deleted ConfigMap to come back',
    });
    // Later polls carry the ETag and get 304.
    expect(api.requests.some((r) => r.path === '/resources' && r.status === 304)).toBe(true);
    expect(api.invalidBodies).toEqual([]);
  });

  it('backs off on agent API failures and recovers', async () => {
    putCredentials('key-1');
    api.addCluster(CLUSTER_ID, 'key-1', [
      { name: 'apps', sync_mode: 'managed', resources: [namespace('apps')] },
    ]);
    api.failNext('/resources', 503, 3);
    agent = start();
    await waitFor(() => api.statuses(CLUSTER_ID).length > 0, {
      message: 'a report after the outage',
    });
    const failed = api.requests.filter((r) => r.path === '/resources' && r.status === 503);
    expect(failed).toHaveLength(3);
    expect(agent.status().syncFailures).toBe(0);
    expect(agent.status().lastError?.message).toMatch(/503/);
  });

  it('re-reads the Secret when the agent key is refused (key rotation)', async () => {
    putCredentials('old-key');
    api.addCluster(CLUSTER_ID, 'new-key', [
      { name: 'apps', sync_mode: 'managed', resources: [namespace('apps')] },
    ]);
    agent = start();
    await waitFor(() => api.requests.some((r) => r.status === 401), {
      message: 'a refused request',
    });
    expect(api.statuses(CLUSTER_ID)).toHaveLength(0);

    putCredentials('new-key');
    await waitFor(() => api.statuses(CLUSTER_ID).length > 0, {
      message: 'a report with the new key',
    });
    expect(kube.get('Namespace', 'apps')).toBeDefined();
  });
});
