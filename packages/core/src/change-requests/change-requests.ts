import type { ChangeRequest } from '@commander/contracts';
import type { ChangeRequest as ChangeRequestRow } from '@commander/db';

import { recordAudit } from '../audit/record-audit.js';
import { assertMayReveal } from '../cluster-state/load-cluster.js';
import { lockClusterRow } from '../cluster-state/lock-cluster.js';
import { publicOperationResult } from '../cluster-state/operation-dto.js';
import { queueOperation } from '../cluster-state/queue-operation.js';
import { decryptRendered, readPublicRendered } from '../cluster-state/rendered-config.js';
import { transitionCluster } from '../cluster-state/transition.js';
import type { ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { notifyChange } from '../events/notify.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';

export type ChangeRequestDto = ChangeRequest;

const SECTIONS = ['cluster_configuration', 'provider_specific_cluster_configuration'] as const;

/**
 * The diff is made of the public renders; dhctl's check result is reduced like operation
 * results (statuses, names, kinds of change; not the values) (secrets as `<secret:key>` placeholders) unless the
 * caller may and asked to reveal secrets; a configuration without a public render (rows from
 * before public renders) is withheld (empty).
 */
async function toDto(
  ctx: ServiceContext,
  row: ChangeRequestRow,
  withDiff: boolean,
  reveal = false,
): Promise<ChangeRequestDto> {
  const diff: ChangeRequestDto['diff'] = {};
  if (withDiff) {
    const cluster = await ctx.db.cluster.findUniqueOrThrow({ where: { id: row.clusterId } });
    const desired = reveal
      ? decryptRendered(ctx.encryptor, cluster.desiredRenderedEncrypted)
      : readPublicRendered(cluster.desiredRenderedPublic);
    const applied = reveal
      ? decryptRendered(ctx.encryptor, cluster.appliedRenderedEncrypted)
      : readPublicRendered(cluster.appliedRenderedPublic);
    for (const section of SECTIONS) {
      diff[section] = {
        applied: applied?.[section] ?? '',
        desired: desired?.[section] ?? '',
      };
    }
  }
  return {
    id: row.id,
    cluster_id: row.clusterId,
    status: row.status.toLowerCase() as ChangeRequestDto['status'],
    destructive: row.destructive,
    destructive_change_id: row.destructiveChangeId,
    desired_revision: row.desiredRevision,
    diff,
    check_result: reveal ? (row.checkResult ?? null) : publicOperationResult(row.checkResult),
    approved_by: row.approvedByName,
    approved_at: row.approvedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** Change requests of the workspace's clusters (optionally one cluster's), newest first. */
export async function listChangeRequests(
  ctx: ServiceContext,
  input: { clusterId?: string; status?: string },
): Promise<ChangeRequestDto[]> {
  const workspace = requireWorkspace(ctx);
  const rows = await ctx.db.changeRequest.findMany({
    where: {
      cluster: { workspaceId: workspace.id },
      ...(input.clusterId ? { clusterId: input.clusterId } : {}),
      ...(input.status ? { status: input.status.toUpperCase() as ChangeRequestRow['status'] } : {}),
    },
    orderBy: { createdAt: 'desc' },
    take: 200,
  });
  return Promise.all(rows.map((r) => toDto(ctx, r, r.status === 'PENDING')));
}

async function loadRequest(ctx: ServiceContext, id: string): Promise<ChangeRequestRow> {
  const workspace = requireWorkspace(ctx);
  const row = await ctx.db.changeRequest.findFirst({
    where: { id, cluster: { workspaceId: workspace.id } },
  });
  if (!row) {
    throw notFound('Change request', id);
  }
  return row;
}

/**
 * One change request with its diff; `reveal` shows the real configurations (needs
 * clusters:secrets:read). @throws AppError not_found, forbidden
 */
export async function getChangeRequest(
  ctx: ServiceContext,
  id: string,
  options: { reveal?: boolean } = {},
): Promise<ChangeRequestDto> {
  assertMayReveal(ctx, options.reveal);
  return toDto(ctx, await loadRequest(ctx, id), true, options.reveal ?? false);
}

/** Statuses from which an approved change can be converged. */
const CONVERGEABLE = new Set([
  'DESTRUCTIVE_CHANGES',
  'PENDING_CHANGES',
  'OUT_OF_SYNC',
  'SYNCHRONIZATION_FAILURE',
  'IN_SYNC',
  'UNKNOWN',
]);

/**
 * Approves a change request: a converge is queued carrying the destructive change id (dhctl
 * applies the destructive plan only when the id still matches).
 * @throws AppError not_found; already_approved, already_completed, cluster_cannot_be_converged (409)
 */
export async function approveChangeRequest(
  ctx: ServiceContext,
  id: string,
): Promise<ChangeRequestDto> {
  const workspace = requireWorkspace(ctx);
  const row = await loadRequest(ctx, id);
  const updated = await ctx.db.$transaction(async (tx) => {
    await lockClusterRow(tx, row.clusterId);
    const fresh = await tx.changeRequest.findUniqueOrThrow({ where: { id } });
    if (fresh.status === 'APPROVED') {
      throw new AppError('already_approved', 'This change request is already approved');
    }
    if (fresh.status === 'COMPLETED') {
      throw new AppError('already_completed', 'This change request is already completed');
    }
    const cluster = await tx.cluster.findUniqueOrThrow({ where: { id: row.clusterId } });
    if (fresh.status !== 'PENDING' || !CONVERGEABLE.has(cluster.status) || cluster.archivedAt) {
      throw new AppError(
        'cluster_cannot_be_converged',
        fresh.status !== 'PENDING'
          ? `This change request is ${fresh.status.toLowerCase()}: a newer plan replaced it`
          : `A cluster in status ${cluster.status.toLowerCase()} cannot be converged`,
      );
    }
    const approved = await tx.changeRequest.update({
      where: { id },
      data: { status: 'APPROVED', approvedByName: ctx.actor.name, approvedAt: new Date() },
    });
    if (cluster.status === 'PENDING_CHANGES') {
      await transitionCluster(tx, ctx, cluster, 'change_queued');
    }
    const { id: operationId } = await queueOperation(tx, ctx, {
      clusterId: cluster.id,
      workspaceId: workspace.id,
      kind: 'UPDATE',
      desiredRevision: cluster.desiredRevision,
      approveDestructionChangeId: fresh.destructiveChangeId,
    });
    await tx.changeRequest.update({ where: { id }, data: { operationId } });
    await recordAudit(tx, ctx, {
      action: 'approve',
      auditableType: 'ChangeRequest',
      auditableId: id,
      changes: {
        cluster_id: cluster.id,
        destructive: fresh.destructive,
        destructive_change_id: fresh.destructiveChangeId,
      },
    });
    await notifyChange(tx, {
      type: 'change_request',
      id,
      workspace_id: workspace.id,
      cluster_id: cluster.id,
      action: 'approved',
    });
    return approved;
  });
  return toDto(ctx, updated, false);
}

/** Rejects a pending change request (nothing is applied; the cluster keeps its status). */
export async function rejectChangeRequest(
  ctx: ServiceContext,
  id: string,
): Promise<ChangeRequestDto> {
  const workspace = requireWorkspace(ctx);
  const row = await loadRequest(ctx, id);
  if (row.status !== 'PENDING') {
    throw new AppError(
      row.status === 'COMPLETED' ? 'already_completed' : 'invalid_state',
      `This change request is ${row.status.toLowerCase()}`,
    );
  }
  const updated = await ctx.db.$transaction(async (tx) => {
    const rejected = await tx.changeRequest.update({ where: { id }, data: { status: 'REJECTED' } });
    await recordAudit(tx, ctx, {
      action: 'reject',
      auditableType: 'ChangeRequest',
      auditableId: id,
      changes: { cluster_id: row.clusterId },
    });
    await notifyChange(tx, {
      type: 'change_request',
      id,
      workspace_id: workspace.id,
      cluster_id: row.clusterId,
      action: 'rejected',
    });
    return rejected;
  });
  return toDto(ctx, updated, false);
}
