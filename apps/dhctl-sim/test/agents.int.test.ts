import { randomUUID } from 'node:crypto';

import { type FakeAgentApi, startFakeAgentApi, waitFor } from '@commander/agent-client/testing';
import type { AgentResourceGroup, KubeObject } from '@commander/contracts';
import { createDhctlClient, type Dhctl } from '@commander/dhctl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type DhctlSim, startDhctlSim } from '../src/index.js';
import { api, cloudBootstrap, staticBootstrap } from './helpers.js';

let sim: DhctlSim;
let client: Dhctl;
let commander: FakeAgentApi;
let baseUrl: string;

const POLL_MS = 80;

beforeAll(async () => {
  commander = await startFakeAgentApi();
  sim = await startDhctlSim({
    phaseDelayMs: 0,
    agentPollMs: POLL_MS,
    agentTelemetryMs: POLL_MS,
    // The Secrets name https://commander.example.com: the override points agents at the fake.
    commanderUrl: commander.url,
  });
  client = createDhctlClient(sim.grpcAddress);
  baseUrl = sim.httpUrl ?? '';
});

afterAll(async () => {
  client.close();
  await sim.stop();
  await commander.close();
});

/** The credentials Secret as Commander adds it to the bootstrap resources (stringData). */
function credentialsSecret(clusterId: string, token: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'commander-agent-credentials', namespace: 'd8-commander-agent' },
    type: 'Opaque',
    stringData: {
      token,
      commander_url: `https://commander.example.com/agent_api/${clusterId}`,
    },
  });
}

function configMap(name: string, namespace = 'apps'): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { name } };
}

const NAMESPACE: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } };

/** Bootstraps a Static cluster whose resources carry the agent's Secret; returns its id. */
async function bootstrapWithAgent(
  host: string,
  groups: AgentResourceGroup[],
  beforeBootstrap: (clusterId: string) => void = () => undefined,
): Promise<string> {
  const clusterId = randomUUID();
  const token = `key-${clusterId.slice(0, 8)}`;
  commander.addCluster(clusterId, token, groups);
  beforeBootstrap(clusterId);
  const outcome = await client.bootstrap(
    staticBootstrap(host, { clusterId, resources: credentialsSecret(clusterId, token) }),
  );
  expect(outcome.ok).toBe(true);
  return clusterId;
}

type AgentView = {
  last_sync: { mode: string; version: string; errors: number } | null;
  last_telemetry: { node_count: number } | null;
  failing_resources: { kind: string; name: string; message: string }[];
};

async function agentOf(clusterId: string): Promise<AgentView | null> {
  const detail = await api(baseUrl, 'GET', `/sim/clusters/${clusterId}`);
  return (detail.body.cluster as { agent: AgentView | null }).agent;
}

function resourcesOf(clusterId: string) {
  return sim.clusters.get(clusterId)?.resources ?? [];
}

function findResource(clusterId: string, kind: string, name: string) {
  return resourcesOf(clusterId).find(
    (document) =>
      document.kind === kind && (document.metadata as { name?: string } | undefined)?.name === name,
  ) as (KubeObject & { metadata: { labels?: Record<string, string> } }) | undefined;
}

