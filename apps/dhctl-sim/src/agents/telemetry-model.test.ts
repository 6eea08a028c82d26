import { describe, expect, it } from 'vitest';

import type { VirtualNode } from '../cluster-model.js';
import {
  initialTelemetryState,
  nextTelemetry,
  nodeSize,
  reportedKubernetesVersion,
  SIMULATED_COMPONENTS,
} from './telemetry-model.js';

const GIB = 2 ** 30;

function node(role: 'master' | 'worker', spec: unknown): VirtualNode {
  return { name: `${role}-0`, group: role, role, spec: JSON.stringify(spec) };
}

function cluster(nodes: VirtualNode[], kubernetesVersion = '1.33', channel?: string) {
  return {
    nodes,
    clusterConfiguration: { kind: 'ClusterConfiguration', kubernetesVersion },
    resources: channel
      ? [
          {
            apiVersion: 'deckhouse.io/v1alpha1',
            kind: 'ModuleConfig',
            metadata: { name: 'deckhouse' },
            spec: { settings: { releaseChannel: channel } },
          },
        ]
      : [],
  };
}

/** A deterministic PRNG (mulberry32) so the walks are reproducible. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('telemetry model', () => {
  it('sizes nodes from instance classes, with defaults', () => {
    expect(nodeSize(node('master', { cores: 4, memory: 8192, diskSizeGB: 40 }))).toEqual({
      cores: 4,
      memoryBytes: 8 * GIB,
      diskBytes: 40 * GIB,
    });
    expect(nodeSize(node('worker', { numCPUs: 6, memory: 12288, rootDiskSize: 30 }))).toEqual({
      cores: 6,
      memoryBytes: 12 * GIB,
      diskBytes: 30 * GIB,
    });
    expect(nodeSize(node('master', {}))).toEqual({
      cores: 4,
      memoryBytes: 8 * GIB,
      diskBytes: 50 * GIB,
    });
    expect(nodeSize({ ...node('worker', {}), spec: 'not json' })).toEqual({
      cores: 8,
      memoryBytes: 16 * GIB,
      diskBytes: 50 * GIB,
    });
  });

  it('reports versions from the configuration', () => {
    expect(reportedKubernetesVersion(cluster([], '1.33'))).toBe('1.33.4');
    expect(reportedKubernetesVersion(cluster([], 'Automatic'))).toBe('1.31.9');
    const sample = nextTelemetry(cluster([], '1.34', 'RockSolid'), initialTelemetryState());
    expect(sample).toMatchObject({
      kubernetes_version: '1.34.2',
      update_channel: 'RockSolid',
      dkp_version: '1.69.11',
      update_available: true,
    });
    expect(nextTelemetry(cluster([]), initialTelemetryState()).update_channel).toBe('Stable');
  });

  it('wanders within bounds, slowly, with capacity from the nodes', () => {
    const random = seeded(42);
    const nodes = [
      node('master', { cores: 4, memory: 8192 }),
      node('worker', { cores: 8, memory: 16384 }),
    ];
    const state = initialTelemetryState(random);
    let previous = nextTelemetry(cluster(nodes), state, random);
    for (let i = 0; i < 500; i += 1) {
      const sample = nextTelemetry(cluster(nodes), state, random);
      expect(sample).toMatchObject({ node_count: 2, cpu_cores: 12, memory_bytes: 24 * GIB });
      expect(sample.cpu_usage).toBeGreaterThanOrEqual(0.05 * 12 - 0.01);
      expect(sample.cpu_usage).toBeLessThanOrEqual(0.92 * 12 + 0.01);
      expect(Math.abs((sample.cpu_usage ?? 0) - (previous.cpu_usage ?? 0))).toBeLessThanOrEqual(
        0.04 * 12 + 0.01,
      );
      expect(sample.memory_used_bytes).toBeLessThanOrEqual(0.93 * 24 * GIB + 1);
      expect(sample.storage_used_bytes).toBeLessThanOrEqual(sample.storage_bytes * 0.86);
      expect(sample.components?.map((c) => c.name)).toEqual([...SIMULATED_COMPONENTS]);
      previous = sample;
    }
  });

  it('lets components fail with an alert and recover', () => {
    const state = initialTelemetryState(() => 0.5);
    // random() = 0 makes every healthy component fail.
    const failing = nextTelemetry(cluster([]), state, () => 0);
    expect(failing.components?.every((c) => c.availability === 0)).toBe(true);
    expect(failing.alerts).toHaveLength(SIMULATED_COMPONENTS.length);
    expect(failing.alerts?.[0]).toMatchObject({
      name: 'D8ComponentUnavailable',
      severity: 'critical',
    });
    // random() = 0.1 < the recovery chance: everything comes back (and 0.1 < 0.8 → availability 1).
    const recovered = nextTelemetry(cluster([]), state, () => 0.1);
    expect(recovered.components?.every((c) => c.availability === 1)).toBe(true);
    expect(recovered.alerts).toEqual([]);
  });
});
