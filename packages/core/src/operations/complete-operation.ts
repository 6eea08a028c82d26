import { completeInstallSucceededRow, Prisma } from '@commander/db';

import { auditRow, printAudit } from '../audit/record-audit.js';
import { archiveCluster } from '../cluster-state/archive.js';
import { lockedCluster } from '../cluster-state/lock-cluster.js';
import { queueOperation } from '../cluster-state/queue-operation.js';
import { publicRenderedJson } from '../cluster-state/rendered-config.js';
import { canTransition, CLUSTER_TRANSITIONS } from '../cluster-state/status-machine.js';
import { transitionCluster } from '../cluster-state/transition.js';
import type { ServiceContext } from '../context.js';
import { EVENTS_CHANNEL, notifyChange } from '../events/notify.js';
import type { FinalRecording } from './complete-lifecycle.js';
import type { DhctlOutcome } from './dhctl-outcome.js';
import type { ClaimedOperation } from './execution.js';
import {
  appliedCiphertext,
  finishOperationRow,
  maskerSecretsAfterApply,
  OperationLostError,
} from './execution.js';

/**
 * Records the end of an install: on success the cluster is created and its applied
 * configuration is the one this operation installed; changes saved meanwhile are converged next.
 * On failure the cluster shows a creation error (a retry resumes from dhctl's state).
 */
export async function completeInstall(
  ctx: ServiceContext,
  claimed: ClaimedOperation,
  outcome: DhctlOutcome,
  options: { succeededTried?: boolean } = {},
): Promise<void> {
  // `succeededTried`: the caller tried `completeInstallSucceeded` already (not applicable).
  const ok = !outcome.error;
  if (
    ok &&
    !options.succeededTried &&
    (await completeInstallSucceeded(ctx, claimed, outcome)) === 'done'
  ) {
    return;
  }
  await ctx.db.$transaction(async (tx) => {
    const cluster = await lockedCluster(tx, claimed.cluster.id);
    await finishOperationRow(tx, claimed, {
      status: ok ? 'SUCCEEDED' : outcome.cancelled ? 'CANCELLED' : 'FAILED',
      error: outcome.error ?? null,
      result: outcome.result,
    });
    const stateData: Prisma.ClusterUncheckedUpdateInput = outcome.state
      ? { dhctlStateEncrypted: ctx.encryptor.encrypt(outcome.state) }
      : {};
    if (!ok) {
      if (canTransition(cluster.status, 'install_failed')) {
        await transitionCluster(tx, ctx, cluster, 'install_failed', stateData);
      } else {
        await tx.cluster.update({ where: { id: cluster.id }, data: stateData });
      }
      return;
    }
    const appliedRevision = claimed.operation.desiredRevision ?? cluster.desiredRevision;
    const now = new Date();
    const appliedRenderedEncrypted = appliedCiphertext(ctx.encryptor, claimed);
    const maskerSecretsEncrypted = maskerSecretsAfterApply(
      ctx.encryptor,
      claimed,
      appliedRenderedEncrypted,
    );
    const data: Prisma.ClusterUncheckedUpdateInput = {
      ...stateData,
      wasCreated: true,
      appliedRevision,
      appliedRenderedEncrypted,
      ...(maskerSecretsEncrypted === null ? {} : { maskerSecretsEncrypted }),
      appliedRenderedPublic: claimed.desiredPublic
        ? publicRenderedJson(claimed.desiredPublic)
        : Prisma.DbNull,
      clusterConfigurationAppliedAt: now,
      clusterConfigurationCheckedAt: now,
      nextCheckAt: new Date(now.getTime() + cluster.checkIntervalSeconds * 1000),
    };
    if (!canTransition(cluster.status, 'install_succeeded')) {
      // Deleted meanwhile (status delete): record what exists, leave the status to the delete.
      await tx.cluster.update({ where: { id: cluster.id }, data });
      return;
    }
    await transitionCluster(tx, ctx, cluster, 'install_succeeded', data);
    if (cluster.desiredRevision > appliedRevision) {
      await transitionCluster(tx, ctx, { ...cluster, status: 'IN_SYNC' }, 'change_queued');
      await queueOperation(tx, ctx, {
        clusterId: cluster.id,
        workspaceId: cluster.workspaceId,
        kind: 'UPDATE',
        desiredRevision: cluster.desiredRevision,
      });
    }
  });
}

/** The transition a successful install makes (the status machine's, checked at load). */
const INSTALL_SUCCEEDED = (() => {
  const from: readonly string[] = CLUSTER_TRANSITIONS.install_succeeded.from;
  const to: string = CLUSTER_TRANSITIONS.install_succeeded.to;
  const only = from[0];
  if (from.length !== 1 || only === undefined || only === to) {
    throw new Error('install_succeeded is expected to move one status to another');
  }
  return { from: only, to };
})();

