import { type Cluster, completeCheckInSyncRow, Prisma, type Tx } from '@commander/db';

import { archiveCluster } from '../cluster-state/archive.js';
import { lockedCluster } from '../cluster-state/lock-cluster.js';
import {
  completeApprovedChangeRequests,
  openChangeRequest,
} from '../cluster-state/open-change-request.js';
import { queueOperation } from '../cluster-state/queue-operation.js';
import {
  encryptRendered,
  publicRenderedJson,
  publicScannedClusterConfiguration,
  type RenderedConfig,
  withheldPublicConfig,
} from '../cluster-state/rendered-config.js';
import { requestConverge } from '../cluster-state/request-converge.js';
import { canTransition, nextStatus } from '../cluster-state/status-machine.js';
import { transitionCluster } from '../cluster-state/transition.js';
import type { ServiceContext } from '../context.js';
import { EVENTS_CHANNEL } from '../events/notify.js';
import type { DhctlOutcome } from './dhctl-outcome.js';
import {
  appliedCiphertext,
  type ClaimedOperation,
  finishOperationRow,
  maskerSecretsToStore,
  OperationLostError,
  type ProgressUpdate,
} from './execution.js';

/** dhctl's check verdict (§3.1 of the protocol). */
export type CheckVerdict = {
  status: 'InSync' | 'OutOfSync' | 'DestructiveOutOfSync';
  destructive_change_id?: string;
  [key: string]: unknown;
};

/** dhctl's converge verdict (§3.3). */
export type ConvergeVerdict = {
  status: 'InSync' | 'Converged' | 'NeedApproveForDestructiveChange';
  check_result?: CheckVerdict | null;
};

function stateColumns(
  ctx: ServiceContext,
  outcome: DhctlOutcome,
): Prisma.ClusterUncheckedUpdateInput {
  return outcome.state ? { dhctlStateEncrypted: ctx.encryptor.encrypt(outcome.state) } : {};
}

/**
 * A check's state columns: none when dhctl handed back the cluster's stored state unchanged
 * (the common check, which changes nothing). The stored ciphertext is of that same text (the
 * claim decrypted it, and one operation per cluster runs at a time, so nothing wrote it since),
 * so re-encrypting it (deflate + AES-GCM) and rewriting the TOASTed column on every periodic
 * check would only cost CPU and WAL.
 */
function checkStateColumns(
  ctx: ServiceContext,
  claimed: ClaimedOperation,
  outcome: DhctlOutcome,
): Prisma.ClusterUncheckedUpdateInput {
  return outcome.state && outcome.state === claimed.dhctlState ? {} : stateColumns(ctx, outcome);
}

function nextCheck(cluster: Cluster, now: Date): Date {
  return new Date(now.getTime() + cluster.checkIntervalSeconds * 1000);
}

/** After an applied configuration: converge again when changes arrived meanwhile. */
async function convergeNewerRevision(
  tx: Tx,
  ctx: ServiceContext,
  cluster: Cluster,
  appliedRevision: number,
): Promise<void> {
  if (cluster.desiredRevision <= appliedRevision || cluster.renderErrors !== null) {
    return;
  }
  const current = await tx.cluster.findUniqueOrThrow({ where: { id: cluster.id } });
  await requestConverge(tx, ctx, current);
}

/**
 * Records the end of a converge. Converged or already in sync: the applied configuration is
 * the one this operation converged to. Destructive changes without (the right) approval: the
 * cluster waits in destructive_changes with a change request. An error: change error.
 */
