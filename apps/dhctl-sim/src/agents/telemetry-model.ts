// Simulated telemetry of a virtual cluster: capacity from its nodes (sizes from instance
// classes), usage that wanders (bounded random walks), storage that slowly fills up, versions
// from the configuration, and DKP components that now and then fail and recover.
import type { TelemetryBody } from '@commander/contracts';

import { kubernetesVersionOf, type VirtualCluster, type VirtualNode } from '../cluster-model.js';
import { documentsOfKind, getPath, nameOf } from '../documents.js';

const GIB = 2 ** 30;
const MIB = 2 ** 20;

/** Components a DKP cluster reports availability for (upmeter-style probes). */
export const SIMULATED_COMPONENTS = [
  'deckhouse',
  'control-plane-manager',
  'node-manager',
  'cni-cilium',
  'ingress-nginx',
  'cert-manager',
  'prometheus',
  'upmeter',
] as const;

/** Chance per sample that a healthy component goes down. */
const FAILURE_CHANCE = 0.004;
/** Chance per sample that a down component recovers. */
const RECOVERY_CHANCE = 0.35;

/** DKP version per release channel (the sim does not model releases). */
const DKP_VERSIONS: Record<string, string> = {
  Alpha: '1.72.1',
  Beta: '1.71.4',
  EarlyAccess: '1.71.2',
  Stable: '1.70.6',
  RockSolid: '1.69.11',
};

/** A plausible patch release per Kubernetes minor version. */
const KUBERNETES_PATCHES: Record<string, number> = {
  '1.29': 14,
  '1.30': 12,
  '1.31': 9,
  '1.32': 6,
  '1.33': 4,
  '1.34': 2,
  '1.35': 1,
  '1.36': 0,
};

/** The mutable state behind one cluster's samples (a few numbers: cheap for thousands). */
export type TelemetryState = {
  /** CPU and memory use as fractions of capacity. */
  cpu: number;
  memory: number;
  /** Storage use as a fraction of capacity. */
  storage: number;
  /** Per component: samples left until it recovers (0 = up). */
  down: number[];
};

