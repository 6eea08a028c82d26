import { AgentApiClient } from '@commander/agent-client';
import { type FakeAgentApi, startFakeAgentApi } from '@commander/agent-client/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  configMapStateStore,
  type KubeClient,
  ResourceSync,
  silentLogger,
  STATE_CONFIG_MAP,
} from '../src/index.js';
import { type FakeKube, startFakeKube } from './fake-kube-server.js';
import {
  AGENT_KEY,
  CLUSTER_ID,
  configMap,
  kubeClientFor,
  moduleConfig,
  namespace,
} from './helpers.js';

let kube: FakeKube;
let api: FakeAgentApi;
let client: KubeClient;

beforeEach(async () => {
  kube = await startFakeKube();
  api = await startFakeAgentApi({ pollIntervalSeconds: 5, telemetryIntervalSeconds: 7 });
  api.addCluster(CLUSTER_ID, AGENT_KEY);
  client = kubeClientFor(kube);
  kube.put(namespace('d8-commander-agent'));
});

afterEach(async () => {
  await api.close();
  await kube.close();
});

function newSync(statusRefreshMs = 60_000): ResourceSync {
  const apiClient = new AgentApiClient({ baseUrl: api.baseUrlFor(CLUSTER_ID), token: AGENT_KEY });
  return new ResourceSync({
    kube: client,
    api: () => Promise.resolve(apiClient),
    state: configMapStateStore(client, 'd8-commander-agent'),
    log: silentLogger,
    statusRefreshMs,
  });
}

const applyPatches = () =>
  kube.requests.filter(
    (r) => r.method === 'PATCH' && r.contentType === 'application/apply-patch+yaml',
  );

