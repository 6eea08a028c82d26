import type { Me } from '@commander/contracts';
import type { Db } from '@commander/db';

import {
  type Grants,
  grantsOf,
  permissionsIn,
  type Principal,
  principalFromSession,
  visibleWorkspaceIds,
} from './principal.js';

/** A session created by this very request (sign-in): the cookie is not sent back yet. */
export type FreshSession = { userId: string; csrfToken: string; expiresAt: Date };

export type GetMeInput = {
  /** The authenticated caller (null only together with `fresh`). */
  principal: Principal | null;
  /** The caller's grants when already computed for this request. */
  grants: Grants | null;
  /** The session just created by sign-in, if any. */
  fresh: FreshSession | null;
  /** The raw session cookie the request carried (for its CSRF token and expiry). */
  sessionCookie: string | undefined;
};

/**
 * `GET /auth/me` (also answered by sign-in): the caller, the workspaces it can see with its
 * permissions in each (global ones listed once), its CSRF token and session expiry.
 */
export async function getMe(db: Db, input: GetMeInput): Promise<Me> {
  const { fresh } = input;
  let principal = input.principal;
  if (fresh) {
    const user = await db.user.findUniqueOrThrow({ where: { id: fresh.userId } });
    principal = { kind: 'user', user, session: null };
  }
  if (!principal) {
    throw new Error('getMe needs an authenticated caller');
  }
  const held: Grants = fresh || !input.grants ? await grantsOf(db, principal) : input.grants;
  const visible = visibleWorkspaceIds(held);
  const workspaces = await db.workspace.findMany({
    where: { archivedAt: null, ...(visible ? { id: { in: visible } } : {}) },
    orderBy: { name: 'asc' },
  });
  let csrf: string | null = fresh?.csrfToken ?? null;
  let expires: Date | null = fresh?.expiresAt ?? null;
  if (!fresh && principal.kind === 'user') {
    const cookie = input.sessionCookie;
    const current = cookie ? await principalFromSession(db, cookie) : null;
    if (current?.kind === 'user' && current.session) {
      csrf = current.session.csrfToken;
      expires = current.session.expiresAt;
    }
  }
  const global: ReadonlySet<string> = held.global;
  return {
    kind: principal.kind,
    user:
      principal.kind === 'user'
        ? {
            id: principal.user.id,
            email: principal.user.email,
            name: principal.user.name,
            has_password: principal.user.passwordHash.startsWith('$argon2'),
          }
        : null,
    token:
      principal.kind === 'auth_token'
        ? {
            id: principal.token.id,
            name: principal.token.name,
            scope: principal.token.scope === 'WRITE' ? 'write' : 'read',
            permissions: [...principal.token.permissions].sort(),
          }
        : null,
    workspaces: workspaces
      .map((w) => ({
        id: w.id,
        slug: w.slug,
        name: w.name,
        permissions: [...permissionsIn(held, w.id)].filter((p) => !global.has(p)).sort(),
      }))
      .filter((w) => w.permissions.length > 0),
    global_permissions: [...held.global].sort(),
    csrf_token: csrf,
    session_expires_at: expires?.toISOString() ?? null,
  };
}
