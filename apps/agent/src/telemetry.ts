// Telemetry from the Kubernetes API alone (no Prometheus): capacity from Nodes and
// PersistentVolumes, usage from metrics.k8s.io when present, versions, update channel,
// component availability from d8-* workloads, and alerts derivable from object status.
import type { Alert, KubeObject, TelemetryBody } from '@commander/contracts';

import type { KubeClient } from './kube-client.js';
import type { Logger } from './logger.js';
import { parseQuantity } from './quantity.js';

type Condition = { type?: string; status?: string; reason?: string; message?: string };

type NodeObject = KubeObject & {
  metadata: { annotations?: Record<string, string> };
  spec?: { unschedulable?: boolean };
  status?: { capacity?: Record<string, string>; conditions?: Condition[] };
};

type NodeMetricsObject = KubeObject & { usage?: Record<string, string> };

type WorkloadObject = KubeObject & {
  spec?: { replicas?: number };
  status?: {
    readyReplicas?: number;
    availableReplicas?: number;
    desiredNumberScheduled?: number;
    numberReady?: number;
    numberAvailable?: number;
  };
};

/** Node annotation of DKP's node-manager: the node waits for a manual disruption approval. */
export const DISRUPTION_REQUIRED_ANNOTATION = 'update.node.deckhouse.io/disruption-required';
const DISRUPTION_APPROVED_ANNOTATION = 'update.node.deckhouse.io/disruption-approved';

const MAX_ALERTS = 500;
const MAX_COMPONENTS = 500;

function sum(values: Iterable<number | null>): number {
  let total = 0;
  for (const value of values) {
    total += value ?? 0;
  }
  return total;
}

/** `v1.31.4+k3s1` → `1.31.4`; anything unparseable as is. */
export function normalizeVersion(version: string): string {
  const match = /^v?(\d+\.\d+(?:\.\d+)?)/.exec(version.trim());
  return match?.[1] ?? version.trim();
}

/**
 * The component a d8-* namespace stands for: `d8-system` → `deckhouse`, `d8-ingress-nginx` →
 * `ingress-nginx` (namespaces are per DKP module).
 */
export function componentOf(namespace: string): string {
  return namespace === 'd8-system' ? 'deckhouse' : namespace.replace(/^d8-/, '');
}

function isReady(node: NodeObject): { ready: boolean; reason: string } {
  const condition = node.status?.conditions?.find((c) => c.type === 'Ready');
  return {
    ready: condition?.status === 'True',
    reason: condition?.reason ?? condition?.message ?? 'no Ready condition',
  };
}

/** Ready/desired of a Deployment or DaemonSet, or `null` when it wants no pods. */
function workloadAvailability(workload: WorkloadObject): { ready: number; desired: number } | null {
  if (workload.kind === 'DaemonSet') {
    const desired = workload.status?.desiredNumberScheduled ?? 0;
    return desired > 0 ? { ready: workload.status?.numberReady ?? 0, desired } : null;
  }
  const desired = workload.spec?.replicas ?? 1;
  return desired > 0 ? { ready: workload.status?.readyReplicas ?? 0, desired } : null;
}

async function optional<T>(log: Logger, what: string, load: () => Promise<T>): Promise<T | null> {
  try {
    return await load();
  } catch (error) {
    log.debug({ err: (error as Error).message }, `telemetry: ${what} unavailable`);
    return null;
  }
}

/**
 * Collects one telemetry sample.
 *
 * - CPU/memory: sum of Node `status.capacity`; usage from `metrics.k8s.io` NodeMetrics when the
 *   API exists (DKP serves it through prometheus-metrics-adapter).
 * - Storage: Node `ephemeral-storage` capacity (root disks) plus PersistentVolume capacity.
 * - DKP version: the `Deployed` DeckhouseRelease, else the `deckhouse` Deployment's image tag
 *   when it is a version (release-channel tags like `stable` say nothing).
 * - Update available: a `Pending` DeckhouseRelease exists.
 * - Update channel: ModuleConfig `deckhouse` `spec.settings.releaseChannel`.
 * - Components: per d8-* namespace, the mean ready/desired of its Deployments and DaemonSets.
 * - Alerts: NodeNotReady (critical), NodeUnschedulable (info), NodeDisruptionApprovalRequired
 *   (warning), D8ComponentDegraded/D8ComponentUnavailable (warning/critical) per workload.
 *
 * @throws KubeApiError when Nodes cannot be listed (nothing meaningful to send then).
 */
