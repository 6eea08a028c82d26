import type { OperationPhase } from '@commander/contracts';
import type { ClusterOperation, Db, OperationKind, Prisma, Tx } from '@commander/db';

import {
  decryptRendered,
  readPublicRendered,
  type RenderedConfig,
} from '../clusters/rendered-config.js';
import { canTransition, type ClusterEvent, nextStatus } from '../clusters/status-machine.js';
import type { Encryptor } from '../context.js';
import { notifyChange } from '../events/notify.js';

/** What a manager replica needs to run an operation, decrypted. */
export type ClaimedOperation = {
  operation: ClusterOperation;
  cluster: {
    id: string;
    uuid: string;
    workspaceId: string;
    name: string;
    status: string;
    clusterType: string | null;
    desiredRevision: number;
    appliedRevision: number | null;
    changeMode: 'AUTO' | 'MANUAL';
    /** DKP version its agent last reported (picks the dhctl server); null when unknown. */
    dkpVersion: string | null;
  };
  /** The configuration this operation applies (desired, as of the claim). Holds secrets. */
  desired: RenderedConfig | null;
  /**
   * The same configuration with secrets as `<secret:key>` placeholders (for display and diffs;
   * stored as the applied public render when the operation applies `desired`). Null for rows
   * from before public renders.
   */
  desiredPublic: RenderedConfig | null;
  /** The configuration the cluster was last installed or converged with. */
  applied: RenderedConfig | null;
  /** dhctl's state cache as JSON (map of base64), from the last finished operation. */
  dhctlState: string | null;
  /** dhctl's state as of the last completed phase of THIS operation (resume after a crash). */
  phaseState: string | null;
  sshPrivateKey: string | null;
};

/** The DKP version in a cluster's latest telemetry snapshot (`cluster_agent_data`). */
export function reportedDkpVersion(agentData: unknown): string | null {
  if (!Array.isArray(agentData)) {
    return null;
  }
  const overview = agentData.find((d: { source?: string }) => d?.source === 'overview') as
    { data?: { dkp_version?: unknown } } | undefined;
  return typeof overview?.data?.dkp_version === 'string' ? overview.data.dkp_version : null;
}

/** The status event a starting operation of each kind causes, if any. */
const START_EVENTS: Partial<Record<OperationKind, ClusterEvent>> = {
  INSTALL: 'install_started',
  UPDATE: 'converge_started',
  ATTACH: 'join_started',
};

/**
 * Claims an operation for a replica: QUEUED (or RUNNING, when taking over from a dead replica)
 * → RUNNING, attempt + 1, and the cluster's status moves for the kind of work. Returns null when
 * the operation is no longer runnable (finished, cancelled, superseded, its cluster archived),
 * so a re-delivered job is a no-op.
 */
export async function claimOperation(
  db: Db,
  encryptor: Encryptor,
  operationId: string,
  replicaId: string,
): Promise<ClaimedOperation | null> {
  const claimed = await db.$transaction(async (tx) => {
    const op = await tx.clusterOperation.findUnique({ where: { id: operationId } });
    if (!op || (op.status !== 'QUEUED' && op.status !== 'RUNNING')) {
      return null;
    }
    await tx.$executeRaw`SELECT 1 FROM clusters WHERE id = ${op.clusterId}::uuid FOR UPDATE`;
    const cluster = await tx.cluster.findUniqueOrThrow({ where: { id: op.clusterId } });
    if (cluster.archivedAt !== null) {
      await tx.clusterOperation.update({
        where: { id: op.id },
        data: { status: 'CANCELLED', finishedAt: new Date() },
      });
      return null;
    }
    const event = START_EVENTS[op.kind];
    if (event && canTransition(cluster.status, event)) {
      await tx.cluster.update({
        where: { id: cluster.id },
        data: { status: nextStatus(cluster.status, event) },
      });
    }
    const now = new Date();
    const updated = await tx.clusterOperation.update({
      where: { id: op.id },
      data: {
        status: 'RUNNING',
        attempt: { increment: 1 },
        managerReplicaId: replicaId,
        heartbeatAt: now,
        startedAt: op.startedAt ?? now,
        desiredRevision:
          op.kind === 'INSTALL' || op.kind === 'UPDATE'
            ? cluster.desiredRevision
            : op.desiredRevision,
        error: null,
      },
    });
    await notifyChange(tx, {
      type: 'operation',
      id: op.id,
      workspace_id: cluster.workspaceId,
      cluster_id: cluster.id,
      action: 'started',
    });
    return { op: updated, cluster };
  });
  if (!claimed) {
    return null;
  }
  const { op, cluster } = claimed;
  return {
    operation: op,
    cluster: {
      id: cluster.id,
      uuid: cluster.uuid,
      workspaceId: cluster.workspaceId,
      name: cluster.name,
      status: cluster.status,
      clusterType: cluster.clusterType,
      desiredRevision: cluster.desiredRevision,
      appliedRevision: cluster.appliedRevision,
      changeMode: cluster.changeMode,
      dkpVersion: reportedDkpVersion(cluster.agentData),
    },
    desired: decryptRendered(encryptor, cluster.desiredRenderedEncrypted),
    desiredPublic: readPublicRendered(cluster.desiredRenderedPublic),
    applied: decryptRendered(encryptor, cluster.appliedRenderedEncrypted),
    dhctlState: cluster.dhctlStateEncrypted ? encryptor.decrypt(cluster.dhctlStateEncrypted) : null,
    phaseState: op.phaseStateEncrypted ? encryptor.decrypt(op.phaseStateEncrypted) : null,
    sshPrivateKey: cluster.sshPrivateKeyEncrypted
      ? encryptor.decrypt(cluster.sshPrivateKeyEncrypted)
      : null,
  };
}

