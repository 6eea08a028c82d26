import type { Operation, OperationLogLine } from '@commander/contracts';

import { assertMayReveal } from '../cluster-state/load-cluster.js';
import { toOperationDto } from '../cluster-state/operation-dto.js';
import type { ServiceContext } from '../context.js';
import { notFound } from '../errors.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';
import { queuePosition } from './queue-position.js';

/**
 * Operations of a cluster of the current workspace, newest first. Results are reduced to
 * their allowlisted fields unless `reveal` (needs clusters:secrets:read).
 * @throws AppError not_found, forbidden
 */
export async function listClusterOperations(
  ctx: ServiceContext,
  clusterId: string,
  page: { limit: number; offset: number; reveal?: boolean },
): Promise<{ items: Operation[]; total: number }> {
  assertMayReveal(ctx, page.reveal);
  const workspace = requireWorkspace(ctx);
  const cluster = await ctx.db.cluster.findFirst({
    where: { id: clusterId, workspaceId: workspace.id },
    select: { id: true },
  });
  if (!cluster) {
    throw notFound('Cluster', clusterId);
  }
  const where = { clusterId };
  const [rows, total] = await Promise.all([
    ctx.db.clusterOperation.findMany({
      where,
      orderBy: { createdAt: 'desc' },
      take: page.limit,
      skip: page.offset,
    }),
    ctx.db.clusterOperation.count({ where }),
  ]);
  return { items: rows.map((r) => toOperationDto(r, { reveal: page.reveal })), total };
}

/**
 * One operation of a cluster of the current workspace; its result reduced to the allowlisted
 * fields unless `reveal` (needs clusters:secrets:read); a queued one with its `queue_position`.
 * @throws AppError not_found, forbidden
 */
export async function getOperation(
  ctx: ServiceContext,
  id: string,
  options: { reveal?: boolean } = {},
): Promise<Operation> {
  assertMayReveal(ctx, options.reveal);
  const workspace = requireWorkspace(ctx);
  const row = await ctx.db.clusterOperation.findFirst({
    where: { id, cluster: { workspaceId: workspace.id } },
  });
  if (!row) {
    throw notFound('Operation', id);
  }
  const dto = toOperationDto(row, { reveal: options.reveal });
  // A queued operation tells where it stands in the managers' queue.
  return row.status === 'QUEUED'
    ? { ...dto, queue_position: await queuePosition(ctx.db, id) }
    : dto;
}

/**
 * Log lines of an operation, in order, after sequence number `after` (exclusive).
 * @throws AppError not_found
 */
export async function getOperationLogs(
  ctx: ServiceContext,
  id: string,
  input: { after?: number; limit: number },
): Promise<{ lines: OperationLogLine[]; operation: Operation }> {
  const operation = await getOperation(ctx, id);
  const rows = await ctx.db.operationLog.findMany({
    where: { operationId: id, ...(input.after !== undefined ? { seq: { gt: input.after } } : {}) },
    orderBy: { seq: 'asc' },
    take: input.limit,
  });
  return {
    operation,
    lines: rows.map((r) => ({ seq: r.seq, ts: r.ts.toISOString(), line: r.line })),
  };
}