/**
 * The common end of an install in one statement (the cluster still installing, no newer
 * revision to converge): the same rows, audit line and change event as the general path of
 * {@link completeInstall}. With `log`, the run's last lines and progress go in the same
 * statement (the recorder's last flush). `'not_applicable'` when nothing was written (a result
 * to keep, another status, a newer revision): the caller records through
 * {@link completeInstall}.
 * @throws OperationLostError when `instanceId` no longer holds the operation (nothing written).
 */
export async function completeInstallSucceeded(
  ctx: ServiceContext,
  claimed: ClaimedOperation,
  outcome: DhctlOutcome,
  options: { instanceId?: string | null; log?: FinalRecording } = {},
): Promise<'done' | 'not_applicable'> {
  if (outcome.error || outcome.result !== undefined) {
    return 'not_applicable';
  }
  const log = options.log;
  const appliedRevision = claimed.operation.desiredRevision ?? claimed.cluster.desiredRevision;
  const audit = {
    action: 'update',
    auditableType: 'Cluster',
    auditableId: claimed.cluster.id,
    changes: {
      status: [INSTALL_SUCCEEDED.from.toLowerCase(), INSTALL_SUCCEEDED.to.toLowerCase()],
      event: 'install_succeeded',
    },
  };
  const row = auditRow(ctx, audit);
  // The applied configuration is the desired one as the claim read it: copied from the
  // cluster's desired columns inside the statement (no 100 kB of render sent and parsed again).
  const appliedIsDesired = claimed.desiredAsStored;
  const appliedRenderedEncrypted = appliedIsDesired
    ? claimed.renderedSecrets.desiredEncrypted
    : appliedCiphertext(ctx.encryptor, claimed);
  const done = await completeInstallSucceededRow(ctx.db, {
    operationId: claimed.operation.id,
    clusterId: claimed.cluster.id,
    fromStatus: INSTALL_SUCCEEDED.from,
    toStatus: INSTALL_SUCCEEDED.to,
    appliedRevision,
    appliedRenderedEncrypted: appliedIsDesired ? null : appliedRenderedEncrypted,
    appliedRenderedPublic:
      appliedIsDesired || !claimed.desiredPublic ? null : publicRenderedJson(claimed.desiredPublic),
    appliedIsDesired,
    stateEncrypted: outcome.state ? ctx.encryptor.encrypt(outcome.state) : null,
    maskerSecretsEncrypted: maskerSecretsAfterApply(
      ctx.encryptor,
      claimed,
      appliedRenderedEncrypted,
    ),
    audit: row,
    eventsChannel: EVENTS_CHANNEL,
    action: 'install_succeeded',
    instanceId: options.instanceId ?? null,
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
  if (done.outcome === 'lost') {
    throw new OperationLostError(claimed.operation.id);
  }
  if (done.outcome !== 'done') {
    return 'not_applicable';
  }
  printAudit(ctx, audit, row.changes, done.auditedAt);
  return 'done';
}

/**
 * Records the end of a destroy: on success the cluster is archived (GET answers 404, the list
 * shows it archived, exclusive inventory records are freed); on failure it shows a deletion error.
 */
export async function completeDelete(
  ctx: ServiceContext,
  claimed: ClaimedOperation,
  outcome: DhctlOutcome,
): Promise<void> {
  const ok = !outcome.error;
  await ctx.db.$transaction(async (tx) => {
    const cluster = await lockedCluster(tx, claimed.cluster.id);
    await finishOperationRow(tx, claimed, {
      status: ok ? 'SUCCEEDED' : outcome.cancelled ? 'CANCELLED' : 'FAILED',
      error: outcome.error ?? null,
      result: outcome.result,
    });
    const stateData: Prisma.ClusterUncheckedUpdateInput = outcome.state
      ? { dhctlStateEncrypted: ctx.encryptor.encrypt(outcome.state) }
      : {};
    if (ok) {
      await transitionCluster(tx, ctx, cluster, 'delete_succeeded', stateData);
      await archiveCluster(tx, cluster.id, 'DELETED');
    } else if (canTransition(cluster.status, 'delete_failed')) {
      await transitionCluster(tx, ctx, cluster, 'delete_failed', stateData);
    }
    await notifyChange(tx, {
      type: 'cluster',
      id: cluster.id,
      workspace_id: cluster.workspaceId,
      cluster_id: cluster.id,
      action: ok ? 'deleted' : 'deletion_failed',
    });
  });
}
