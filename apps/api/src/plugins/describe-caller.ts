import type { Me } from '@commander/contracts';
import {
  type Grants,
  grantsOf,
  permissionsIn,
  principalFromSession,
  visibleWorkspaceIds,
} from '@commander/core';
import type { Db } from '@commander/db';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

type Fresh = { userId: string; csrfToken: string; expiresAt: Date } | null;

declare module 'fastify' {
  interface FastifyInstance {
    /** The caller as `GET /auth/me` shows it (also answered by sign-in). */
    describeCaller: (request: FastifyRequest, fresh: Fresh) => Promise<Me>;
  }
}

/** Builds the `Me` object: the caller, its workspaces and permissions, the CSRF token. */
export const describeCallerPlugin = fp<{ db: Db }>(
  async (app, { db }) => {
    app.decorate('describeCaller', async (request: FastifyRequest, fresh: Fresh): Promise<Me> => {
      let principal = request.principal;
      if (fresh) {
        const user = await db.user.findUniqueOrThrow({ where: { id: fresh.userId } });
        principal = { kind: 'user', user, session: null };
      }
      if (!principal) {
        throw new Error('describeCaller needs an authenticated request');
      }
      const held: Grants =
        fresh || !request.grants ? await grantsOf(db, principal) : request.grants;
      const visible = visibleWorkspaceIds(held);
      const workspaces = await db.workspace.findMany({
        where: { archivedAt: null, ...(visible ? { id: { in: visible } } : {}) },
        orderBy: { name: 'asc' },
      });
      let csrf: string | null = fresh?.csrfToken ?? null;
      let expires: Date | null = fresh?.expiresAt ?? null;
      if (!fresh && principal.kind === 'user') {
        const cookie = request.cookies.commander_session;
        const current = cookie ? await principalFromSession(db, cookie) : null;
        if (current?.kind === 'user' && current.session) {
          csrf = current.session.csrfToken;
          expires = current.session.expiresAt;
        }
      }
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
            permissions: [...permissionsIn(held, w.id)]
              .filter((p) => !held.global.has(p as never))
              .sort(),
          }))
          .filter((w) => w.permissions.length > 0),
        global_permissions: [...held.global].sort(),
        csrf_token: csrf,
        session_expires_at: expires?.toISOString() ?? null,
      };
    });
  },
  { name: 'describe-caller' },
);
