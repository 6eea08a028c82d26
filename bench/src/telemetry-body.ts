import type { TelemetryBody } from '@commander/contracts';

const COMPONENTS = [
  'deckhouse',
  'control-plane-manager',
  'node-manager',
  'cni-cilium',
  'ingress-nginx',
  'cert-manager',
  'prometheus',
  'upmeter',
];
const GIB = 1024 ** 3;

/** A simulated cluster's resources and its slowly moving usage. */
export type AgentModel = {
  nodes: number;
  cores: number;
  memoryBytes: number;
  storageBytes: number;
  cpuShare: number;
  memoryShare: number;
  storageShare: number;
};

/** A cluster of 2–12 nodes sized like the dhctl-sim defaults (4–8 cores, 8–16 GiB, 50 GiB disks). */
export function newAgentModel(index: number, random: () => number = Math.random): AgentModel {
  const nodes = 2 + (index % 11);
  const cores = 4 + (nodes - 1) * 8;
  return {
    nodes,
    cores,
    memoryBytes: (8 + (nodes - 1) * 16) * GIB,
    // Node root disks plus 60 GiB of monitoring volumes.
    storageBytes: (nodes * 50 + 60) * GIB,
    cpuShare: 0.2 + 0.4 * random(),
    memoryShare: 0.3 + 0.4 * random(),
    storageShare: 0.2 + 0.3 * random(),
  };
}

function walk(share: number, step: number, random: () => number): number {
  return Math.min(0.95, Math.max(0.05, share + (random() - 0.5) * step));
}

/**
 * The next telemetry sample of an agent, as commander-agent sends it (packages/contracts
 * `TelemetryBodySchema`): sizes, usage (bounded random walks), versions, the eight components
 * the simulated agents report, and now and then a component down with its alert.
 */
export function nextTelemetryBody(
  model: AgentModel,
  random: () => number = Math.random,
): TelemetryBody {
  model.cpuShare = walk(model.cpuShare, 0.1, random);
  model.memoryShare = walk(model.memoryShare, 0.05, random);
  model.storageShare = walk(model.storageShare, 0.01, random);
  const down = random() < 0.03 ? COMPONENTS[Math.floor(random() * COMPONENTS.length)] : undefined;
  return {
    ts: new Date().toISOString(),
    cpu_cores: model.cores,
    cpu_usage: Math.round(model.cores * model.cpuShare * 1000) / 1000,
    memory_bytes: model.memoryBytes,
    memory_used_bytes: Math.round(model.memoryBytes * model.memoryShare),
    storage_bytes: model.storageBytes,
    storage_used_bytes: Math.round(model.storageBytes * model.storageShare),
    node_count: model.nodes,
    dkp_version: 'v1.69.3',
    kubernetes_version: '1.31.4',
    update_channel: 'Stable',
    update_available: false,
    components: COMPONENTS.map((name) => ({ name, availability: name === down ? 0.5 : 1 })),
    alerts: down
      ? [{ name: 'D8ComponentUnavailable', severity: 'warning', message: `${down} is unavailable` }]
      : [],
  };
}
