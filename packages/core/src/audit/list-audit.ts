import type { AuditEvent } from '@commander/contracts';
import { grants } from '@commander/contracts';
import type { AuditEvent as AuditRow, Prisma } from '@commander/db';

import type { ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { auditableKey, resolveAuditableNames } from './auditable-names.js';

export type AuditFilter = {
  auditableType?: string | undefined;
  auditableId?: string | undefined;
  action?: string | undefined;
  userName?: string | undefined;
  /** Actor types as the API names them (`User`, `AuthToken`, `Agent`, `System`). */
  userTypes?: readonly string[] | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  offset: number;
};

const ACTOR_TYPES: Record<string, string> = {
  User: 'user',
  AuthToken: 'auth_token',
  Agent: 'agent',
  System: 'system',
};

export function toAuditDto(row: AuditRow, name: string | null = null): AuditEvent {
  return {
    id: row.id.toString(),
    ts: row.ts.toISOString(),
    workspace_id: row.workspaceId,
    workspace_slug: row.workspaceSlug,
    user_type:
      row.actorType === 'auth_token'
        ? 'AuthToken'
        : row.actorType === 'user'
          ? 'User'
          : row.actorType === 'agent'
            ? 'Agent'
            : 'System',
    user_id: row.actorId,
    user_name: row.actorName,
    action: row.action,
    auditable_type: row.auditableType,
    auditable_id: row.auditableId,
    auditable_name: name,
    audited_changes: row.changes,
    remote_address: row.remoteAddress,
    request_id: row.requestId,
  };
}

/**
 * Audit events, newest first. With audit:read (global) every event; in a workspace with
 * workspace_audit:read, that workspace's events only.
 * @throws AppError forbidden
 */
export async function listAuditEvents(
  ctx: ServiceContext,
  filter: AuditFilter,
): Promise<{ items: AuditEvent[]; total: number }> {
  let workspaceId: string | null = null;
  if (!grants(ctx.permissions, 'audit:read')) {
    if (!ctx.workspace || !grants(ctx.permissions, 'workspace_audit:read')) {
      throw new AppError(
        'forbidden',
        'Reading the audit log needs audit:read, or workspace_audit:read in a workspace',
      );
    }
    workspaceId = ctx.workspace.id;
  }
  const where: Prisma.AuditEventWhereInput = {
    ...(workspaceId ? { workspaceId } : {}),
    ...(filter.auditableType ? { auditableType: filter.auditableType } : {}),
    ...(filter.auditableId ? { auditableId: filter.auditableId } : {}),
    ...(filter.action ? { action: filter.action } : {}),
    ...(filter.userName ? { actorName: { contains: filter.userName, mode: 'insensitive' } } : {}),
    ...(filter.userTypes && filter.userTypes.length > 0
      ? { actorType: { in: filter.userTypes.map((type) => ACTOR_TYPES[type] ?? type) } }
      : {}),
    ...(filter.from || filter.to
      ? {
          ts: {
            ...(filter.from ? { gte: new Date(filter.from) } : {}),
            ...(filter.to ? { lte: new Date(filter.to) } : {}),
          },
        }
      : {}),
  };
  const [rows, total] = await Promise.all([
    ctx.db.auditEvent.findMany({
      where,
      orderBy: { id: 'desc' },
      take: filter.limit,
      skip: filter.offset,
    }),
    ctx.db.auditEvent.count({ where }),
  ]);
  const names = await resolveAuditableNames(ctx.db, rows);
  return {
    items: rows.map((row) =>
      toAuditDto(row, names.get(auditableKey(row.auditableType, row.auditableId)) ?? null),
    ),
    total,
  };
}
