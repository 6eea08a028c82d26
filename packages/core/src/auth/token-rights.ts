import {
  BUILT_IN_ROLES,
  type Permission,
  tokenScopePermissions,
  withImplied,
} from '@commander/contracts';
import type { AuthToken, Db } from '@commander/db';
import { Prisma } from '@commander/db';

/** How far the chain token → issuing token → … → user is followed; deeper chains are refused. */
export const MAX_TOKEN_CHAIN_DEPTH = 8;

/** One token of the chain, with the issuing user's state and rights when it names one. */
type ChainRow = {
  id: string;
  name: string;
  workspace_id: string | null;
  token_hash: string;
  prefix: string;
  scope: 'READ' | 'WRITE';
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_by_id: string | null;
  created_by_name: string | null;
  created_at: Date;
  permissions: string[] | null;
  created_by_user_id: string | null;
  created_by_token_id: string | null;
  depth: number;
  user_found: boolean;
  user_disabled: boolean | null;
  /** The issuing user's permissions in the frame (global bindings + bindings there). */
  user_permissions: string[] | null;
};

export type TokenRights = {
  token: AuthToken;
  /** What the token may do now: stored ∩ scope ∩ every issuer's current rights. */
  permissions: Set<Permission>;
  /** The earliest expiry up the chain (null: none expires): rights may be cached until then. */
  validUntil: Date | null;
};

/**
 * The token (by hash or id) and its effective rights, or null when it or any issuer up the
 * chain is revoked, expired, deleted or disabled, or the chain is broken or too deep.
 *
 * One SQL round trip: a recursive CTE walks token → issuing token (depth ≤ 8) and joins the
 * user at the root of the chain with their role bindings in the frame. The frame is the
 * workspace the rights are wanted in: the token's own (authentication), or another one when a
 * token issues a token for a workspace (`frame` given).
 */
export async function tokenRights(
  db: Db,
  which: { tokenHash: string } | { id: string },
  frame?: string | null,
): Promise<TokenRights | null> {
  const where =
    'tokenHash' in which
      ? Prisma.sql`t.token_hash = ${which.tokenHash}`
      : Prisma.sql`t.id = ${which.id}::uuid`;
  const useLeafFrame = frame === undefined;
  const workspaceAdmin = [...BUILT_IN_ROLES.workspace.admin.permissions];
  const rows = await db.$queryRaw<ChainRow[]>`
    WITH RECURSIVE chain AS (
      SELECT t.*, 0 AS depth, ARRAY[t.id] AS path
      FROM auth_tokens t WHERE ${where}
      UNION ALL
      SELECT p.*, c.depth + 1, c.path || p.id
      FROM chain c JOIN auth_tokens p ON p.id = c.created_by_token_id
      WHERE c.depth < ${MAX_TOKEN_CHAIN_DEPTH} AND p.id <> ALL (c.path)
    ), frame AS (
      SELECT CASE WHEN ${useLeafFrame}::boolean
        THEN (SELECT workspace_id FROM chain WHERE depth = 0)
        ELSE ${frame ?? null}::uuid END AS ws
    )
    SELECT c.id, c.name, c.workspace_id, c.token_hash, c.prefix, c.scope::text AS scope,
      c.expires_at, c.last_used_at, c.revoked_at, c.created_by_id, c.created_by_name,
      c.created_at, c.permissions, c.created_by_user_id, c.created_by_token_id, c.depth,
      (u.id IS NOT NULL) AS user_found, u.is_disabled AS user_disabled,
      CASE WHEN u.id IS NULL THEN NULL ELSE ARRAY(
        SELECT DISTINCT g.perm
        FROM role_bindings b
        JOIN roles r ON r.id = b.role_id
        CROSS JOIN LATERAL unnest(r.permissions || CASE
          WHEN r.scope = 'GLOBAL' AND r.name = 'admin' AND b.workspace_id IS NULL
          THEN ${workspaceAdmin}::text[] ELSE ARRAY[]::text[] END) AS g(perm)
        WHERE (b.user_id = u.id
            OR b.group_id IN (SELECT m.group_id FROM group_members m WHERE m.user_id = u.id))
          AND (b.workspace_id IS NULL OR b.workspace_id = (SELECT ws FROM frame))
      ) END AS user_permissions,
      (SELECT ws FROM frame) AS frame
    FROM chain c LEFT JOIN users u ON u.id = c.created_by_user_id
    ORDER BY c.depth`;
  const leaf = rows[0];
  if (!leaf) {
    return null;
  }
  const frameId = useLeafFrame ? leaf.workspace_id : (frame ?? null);
  const permissions = foldChain(rows, frameId, new Date());
  if (!permissions) {
    return null;
  }
  const expiries = rows.flatMap((r) => (r.expires_at === null ? [] : [r.expires_at.getTime()]));
  const validUntil = expiries.length === 0 ? null : new Date(Math.min(...expiries));
  return { token: toAuthToken(leaf), permissions, validUntil };
}

