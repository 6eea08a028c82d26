// The virtual cluster: what a real cluster would hold in kube-system (configuration Secrets,
// d8-cluster-uuid, d8-commander-uuid) plus its nodes and applied resources. Everything a later
// simulated commander-agent needs is here: `uuid`, `commanderUrl`, `nodes`, `resources`.
import type { ClusterType } from '@commander/dhctl';

import {
  canonicalJson,
  documentsOfKind,
  getPath,
  kindOf,
  type KubeDocument,
  nameOf,
  parseDocuments,
  scalarText,
} from './documents.js';

/** One node of a virtual cluster. */
export type VirtualNode = {
  name: string;
  /** NodeGroup name: `master` for control-plane nodes. */
  group: string;
  role: 'master' | 'worker';
  /** Canonical JSON of the group's instance class: a change makes the node `changed`. */
  spec: string;
  /** Set for nodes injected by destructive drift: not in any configuration. */
  isAbandoned?: boolean;
};

/** Lifecycle of a virtual cluster as the simulator sees it. */
export type VirtualClusterStatus = 'bootstrapping' | 'bootstrap_failed' | 'ready' | 'destroying';

/** Drift injected through the control API since the last converge. */
export type ClusterDrift = { destructive: boolean; nonDestructive: boolean; notes: string[] };

/** A virtual cluster (JSON-serializable: persisted in the state file as is). */
export type VirtualCluster = {
  /** The cluster UUID (`d8-cluster-uuid`; the `uuid` key of the dhctl state). */
  uuid: string;
  status: VirtualClusterStatus;
  /** The `d8-commander-uuid` ConfigMap: the managing Commander, `null` when unmanaged. */
  ownerCommanderUuid: string | null;
  /** `spec.settings.commanderUrl` of the `commander-agent` ModuleConfig, when applied. */
  commanderUrl: string | null;
  clusterType: ClusterType;
  /** `cloud.provider` for Cloud clusters. */
  provider: string | null;
  /** `cloud.prefix` for Cloud clusters. */
  prefix: string | null;
  /** The in-cluster `ClusterConfiguration` (actual state). */
  clusterConfiguration: KubeDocument;
  /** The in-cluster `<Provider>ClusterConfiguration` or `StaticClusterConfiguration`. */
  providerClusterConfiguration: KubeDocument | null;
  /** SSH hosts (master addresses). */
  hosts: string[];
  sshUser: string;
  nodes: VirtualNode[];
  /** Applied resources (init_resources + resources + attach/detach templates). */
  resources: KubeDocument[];
  /** Bootstrap phases completed so far (a failed bootstrap resumes after them). */
  completedBootstrapPhases: string[];
  drift: ClusterDrift;
  /**
   * The registry Deckhouse was installed from (InitConfiguration `deckhouse.*`); the credentials
   * only as a SHA-256 (the simulator keeps no secret). Absent in old state files.
   */
  registry?: VirtualRegistry | null;
  createdAt: string;
  updatedAt: string;
};

/** What a bootstrap's InitConfiguration says about the registry. */
export type VirtualRegistry = {
  imagesRepo: string | null;
  scheme: string | null;
  /** Whether `registryCA` was set. */
  hasCA: boolean;
  /** SHA-256 (hex) of `registryDockerCfg`; null when absent. */
  dockerCfgSha256: string | null;
};

/** What a request says the cluster should look like. */
export type DesiredCluster = {
  clusterType: ClusterType;
  provider: string | null;
  prefix: string | null;
  clusterConfiguration: KubeDocument;
  providerClusterConfiguration: KubeDocument | null;
};

/** A configuration problem in a request (reported as the operation's `err`). */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/** SSH connection settings from `connection_config`. */
export type ConnectionSettings = { sshUser: string; hosts: string[] };

function parse(text: string, field: string): KubeDocument[] {
  try {
    return parseDocuments(text);
  } catch (error) {
    throw new ConfigurationError(`${field}: ${(error as Error).message}`);
  }
}

/** Parses `connection_config` (one SSHConfig, any SSHHosts). */
export function parseConnection(text: string): ConnectionSettings {
  const documents = parse(text, 'connection_config');
  const configs = documentsOfKind(documents, 'SSHConfig');
  if (documents.length > 0 && configs.length !== 1) {
    throw new ConfigurationError('connection_config: exactly one "SSHConfig" required');
  }
  const hosts = documentsOfKind(documents, 'SSHHost')
    .map((document) => document.host)
    .filter((host): host is string => typeof host === 'string' && host !== '');
  const user = configs[0]?.sshUser;
  return { sshUser: typeof user === 'string' ? user : 'ubuntu', hosts };
}

/**
 * Reads the desired cluster from `cluster_config` and `provider_specific_cluster_config`.
 *
 * @throws ConfigurationError when the ClusterConfiguration is missing or incomplete.
 */