describe('resource sync', () => {
  it('applies every resource with the heritage label, reports the results, and remembers them', async () => {
    api.setGroups(CLUSTER_ID, [
      {
        name: 'apps',
        sync_mode: 'managed',
        // The ConfigMap comes first on purpose: the Namespace must still be applied before it.
        resources: [configMap('settings', 'apps'), namespace('apps')],
      },
      {
        name: 'modules',
        sync_mode: 'unmanaged',
        resources: [moduleConfig('prometheus', { retention: '7d' })],
      },
    ]);
    const outcome = await newSync().runPass();

    expect(outcome).toMatchObject({
      mode: 'full',
      version: api.versionOf(CLUSTER_ID),
      reported: true,
    });
    expect(outcome.pollIntervalMs).toBe(5000);
    expect(outcome.telemetryIntervalMs).toBe(7000);
    expect(outcome.results.map((r) => `${r.kind}/${r.name}:${r.status}`)).toEqual([
      'Namespace/apps:applied',
      'ModuleConfig/prometheus:applied',
      'ConfigMap/settings:applied',
    ]);
    const settings = kube.get('ConfigMap', 'settings', 'apps');
    expect(settings?.metadata.labels).toEqual({ heritage: 'deckhouse-commander' });
    expect(settings?.metadata.annotations).toEqual({
      'agent.commander.deckhouse.io/group': 'apps',
    });
    expect(settings?.data).toEqual({ key: 'settings' });
    expect(kube.get('ModuleConfig', 'prometheus')?.spec).toEqual({
      enabled: true,
      version: 1,
      settings: { retention: '7d' },
    });
    for (const request of applyPatches()) {
      expect(request.path).toMatch(/fieldManager=commander-agent/);
      expect(request.path).toMatch(/force=true/);
    }

    const [report] = api.statuses(CLUSTER_ID);
    expect(report?.version).toBe(api.versionOf(CLUSTER_ID));
    expect(report?.results).toContainEqual({
      group: 'apps',
      api_version: 'v1',
      kind: 'ConfigMap',
      namespace: 'apps',
      name: 'settings',
      status: 'applied',
      message: null,
    });
    const state = kube.get('ConfigMap', STATE_CONFIG_MAP, 'd8-commander-agent');
    expect(
      JSON.parse((state?.data as Record<string, string>)['applied.json'] ?? '[]'),
    ).toHaveLength(3);
  });

  it('on 304 applies nothing and re-creates a resource deleted in the cluster', async () => {
    api.setGroups(CLUSTER_ID, [
      {
        name: 'apps',
        sync_mode: 'managed',
        resources: [namespace('apps'), configMap('a', 'apps'), configMap('b', 'apps')],
      },
    ]);
    const sync = newSync();
    await sync.runPass();
    const patchesAfterFirst = applyPatches().length;

    const quiet = await sync.runPass();
    expect(quiet).toMatchObject({ mode: 'check', reapplied: 0, reported: false });
    expect(api.requests.filter((r) => r.path === '/resources').at(-1)?.status).toBe(304);
    expect(applyPatches()).toHaveLength(patchesAfterFirst);
    expect(api.statuses(CLUSTER_ID)).toHaveLength(1);

    expect(kube.remove('ConfigMap', 'b', 'apps')).toBe(true);
    const healed = await sync.runPass();
    expect(healed).toMatchObject({ mode: 'check', reapplied: 1 });
    expect(kube.get('ConfigMap', 'b', 'apps')?.data).toEqual({ key: 'b' });
    expect(applyPatches()).toHaveLength(patchesAfterFirst + 1);
  });

  it('deletes what leaves a managed group and labels orphan what leaves an unmanaged one', async () => {
    api.setGroups(CLUSTER_ID, [
      {
        name: 'managed',
        sync_mode: 'managed',
        resources: [namespace('apps'), configMap('m1', 'apps'), configMap('m2', 'apps')],
      },
      {
        name: 'unmanaged',
        sync_mode: 'unmanaged',
        resources: [configMap('u1', 'apps'), configMap('u2', 'apps')],
      },
    ]);
    const sync = newSync();
    await sync.runPass();

    api.setGroups(CLUSTER_ID, [
      {
        name: 'managed',
        sync_mode: 'managed',
        resources: [namespace('apps'), configMap('m1', 'apps')],
      },
      { name: 'unmanaged', sync_mode: 'unmanaged', resources: [configMap('u1', 'apps')] },
    ]);
    const outcome = await sync.runPass();
    expect(outcome.mode).toBe('full');
    expect(kube.get('ConfigMap', 'm2', 'apps')).toBeUndefined();
    expect(kube.get('ConfigMap', 'u2', 'apps')?.metadata.labels).toEqual({
      heritage: 'deckhouse-commander',
      'agent.commander.deckhouse.io/is-orphan': 'true',
    });
    expect(kube.get('ConfigMap', 'm1', 'apps')).toBeDefined();
    const report = api.statuses(CLUSTER_ID).at(-1);
    expect(
      report?.results
        .filter((r) => r.status !== 'applied')
        .map((r) => `${r.name}:${r.status}`)
        .sort(),
    ).toEqual(['m2:deleted', 'u2:orphaned']);

    // The orphan comes back into a group: applied again, the orphan label removed.
    api.setGroups(CLUSTER_ID, [
      {
        name: 'managed',
        sync_mode: 'managed',
        resources: [namespace('apps'), configMap('m1', 'apps')],
      },
      {
        name: 'unmanaged',
        sync_mode: 'unmanaged',
        resources: [configMap('u1', 'apps'), configMap('u2', 'apps')],
      },
    ]);
    await sync.runPass();
    expect(kube.get('ConfigMap', 'u2', 'apps')?.metadata.labels).toEqual({
      heritage: 'deckhouse-commander',
    });

    // A whole group disappears: its mode (remembered in the state) decides.
    api.setGroups(CLUSTER_ID, [
      { name: 'managed', sync_mode: 'managed', resources: [namespace('apps')] },
    ]);
    await sync.runPass();
    expect(kube.get('ConfigMap', 'm1', 'apps')).toBeUndefined();
    expect(
      kube.get('ConfigMap', 'u1', 'apps')?.metadata.labels?.[
        'agent.commander.deckhouse.io/is-orphan'
      ],
    ).toBe('true');
  });

  it('remembers the applied set across restarts (state ConfigMap)', async () => {
    api.setGroups(CLUSTER_ID, [
      {
        name: 'g',
        sync_mode: 'managed',
        resources: [namespace('apps'), configMap('keep', 'apps'), configMap('drop', 'apps')],
      },
    ]);
    await newSync().runPass();

    api.setGroups(CLUSTER_ID, [
      {
        name: 'g',
        sync_mode: 'managed',
        resources: [namespace('apps'), configMap('keep', 'apps')],
      },
    ]);
    const restarted = newSync();
    await restarted.runPass();
    expect(kube.get('ConfigMap', 'drop', 'apps')).toBeUndefined();
    expect(kube.get('ConfigMap', 'keep', 'apps')).toBeDefined();
  });

  it('reports a rejected apply as an error with its message and retries it on the next pass', async () => {
    kube.put(namespace('apps'));
    kube.reject('ConfigMap', 'bad', 'data.key: Invalid value: "x": must be valid');
    api.setGroups(CLUSTER_ID, [
      {
        name: 'g',
        sync_mode: 'managed',
        resources: [configMap('good', 'apps'), configMap('bad', 'apps')],
      },
    ]);
    const sync = newSync();
    const first = await sync.runPass();
    expect(first.results.find((r) => r.name === 'bad')).toMatchObject({
      status: 'error',
      message: 'ConfigMap "bad" is invalid: data.key: Invalid value: "x": must be valid',
    });
    expect(first.results.find((r) => r.name === 'good')?.status).toBe('applied');
    expect(
      api
        .statuses(CLUSTER_ID)
        .at(-1)
        ?.results.find((r) => r.name === 'bad')?.status,
    ).toBe('error');

    // Still failing: retried, but the unchanged results are not re-reported.
    const second = await sync.runPass();
    expect(second).toMatchObject({ mode: 'check', reported: false });
    expect(second.results.find((r) => r.name === 'bad')?.status).toBe('error');

    kube.allow('ConfigMap', 'bad');
    const third = await sync.runPass();
    expect(third).toMatchObject({ mode: 'check', reported: true });
    expect(third.results.every((r) => r.status === 'applied')).toBe(true);
    expect(kube.get('ConfigMap', 'bad', 'apps')).toBeDefined();
  });

  it('reports an unknown kind as an error and puts namespaced objects without a namespace in default', async () => {
    kube.put(namespace('default'));
    api.setGroups(CLUSTER_ID, [
      {
        name: 'g',
        sync_mode: 'managed',
        resources: [
          { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' }, data: {} },
        ],
      },
    ]);
    const outcome = await newSync().runPass();
    expect(outcome.results[0]).toMatchObject({ kind: 'Widget', status: 'error' });
    expect(outcome.results[0]?.message).toMatch(/example\.com\/v1/);
    expect(outcome.results[1]).toMatchObject({
      kind: 'ConfigMap',
      namespace: 'default',
      status: 'applied',
    });
    expect(kube.get('ConfigMap', 'plain', 'default')).toBeDefined();
  });

  it('removes nothing while the API server fails, and re-reports unchanged results when due', async () => {
    api.setGroups(CLUSTER_ID, [
      { name: 'g', sync_mode: 'managed', resources: [namespace('apps'), configMap('a', 'apps')] },
    ]);
    let now = 1_000_000;
    const apiClient = new AgentApiClient({ baseUrl: api.baseUrlFor(CLUSTER_ID), token: AGENT_KEY });
    const sync = new ResourceSync({
      kube: client,
      api: () => Promise.resolve(apiClient),
      state: configMapStateStore(client, 'd8-commander-agent'),
      log: silentLogger,
      statusRefreshMs: 60_000,
      now: () => now,
    });
    await sync.runPass();

    now += 61_000;
    const refreshed = await sync.runPass();
    expect(refreshed).toMatchObject({ mode: 'check', reported: true });

    // The cluster becomes unreachable while Commander drops the ConfigMap: it must survive.
    api.setGroups(CLUSTER_ID, [
      { name: 'g', sync_mode: 'managed', resources: [namespace('apps')] },
    ]);
    kube.setDown(true);
    const failing = await sync.runPass().catch((error: unknown) => error);
    kube.setDown(false);
    expect(failing).toBeDefined();
    expect(kube.get('ConfigMap', 'a', 'apps')).toBeDefined();

    // Once the cluster answers again the removal happens.
    await sync.runPass();
    expect(kube.get('ConfigMap', 'a', 'apps')).toBeUndefined();
  });
});
