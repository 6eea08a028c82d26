import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type DhctlSim, startDhctlSim } from '../src/index.js';
import { api, OTHER_COMMANDER_UUID } from './helpers.js';

let sim: DhctlSim;
let baseUrl: string;

beforeAll(async () => {
  sim = await startDhctlSim({ phaseDelayMs: 0, version: 'sim-test' });
  baseUrl = sim.httpUrl ?? '';
});

afterAll(async () => {
  await sim.stop();
});

type ErrorBody = { error: { code: string; message: string; details?: unknown } };

describe('control API', () => {
  it('answers /healthz', async () => {
    const response = await api(baseUrl, 'GET', '/healthz');
    expect(response).toEqual({ status: 200, body: { status: 'ok', version: 'sim-test' } });
  });

  it('creates, lists, shows and removes pre-existing clusters', async () => {
    const created = await api(baseUrl, 'POST', '/sim/clusters', {
      host: '10.5.0.1',
      cluster_type: 'Cloud',
      kubernetes_version: '1.34',
      owner: OTHER_COMMANDER_UUID,
      master_count: 3,
      worker_count: 2,
      prefix: 'ctl',
    });
    expect(created.status).toBe(201);
    const uuid = created.body.uuid as string;
    expect(created.body.cluster).toMatchObject({
      uuid,
      status: 'ready',
      cluster_type: 'Cloud',
      provider: 'Yandex',
      kubernetes_version: '1.34',
      owner_commander_uuid: OTHER_COMMANDER_UUID,
      node_count: 5,
      master_count: 3,
      hosts: ['10.5.0.1'],
    });

    const list = await api(baseUrl, 'GET', '/sim/clusters');
    expect(list.status).toBe(200);
    expect((list.body.clusters as { uuid: string }[]).map((c) => c.uuid)).toContain(uuid);

    const detail = await api(baseUrl, 'GET', `/sim/clusters/${uuid}`);
    expect(detail.body.cluster).toMatchObject({
      cluster_configuration: {
        kind: 'ClusterConfiguration',
        cloud: { provider: 'Yandex', prefix: 'ctl' },
      },
      provider_cluster_configuration: {
        kind: 'YandexClusterConfiguration',
        masterNodeGroup: { replicas: 3 },
      },
    });

    const removed = await api(baseUrl, 'DELETE', `/sim/clusters/${uuid}`);
    expect(removed).toEqual({ status: 200, body: { removed: uuid } });
    expect((await api(baseUrl, 'GET', `/sim/clusters/${uuid}`)).status).toBe(404);
  });

  it('rejects bad cluster input with 400 and duplicates with 409', async () => {
    const missing = await api(baseUrl, 'POST', '/sim/clusters', { cluster_type: 'Static' });
    expect(missing.status).toBe(400);
    expect((missing.body as ErrorBody).error.code).toBe('VALIDATION_FAILED');
    expect((missing.body as ErrorBody).error.message).toMatch(/host/);

    const wrongType = await api(baseUrl, 'POST', '/sim/clusters', {
      host: '10.5.0.2',
      cluster_type: 'Hybrid',
    });
    expect(wrongType.status).toBe(400);
    const unknownKey = await api(baseUrl, 'POST', '/sim/clusters', {
      host: '10.5.0.2',
      colour: 'blue',
    });
    expect((unknownKey.body as ErrorBody).error.message).toMatch(/colour/);
    const badOwner = await api(baseUrl, 'POST', '/sim/clusters', { host: '10.5.0.2', owner: 'me' });
    expect(badOwner.status).toBe(400);
    const notJson = await api(baseUrl, 'POST', '/sim/clusters', '{"host": ');
    expect(notJson).toMatchObject({
      status: 400,
      body: { error: { message: 'request body is not valid JSON' } },
    });

    expect((await api(baseUrl, 'POST', '/sim/clusters', { host: '10.5.0.2' })).status).toBe(201);
    const duplicate = await api(baseUrl, 'POST', '/sim/clusters', { host: '10.5.0.2' });
    expect(duplicate).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
  });

  it('injects drift and validates drift input', async () => {
    const created = await api(baseUrl, 'POST', '/sim/clusters', {
      host: '10.5.0.3',
      kubernetes_version: '1.33',
    });
    const uuid = created.body.uuid as string;

    const soft = await api(baseUrl, 'POST', `/sim/clusters/${uuid}/drift`, { destructive: false });
    expect(soft.status).toBe(200);
    expect(soft.body.drift).toMatchObject({ kind: 'kubernetes_version', destructive: false });
    expect(soft.body.cluster).toMatchObject({
      kubernetes_version: '1.34',
      drift: { destructive: false, non_destructive: true },
    });

    const hard = await api(baseUrl, 'POST', `/sim/clusters/${uuid}/drift`, { destructive: true });
    expect(hard.body.drift).toMatchObject({ kind: 'pod_subnet', destructive: true });
    expect(sim.clusters.get(uuid)?.clusterConfiguration.podSubnetCIDR).toBe('10.99.0.0/16');

    expect((await api(baseUrl, 'POST', `/sim/clusters/${uuid}/drift`, {})).status).toBe(400);
    const mismatch = await api(baseUrl, 'POST', `/sim/clusters/${uuid}/drift`, {
      destructive: false,
      kind: 'pod_subnet',
    });
    expect(mismatch.status).toBe(400);
    const cloudOnly = await api(baseUrl, 'POST', `/sim/clusters/${uuid}/drift`, {
      destructive: true,
      kind: 'abandoned_node',
    });
    expect((cloudOnly.body as ErrorBody).error.message).toMatch(/needs a Cloud cluster/);
    expect(
      (await api(baseUrl, 'POST', '/sim/clusters/nope/drift', { destructive: true })).status,
    ).toBe(404);
  });

  it('registers, lists and clears faults, echoing each fault', async () => {
    const created = await api(baseUrl, 'POST', '/sim/faults', {
      operation: 'Bootstrap',
      phase: 'BaseInfra',
      times: 2,
    });
    expect(created.status).toBe(201);
    expect(created.body.fault).toMatchObject({
      operation: 'Bootstrap',
      phase: 'BaseInfra',
      times: 2,
      message: null,
    });

    const badOperation = await api(baseUrl, 'POST', '/sim/faults', { operation: 'Upgrade' });
    expect(badOperation.status).toBe(400);
    const badPhase = await api(baseUrl, 'POST', '/sim/faults', {
      operation: 'Check',
      phase: 'BaseInfra',
    });
    expect((badPhase.body as ErrorBody).error.message).toMatch(
      /expected one of CheckInfra, CheckConfiguration/,
    );
    const badTimes = await api(baseUrl, 'POST', '/sim/faults', { operation: 'Check', times: 0 });
    expect(badTimes.status).toBe(400);

    const list = await api(baseUrl, 'GET', '/sim/faults');
    expect(list.body.faults).toHaveLength(1);
    expect(await api(baseUrl, 'DELETE', '/sim/faults')).toEqual({
      status: 200,
      body: { cleared: 1 },
    });
    expect((await api(baseUrl, 'GET', '/sim/faults')).body.faults).toEqual([]);
  });

  it('answers unknown routes with 404 and wrong methods with 405', async () => {
    expect((await api(baseUrl, 'GET', '/sim/nothing')).status).toBe(404);
    expect((await api(baseUrl, 'PUT', '/sim/faults', {})).status).toBe(405);
  });
});
