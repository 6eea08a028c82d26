import { createHash } from 'node:crypto';

import {
  AGENT_CREDENTIALS_SECRET,
  type AgentResources,
  HERITAGE_LABEL,
  type KubeObject,
} from '@commander/contracts';
import type { Cluster } from '@commander/db';
import { parseAllDocuments } from 'yaml';

import { decryptRendered } from '../cluster-state/rendered-config.js';
import type { Encryptor } from '../context.js';

/** How often agents poll for resources and report telemetry (seconds). */
export const AGENT_POLL_INTERVAL_SECONDS = 30;
export const AGENT_TELEMETRY_INTERVAL_SECONDS = 30;
/** Name of the resource group Commander adds for the agent's own credentials. */
export const AGENT_GROUP = 'commander-agent';
/** The agent URL of a cluster (`commanderUrl`). */
export function agentUrl(publicUrl: string, clusterUuid: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/agent_api/${clusterUuid}`;
}

/** The credentials Secret the agent reads (Commander adds it to the cluster's resources). */
export function agentCredentialsSecret(key: string, commanderUrl: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: AGENT_CREDENTIALS_SECRET.name,
      namespace: AGENT_CREDENTIALS_SECRET.namespace,
      labels: { [HERITAGE_LABEL.key]: HERITAGE_LABEL.value },
    },
    type: 'Opaque',
    stringData: { token: key, commander_url: commanderUrl },
  };
}

const NAMESPACE_DOC: KubeObject = {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: {
    name: AGENT_CREDENTIALS_SECRET.namespace,
    labels: { [HERITAGE_LABEL.key]: HERITAGE_LABEL.value },
  },
};

/** Name of the agent's Deployment, ServiceAccount and ClusterRoleBinding. */
export const AGENT_WORKLOAD_NAME = 'commander-agent';

/**
 * The agent's own workload: ServiceAccount, a ClusterRoleBinding to `cluster-admin` (the agent
 * applies whatever the cluster's templates declare, of any kind, in any namespace, and reads
 * nodes for telemetry: no narrower role can do that) and a one-replica Deployment of `image`
 * (`Recreate`: two agents must never apply at once). The agent finds its credentials Secret in
 * its own namespace. Changing the image rolls the agent out through the same resource group.
 */
export function agentWorkloadResources(image: string): KubeObject[] {
  const namespace = AGENT_CREDENTIALS_SECRET.namespace;
  const labels = {
    [HERITAGE_LABEL.key]: HERITAGE_LABEL.value,
    'app.kubernetes.io/name': AGENT_WORKLOAD_NAME,
  };
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: AGENT_WORKLOAD_NAME, namespace, labels },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: AGENT_WORKLOAD_NAME, labels },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'cluster-admin',
      },
      subjects: [{ kind: 'ServiceAccount', name: AGENT_WORKLOAD_NAME, namespace }],
    },
    // Commander's users reach the cluster through the agent's tunnel, impersonated with one of
    // these groups (packages/core/src/kubernetes/impersonation.ts); the agent, cluster-admin,
    // may impersonate them.
    ...(
      [
        ['commander:cluster-admin', 'cluster-admin'],
        ['commander:edit', 'edit'],
        ['commander:view', 'view'],
      ] as const
    ).map(([group, role]) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: group.replace(':', '-'), labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: group }],
    })),
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: AGENT_WORKLOAD_NAME, namespace, labels },
      spec: {
        replicas: 1,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { 'app.kubernetes.io/name': AGENT_WORKLOAD_NAME } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: AGENT_WORKLOAD_NAME,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 65532,
              runAsGroup: 65532,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }],
            containers: [
              {
                name: 'agent',
                image,
                imagePullPolicy: 'IfNotPresent',
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                resources: {
                  requests: { cpu: '50m', memory: '128Mi' },
                  limits: { memory: '256Mi' },
                },
              },
            ],
          },
        },
      },
    },
  ];
}

/**
 * YAML of the agent's namespace and credentials (and, with `agentImage`, its workload),
 * appended to what dhctl installs at bootstrap.
 */
export function agentBootstrapYaml(
  key: string,
  commanderUrl: string,
  agentImage: string | null = null,
): string {
  return [
    NAMESPACE_DOC,
    agentCredentialsSecret(key, commanderUrl),
    ...(agentImage ? agentWorkloadResources(agentImage) : []),
  ]
    .map((d) => JSON.stringify(d))
    .join('\n---\n');
}

function parseDocuments(yaml: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(yaml)) {
    const value: unknown = doc.toJS();
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      out.push(value as KubeObject);
    }
  }
  return out;
}

/**
 * The desired resources of a cluster by group, with a content version: the template's
 * resource groups as last rendered, plus Commander's own group with the agent's credentials.
 */
export function desiredAgentResources(
  encryptor: Encryptor,
  cluster: Cluster,
  publicUrl: string,
  agentImage: string | null = null,
): AgentResources {
  const desired = decryptRendered(encryptor, cluster.desiredRenderedEncrypted);
  const groups: AgentResources['groups'] = (desired?.resources ?? []).map((g) => ({
    name: g.name,
    sync_mode: g.sync_mode,
    resources: parseDocuments(g.yaml),
  }));
  if (cluster.agentKeyEncrypted) {
    groups.push({
      name: AGENT_GROUP,
      sync_mode: 'managed',
      resources: [
        agentCredentialsSecret(
          encryptor.decrypt(cluster.agentKeyEncrypted),
          agentUrl(publicUrl, cluster.uuid),
        ),
        ...(agentImage ? agentWorkloadResources(agentImage) : []),
      ],
    });
  }
  const version = createHash('sha256').update(JSON.stringify(groups)).digest('hex').slice(0, 32);
  return {
    version,
    groups,
    poll_interval_seconds: AGENT_POLL_INTERVAL_SECONDS,
    telemetry_interval_seconds: AGENT_TELEMETRY_INTERVAL_SECONDS,
  };
}

/**
 * What the stored `resources_version` is stamped with: the URL (and the agent image) the
 * resources were built for, so a changed configuration never answers 304 to an old version.
 */
export function urlTag(publicUrl: string, agentImage: string | null): string {
  return createHash('sha256')
    .update(`${publicUrl}\n${agentImage ?? ''}`)
    .digest('hex')
    .slice(0, 8);
}