export async function completeUpdate(
  ctx: ServiceContext,
  claimed: ClaimedOperation,
  outcome: DhctlOutcome & { verdict?: ConvergeVerdict | null },
): Promise<void> {
  await ctx.db.$transaction(async (tx) => {
    const cluster = await lockedCluster(tx, claimed.cluster.id);
    const now = new Date();
    if (outcome.error) {
      await finishOperationRow(tx, claimed, {
        status: outcome.cancelled ? 'CANCELLED' : 'FAILED',
        error: outcome.error,
        result: outcome.result,
      });
      if (canTransition(cluster.status, 'converge_failed')) {
        await transitionCluster(tx, ctx, cluster, 'converge_failed', {
          ...stateColumns(ctx, outcome),
          nextCheckAt: nextCheck(cluster, now),
        });
      } else {
        await tx.cluster.update({ where: { id: cluster.id }, data: stateColumns(ctx, outcome) });
      }
      return;
    }
    const verdict = outcome.verdict;
    await finishOperationRow(tx, claimed, {
      status: 'SUCCEEDED',
      result: verdict ?? outcome.result,
    });
    const revision = claimed.operation.desiredRevision ?? cluster.desiredRevision;
    if (verdict?.status === 'NeedApproveForDestructiveChange') {
      const data = { ...stateColumns(ctx, outcome), clusterConfigurationCheckedAt: now };
      if (canTransition(cluster.status, 'converge_needs_approval')) {
        await transitionCluster(tx, ctx, cluster, 'converge_needs_approval', data);
        await openChangeRequest(tx, {
          clusterId: cluster.id,
          workspaceId: cluster.workspaceId,
          destructive: true,
          destructiveChangeId: verdict.check_result?.destructive_change_id ?? null,
          desiredRevision: revision,
          checkResult: verdict.check_result,
        });
      } else {
        await tx.cluster.update({ where: { id: cluster.id }, data });
      }
      return;
    }
    const data: Prisma.ClusterUncheckedUpdateInput = {
      ...stateColumns(ctx, outcome),
      appliedRevision: revision,
      appliedRenderedEncrypted:
        appliedCiphertext(ctx.encryptor, claimed) ?? cluster.appliedRenderedEncrypted,
      ...(claimed.desired
        ? {
            appliedRenderedPublic: claimed.desiredPublic
              ? publicRenderedJson(claimed.desiredPublic)
              : Prisma.DbNull,
          }
        : {}),
      clusterConfigurationAppliedAt: now,
      clusterConfigurationCheckedAt: now,
      nextCheckAt: nextCheck(cluster, now),
    };
    if (canTransition(cluster.status, 'converge_succeeded')) {
      await transitionCluster(tx, ctx, cluster, 'converge_succeeded', data);
    } else {
      await tx.cluster.update({ where: { id: cluster.id }, data });
    }
    await completeApprovedChangeRequests(tx, cluster.id, revision);
    await convergeNewerRevision(tx, ctx, cluster, revision);
  });
}

/**
 * Records a configuration check (reconcile). In sync: ready. Out of sync: converge now (auto
 * mode) or wait for a person (manual mode). Destructive drift: a change request to approve. A
 * failed check keeps the status and records the error; the next check comes after the interval.
 */
export async function completeCheck(
  ctx: ServiceContext,
  claimed: ClaimedOperation,
  outcome: DhctlOutcome & { verdict?: CheckVerdict | null },
  options: { instanceId?: string | null; inSyncTried?: boolean } = {},
): Promise<void> {
  // `inSyncTried`: the caller tried `completeCheckInSync` already (not applicable).
  if (
    !options.inSyncTried &&
    (await completeCheckInSync(ctx, claimed, outcome, options)) === 'done'
  ) {
    return;
  }
  await ctx.db.$transaction(async (tx) => {
    const cluster = await lockedCluster(tx, claimed.cluster.id);
    const now = new Date();
    const base: Prisma.ClusterUncheckedUpdateInput = {
      ...checkStateColumns(ctx, claimed, outcome),
      clusterConfigurationCheckedAt: now,
      nextCheckAt: nextCheck(cluster, now),
    };
    const verdict = outcome.verdict;
    if (outcome.error || !verdict) {
      await finishOperationRow(tx, claimed, {
        status: outcome.cancelled ? 'CANCELLED' : 'FAILED',
        error: outcome.error ?? 'no check result',
        result: outcome.result,
      });
      await tx.cluster.update({ where: { id: cluster.id }, data: base });
      return;
    }
    await finishOperationRow(tx, claimed, { status: 'SUCCEEDED', result: verdict });
    const revision = cluster.desiredRevision;
    if (verdict.status === 'InSync') {
      if (canTransition(cluster.status, 'check_in_sync')) {
        await transitionCluster(tx, ctx, cluster, 'check_in_sync', base);
      } else {
        await tx.cluster.update({ where: { id: cluster.id }, data: base });
      }
      await tx.changeRequest.updateMany({
        where: { clusterId: cluster.id, status: 'PENDING' },
        data: { status: 'SUPERSEDED' },
      });
      return;
    }
    if (verdict.status === 'DestructiveOutOfSync') {
      if (canTransition(cluster.status, 'check_destructive')) {
        await transitionCluster(tx, ctx, cluster, 'check_destructive', base);
        await openChangeRequest(tx, {
          clusterId: cluster.id,
          workspaceId: cluster.workspaceId,
          destructive: true,
          destructiveChangeId: verdict.destructive_change_id ?? null,
          desiredRevision: revision,
          checkResult: verdict,
        });
      } else {
        await tx.cluster.update({ where: { id: cluster.id }, data: base });
      }
      return;
    }
    if (cluster.changeMode === 'MANUAL') {
      if (canTransition(cluster.status, 'check_out_of_sync_manual')) {
        await transitionCluster(tx, ctx, cluster, 'check_out_of_sync_manual', base);
        await openChangeRequest(tx, {
          clusterId: cluster.id,
          workspaceId: cluster.workspaceId,
          destructive: false,
          destructiveChangeId: null,
          desiredRevision: revision,
          checkResult: verdict,
        });
      } else {
        await tx.cluster.update({ where: { id: cluster.id }, data: base });
      }
      return;
    }
    if (canTransition(cluster.status, 'check_out_of_sync')) {
      await transitionCluster(tx, ctx, cluster, 'check_out_of_sync', base);
      await queueOperation(tx, ctx, {
        clusterId: cluster.id,
        workspaceId: cluster.workspaceId,
        kind: 'UPDATE',
        desiredRevision: revision,
      });
    } else {
      await tx.cluster.update({ where: { id: cluster.id }, data: base });
    }
  });
}

