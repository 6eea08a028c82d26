import type { CreateWorkspaceBody, Workspace } from '@commander/contracts';
import { isUniqueViolation, type Workspace as WorkspaceRow } from '@commander/db';

import { recordAudit } from '../audit/record-audit.js';
import type { ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { notifyChange } from '../events/notify.js';
import { requirePermission } from '../require-permission.js';

export function toWorkspaceDto(
  row: WorkspaceRow,
  clusterCounts?: Record<string, number>,
): Workspace {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    current_revision: row.currentRevision,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    archived_at: row.archivedAt?.toISOString() ?? null,
    ...(clusterCounts ? { cluster_counts: clusterCounts } : {}),
  };
}

/**
 * Workspaces the caller may see (`visibleIds` null = all), with live cluster counts by status.
 */
export async function listWorkspaces(
  ctx: ServiceContext,
  input: { visibleIds: string[] | null; withoutArchived?: boolean },
): Promise<Workspace[]> {
  const rows = await ctx.db.workspace.findMany({
    where: {
      ...(input.visibleIds ? { id: { in: input.visibleIds } } : {}),
      ...(input.withoutArchived ? { archivedAt: null } : {}),
    },
    orderBy: { name: 'asc' },
  });
  const counts = await ctx.db.cluster.groupBy({
    by: ['workspaceId', 'status'],
    where: { archivedAt: null, workspaceId: { in: rows.map((r) => r.id) } },
    _count: { _all: true },
  });
  return rows.map((row) => {
    const byStatus: Record<string, number> = {};
    for (const c of counts) {
      if (c.workspaceId === row.id) {
        byStatus[c.status.toLowerCase()] = c._count._all;
      }
    }
    return toWorkspaceDto(row, byStatus);
  });
}

/** @throws AppError not_found */
export async function getWorkspace(ctx: ServiceContext, idOrSlug: string): Promise<WorkspaceRow> {
  const isId = /^[0-9a-f-]{36}$/i.test(idOrSlug);
  const row = await ctx.db.workspace.findFirst({
    where: isId ? { id: idOrSlug } : { slug: idOrSlug },
  });
  if (!row) {
    throw notFound('Workspace', idOrSlug);
  }
  return row;
}

/** Creates a workspace. @throws AppError slug_taken */
export async function createWorkspace(
  ctx: ServiceContext,
  body: CreateWorkspaceBody,
): Promise<Workspace> {
  requirePermission(ctx, 'workspaces:write');
  try {
    const row = await ctx.db.$transaction(async (tx) => {
      const created = await tx.workspace.create({ data: { name: body.name, slug: body.slug } });
      await recordAudit(tx, ctx, {
        action: 'create',
        auditableType: 'Workspace',
        auditableId: created.id,
        changes: { name: body.name, slug: body.slug },
        workspace: { id: created.id, slug: created.slug },
      });
      await notifyChange(tx, {
        type: 'workspace',
        id: created.id,
        workspace_id: created.id,
        action: 'create',
      });
      return created;
    });
    return toWorkspaceDto(row, {});
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError('slug_taken', `A workspace with slug "${body.slug}" already exists`);
    }
    throw error;
  }
}

/** Renames a workspace (its slug never changes). @throws AppError not_found, stale_revision */
export async function renameWorkspace(
  ctx: ServiceContext,
  id: string,
  input: { name: string; current_revision?: number | undefined },
): Promise<Workspace> {
  requirePermission(ctx, 'workspaces:write');
  const row = await getWorkspace(ctx, id);
  if (input.current_revision !== undefined && input.current_revision !== row.currentRevision) {
    throw new AppError('stale_revision', 'The workspace was changed meanwhile', {
      current_revision: row.currentRevision,
    });
  }
  const updated = await ctx.db.$transaction(async (tx) => {
    const saved = await tx.workspace.update({
      where: { id: row.id },
      data: { name: input.name, currentRevision: { increment: 1 } },
    });
    await recordAudit(tx, ctx, {
      action: 'update',
      auditableType: 'Workspace',
      auditableId: row.id,
      changes: { name: [row.name, saved.name] },
      workspace: { id: row.id, slug: row.slug },
    });
    return saved;
  });
  return toWorkspaceDto(updated);
}

/**
 * Deletes a workspace, as Commander does: its clusters must be deleted, detached or moved
 * first; templates, inventory, tokens and bindings go with it, irreversibly.
 * @throws AppError not_found, workspace_not_empty
 */
export async function deleteWorkspace(ctx: ServiceContext, id: string): Promise<void> {
  requirePermission(ctx, 'workspaces:write');
  const row = await getWorkspace(ctx, id);
  const live = await ctx.db.cluster.count({ where: { workspaceId: row.id, archivedAt: null } });
  if (live > 0) {
    throw new AppError(
      'workspace_not_empty',
      `The workspace still has ${live} cluster(s): delete, detach or move them first`,
      { clusters: live },
    );
  }
  await ctx.db.$transaction(async (tx) => {
    await recordAudit(tx, ctx, {
      action: 'delete',
      auditableType: 'Workspace',
      auditableId: row.id,
      changes: { slug: row.slug, name: row.name },
      workspace: null,
    });
    await tx.workspace.delete({ where: { id: row.id } });
    await notifyChange(tx, {
      type: 'workspace',
      id: row.id,
      workspace_id: row.id,
      action: 'delete',
    });
  });
}
