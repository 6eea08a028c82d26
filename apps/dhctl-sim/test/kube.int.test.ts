// Each virtual cluster's simulated Kubernetes API, served by the simulator under /kube/<uuid>/.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';

import { type DhctlSim, startDhctlSim } from '../src/index.js';
import { api, OTHER_COMMANDER_UUID } from './helpers.js';

let sim: DhctlSim;
let baseUrl: string;

beforeAll(async () => {
  sim = await startDhctlSim({ phaseDelayMs: 0, agents: false });
  baseUrl = sim.httpUrl ?? '';
});

afterAll(async () => {
  await sim.stop();
});

type Item = { metadata: { name: string }; spec?: { nodeName?: string } };

describe('simulated Kubernetes API per virtual cluster', () => {
  it('serves the cluster nodes and pods, follows node changes, and goes away with the cluster', async () => {
    const created = await api(baseUrl, 'POST', '/sim/clusters', {
      host: '10.9.0.1',
      cluster_type: 'Cloud',
      kubernetes_version: '1.33',
      owner: OTHER_COMMANDER_UUID,
      master_count: 1,
      worker_count: 2,
      prefix: 'kube',
    });
    const uuid = created.body.uuid as string;
    const cluster = sim.clusters.get(uuid);
    const expectedNodes = (cluster?.nodes ?? []).map((node) => node.name).sort();

    const nodes = await api(baseUrl, 'GET', `/kube/${uuid}/api/v1/nodes`);
    expect(nodes.status).toBe(200);
    expect((nodes.body.items as Item[]).map((node) => node.metadata.name).sort()).toEqual(
      expectedNodes,
    );
    expect((await api(baseUrl, 'GET', `/kube/${uuid}/version`)).body).toMatchObject({
      gitVersion: 'v1.33.4',
    });

    const pods = await api(baseUrl, 'GET', `/kube/${uuid}/api/v1/pods`);
    const scheduled = (pods.body.items as Item[]).map((pod) => pod.spec?.nodeName);
    expect(scheduled.length).toBeGreaterThan(0);
    for (const node of scheduled) expect(expectedNodes).toContain(node);

    sim.clusters.update(uuid, (next) => {
      next.nodes.push({ name: 'kube-worker-extra', group: 'worker', role: 'worker', spec: '{}' });
    });
    const after = await api(baseUrl, 'GET', `/kube/${uuid}/api/v1/nodes`);
    expect((after.body.items as Item[]).map((node) => node.metadata.name)).toContain(
      'kube-worker-extra',
    );

    // exec through the simulator's HTTP server.
    const pod = (pods.body.items as Item[])[0]?.metadata.name ?? '';
    const namespace =
      (pods.body.items as { metadata: { namespace: string } }[])[0]?.metadata.namespace ?? '';
    const socket = new WebSocket(
      `${baseUrl.replace('http', 'ws')}/kube/${uuid}/api/v1/namespaces/${namespace}/pods/${pod}/exec?command=hostname&stdout=true`,
      ['v5.channel.k8s.io'],
    );
    let stdout = '';
    socket.on('message', (data: Buffer) => {
      if (data[0] === 1) stdout += data.subarray(1).toString();
    });
    await new Promise((resolve) => socket.on('close', resolve));
    expect(stdout).toBe(`${pod}\n`);

    await api(baseUrl, 'DELETE', `/sim/clusters/${uuid}`);
    expect((await api(baseUrl, 'GET', `/kube/${uuid}/api/v1/nodes`)).status).toBe(404);
  });

  it('answers 404 for an unknown cluster and leaves the control API alone', async () => {
    const missing = await api(
      baseUrl,
      'GET',
      '/kube/00000000-0000-4000-8000-000000000000/api/v1/pods',
    );
    expect(missing).toMatchObject({ status: 404, body: { kind: 'Status', reason: 'NotFound' } });
    expect((await api(baseUrl, 'GET', '/kube/not-a-uuid/api')).status).toBe(404);
    await vi.waitFor(async () => expect((await api(baseUrl, 'GET', '/healthz')).status).toBe(200));
  });
});
