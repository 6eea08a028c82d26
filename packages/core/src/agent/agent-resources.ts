import { createHash } from 'node:crypto';

import {
  AGENT_CREDENTIALS_SECRET,
  type AgentResources,
  HERITAGE_LABEL,
  type KubeObject,
} from '@commander/contracts';
import { parseAllDocuments } from 'yaml';

import type { Encryptor } from '../context.js';
import type { AgentResourcesCache, AgentResourcesSource } from './agent-resources-cache.js';

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

/** What a cluster's agent resources are built from (its row's columns). */
export type AgentResourcesInputs = {
  uuid: string;
  desiredRenderedEncrypted: string | null;
  agentKeyEncrypted: string | null;
};

/** A cluster's agent resources: the content version and the response body (JSON text). */
export type BuiltAgentResources = {
  version: string;
  body: string;
  /** What the body is built from again without a statement ({@link agentResourcesBody}). */
  source: AgentResourcesSource;
};

type RenderedGroup = { name: string; sync_mode: 'managed' | 'unmanaged'; yaml: string };

function parseGroups(rendered: RenderedGroup[]): AgentResources['groups'] {
  return rendered.map((g) => ({
    name: g.name,
    sync_mode: g.sync_mode,
    resources: parseDocuments(g.yaml),
  }));
}

/**
 * The desired resources of a cluster by group, with a content version: the template's
 * resource groups as last rendered, plus Commander's own group with the agent's credentials.
 * With `cache`, a render's groups are parsed (YAML) and serialized once per process and
 * reused by every cluster with the same render; only the agent's own group (its key and URL)
 * is built per cluster. The body is the JSON the route sends as is; the version is the SHA-256
 * of the groups' JSON, as it always was.
 */
export function buildAgentResources(
  encryptor: Encryptor,
  inputs: AgentResourcesInputs,
  publicUrl: string,
  agentImage: string | null = null,
  cache?: AgentResourcesCache,
): BuiltAgentResources {
  const rendered =
    inputs.desiredRenderedEncrypted === null
      ? []
      : ((
          JSON.parse(encryptor.decrypt(inputs.desiredRenderedEncrypted)) as {
            resources?: RenderedGroup[];
          }
        ).resources ?? []);
  // Keyed by the resource groups' text only, unambiguously (JSON); the rest of the render
  // (cluster configuration, SSH settings) is not kept.
  const template = cache
    ? cache.template(JSON.stringify(rendered.map((g) => [g.name, g.sync_mode, g.yaml])), () =>
        parseGroups(rendered),
      )
    : (() => {
        const groups = parseGroups(rendered);
        return { groups, json: JSON.stringify(groups) };
      })();
  const source = { template, uuid: inputs.uuid, agentKeyEncrypted: inputs.agentKeyEncrypted };
  const groupsJson = groupsJsonOf(encryptor, source, publicUrl, agentImage);
  const version = createHash('sha256').update(groupsJson).digest('hex').slice(0, 32);
  return { version, body: bodyOf(version, groupsJson), source };
}

/**
 * The body of {@link buildAgentResources} for `version`, from its `source` (kept in the
 * process's cache with the version): the agent key decrypted and Commander's own group
 * serialized again, nothing parsed or hashed.
 */
export function agentResourcesBody(
  encryptor: Encryptor,
  version: string,
  source: AgentResourcesSource,
  publicUrl: string,
  agentImage: string | null = null,
): string {
  return bodyOf(version, groupsJsonOf(encryptor, source, publicUrl, agentImage));
}

function groupsJsonOf(
  encryptor: Encryptor,
  source: AgentResourcesSource,
  publicUrl: string,
  agentImage: string | null,
): string {
  const { template } = source;
  if (!source.agentKeyEncrypted) {
    return template.json;
  }
  const own = JSON.stringify({
    name: AGENT_GROUP,
    sync_mode: 'managed',
    resources: [
      agentCredentialsSecret(
        encryptor.decrypt(source.agentKeyEncrypted),
        agentUrl(publicUrl, source.uuid),
      ),
      ...(agentImage ? agentWorkloadResources(agentImage) : []),
    ],
  });
  // JSON.stringify([...groups, own]), without serializing the template's groups again.
  return template.groups.length === 0 ? `[${own}]` : `${template.json.slice(0, -1)},${own}]`;
}

function bodyOf(version: string, groupsJson: string): string {
  return (
    `{"version":"${version}","groups":${groupsJson},` +
    `"poll_interval_seconds":${AGENT_POLL_INTERVAL_SECONDS},` +
    `"telemetry_interval_seconds":${AGENT_TELEMETRY_INTERVAL_SECONDS}}`
  );
}

/**
 * What the stored `resources_version` is stamped with: the URL (and the agent image) the
 * resources were built for, so a changed configuration never answers 304 to an old version.
 */
export function urlTag(publicUrl: string, agentImage: string | null): string {
  const key = `${publicUrl}\n${agentImage ?? ''}`;
  let tag = urlTags.get(key);
  if (tag === undefined) {
    tag = createHash('sha256').update(key).digest('hex').slice(0, 8);
    if (urlTags.size < 16) {
      urlTags.set(key, tag);
    }
  }
  return tag;
}

/** A process serves one public URL and agent image: their tag is computed once. */
const urlTags = new Map<string, string>();