export async function collectTelemetry(kube: KubeClient, log: Logger): Promise<TelemetryBody> {
  const nodes = (await kube.list('v1', 'Node')) as NodeObject[];
  const [volumes, nodeMetrics, version, releases, deckhouseDeployment, moduleConfig, workloads] =
    await Promise.all([
      optional(log, 'PersistentVolumes', () => kube.list('v1', 'PersistentVolume')),
      optional(
        log,
        'NodeMetrics',
        async () =>
          (await kube.list('metrics.k8s.io/v1beta1', 'NodeMetrics')) as NodeMetricsObject[],
      ),
      optional(log, 'version', () => kube.version()),
      optional(log, 'DeckhouseReleases', () =>
        kube.list('deckhouse.io/v1alpha1', 'DeckhouseRelease'),
      ),
      optional(log, 'deckhouse Deployment', () =>
        kube.get({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          namespace: 'd8-system',
          name: 'deckhouse',
        }),
      ),
      optional(log, 'ModuleConfig deckhouse', () =>
        kube.get({
          apiVersion: 'deckhouse.io/v1alpha1',
          kind: 'ModuleConfig',
          namespace: null,
          name: 'deckhouse',
        }),
      ),
      optional(log, 'workloads', async () => [
        ...(await kube.list('apps/v1', 'Deployment')),
        ...(await kube.list('apps/v1', 'DaemonSet')),
      ]),
    ]);

  const alerts: Alert[] = [];
  for (const node of nodes) {
    const { ready, reason } = isReady(node);
    if (!ready) {
      alerts.push({
        name: 'NodeNotReady',
        severity: 'critical',
        message: `Node ${node.metadata.name} is not Ready: ${reason}`,
      });
    }
    if (node.spec?.unschedulable) {
      alerts.push({
        name: 'NodeUnschedulable',
        severity: 'info',
        message: `Node ${node.metadata.name} is cordoned`,
      });
    }
    const annotations = node.metadata.annotations ?? {};
    if (
      DISRUPTION_REQUIRED_ANNOTATION in annotations &&
      !(DISRUPTION_APPROVED_ANNOTATION in annotations)
    ) {
      alerts.push({
        name: 'NodeDisruptionApprovalRequired',
        severity: 'warning',
        message: `Node ${node.metadata.name} waits for a manual approval of a disruptive update`,
      });
    }
  }

  const byComponent = new Map<string, number[]>();
  for (const workload of (workloads ?? []) as WorkloadObject[]) {
    const namespace = workload.metadata.namespace ?? '';
    if (!namespace.startsWith('d8-')) {
      continue;
    }
    const availability = workloadAvailability(workload);
    if (!availability) {
      continue;
    }
    const ratio = Math.min(1, availability.ready / availability.desired);
    const component = componentOf(namespace);
    byComponent.set(component, [...(byComponent.get(component) ?? []), ratio]);
    if (ratio < 1) {
      alerts.push({
        name: ratio === 0 ? 'D8ComponentUnavailable' : 'D8ComponentDegraded',
        severity: ratio === 0 ? 'critical' : 'warning',
        message: `${workload.kind} ${namespace}/${workload.metadata.name}: ${availability.ready}/${availability.desired} ready`,
      });
    }
  }
  const components = [...byComponent.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .slice(0, MAX_COMPONENTS)
    .map(([name, ratios]) => ({
      name,
      availability: Math.round((sum(ratios) / ratios.length) * 1000) / 1000,
    }));

  const releaseList = (releases ?? []) as (KubeObject & {
    spec?: { version?: string };
    status?: { phase?: string };
  })[];
  const deployed = releaseList.find((release) => release.status?.phase === 'Deployed');
  const image = (
    deckhouseDeployment as {
      spec?: { template?: { spec?: { containers?: { name?: string; image?: string }[] } } };
    } | null
  )?.spec?.template?.spec?.containers?.find((c) => c.name === 'deckhouse')?.image;
  const imageTag = image && !image.includes('@') ? image.slice(image.lastIndexOf(':') + 1) : null;
  const dkpVersion = deployed?.spec?.version
    ? normalizeVersion(deployed.spec.version)
    : imageTag && /^v?\d+\.\d+/.test(imageTag)
      ? normalizeVersion(imageTag)
      : null;
  const releaseChannel = (
    moduleConfig as { spec?: { settings?: { releaseChannel?: unknown } } } | null
  )?.spec?.settings?.releaseChannel;

  return {
    ts: new Date().toISOString(),
    cpu_cores: sum(nodes.map((node) => parseQuantity(node.status?.capacity?.cpu))),
    ...(nodeMetrics && nodeMetrics.length > 0
      ? {
          cpu_usage: sum(nodeMetrics.map((m) => parseQuantity(m.usage?.cpu))),
          memory_used_bytes: Math.round(
            sum(nodeMetrics.map((m) => parseQuantity(m.usage?.memory))),
          ),
        }
      : {}),
    memory_bytes: sum(nodes.map((node) => parseQuantity(node.status?.capacity?.memory))),
    storage_bytes:
      sum(nodes.map((node) => parseQuantity(node.status?.capacity?.['ephemeral-storage']))) +
      sum(
        ((volumes ?? []) as (KubeObject & { spec?: { capacity?: Record<string, string> } })[]).map(
          (volume) => parseQuantity(volume.spec?.capacity?.storage),
        ),
      ),
    node_count: nodes.length,
    dkp_version: dkpVersion,
    kubernetes_version: version?.gitVersion ? normalizeVersion(version.gitVersion) : null,
    update_channel: typeof releaseChannel === 'string' ? releaseChannel : null,
    ...(releases
      ? { update_available: releaseList.some((r) => r.status?.phase === 'Pending') }
      : {}),
    components,
    alerts: alerts.slice(0, MAX_ALERTS),
  };
}