/**
 * The rights of a chain (leaf first): each token's stored permissions ∩ its scope's, all
 * intersected, ∩ the root user's current rights (a `:write` implies the `:read`). A chain
 * without a root user (bootstrap or system token at its top) is bounded by the tokens alone.
 * Null when any link is unusable.
 */
export function foldChain(
  rows: readonly Omit<ChainRow, 'depth'>[],
  frame: string | null,
  now: Date,
): Set<Permission> | null {
  let rights: Set<string> | null = null;
  for (const row of rows) {
    if (row.revoked_at !== null || (row.expires_at !== null && row.expires_at <= now)) {
      return null;
    }
    // A workspace token only ever holds rights in its own workspace.
    if (row.workspace_id !== null && row.workspace_id !== frame) {
      return null;
    }
    const scope = tokenScopePermissions(
      row.workspace_id === null ? 'global' : 'workspace',
      row.scope === 'WRITE' ? 'write' : 'read',
    );
    const stored = new Set(row.permissions ?? []);
    const own = new Set<string>(scope.filter((p) => stored.has(p)));
    rights = rights === null ? own : intersect(rights, own);
  }
  const root = rows.at(-1);
  if (!root || rights === null) {
    return null;
  }
  if (root.created_by_token_id !== null) {
    // The issuing token is gone, the chain loops, or it is deeper than MAX_TOKEN_CHAIN_DEPTH.
    return null;
  }
  if (root.created_by_user_id !== null) {
    if (!root.user_found || root.user_disabled) {
      return null;
    }
    rights = intersect(rights, withImplied(root.user_permissions ?? []));
  }
  return rights as Set<Permission>;
}

function intersect(a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> {
  return new Set([...a].filter((p) => b.has(p)));
}

function toAuthToken(row: ChainRow): AuthToken {
  return {
    id: row.id,
    name: row.name,
    workspaceId: row.workspace_id,
    tokenHash: row.token_hash,
    prefix: row.prefix,
    scope: row.scope,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    createdById: row.created_by_id,
    createdByName: row.created_by_name,
    permissions: row.permissions ?? [],
    createdByUserId: row.created_by_user_id,
    createdByTokenId: row.created_by_token_id,
    createdAt: row.created_at,
  };
}

/**
 * What a user holds in a frame (a workspace, or null = globally: global permissions plus the
 * workspace permissions global bindings give everywhere), `:write` implying `:read`. Empty for
 * a disabled or unknown user.
 */
export async function userRightsIn(
  db: Db,
  userId: string,
  frame: string | null,
): Promise<Set<Permission>> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { isDisabled: true } });
  if (!user || user.isDisabled) {
    return new Set();
  }
  // The user's bindings and their groups', globally and in the frame.
  const bindings = await db.roleBinding.findMany({
    where: {
      AND: [
        { OR: [{ userId }, { group: { members: { some: { userId } } } }] },
        { OR: [{ workspaceId: null }, ...(frame ? [{ workspaceId: frame }] : [])] },
      ],
    },
    include: { role: true },
  });
  const held: string[] = [];
  for (const b of bindings) {
    held.push(...b.role.permissions);
    if (b.workspaceId === null && b.role.scope === 'GLOBAL' && b.role.name === 'admin') {
      held.push(...BUILT_IN_ROLES.workspace.admin.permissions);
    }
  }
  return withImplied(held) as Set<Permission>;
}
