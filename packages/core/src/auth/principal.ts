import { BUILT_IN_ROLES, isWorkspacePermission, type Permission } from '@commander/contracts';
import { hashToken } from '@commander/crypto';
import type { AuthToken, Db, Session, User } from '@commander/db';

import { tokenRights } from './token-rights.js';

/**
 * Who is calling, before a workspace is chosen. A token carries its effective rights, computed
 * when it authenticated (see token-rights.ts).
 */
export type Principal =
  | {
      kind: 'auth_token';
      token: AuthToken;
      permissions: ReadonlySet<Permission>;
      /** The earliest expiry up the issuer chain, when known (null: none expires). */
      validUntil?: Date | null;
    }
  | { kind: 'user'; user: User; session: Session | null };

/** How often last_used_at / last_seen_at are written at most (they are hot rows). */
export const TOUCH_INTERVAL_MS = 60_000;

/**
 * The API token with this value, if it and every issuer up its chain is usable (not revoked,
 * expired, deleted or disabled), with its effective rights.
 */
export async function principalFromToken(db: Db, rawToken: string): Promise<Principal | null> {
  const rights = await tokenRights(db, { tokenHash: hashToken(rawToken) });
  if (!rights) {
    return null;
  }
  const { token } = rights;
  if (token.lastUsedAt === null || Date.now() - token.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.authToken.update({ where: { id: token.id }, data: { lastUsedAt: new Date() } });
  }
  return {
    kind: 'auth_token',
    token,
    permissions: rights.permissions,
    validUntil: rights.validUntil,
  };
}

/** The signed-in user of this session cookie value, if the session is valid. */
export async function principalFromSession(db: Db, rawSession: string): Promise<Principal | null> {
  const session = await db.session.findUnique({
    where: { tokenHash: hashToken(rawSession) },
    include: { user: true },
  });
  if (!session || session.expiresAt <= new Date() || session.user.isDisabled) {
    return null;
  }
  if (Date.now() - session.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.session.update({ where: { id: session.id }, data: { lastUsedAt: new Date() } });
    await db.user.update({ where: { id: session.userId }, data: { lastSeenAt: new Date() } });
  }
  const { user, ...rest } = session;
  return { kind: 'user', user, session: rest };
}

/** Bindings that apply to a user: theirs, and those of every group they are in. */
export function userBindingsWhere(userId: string) {
  return {
    OR: [{ userId }, { group: { members: { some: { userId } } } }],
  };
}

export type Grants = {
  global: Set<Permission>;
  /** Workspace id → permissions there. `all` = the same permissions in every workspace. */
  workspaces: Map<string, Set<Permission>>;
  all: Set<Permission>;
};

/** Everything a principal may do, globally and per workspace. */
export async function grantsOf(db: Db, principal: Principal): Promise<Grants> {
  const grants: Grants = { global: new Set(), workspaces: new Map(), all: new Set() };
  if (principal.kind === 'auth_token') {
    const { token } = principal;
    if (token.workspaceId === null) {
      // A global token acts globally; its workspace permissions only bound the tokens it issues.
      for (const p of principal.permissions) {
        if (!isWorkspacePermission(p)) {
          grants.global.add(p);
        }
      }
    } else {
      grants.workspaces.set(
        token.workspaceId,
        new Set([...principal.permissions].filter(isWorkspacePermission)),
      );
    }
    return grants;
  }
  // The user's own bindings and their groups' (one query, whatever the number of groups).
  const bindings = await db.roleBinding.findMany({
    where: userBindingsWhere(principal.user.id),
    include: { role: true },
  });
  for (const binding of bindings) {
    const permissions = binding.role.permissions as Permission[];
    if (binding.workspaceId === null) {
      for (const p of permissions) {
        if (isWorkspacePermission(p)) {
          grants.all.add(p);
        } else {
          grants.global.add(p);
        }
      }
      // A global admin administers every workspace too.
      if (binding.role.scope === 'GLOBAL' && binding.role.name === 'admin') {
        for (const p of BUILT_IN_ROLES.workspace.admin.permissions) {
          grants.all.add(p);
        }
      }
    } else {
      const set = grants.workspaces.get(binding.workspaceId) ?? new Set<Permission>();
      for (const p of permissions) {
        set.add(p);
      }
      grants.workspaces.set(binding.workspaceId, set);
    }
  }
  return grants;
}

/** Effective permissions in one workspace (null = a global call). */
export function permissionsIn(grants: Grants, workspaceId: string | null): Set<string> {
  const out = new Set<string>(grants.global);
  if (workspaceId !== null) {
    for (const p of grants.all) {
      out.add(p);
    }
    for (const p of grants.workspaces.get(workspaceId) ?? []) {
      out.add(p);
    }
  }
  return out;
}

/** Workspaces a principal can enter; null means every workspace. */
export function visibleWorkspaceIds(grants: Grants): string[] | null {
  if (
    grants.all.size > 0 ||
    grants.global.has('workspaces:read') ||
    grants.global.has('workspaces:write')
  ) {
    return null;
  }
  return [...grants.workspaces.keys()];
}