/** Fresh state for a new cluster: moderate, randomized load. */
export function initialTelemetryState(random: () => number = Math.random): TelemetryState {
  return {
    cpu: 0.15 + random() * 0.3,
    memory: 0.35 + random() * 0.25,
    storage: 0.2 + random() * 0.2,
    down: SIMULATED_COMPONENTS.map(() => 0),
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

type NodeSize = { cores: number; memoryBytes: number; diskBytes: number };

function positive(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

/**
 * A node's size from its instance class (`cores`/`numCPUs`, `memory` in MiB, `diskSizeGB`/
 * `rootDiskSize` in GiB); defaults: masters 4 cores/8 GiB, workers 8 cores/16 GiB, 50 GiB disks.
 */
export function nodeSize(node: VirtualNode): NodeSize {
  let instanceClass: unknown = {};
  try {
    instanceClass = JSON.parse(node.spec) as unknown;
  } catch {
    // A drifted spec is not JSON of an instance class: use the defaults.
  }
  const isMaster = node.role === 'master';
  const cores =
    positive(getPath(instanceClass, 'cores')) ?? positive(getPath(instanceClass, 'numCPUs'));
  const memoryMib = positive(getPath(instanceClass, 'memory'));
  const diskGib =
    positive(getPath(instanceClass, 'diskSizeGB')) ??
    positive(getPath(instanceClass, 'rootDiskSize')) ??
    positive(getPath(instanceClass, 'diskSizeGb'));
  return {
    cores: cores ?? (isMaster ? 4 : 8),
    memoryBytes: memoryMib ? memoryMib * MIB : (isMaster ? 8 : 16) * GIB,
    diskBytes: (diskGib ?? 50) * GIB,
  };
}

/** `spec.settings.releaseChannel` of the `deckhouse` ModuleConfig, default `Stable`. */
export function releaseChannelOf(cluster: Pick<VirtualCluster, 'resources'>): string {
  const moduleConfig = documentsOfKind(cluster.resources, 'ModuleConfig').find(
    (document) => nameOf(document) === 'deckhouse',
  );
  const channel = getPath(moduleConfig, 'spec.settings.releaseChannel');
  return typeof channel === 'string' && channel !== '' ? channel : 'Stable';
}

/** The Kubernetes version a cluster reports: configured minor plus a patch (`Automatic` → 1.31). */
export function reportedKubernetesVersion(
  cluster: Pick<VirtualCluster, 'clusterConfiguration'>,
): string {
  const configured = kubernetesVersionOf(cluster);
  const minor = configured === 'Automatic' || configured === '' ? '1.31' : configured;
  const patch = KUBERNETES_PATCHES[minor];
  return patch === undefined ? minor : `${minor}.${patch}`;
}

/**
 * Advances `state` by one sample and returns the telemetry body. Capacity follows the nodes;
 * the walks move a little each sample, so consecutive samples look continuous.
 */
export function nextTelemetry(
  cluster: Pick<VirtualCluster, 'nodes' | 'resources' | 'clusterConfiguration'>,
  state: TelemetryState,
  random: () => number = Math.random,
  now: Date = new Date(),
): TelemetryBody {
  const step = (scale: number) => (random() * 2 - 1) * scale;
  state.cpu = clamp(state.cpu + step(0.04), 0.05, 0.92);
  state.memory = clamp(state.memory + step(0.015), 0.2, 0.93);
  // Storage fills slowly; at 85 % a cleanup (log rotation, retention) frees a chunk.
  state.storage = state.storage >= 0.85 ? 0.55 + random() * 0.1 : state.storage + random() * 0.0015;

  const alerts: NonNullable<TelemetryBody['alerts']> = [];
  const components = SIMULATED_COMPONENTS.map((name, index) => {
    let down = state.down[index] ?? 0;
    if (down > 0) {
      down = random() < RECOVERY_CHANCE ? 0 : down;
    } else if (random() < FAILURE_CHANCE) {
      down = 1;
    }
    state.down[index] = down;
    if (down > 0) {
      const availability = Math.round(random() * 0.6 * 1000) / 1000;
      alerts.push({
        name: 'D8ComponentUnavailable',
        severity: availability === 0 ? 'critical' : 'warning',
        message: `${name}: ${Math.round(availability * 100)}% of its pods are ready`,
      });
      return { name, availability };
    }
    // Healthy components hover just under 1 (a pod restart now and then).
    return {
      name,
      availability: random() < 0.8 ? 1 : Math.round((0.995 + random() * 0.005) * 1000) / 1000,
    };
  });

  let cpuCores = 0;
  let memoryBytes = 0;
  let diskBytes = 0;
  for (const node of cluster.nodes) {
    const size = nodeSize(node);
    cpuCores += size.cores;
    memoryBytes += size.memoryBytes;
    diskBytes += size.diskBytes;
  }
  // Persistent volumes of the monitoring stack (prometheus, upmeter) on top of the root disks.
  const storageBytes = diskBytes + (cluster.nodes.length > 0 ? 60 * GIB : 0);
  const channel = releaseChannelOf(cluster);
  return {
    ts: now.toISOString(),
    cpu_cores: cpuCores,
    cpu_usage: Math.round(cpuCores * state.cpu * 1000) / 1000,
    memory_bytes: memoryBytes,
    memory_used_bytes: Math.round(memoryBytes * state.memory),
    storage_bytes: storageBytes,
    storage_used_bytes: Math.round(storageBytes * state.storage),
    node_count: cluster.nodes.length,
    dkp_version: DKP_VERSIONS[channel] ?? DKP_VERSIONS.Stable ?? null,
    kubernetes_version: reportedKubernetesVersion(cluster),
    update_channel: channel,
    // The oldest channel lags behind: an update is waiting there.
    update_available: channel === 'RockSolid',
    components,
    alerts,
  };
}
