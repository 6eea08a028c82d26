import type {
  AuthToken as AuthTokenDto,
  CreateAuthTokenBody,
  CreatedAuthToken,
} from '@commander/contracts';
import { CreateAuthTokenBodySchema } from '@commander/contracts';
import { grants, type Permission, tokenScopePermissions } from '@commander/contracts';
import { generateToken, hashToken, tokenPrefix } from '@commander/crypto';
import type { AuthToken } from '@commander/db';

import { recordAudit } from '../audit/record-audit.js';
import type { ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { tokenRights, userRightsIn } from './token-rights.js';

export function toAuthTokenDto(row: AuthToken): AuthTokenDto {
  return {
    id: row.id,
    name: row.name,
    workspace_id: row.workspaceId,
    scope: row.scope === 'WRITE' ? 'write' : 'read',
    prefix: row.prefix,
    expires_at: row.expiresAt?.toISOString() ?? null,
    last_used_at: row.lastUsedAt?.toISOString() ?? null,
    revoked_at: row.revokedAt?.toISOString() ?? null,
    permissions: [...row.permissions].sort(),
    created_by: row.createdByName,
    created_at: row.createdAt.toISOString(),
  };
}

/**
 * Which tokens a caller manages: a global call with global_tokens:* manages global tokens and
 * may issue tokens for any workspace; a workspace call with workspace_tokens:* manages that
 * workspace's tokens.
 */
function tokenTarget(
  ctx: ServiceContext,
  requestedWorkspaceId: string | null | undefined,
  write: boolean,
): string | null {
  const globalPerm = write ? 'global_tokens:write' : 'global_tokens:read';
  const workspacePerm = write ? 'workspace_tokens:write' : 'workspace_tokens:read';
  if (ctx.workspace !== null && grants(ctx.permissions, workspacePerm)) {
    if (requestedWorkspaceId && requestedWorkspaceId !== ctx.workspace.id) {
      if (!grants(ctx.permissions, globalPerm)) {
        throw new AppError(
          'forbidden',
          'A workspace token or member can only manage tokens of its own workspace',
        );
      }
      return requestedWorkspaceId;
    }
    return requestedWorkspaceId === null && grants(ctx.permissions, globalPerm)
      ? null
      : ctx.workspace.id;
  }
  if (grants(ctx.permissions, globalPerm)) {
    return requestedWorkspaceId ?? null;
  }
  throw new AppError(
    'forbidden',
    `Managing API tokens needs ${workspacePerm} (workspace tokens) or ${globalPerm} (global tokens)`,
  );
}

/**
 * What the caller may hand on in a frame (a workspace, or null = globally): a user's current
 * rights, a token's effective rights there, everything for the system (bootstrap, scripts).
 */
export async function delegableRights(
  ctx: ServiceContext,
  frame: string | null,
): Promise<ReadonlySet<string> | 'all'> {
  const { actor } = ctx;
  if (actor.type === 'system') {
    return 'all';
  }
  if (actor.type === 'user' && actor.id) {
    return userRightsIn(ctx.db, actor.id, frame);
  }
  if (actor.type === 'auth_token' && actor.id) {
    return (await tokenRights(ctx.db, { id: actor.id }, frame))?.permissions ?? new Set();
  }
  return new Set();
}

/**
 * Issues an API token. The token value is returned here only; it is stored as a hash. Its
 * permissions are fixed now: the scope's permissions the caller holds for the target (a token
 * never carries more than its issuer); at each use they are bounded again by the issuer's
 * current rights. @throws AppError forbidden when the caller holds none of them
 */
export async function createAuthToken(
  ctx: ServiceContext,
  body: CreateAuthTokenBody,
): Promise<CreatedAuthToken> {
  const input = CreateAuthTokenBodySchema.parse(body);
  const workspaceId = tokenTarget(ctx, input.workspace_id, true);
  let workspace: { id: string; slug: string } | null = null;
  if (workspaceId !== null) {
    const ws = await ctx.db.workspace.findUnique({
      where: { id: workspaceId },
      select: { id: true, slug: true, archivedAt: true },
    });
    if (!ws || ws.archivedAt) {
      throw notFound('Workspace', workspaceId);
    }
    workspace = { id: ws.id, slug: ws.slug };
  }
  const expiresAt = input.expires_at ? new Date(input.expires_at) : null;
  if (expiresAt && expiresAt <= new Date()) {
    throw new AppError('validation_failed', 'expires_at must be in the future', {
      field: 'expires_at',
    });
  }
  const held = await delegableRights(ctx, workspaceId);
  const permissions: Permission[] = tokenScopePermissions(
    workspaceId === null ? 'global' : 'workspace',
    input.scope,
  ).filter((p) => held === 'all' || held.has(p));
  if (permissions.length === 0) {
    throw new AppError(
      'forbidden',
      `You hold none of the permissions of a ${input.scope} ${workspaceId === null ? 'global' : 'workspace'} token`,
    );
  }
  const token = generateToken('api');
  const row = await ctx.db.$transaction(async (tx) => {
    const created = await tx.authToken.create({
      data: {
        name: input.name,
        workspaceId,
        tokenHash: hashToken(token),
        prefix: tokenPrefix(token),
        scope: input.scope === 'read' ? 'READ' : 'WRITE',
        expiresAt,
        createdById: ctx.actor.id,
        createdByName: ctx.actor.name,
        permissions,
        createdByUserId: ctx.actor.type === 'user' ? ctx.actor.id : null,
        createdByTokenId: ctx.actor.type === 'auth_token' ? ctx.actor.id : null,
      },
    });
    await recordAudit(tx, ctx, {
      action: 'create',
      auditableType: 'AuthToken',
      auditableId: created.id,
      changes: {
        name: created.name,
        scope: input.scope,
        workspace_id: workspaceId,
        expires_at: input.expires_at ?? null,
        permissions,
      },
      workspace,
    });
    return created;
  });
  return { ...toAuthTokenDto(row), token };
}

/** Tokens the caller manages (see tokenTarget), newest first. */
export async function listAuthTokens(ctx: ServiceContext): Promise<AuthTokenDto[]> {
  const workspaceId = tokenTarget(ctx, undefined, false);
  const rows = await ctx.db.authToken.findMany({
    where: { workspaceId },
    orderBy: { createdAt: 'desc' },
  });
  return rows.map(toAuthTokenDto);
}

/** Revokes a token (it stops working at once; the row stays for the audit trail). */
export async function revokeAuthToken(ctx: ServiceContext, id: string): Promise<AuthTokenDto> {
  const row = await ctx.db.authToken.findUnique({ where: { id } });
  if (!row) {
    throw notFound('Auth token', id);
  }
  const allowed = tokenTarget(ctx, row.workspaceId, true);
  if (allowed !== row.workspaceId) {
    throw notFound('Auth token', id);
  }
  if (row.revokedAt) {
    return toAuthTokenDto(row);
  }
  const updated = await ctx.db.$transaction(async (tx) => {
    const revoked = await tx.authToken.update({ where: { id }, data: { revokedAt: new Date() } });
    await recordAudit(tx, ctx, {
      action: 'revoke',
      auditableType: 'AuthToken',
      auditableId: id,
      changes: { revoked_at: [null, revoked.revokedAt?.toISOString()] },
    });
    return revoked;
  });
  return toAuthTokenDto(updated);
}
