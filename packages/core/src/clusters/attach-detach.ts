import { randomUUID } from 'node:crypto';

import {
  type AttachClusterBody,
  AttachClusterBodySchema,
  type Cluster,
  type Operation,
} from '@commander/contracts';
import { generateSshKeyPair } from '@commander/crypto';
import { type Prisma } from '@commander/db';
import { parseAllDocuments } from 'yaml';

import { recordAudit } from '../audit/record-audit.js';
import { CLUSTER_DTO_INCLUDE, toClusterDto } from '../cluster-state/cluster-dto.js';
import { assertClusterNameFree, rethrowClusterNameTaken } from '../cluster-state/cluster-name.js';
import { loadCluster } from '../cluster-state/load-cluster.js';
import { toOperationDto } from '../cluster-state/operation-dto.js';
import { queueOperation } from '../cluster-state/queue-operation.js';
import {
  encryptRendered,
  publicRenderedJson,
  type RenderedConfig,
  withheldPublicConfig,
} from '../cluster-state/rendered-config.js';
import type { ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { notifyChange } from '../events/notify.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';

/** Parses and checks an SSH connection config: one SSHConfig, at least one SSHHost. */
export function parseConnectionConfig(text: string): {
  masters: { host: string; user: string | null }[];
} {
  const docs = parseAllDocuments(text);
  const values: Record<string, unknown>[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      throw new AppError(
        'unprocessable',
        `connection_config is not valid YAML: ${doc.errors[0]?.message ?? ''}`,
        { field: 'connection_config' },
      );
    }
    const v: unknown = doc.toJS();
    if (v && typeof v === 'object') {
      values.push(v as Record<string, unknown>);
    }
  }
  const configs = values.filter((d) => d.kind === 'SSHConfig');
  const hosts = values.filter((d) => d.kind === 'SSHHost' && typeof d.host === 'string');
  if (configs.length !== 1 || hosts.length === 0) {
    throw new AppError(
      'unprocessable',
      'connection_config needs exactly one SSHConfig and at least one SSHHost document',
      { field: 'connection_config' },
    );
  }
  const user = typeof configs[0]?.sshUser === 'string' ? configs[0].sshUser : null;
  return { masters: hosts.map((h) => ({ host: h.host as string, user })) };
}

/**
 * Starts attaching an existing DKP cluster: the cluster is saved and a scan is queued
 * (CommanderAttach with scan_only). When the scan succeeds the cluster is ready to join.
 * @throws AppError name_taken, unprocessable (connection config)
 */
export async function attachCluster(
  ctx: ServiceContext,
  body: AttachClusterBody,
): Promise<Cluster> {
  const input = AttachClusterBodySchema.parse(body);
  const workspace = requireWorkspace(ctx);
  const hosts = parseConnectionConfig(input.connection_config);
  await assertClusterNameFree(ctx, workspace.id, input.name);
  const id = randomUUID();
  const ssh = generateSshKeyPair(`commander-${id}`);
  const config: RenderedConfig = {
    cluster_configuration: '',
    provider_specific_cluster_configuration: '',
    init_configuration: '',
    connection_config: input.connection_config,
    primary_resources: '',
    resources: [],
  };
  try {
    const row = await ctx.db.$transaction(async (tx) => {
      const data: Prisma.ClusterUncheckedCreateInput = {
        id,
        uuid: id,
        workspaceId: workspace.id,
        name: input.name,
        status: 'NEW',
        sshPublicKey: ssh.publicKey,
        sshPrivateKeyEncrypted: ctx.encryptor.encrypt(ssh.privateKey),
        desiredRenderedEncrypted: encryptRendered(ctx.encryptor, config),
        // The connection configuration may hold an SSH private key: withheld from callers.
        desiredRenderedPublic: publicRenderedJson(
          withheldPublicConfig(config, null, ['connection_config']),
        ),
        connectionHosts: hosts,
        createdByName: ctx.actor.name,
      };
      await tx.cluster.create({ data });
      await recordAudit(tx, ctx, {
        action: 'attach',
        auditableType: 'Cluster',
        auditableId: id,
        changes: { name: input.name, hosts: hosts.masters.map((m) => m.host) },
      });
      await queueOperation(tx, ctx, { clusterId: id, workspaceId: workspace.id, kind: 'ATTACH' });
      await notifyChange(tx, {
        type: 'cluster',
        id,
        workspace_id: workspace.id,
        cluster_id: id,
        action: 'attach',
      });
      return tx.cluster.findUniqueOrThrow({ where: { id }, include: CLUSTER_DTO_INCLUDE });
    });
    return toClusterDto(row, { withRendered: false, encryptor: ctx.encryptor });
  } catch (error) {
    rethrowClusterNameTaken(error, input.name);
  }
}

/** Joins a scanned cluster (ready_to_join): CommanderAttach takes it under management. */
export async function joinCluster(ctx: ServiceContext, id: string): Promise<Operation> {
  const workspace = requireWorkspace(ctx);
  const cluster = await loadCluster(ctx, id);
  if (cluster.status !== 'READY_TO_JOIN') {
    throw new AppError(
      'invalid_state',
      `Only a cluster ready to join can join (this one is ${cluster.status.toLowerCase()})`,
    );
  }
  const opId = await ctx.db.$transaction(async (tx) => {
    const { id: operationId } = await queueOperation(tx, ctx, {
      clusterId: id,
      workspaceId: workspace.id,
      kind: 'ATTACH',
    });
    await recordAudit(tx, ctx, { action: 'join', auditableType: 'Cluster', auditableId: id });
    return operationId;
  });
  return toOperationDto(await ctx.db.clusterOperation.findUniqueOrThrow({ where: { id: opId } }));
}

const DETACHABLE = new Set([
  'IN_SYNC',
  'OUT_OF_SYNC',
  'PENDING_CHANGES',
  'DESTRUCTIVE_CHANGES',
  'SYNCHRONIZATION_FAILURE',
  'UNKNOWN',
]);

/**
 * Detaches a managed cluster: CommanderDetach removes Commander's agent and ownership marker;
 * the cluster becomes autonomous and is archived (its template link is lost).
 * @throws AppError not_found, invalid_state
 */
export async function detachCluster(ctx: ServiceContext, id: string): Promise<Operation> {
  const workspace = requireWorkspace(ctx);
  const cluster = await loadCluster(ctx, id);
  if (!cluster.wasCreated || !DETACHABLE.has(cluster.status)) {
    throw new AppError(
      'invalid_state',
      `A cluster in status ${cluster.status.toLowerCase()} cannot be detached`,
    );
  }
  const pending = await ctx.db.clusterOperation.count({
    where: { clusterId: id, kind: 'DETACH', status: { in: ['QUEUED', 'RUNNING'] } },
  });
  if (pending > 0) {
    throw new AppError('operation_in_progress', 'This cluster is already being detached');
  }
  const opId = await ctx.db.$transaction(async (tx) => {
    await tx.clusterOperation.updateMany({
      where: { clusterId: id, status: 'QUEUED', kind: { in: ['UPDATE', 'CHECK'] } },
      data: { status: 'SUPERSEDED', finishedAt: new Date() },
    });
    const { id: operationId } = await queueOperation(tx, ctx, {
      clusterId: id,
      workspaceId: workspace.id,
      kind: 'DETACH',
    });
    await recordAudit(tx, ctx, { action: 'detach', auditableType: 'Cluster', auditableId: id });
    return operationId;
  });
  return toOperationDto(await ctx.db.clusterOperation.findUniqueOrThrow({ where: { id: opId } }));
}