export function desiredFromRequest(clusterConfig: string, providerConfig: string): DesiredCluster {
  const clusterDocuments = documentsOfKind(
    parse(clusterConfig, 'cluster_config'),
    'ClusterConfiguration',
  );
  const [clusterConfiguration] = clusterDocuments;
  if (!clusterConfiguration || clusterDocuments.length !== 1) {
    throw new ConfigurationError('exactly one "ClusterConfiguration" required');
  }
  const clusterType = clusterConfiguration.clusterType;
  if (clusterType !== 'Static' && clusterType !== 'Cloud') {
    throw new ConfigurationError(
      `ClusterConfiguration.clusterType must be Static or Cloud, got ${JSON.stringify(clusterType)}`,
    );
  }
  const providerDocuments = parse(providerConfig, 'provider_specific_cluster_config').filter(
    (document) => kindOf(document).endsWith('ClusterConfiguration'),
  );
  if (providerDocuments.length > 1) {
    throw new ConfigurationError(`exactly one "<Provider>ClusterConfiguration" required`);
  }
  const provider = getPath(clusterConfiguration, 'cloud.provider');
  const prefix = getPath(clusterConfiguration, 'cloud.prefix');
  if (clusterType === 'Cloud' && typeof provider !== 'string') {
    throw new ConfigurationError(
      'ClusterConfiguration.cloud.provider is required for Cloud clusters',
    );
  }
  const providerClusterConfiguration = providerDocuments[0] ?? null;
  if (clusterType === 'Cloud' && !providerClusterConfiguration) {
    throw new ConfigurationError(`exactly one "${String(provider)}ClusterConfiguration" required`);
  }
  return {
    clusterType,
    provider: typeof provider === 'string' ? provider : null,
    prefix: typeof prefix === 'string' ? prefix : clusterType === 'Cloud' ? 'cloud' : null,
    clusterConfiguration,
    providerClusterConfiguration,
  };
}

function replicas(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : fallback;
}

/**
 * The nodes a configuration asks for. Cloud: `masterNodeGroup.replicas` masters and
 * `nodeGroups[].replicas` workers, named `<prefix>-<group>-<i>`. Static: one master (dhctl
 * bootstraps the first SSH host) plus one worker per `StaticInstance` resource.
 */
export function plannedNodes(
  desired: DesiredCluster,
  resources: readonly KubeDocument[],
): VirtualNode[] {
  if (desired.clusterType === 'Static') {
    const workers = documentsOfKind(resources, 'StaticInstance').map((instance, i) => ({
      name: nameOf(instance) || `static-worker-${i}`,
      group: 'worker',
      role: 'worker' as const,
      spec: canonicalJson(getPath(instance, 'spec') ?? {}),
    }));
    return [{ name: 'master-0', group: 'master', role: 'master', spec: '{}' }, ...workers];
  }
  const provider = desired.providerClusterConfiguration ?? {};
  const prefix = desired.prefix ?? 'cloud';
  const nodes: VirtualNode[] = [];
  const masterCount = replicas(getPath(provider, 'masterNodeGroup.replicas'), 1);
  const masterSpec = canonicalJson(getPath(provider, 'masterNodeGroup.instanceClass') ?? {});
  for (let i = 0; i < masterCount; i += 1) {
    nodes.push({
      name: `${prefix}-master-${i}`,
      group: 'master',
      role: 'master',
      spec: masterSpec,
    });
  }
  const groups = getPath(provider, 'nodeGroups');
  if (Array.isArray(groups)) {
    for (const group of groups as unknown[]) {
      const name = getPath(group, 'name');
      if (typeof name !== 'string') {
        continue;
      }
      const spec = canonicalJson(getPath(group, 'instanceClass') ?? {});
      const count = replicas(getPath(group, 'replicas'), 0);
      for (let i = 0; i < count; i += 1) {
        nodes.push({ name: `${prefix}-${name}-${i}`, group: name, role: 'worker', spec });
      }
    }
  }
  return nodes;
}

const AGENT_URL_PATTERN = /\/agent_api\/([0-9a-fA-F-]{36})\/?$/;

/** `spec.settings.commanderUrl` of the `commander-agent` ModuleConfig, or `null`. */
export function commanderUrlOf(resources: readonly KubeDocument[]): string | null {
  const moduleConfig = documentsOfKind(resources, 'ModuleConfig').find(
    (document) => nameOf(document) === 'commander-agent',
  );
  const url = getPath(moduleConfig, 'spec.settings.commanderUrl');
  return typeof url === 'string' && url !== '' ? url : null;
}

/** The Commander cluster id at the end of a commanderUrl (`…/agent_api/<uuid>`), or `null`. */
export function clusterIdFromCommanderUrl(url: string | null): string | null {
  const match = url ? AGENT_URL_PATTERN.exec(url) : null;
  return match?.[1]?.toLowerCase() ?? null;
}

/** `kubernetesVersion` of the actual configuration. */
export function kubernetesVersionOf(cluster: Pick<VirtualCluster, 'clusterConfiguration'>): string {
  const version = cluster.clusterConfiguration.kubernetesVersion;
  return scalarText(version);
}

/** A compact, JSON-friendly description of a cluster for the control API. */
export function summarizeCluster(cluster: VirtualCluster) {
  return {
    uuid: cluster.uuid,
    status: cluster.status,
    owner_commander_uuid: cluster.ownerCommanderUuid,
    commander_url: cluster.commanderUrl,
    commander_cluster_id: clusterIdFromCommanderUrl(cluster.commanderUrl),
    cluster_type: cluster.clusterType,
    provider: cluster.provider,
    prefix: cluster.prefix,
    kubernetes_version: kubernetesVersionOf(cluster),
    hosts: cluster.hosts,
    node_count: cluster.nodes.length,
    master_count: cluster.nodes.filter((node) => node.role === 'master').length,
    resources_count: cluster.resources.length,
    drift: {
      destructive: cluster.drift.destructive,
      non_destructive: cluster.drift.nonDestructive,
      notes: cluster.drift.notes,
    },
    created_at: cluster.createdAt,
    updated_at: cluster.updatedAt,
  };
}

/** The control API's cluster summary shape. */
export type ClusterSummary = ReturnType<typeof summarizeCluster>;