/** A run's last log lines (raw: masked here) and progress, written with its completion. */
export type FinalRecording = {
  lines: string[];
  progress: ProgressUpdate | null;
  /** Also announce the progress (the recorder's coalescing decided). */
  notify: boolean;
};

/**
 * The common end of a check in one statement (10,000 clusters checked every 10 minutes, nearly
 * all in sync): in sync while the cluster already is, so nothing is audited. With `log`, the
 * run's last lines and progress go in the same statement (the recorder's last flush). `'done'`,
 * or `'not_applicable'` when nothing was written (another outcome, or the cluster in another
 * status under the row lock): the caller records through {@link completeCheck}, which takes
 * the general path.
 * @throws OperationLostError when `instanceId` no longer holds the operation (nothing written).
 */
export async function completeCheckInSync(
  ctx: ServiceContext,
  claimed: ClaimedOperation,
  outcome: DhctlOutcome & { verdict?: CheckVerdict | null },
  options: { instanceId?: string | null; log?: FinalRecording } = {},
): Promise<'done' | 'not_applicable'> {
  if (!IN_SYNC_STAYS || outcome.error || outcome.verdict?.status !== 'InSync') {
    return 'not_applicable';
  }
  const log = options.log;
  const done = await completeCheckInSyncRow(ctx.db, {
    operationId: claimed.operation.id,
    clusterId: claimed.cluster.id,
    instanceId: options.instanceId ?? null,
    result: claimed.masker.maskJson(outcome.verdict),
    stateEncrypted:
      outcome.state && outcome.state !== claimed.dhctlState
        ? ctx.encryptor.encrypt(outcome.state)
        : null,
    // The renders' secrets this claim had to parse: stored, so no other replica parses them.
    maskerSecretsEncrypted: maskerSecretsToStore(ctx.encryptor, claimed),
    status: 'IN_SYNC',
    eventsChannel: EVENTS_CHANNEL,
    action: 'check_in_sync',
    log: log
      ? {
          lines: claimed.masker.maskLines(log.lines),
          progress: log.progress
            ? {
                progress: Math.max(0, Math.min(1, log.progress.progress)),
                phase: log.progress.phase,
                phases: log.progress.phases,
              }
            : null,
          notify: log.notify,
        }
      : undefined,
  });
  if (done === 'lost') {
    throw new OperationLostError(claimed.operation.id);
  }
  return done;
}

/** A check in sync leaves an in-sync cluster in sync (so the one-statement path applies). */
const IN_SYNC_STAYS = nextStatus('IN_SYNC', 'check_in_sync') === 'IN_SYNC';

/** What a CommanderAttach scan or join found. */
export type AttachFindings = {
  /** Scan only (ready to join) or a completed join. */
  phase: 'scanned' | 'attached';
  /** The cluster's actual configuration, from the scan. */
  config: RenderedConfig | null;
  clusterType: string | null;
};