describe('simulated agents', () => {
  it('pull, apply into the virtual cluster, report, honour 304 and re-apply deleted resources', async () => {
    const clusterId = await bootstrapWithAgent('10.20.0.1', [
      { name: 'apps', sync_mode: 'managed', resources: [NAMESPACE, configMap('settings')] },
    ]);

    await waitFor(() => commander.statuses(clusterId).length > 0, { message: 'a status report' });
    const [report] = commander.statuses(clusterId);
    expect(report?.version).toBe(commander.versionOf(clusterId));
    expect(report?.results.map((r) => `${r.kind}/${r.name}:${r.status}`)).toEqual([
      'Namespace/apps:applied',
      'ConfigMap/settings:applied',
    ]);
    const applied = findResource(clusterId, 'ConfigMap', 'settings');
    expect(applied?.metadata.labels).toEqual({ heritage: 'deckhouse-commander' });
    expect(applied?.metadata.annotations).toEqual({ 'agent.commander.deckhouse.io/group': 'apps' });
    expect(findResource(clusterId, 'ConfigMap', 'commander-agent-state')).toBeDefined();

    // Later polls send the ETag and get 304.
    await waitFor(
      () =>
        commander.requests.some(
          (r) => r.clusterId === clusterId && r.path === '/resources' && r.status === 304,
        ),
      { message: 'a 304' },
    );
    expect((await agentOf(clusterId))?.last_sync).toMatchObject({
      mode: 'check',
      version: commander.versionOf(clusterId),
      errors: 0,
    });

    // Watch the store: the ConfigMap must disappear, then come back by the agent's hand.
    const presence: boolean[] = [];
    const unsubscribe = sim.clusters.onChange((change) => {
      if (change.cluster.uuid === clusterId) {
        presence.push(
          change.cluster.resources.some(
            (d) => d.kind === 'ConfigMap' && (d.metadata as { name?: string }).name === 'settings',
          ),
        );
      }
    });
    const deleted = await api(
      baseUrl,
      'DELETE',
      `/sim/clusters/${clusterId}/resources/ConfigMap/settings?namespace=apps`,
    );
    expect(deleted).toEqual({ status: 200, body: { removed: 1 } });
    await waitFor(() => presence.at(-1) === true, { message: 'the ConfigMap to be re-applied' });
    unsubscribe();
    expect(presence[0]).toBe(false);
    expect(findResource(clusterId, 'ConfigMap', 'settings')?.metadata.labels).toEqual({
      heritage: 'deckhouse-commander',
    });
    expect(
      (await api(baseUrl, 'DELETE', `/sim/clusters/${clusterId}/resources/ConfigMap/nope`)).status,
    ).toBe(404);
    expect(commander.invalidBodies).toEqual([]);
  });

  it('reports an injected apply error until it is cleared', async () => {
    const message = 'admission webhook "validate.example.com" denied the request';
    // Injected before the agent starts, so that its very first apply fails.
    const clusterId = await bootstrapWithAgent(
      '10.20.0.2',
      [
        {
          name: 'apps',
          sync_mode: 'managed',
          resources: [NAMESPACE, configMap('good'), configMap('bad')],
        },
      ],
      (id) => sim.agents?.setResourceError(id, { kind: 'ConfigMap', name: 'bad', message }),
    );
    // The control API manages the same registry.
    const injected = await api(baseUrl, 'POST', `/sim/clusters/${clusterId}/resource-errors`, {
      kind: 'Secret',
      name: 'other',
      message: 'quota exceeded',
    });
    expect(injected).toEqual({
      status: 201,
      body: { resource_error: { kind: 'Secret', name: 'other', message: 'quota exceeded' } },
    });
    expect(
      (await api(baseUrl, 'POST', `/sim/clusters/${clusterId}/resource-errors`, { kind: 'X' }))
        .status,
    ).toBe(400);
    expect((await api(baseUrl, 'GET', `/sim/clusters/${clusterId}/resource-errors`)).body).toEqual({
      resource_errors: [
        { kind: 'ConfigMap', name: 'bad', message },
        { kind: 'Secret', name: 'other', message: 'quota exceeded' },
      ],
    });
    expect(
      await api(
        baseUrl,
        'DELETE',
        `/sim/clusters/${clusterId}/resource-errors?kind=Secret&name=other`,
      ),
    ).toEqual({ status: 200, body: { cleared: 1 } });

    const withError = await waitFor(
      () =>
        commander
          .statuses(clusterId)
          .map((s) => s.results.find((r) => r.name === 'bad'))
          .find((r) => r?.status === 'error'),
      { message: 'an error result' },
    );
    expect(withError.message).toBe(message);
    expect(findResource(clusterId, 'ConfigMap', 'bad')).toBeUndefined();
    expect(findResource(clusterId, 'ConfigMap', 'good')).toBeDefined();
    expect((await agentOf(clusterId))?.failing_resources).toEqual([
      { kind: 'ConfigMap', namespace: 'apps', name: 'bad', message },
    ]);

    const cleared = await api(baseUrl, 'DELETE', `/sim/clusters/${clusterId}/resource-errors`);
    expect(cleared).toEqual({ status: 200, body: { cleared: 1 } });
    await waitFor(
      () =>
        commander
          .statuses(clusterId)
          .at(-1)
          ?.results.every((r) => r.status === 'applied'),
      { message: 'all applied after clearing' },
    );
    expect(findResource(clusterId, 'ConfigMap', 'bad')).toBeDefined();
  });

  it('falls silent and reports injected alerts on request (control API)', async () => {
    const clusterId = await bootstrapWithAgent('10.20.0.9', [
      { name: 'apps', sync_mode: 'managed', resources: [NAMESPACE] },
    ]);
    await waitFor(() => commander.telemetry(clusterId).length > 0, { message: 'telemetry' });
    const path = `/sim/clusters/${clusterId}/agent`;
    expect(await api(baseUrl, 'GET', path)).toEqual({
      status: 200,
      body: { injection: { silent: false, alerts: [] } },
    });
    const alert = { name: 'TestCritical', severity: 'critical', message: 'injected' };
    expect(await api(baseUrl, 'PUT', path, { alerts: [alert] })).toEqual({
      status: 200,
      body: { injection: { silent: false, alerts: [alert] } },
    });
    await waitFor(
      () =>
        commander
          .telemetry(clusterId)
          .at(-1)
          ?.alerts?.some((a) => a.name === 'TestCritical'),
      { message: 'the injected alert reported' },
    );

    // Silent: no request at all (telemetry, polls) until it speaks again.
    expect((await api(baseUrl, 'PUT', path, { silent: true })).body).toEqual({
      injection: { silent: true, alerts: [alert] },
    });
    const count = () => commander.requests.filter((r) => r.clusterId === clusterId).length;
    // Each loop runs again only after its previous run ended: once both have run silenced, no
    // request of theirs is in flight any more. Then neither sends anything for more runs.
    const silencedRuns = (n: number) =>
      waitFor(
        () => {
          const runs = sim.agents?.snapshot(clusterId)?.silenced_runs;
          return runs !== undefined && runs.sync >= n && runs.telemetry >= n;
        },
        { message: `${n} silenced runs of each loop` },
      );
    await silencedRuns(1);
    const before = count();
    await silencedRuns(4);
    expect(count()).toBe(before);

    expect((await api(baseUrl, 'PUT', path, { silent: false, alerts: [] })).body).toEqual({
      injection: { silent: false, alerts: [] },
    });
    await waitFor(
      () =>
        count() > before &&
        commander
          .telemetry(clusterId)
          .at(-1)
          ?.alerts?.every((a) => a.name !== 'TestCritical'),
      { message: 'reports again, without the alert' },
    );
    // Odd input is refused; an unknown cluster is 404.
    expect((await api(baseUrl, 'PUT', path, { silent: 'yes' })).status).toBe(400);
    expect((await api(baseUrl, 'PUT', path, { alerts: [{ name: '' }] })).status).toBe(400);
    expect((await api(baseUrl, 'PUT', path, { other: 1 })).status).toBe(400);
    expect((await api(baseUrl, 'PUT', `/sim/clusters/${randomUUID()}/agent`, {})).status).toBe(404);
  });

  it('deletes what leaves a managed group and labels orphan what leaves an unmanaged one', async () => {
    const clusterId = await bootstrapWithAgent('10.20.0.3', [
      {
        name: 'managed',
        sync_mode: 'managed',
        resources: [NAMESPACE, configMap('m1'), configMap('m2')],
      },
      { name: 'unmanaged', sync_mode: 'unmanaged', resources: [configMap('u1'), configMap('u2')] },
    ]);
    await waitFor(() => commander.statuses(clusterId).length > 0, { message: 'first report' });

    commander.setGroups(clusterId, [
      { name: 'managed', sync_mode: 'managed', resources: [NAMESPACE, configMap('m1')] },
      { name: 'unmanaged', sync_mode: 'unmanaged', resources: [configMap('u1')] },
    ]);
    const report = await waitFor(
      () => commander.statuses(clusterId).find((s) => s.version === commander.versionOf(clusterId)),
      { message: 'a report of the new version' },
    );
    expect(
      report.results
        .filter((r) => r.status !== 'applied')
        .map((r) => `${r.name}:${r.status}`)
        .sort(),
    ).toEqual(['m2:deleted', 'u2:orphaned']);
    expect(findResource(clusterId, 'ConfigMap', 'm2')).toBeUndefined();
    expect(findResource(clusterId, 'ConfigMap', 'u2')?.metadata.labels).toEqual({
      heritage: 'deckhouse-commander',
      'agent.commander.deckhouse.io/is-orphan': 'true',
    });
  });

  it('sends telemetry whose node counts follow the configuration', async () => {
    const clusterId = randomUUID();
    const token = 'cloud-key';
    commander.addCluster(clusterId, token, []);
    const request = cloudBootstrap('agents', 3, 2);
    const outcome = await client.bootstrap({
      ...request,
      resources: [
        credentialsSecret(clusterId, token),
        JSON.stringify({
          apiVersion: 'deckhouse.io/v1alpha1',
          kind: 'ModuleConfig',
          metadata: { name: 'deckhouse' },
          spec: { version: 1, settings: { releaseChannel: 'EarlyAccess' } },
        }),
      ].join('\n---\n'),
    });
    expect(outcome.ok).toBe(true);
    // cloudBootstrap has no commander-agent ModuleConfig, so the virtual cluster has its own uuid.
    const virtual = sim.clusters.list().find((c) => c.prefix === 'agents');
    expect(virtual).toBeDefined();

    const samples = await waitFor(
      () => (commander.telemetry(clusterId).length >= 3 ? commander.telemetry(clusterId) : false),
      { message: 'three telemetry samples' },
    );
    for (const sample of samples) {
      // 3 masters (4 cores, 8192 MiB) + 2 workers (2 cores, 4096 MiB) in yandexConfig.
      expect(sample).toMatchObject({
        node_count: 5,
        cpu_cores: 16,
        memory_bytes: (3 * 8192 + 2 * 4096) * 2 ** 20,
        kubernetes_version: '1.33.4',
        update_channel: 'EarlyAccess',
        dkp_version: '1.71.2',
      });
      expect(sample.cpu_usage).toBeGreaterThan(0);
      expect(sample.cpu_usage).toBeLessThanOrEqual(16);
      expect(sample.storage_used_bytes).toBeLessThan(sample.storage_bytes);
      expect(sample.components?.map((c) => c.name)).toContain('deckhouse');
    }
    expect((await agentOf(virtual?.uuid ?? ''))?.last_telemetry?.node_count).toBe(5);
    const fleet = await api(baseUrl, 'GET', '/sim/agents?limit=1');
    expect(fleet.body).toMatchObject({
      enabled: true,
      stats: { agents: expect.any(Number) as number },
    });
    expect(fleet.body.agents).toHaveLength(1);
  });

  it('stops an agent when its cluster is destroyed', async () => {
    const clusterId = await bootstrapWithAgent('10.20.0.4', []);
    // A second agent is the clock (no sleeps): the fleet polls both at the same interval, so
    // while the witness makes its polls the destroyed cluster's agent would have made its own.
    const witnessId = await bootstrapWithAgent('10.20.0.5', []);
    const requestsOf = (id: string) => commander.requests.filter((r) => r.clusterId === id).length;
    const pollsOf = (id: string) =>
      commander.requests.filter(
        (r) => r.clusterId === id && r.method === 'GET' && r.path === '/resources',
      ).length;
    await waitFor(() => sim.agents?.snapshot(clusterId)?.last_sync, { message: 'a sync' });
    await api(baseUrl, 'DELETE', `/sim/clusters/${clusterId}`);
    expect(sim.agents?.snapshot(clusterId)).toBeNull();
    // A request in flight may still finish; after that the agent is silent.
    const start = pollsOf(witnessId);
    await expect
      .poll(() => pollsOf(witnessId), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(start + 2);
    const count = requestsOf(clusterId);
    const mark = pollsOf(witnessId);
    await expect
      .poll(() => pollsOf(witnessId), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(mark + 4);
    expect(requestsOf(clusterId)).toBe(count);
  });
});
