// The simulated `dhctl check`: compares the desired configuration of a request with the
// virtual cluster's actual one and builds the CheckResult JSON (upstream check_result.go).
import type {
  CheckResult,
  CheckStatus,
  DestructiveChangeEntry,
  NodeCheckResult,
  NodeTemplateCheckResult,
} from '@commander/dhctl';

import {
  type DesiredCluster,
  plannedNodes,
  type VirtualCluster,
  type VirtualNode,
} from './cluster-model.js';
import { OperationFailed } from './conversation.js';
import { canonicalJson, deepEqual, getPath, type KubeDocument, sha256Hex } from './documents.js';

/** ClusterConfiguration fields marked x-unsafe (changing them recreates the cluster). */
const UNSAFE_CLUSTER_FIELDS = [
  'clusterType',
  'podSubnetCIDR',
  'serviceSubnetCIDR',
  'cloud.provider',
  'cloud.prefix',
] as const;

/** Provider configuration fields marked x-unsafe across the bundled providers. */
const UNSAFE_PROVIDER_FIELDS = [
  'nodeNetworkCIDR',
  'layout',
  'provider.cloudID',
  'provider.folderID',
  'standardSubnetCIDR',
  'vNetCIDR',
  'subnetCIDR',
  'existingNetwork',
] as const;

const RANK: Record<CheckStatus, number> = { InSync: 0, OutOfSync: 1, DestructiveOutOfSync: 2 };

function worse(a: CheckStatus, b: CheckStatus): CheckStatus {
  return RANK[b] > RANK[a] ? b : a;
}

function unsafeDiffs(
  kind: string,
  fields: readonly string[],
  current: KubeDocument | null,
  next: KubeDocument | null,
): DestructiveChangeEntry[] {
  if (!current || !next) {
    return [];
  }
  return fields.flatMap((field) => {
    const currentValue = getPath(current, field);
    const nextValue = getPath(next, field);
    return deepEqual(currentValue ?? null, nextValue ?? null)
      ? []
      : [
          {
            type: `${kind}.${field}`,
            current_value: currentValue ?? null,
            next_value: nextValue ?? null,
          },
        ];
  });
}

/**
 * Thrown by {@link checkCluster} when another Commander owns the cluster (a hard error, as
 * upstream).
 */
export function assertOwner(cluster: VirtualCluster, commanderUuid: string): void {
  if (
    commanderUuid !== '' &&
    cluster.ownerCommanderUuid !== null &&
    cluster.ownerCommanderUuid.toLowerCase() !== commanderUuid.toLowerCase()
  ) {
    throw new OperationFailed(
      `cluster is managed by another commander (d8-commander-uuid ${cluster.ownerCommanderUuid}, requested ${commanderUuid})`,
    );
  }
}

/**
 * Checks a cluster against the desired configuration.
 *
 * - configuration (ClusterConfiguration + provider document) deep-equal → `configuration_status`;
 * - x-unsafe fields that differ, and (Cloud) nodes that would be deleted (`abandoned`) →
 *   `DestructiveOutOfSync` with a `destructive_change_id` = sha256 of the canonical JSON of
 *   those destructive parts, stable while nothing changes;
 * - missing or changed nodes, no owner yet → `OutOfSync`.
 *
 * @throws OperationFailed "cluster is managed by another commander …".
 */