/**
 * Records the end of an attach operation: a scan makes the cluster ready to join with the
 * configuration found in it; a join takes it under management (in sync). A failed scan leaves a
 * new cluster that can be retried or deleted; a failed join goes back to ready to join.
 */
export async function completeAttach(
  ctx: ServiceContext,
  claimed: ClaimedOperation,
  outcome: DhctlOutcome & { findings?: AttachFindings | null },
): Promise<void> {
  await ctx.db.$transaction(async (tx) => {
    const cluster = await lockedCluster(tx, claimed.cluster.id);
    const now = new Date();
    if (outcome.error || !outcome.findings) {
      await finishOperationRow(tx, claimed, {
        status: outcome.cancelled ? 'CANCELLED' : 'FAILED',
        error: outcome.error ?? 'no attach result',
        result: outcome.result,
      });
      if (canTransition(cluster.status, 'join_failed')) {
        await transitionCluster(tx, ctx, cluster, 'join_failed', stateColumns(ctx, outcome));
      }
      return;
    }
    await finishOperationRow(tx, claimed, {
      status: 'SUCCEEDED',
      result: outcome.result,
    });
    const { findings } = outcome;
    // What the scan read comes from the cluster (provider credentials, proxy passwords…), not
    // from Commander's secret model: callers who do not reveal secrets see only what cannot
    // hold a secret.
    // The ClusterConfiguration keeps its allowlisted fields; the provider's configuration
    // (cloud credentials) and the connection configuration (SSH key) are withheld whole.
    const foundPublic = findings.config
      ? {
          ...withheldPublicConfig(findings.config, claimed.desiredPublic, [
            'provider_specific_cluster_configuration',
            'connection_config',
          ]),
          cluster_configuration: publicScannedClusterConfiguration(
            findings.config.cluster_configuration,
          ),
        }
      : null;
    const configColumns: Prisma.ClusterUncheckedUpdateInput =
      findings.config && foundPublic
        ? {
            desiredRenderedEncrypted: encryptRendered(ctx.encryptor, findings.config),
            desiredRenderedPublic: publicRenderedJson(foundPublic),
            clusterType: findings.clusterType,
          }
        : {};
    if (findings.phase === 'scanned') {
      await transitionCluster(tx, ctx, cluster, 'attach_scanned', {
        ...configColumns,
        ...stateColumns(ctx, outcome),
      });
      return;
    }
    const desired = findings.config ?? claimed.desired;
    const desiredPublic = foundPublic ?? claimed.desiredPublic;
    await transitionCluster(tx, ctx, cluster, 'join_succeeded', {
      ...configColumns,
      ...stateColumns(ctx, outcome),
      wasCreated: true,
      appliedRevision: cluster.desiredRevision,
      appliedRenderedEncrypted: desired ? encryptRendered(ctx.encryptor, desired) : null,
      appliedRenderedPublic: desiredPublic ? publicRenderedJson(desiredPublic) : Prisma.DbNull,
      clusterConfigurationAppliedAt: now,
      clusterConfigurationCheckedAt: now,
      nextCheckAt: nextCheck(cluster, now),
    });
  });
}

/** Records the end of a detach: the cluster becomes autonomous and is archived. */
export async function completeDetach(
  ctx: ServiceContext,
  claimed: ClaimedOperation,
  outcome: DhctlOutcome,
): Promise<void> {
  await ctx.db.$transaction(async (tx) => {
    const cluster = await lockedCluster(tx, claimed.cluster.id);
    if (outcome.error) {
      await finishOperationRow(tx, claimed, {
        status: outcome.cancelled ? 'CANCELLED' : 'FAILED',
        error: outcome.error,
        result: outcome.result,
      });
      await tx.cluster.update({ where: { id: cluster.id }, data: stateColumns(ctx, outcome) });
      return;
    }
    await finishOperationRow(tx, claimed, {
      status: 'SUCCEEDED',
      result: outcome.result,
    });
    if (canTransition(cluster.status, 'detach_succeeded')) {
      await transitionCluster(tx, ctx, cluster, 'detach_succeeded', {
        ...stateColumns(ctx, outcome),
        clusterTemplateVersionId: null,
      });
    }
    await archiveCluster(tx, cluster.id, 'DETACHED');
  });
}
