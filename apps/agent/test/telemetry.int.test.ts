import { TelemetryBodySchema } from '@commander/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { collectTelemetry, componentOf, normalizeVersion, silentLogger } from '../src/index.js';
import { type FakeKube, startFakeKube } from './fake-kube-server.js';
import { kubeClientFor } from './helpers.js';

let kube: FakeKube;

beforeEach(async () => {
  kube = await startFakeKube({ gitVersion: 'v1.31.4+dkp.1' });
});

afterEach(async () => {
  await kube.close();
});

const GI = 2 ** 30;

function node(name: string, cpu: string, memory: string, disk: string, ready = true, extra = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, ...extra },
    status: {
      capacity: { cpu, memory, 'ephemeral-storage': disk, pods: '110' },
      conditions: [
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          reason: ready ? 'KubeletReady' : 'KubeletNotReady',
        },
      ],
    },
  };
}

function deployment(
  ns: string,
  name: string,
  replicas: number,
  ready: number,
  image = 'registry/x:1',
) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: { replicas, template: { spec: { containers: [{ name, image }] } } },
    status: { readyReplicas: ready },
  };
}

function seedCluster() {
  kube.put(node('master-0', '4', '16Gi', '50Gi'));
  kube.put(node('worker-0', '8', '32Gi', '100Gi'));
  kube.put(
    node('worker-1', '7500m', '16326108Ki', '100Gi', false, {
      annotations: { 'update.node.deckhouse.io/disruption-required': '' },
    }),
  );
  kube.put({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv-1' },
    spec: { capacity: { storage: '10Gi' } },
  });
  kube.put({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv-2' },
    spec: { capacity: { storage: '5Gi' } },
  });
  kube.put(
    deployment('d8-system', 'deckhouse', 1, 1, 'registry.deckhouse.io/deckhouse/ce:v1.69.3'),
  );
  kube.put(deployment('d8-ingress-nginx', 'controller', 2, 1));
  kube.put(deployment('d8-ingress-nginx', 'kruise', 1, 1));
  kube.put(deployment('d8-monitoring', 'prometheus', 1, 0));
  kube.put(deployment('kube-system', 'coredns', 2, 0));
  kube.put({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'd8-cni-cilium' },
    status: { desiredNumberScheduled: 3, numberReady: 3 },
  });
  kube.put({
    apiVersion: 'deckhouse.io/v1alpha1',
    kind: 'ModuleConfig',
    metadata: { name: 'deckhouse' },
    spec: { version: 1, settings: { releaseChannel: 'EarlyAccess' } },
  });
}

describe('telemetry', () => {
  it('sums capacity from Nodes and PVs and derives versions, components and alerts', async () => {
    seedCluster();
    kube.put({
      apiVersion: 'deckhouse.io/v1alpha1',
      kind: 'DeckhouseRelease',
      metadata: { name: 'v1-70-2' },
      spec: { version: 'v1.70.2' },
      status: { phase: 'Deployed' },
    });
    kube.put({
      apiVersion: 'deckhouse.io/v1alpha1',
      kind: 'DeckhouseRelease',
      metadata: { name: 'v1-71-0' },
      spec: { version: 'v1.71.0' },
      status: { phase: 'Pending' },
    });
    kube.put({
      apiVersion: 'metrics.k8s.io/v1beta1',
      kind: 'NodeMetrics',
      metadata: { name: 'master-0' },
      usage: { cpu: '1500m', memory: '6Gi' },
    });
    kube.put({
      apiVersion: 'metrics.k8s.io/v1beta1',
      kind: 'NodeMetrics',
      metadata: { name: 'worker-0' },
      usage: { cpu: '250m', memory: '2Gi' },
    });

    const body = await collectTelemetry(kubeClientFor(kube), silentLogger);
    expect(TelemetryBodySchema.safeParse(body).success).toBe(true);
    expect(body).toMatchObject({
      cpu_cores: 19.5,
      memory_bytes: 48 * GI + 16326108 * 1024,
      storage_bytes: 250 * GI + 15 * GI,
      node_count: 3,
      cpu_usage: 1.75,
      memory_used_bytes: 8 * GI,
      kubernetes_version: '1.31.4',
      dkp_version: '1.70.2',
      update_available: true,
      update_channel: 'EarlyAccess',
    });
    expect(body.components).toEqual([
      { name: 'cni-cilium', availability: 1 },
      { name: 'deckhouse', availability: 1 },
      { name: 'ingress-nginx', availability: 0.75 },
      { name: 'monitoring', availability: 0 },
    ]);
    expect(body.alerts?.map((a) => `${a.name}:${a.severity}`).sort()).toEqual([
      'D8ComponentDegraded:warning',
      'D8ComponentUnavailable:critical',
      'NodeDisruptionApprovalRequired:warning',
      'NodeNotReady:critical',
    ]);
    expect(body.alerts?.find((a) => a.name === 'NodeNotReady')?.message).toBe(
      'Node worker-1 is not Ready: KubeletNotReady',
    );
  });

  it('falls back to the deckhouse image tag and omits what the cluster cannot tell', async () => {
    seedCluster();
    const body = await collectTelemetry(kubeClientFor(kube), silentLogger);
    expect(body.dkp_version).toBe('1.69.3');
    expect(body.update_available).toBe(false);
    expect(body).not.toHaveProperty('cpu_usage');
    expect(body).not.toHaveProperty('memory_used_bytes');
  });

  it('normalizes versions and names components', () => {
    expect(normalizeVersion('v1.31.4+k3s1')).toBe('1.31.4');
    expect(normalizeVersion('1.69')).toBe('1.69');
    expect(normalizeVersion('stable')).toBe('stable');
    expect(componentOf('d8-system')).toBe('deckhouse');
    expect(componentOf('d8-cert-manager')).toBe('cert-manager');
  });
});