export function checkCluster(
  cluster: VirtualCluster,
  desired: DesiredCluster,
  commanderUuid: string,
): CheckResult {
  assertOwner(cluster, commanderUuid);
  let status: CheckStatus = 'InSync';

  const configurationInSync =
    deepEqual(cluster.clusterConfiguration, desired.clusterConfiguration) &&
    deepEqual(cluster.providerClusterConfiguration, desired.providerClusterConfiguration);
  if (!configurationInSync) {
    status = worse(status, 'OutOfSync');
  }
  if (commanderUuid !== '' && cluster.ownerCommanderUuid === null) {
    // Converge writes the d8-commander-uuid ConfigMap.
    status = worse(status, 'OutOfSync');
  }

  const recreated = [
    ...unsafeDiffs(
      'ClusterConfiguration',
      UNSAFE_CLUSTER_FIELDS,
      cluster.clusterConfiguration,
      desired.clusterConfiguration,
    ),
    ...unsafeDiffs(
      'ProviderClusterConfiguration',
      UNSAFE_PROVIDER_FIELDS,
      cluster.providerClusterConfiguration,
      desired.providerClusterConfiguration,
    ),
  ];
  if (recreated.length > 0) {
    status = worse(status, 'DestructiveOutOfSync');
  }

  let nodes: NodeCheckResult[] | null = null;
  let nodeTemplates: NodeTemplateCheckResult[] | null = null;
  const deleted: { type: string; name: string }[] = [];
  if (cluster.clusterType === 'Cloud') {
    const wanted = new Map(plannedNodes(desired, cluster.resources).map((n) => [n.name, n]));
    const actual = new Map(cluster.nodes.map((n) => [n.name, n]));
    nodes = [];
    const changedGroups = new Set<string>();
    for (const node of cluster.nodes) {
      const target = wanted.get(node.name);
      if (!target || node.isAbandoned) {
        deleted.push({ type: 'node', name: node.name });
        nodes.push({
          group: node.group,
          name: node.name,
          status: 'abandoned',
          destructive_changes: {
            resources_deleted: [{ type: 'node', current_value: node.name, next_value: null }],
          },
        });
      } else if (target.spec !== node.spec) {
        changedGroups.add(node.group);
        nodes.push({ group: node.group, name: node.name, status: 'changed' });
      } else {
        nodes.push({ group: node.group, name: node.name, status: 'ok' });
      }
    }
    for (const node of wanted.values()) {
      if (!actual.has(node.name)) {
        nodes.push({ group: node.group, name: node.name, status: 'absent' });
      }
    }
    if (nodes.some((n) => n.status === 'changed' || n.status === 'absent')) {
      status = worse(status, 'OutOfSync');
    }
    if (deleted.length > 0) {
      status = worse(status, 'DestructiveOutOfSync');
    }
    nodeTemplates = [...new Set([...wanted.values()].map((n: VirtualNode) => n.group))]
      .filter((group) => group !== 'master')
      .map((group) => ({ name: group, status: changedGroups.has(group) ? 'changed' : 'ok' }));
  }

  const providerChanged = !deepEqual(
    cluster.providerClusterConfiguration,
    desired.providerClusterConfiguration,
  );
  const result: CheckResult = {
    status,
    status_details: {
      configuration_status: configurationInSync ? 'InSync' : 'OutOfSync',
      nodes,
      node_templates: nodeTemplates,
      cluster:
        recreated.length > 0
          ? {
              status: 'destructively_changed',
              destructive_changes: {
                resourced_recreated: recreated,
                provider: desired.provider ?? '',
              },
            }
          : { status: providerChanged && cluster.clusterType === 'Cloud' ? 'changed' : 'ok' },
      terraform_plan: cluster.clusterType === 'Cloud' ? [] : null,
    },
  };
  if (status === 'DestructiveOutOfSync') {
    result.destructive_change_id = sha256Hex(
      canonicalJson({
        deleted: deleted.sort((a, b) => a.name.localeCompare(b.name)),
        recreated: recreated.map((entry) => ({ type: entry.type, next_value: entry.next_value })),
      }),
    );
  }
  return result;
}

/** The desired configuration that matches the cluster as it is (attach: nothing to change). */
export function desiredFromCluster(cluster: VirtualCluster): DesiredCluster {
  return {
    clusterType: cluster.clusterType,
    provider: cluster.provider,
    prefix: cluster.prefix,
    clusterConfiguration: cluster.clusterConfiguration,
    providerClusterConfiguration: cluster.providerClusterConfiguration,
  };
}
