import { createHash } from 'node:crypto';

import type { TelemetryBodySchema } from '@commander/contracts';
import {
  AGENT_CREDENTIALS_SECRET,
  type AgentResources,
  HERITAGE_LABEL,
  type KubeObject,
  type ResourcesStatusBody,
} from '@commander/contracts';
import { generateToken, hashToken } from '@commander/crypto';
import {
  type Cluster,
  type Db,
  type Prisma,
  selectResourcesVersion,
  setAgentKeyIfMissingRow,
  type Tx,
} from '@commander/db';
import { parseAllDocuments } from 'yaml';

import { recordAudit } from '../audit/record-audit.js';
import { decryptRendered } from '../clusters/rendered-config.js';
import type { Encryptor, ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { notifyChange } from '../events/notify.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';
import type { AgentContext } from './agent-context.js';

/** How often agents poll for resources and report telemetry (seconds). */
export const AGENT_POLL_INTERVAL_SECONDS = 30;
export const AGENT_TELEMETRY_INTERVAL_SECONDS = 30;
/** A rotated key keeps working this long, so the agent can fetch its new one. */
export const PREVIOUS_KEY_GRACE_MS = 60 * 60 * 1000;
/** Name of the resource group Commander adds for the agent's own credentials. */
export const AGENT_GROUP = 'commander-agent';

/**
 * Gives a cluster an agent key if it has none (at install or join), inside the caller's
 * transaction: stored hashed for authentication and encrypted so Commander can hand it to the
 * agent in its credentials Secret. Returns the key.
 */
export async function ensureAgentKey(
  tx: Tx,
  encryptor: Encryptor,
  clusterId: string,
): Promise<string> {
  const cluster = await tx.cluster.findUniqueOrThrow({
    where: { id: clusterId },
    select: { agentKeyEncrypted: true },
  });
  if (cluster.agentKeyEncrypted) {
    return encryptor.decrypt(cluster.agentKeyEncrypted);
  }
  const key = generateToken('agent');
  await tx.cluster.update({
    where: { id: clusterId },
    data: { agentKeyHash: hashToken(key), agentKeyEncrypted: encryptor.encrypt(key) },
  });
  return key;
}

/**
 * The agent key of a claimed operation's cluster: the one read at the claim; else a new one,
 * stored in one statement unless the cluster got one meanwhile (then that one, read as
 * {@link ensureAgentKey} does).
 */
export async function ensureClaimedAgentKey(
  db: Db,
  encryptor: Encryptor,
  clusterId: string,
  claimedKey: string | null,
): Promise<string> {
  if (claimedKey) {
    return claimedKey;
  }
  const key = generateToken('agent');
  if (await setAgentKeyIfMissingRow(db, clusterId, hashToken(key), encryptor.encrypt(key))) {
    return key;
  }
  return db.$transaction((tx) => ensureAgentKey(tx, encryptor, clusterId));
}

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
function urlTag(publicUrl: string, agentImage: string | null): string {
  return createHash('sha256')
    .update(`${publicUrl}\n${agentImage ?? ''}`)
    .digest('hex')
    .slice(0, 8);
}

/**
 * `GET /resources`: the desired resources, or null when `ifNoneMatch` is the current version
 * (304). The 304 costs one statement (the stored version, a trigger clears it whenever the
 * desired render or the agent key is written); otherwise the cluster is read, the resources
 * built and their version stored, unless the cluster changed meanwhile.
 */
export async function getAgentResources(
  ctx: AgentContext,
  ifNoneMatch: string | undefined,
): Promise<AgentResources | null> {
  const { db, hot, encryptor, agent } = ctx;
  const { publicUrl } = ctx.instance;
  const agentImage = ctx.instance.agentImage ?? null;
  ctx.telemetry.markSeen(agent.id);
  const tag = urlTag(publicUrl, agentImage);
  const wanted = ifNoneMatch?.replace(/^W\//, '').replace(/"/g, '');
  const stored = await selectResourcesVersion(hot, agent.id);
  if (wanted && stored === `${wanted}@${tag}`) {
    return null;
  }
  const cluster = await db.cluster.findUnique({ where: { id: agent.id } });
  if (!cluster) {
    throw new AppError('unauthorized', 'A valid agent key of this cluster is required');
  }
  const resources = desiredAgentResources(encryptor, cluster, publicUrl, agentImage);
  const stamped = `${resources.version}@${tag}`;
  if (cluster.resourcesVersion !== stamped) {
    // Only if what the version was computed from is still what is stored.
    await db.cluster.updateMany({
      where: {
        id: cluster.id,
        desiredRenderedEncrypted: cluster.desiredRenderedEncrypted,
        agentKeyEncrypted: cluster.agentKeyEncrypted,
      },
      data: { resourcesVersion: stamped },
    });
  }
  return wanted === resources.version ? null : resources;
}

/**
 * `POST /resources/status`: per-resource apply results. The cluster's resources are
 * `configured` when every resource of the current version applied, `not_configured` otherwise
 * (errors, or results for an older version).
 */
export async function recordResourcesStatus(
  ctx: AgentContext,
  body: ResourcesStatusBody,
): Promise<void> {
  const { db, encryptor, agent } = ctx;
  const { publicUrl } = ctx.instance;
  const agentImage = ctx.instance.agentImage ?? null;
  const cluster = await db.cluster.findUnique({ where: { id: agent.id } });
  if (!cluster) {
    throw new AppError('unauthorized', 'A valid agent key of this cluster is required');
  }
  // The version stamped by the last GET /resources is current while it carries this URL's tag:
  // a trigger clears it whenever the desired render or the agent key is written. Only without
  // it are the resources rebuilt (decrypting the render and parsing its YAML).
  const tag = `@${urlTag(publicUrl, agentImage)}`;
  const current =
    cluster.resourcesVersion?.endsWith(tag) === true
      ? cluster.resourcesVersion.slice(0, -tag.length)
      : desiredAgentResources(encryptor, cluster, publicUrl, agentImage).version;
  const errors = body.results.filter((r) => r.status === 'error');
  const state = body.version === current && errors.length === 0 ? 'configured' : 'not_configured';
  const results = body.results.map((r) => ({
    group: r.group,
    api_version: r.api_version,
    kind: r.kind,
    namespace: r.namespace ?? null,
    name: r.name,
    status: r.status,
    errors: r.status === 'error' ? [r.message ?? 'apply failed'] : [],
  }));
  const now = new Date();
  await db.cluster.update({
    where: { id: cluster.id },
    data: {
      resourcesSyncState: state,
      resourcesStateResults: results,
      resourcesCheckedAt: now,
      ...(state === 'configured' ? { resourcesAppliedAt: now } : {}),
      agentStatus: 'online',
      agentLastSeenAt: now,
    },
  });
  if (state !== cluster.resourcesSyncState || errors.length > 0) {
    await notifyChange(db, {
      type: 'cluster',
      id: cluster.id,
      workspace_id: cluster.workspaceId,
      cluster_id: cluster.id,
      action: 'resources',
    });
  }
}

/** Commander's `cluster_agent_data` shape, from a telemetry report. */
export function agentData(body: ReturnType<typeof TelemetryBodySchema.parse>, at: Date): unknown[] {
  return [
    {
      source: 'overview',
      data: {
        reported_at: at.toISOString(),
        dkp_version: body.dkp_version ?? null,
        kubernetes_version: body.kubernetes_version ?? null,
        update_channel: body.update_channel ?? null,
        update_available: body.update_available ?? false,
        metrics: {
          cpu_cores: body.cpu_cores,
          cpu_usage: body.cpu_usage ?? null,
          memory_bytes: body.memory_bytes,
          memory_used_bytes: body.memory_used_bytes ?? null,
          storage_bytes: body.storage_bytes,
          storage_used_bytes: body.storage_used_bytes ?? null,
          node_count: body.node_count,
        },
        warnings: {
          firing_alerts: body.alerts.map((a) => ({
            alert: a.name,
            severity: a.severity,
            message: a.message,
          })),
        },
      },
    },
    {
      source: 'upmeter',
      data: {
        rows: [
          { probes: body.components.map((c) => ({ probe: c.name, availability: c.availability })) },
        ],
      },
    },
  ];
}

/**
 * Agents silent longer than `silentAfterMs` are lost: their cluster's agent status becomes
 * `lost`, resources `no_data`, and an `AgentLost` alert is raised on the cluster.
 * @returns how many clusters were marked.
 */
export async function markSilentAgents(db: Db, silentAfterMs: number): Promise<number> {
  const cutoff = new Date(Date.now() - silentAfterMs);
  const silent = await db.cluster.findMany({
    where: { archivedAt: null, agentStatus: 'online', agentLastSeenAt: { lt: cutoff } },
    select: { id: true, workspaceId: true, agentData: true, agentLastSeenAt: true },
  });
  for (const cluster of silent) {
    const data = Array.isArray(cluster.agentData)
      ? (cluster.agentData as Record<string, unknown>[])
      : [];
    const alert = {
      alert: 'AgentLost',
      severity: 'critical',
      message: `No report from the agent since ${cluster.agentLastSeenAt?.toISOString() ?? 'ever'}`,
    };
    const overview = data.find((d) => d.source === 'overview') as
      { data?: { warnings?: { firing_alerts?: unknown[] } } } | undefined;
    const withAlert = overview
      ? data.map((d) =>
          d === overview
            ? {
                ...d,
                data: {
                  ...overview.data,
                  warnings: {
                    firing_alerts: [
                      ...(overview.data?.warnings?.firing_alerts ?? []).filter(
                        (a) => (a as { alert?: string }).alert !== 'AgentLost',
                      ),
                      alert,
                    ],
                  },
                },
              }
            : d,
        )
      : [{ source: 'overview', data: { warnings: { firing_alerts: [alert] } } }, ...data];
    const { count } = await db.cluster.updateMany({
      where: { id: cluster.id, agentStatus: 'online', agentLastSeenAt: { lt: cutoff } },
      data: {
        agentStatus: 'lost',
        resourcesSyncState: 'no_data',
        agentData: withAlert as Prisma.InputJsonValue,
      },
    });
    if (count > 0) {
      await notifyChange(db, {
        type: 'cluster',
        id: cluster.id,
        workspace_id: cluster.workspaceId,
        cluster_id: cluster.id,
        action: 'agent_lost',
      });
    }
  }
  return silent.length;
}

/**
 * Rotates a cluster's agent key: the new key reaches the agent through its credentials Secret
 * (the agent fetches it with the old key, which keeps working for an hour).
 */
export async function rotateAgentKey(
  ctx: ServiceContext,
  clusterId: string,
): Promise<{ rotated_at: string; previous_key_expires_at: string }> {
  const workspace = requireWorkspace(ctx);
  const cluster = await ctx.db.cluster.findFirst({
    where: { id: clusterId, workspaceId: workspace.id, archivedAt: null },
  });
  if (!cluster) {
    throw notFound('Cluster', clusterId);
  }
  if (!cluster.agentKeyHash) {
    throw new AppError(
      'invalid_state',
      'This cluster has no agent yet (it gets one when it is installed or joined)',
    );
  }
  const key = generateToken('agent');
  const expires = new Date(Date.now() + PREVIOUS_KEY_GRACE_MS);
  await ctx.db.$transaction(async (tx) => {
    await tx.cluster.update({
      where: { id: clusterId },
      data: {
        agentPreviousKeyHash: cluster.agentKeyHash,
        agentPreviousKeyExpiresAt: expires,
        agentKeyHash: hashToken(key),
        agentKeyEncrypted: ctx.encryptor.encrypt(key),
      },
    });
    await recordAudit(tx, ctx, {
      action: 'rotate_agent_key',
      auditableType: 'Cluster',
      auditableId: clusterId,
    });
  });
  return { rotated_at: new Date().toISOString(), previous_key_expires_at: expires.toISOString() };
}