/**
 * Appends log lines to an operation, numbering them after the lines already stored (one
 * statement reserves the sequence numbers, so concurrent writers cannot collide).
 */
export async function appendOperationLogs(
  db: Db,
  operationId: string,
  lines: string[],
): Promise<void> {
  if (lines.length === 0) {
    return;
  }
  await db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ log_count: number }[]>`
      UPDATE cluster_operations SET log_count = log_count + ${lines.length}
      WHERE id = ${operationId}::uuid RETURNING log_count`;
    const end = rows[0]?.log_count ?? lines.length;
    const start = end - lines.length;
    const ts = new Date();
    await tx.operationLog.createMany({
      data: lines.map((line, i) => ({
        operationId,
        seq: start + i + 1,
        line: line.slice(0, 10_000),
        ts,
      })),
    });
  });
}

export type ProgressUpdate = {
  progress: number;
  phase: string | null;
  phases: OperationPhase[];
};

/** Records progress and the phase list; announces it to live listeners. */
export async function updateOperationProgress(
  db: Db,
  operationId: string,
  update: ProgressUpdate,
): Promise<void> {
  const op = await db.clusterOperation.update({
    where: { id: operationId },
    data: {
      progress: Math.max(0, Math.min(1, update.progress)),
      phase: update.phase,
      phases: update.phases,
      heartbeatAt: new Date(),
    },
    select: { clusterId: true, cluster: { select: { workspaceId: true } } },
  });
  await notifyChange(db, {
    type: 'operation',
    id: operationId,
    workspace_id: op.cluster.workspaceId,
    cluster_id: op.clusterId,
    action: 'progress',
  });
}

/**
 * Stores dhctl's state as of a completed phase, encrypted, before dhctl is told to continue:
 * a replica that takes over resumes from here.
 */
export async function savePhaseState(
  db: Db,
  encryptor: Encryptor,
  operationId: string,
  completedPhase: string,
  stateJson: string,
): Promise<void> {
  await db.clusterOperation.update({
    where: { id: operationId },
    data: {
      lastCompletedPhase: completedPhase,
      phaseStateEncrypted: encryptor.encrypt(stateJson),
      heartbeatAt: new Date(),
    },
  });
}

/** Marks the operation's heartbeat; returns whether a cancel was requested. */
export async function heartbeatOperation(
  db: Db,
  operationId: string,
): Promise<{ cancelRequested: boolean }> {
  const op = await db.clusterOperation.update({
    where: { id: operationId },
    data: { heartbeatAt: new Date() },
    select: { cancelRequestedAt: true },
  });
  return { cancelRequested: op.cancelRequestedAt !== null };
}

export type OperationOutcome = {
  status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  error?: string | null;
  result?: unknown;
};

/** Finishes an operation row inside the caller's transaction. */
export async function finishOperationRow(
  tx: Tx,
  operationId: string,
  outcome: OperationOutcome,
): Promise<ClusterOperation> {
  return tx.clusterOperation.update({
    where: { id: operationId },
    data: {
      status: outcome.status,
      error: outcome.error ?? null,
      result: outcome.result === undefined ? undefined : (outcome.result as Prisma.InputJsonValue),
      finishedAt: new Date(),
      progress: outcome.status === 'SUCCEEDED' ? 1 : undefined,
      heartbeatAt: new Date(),
      phaseStateEncrypted: null,
    },
  });
}
