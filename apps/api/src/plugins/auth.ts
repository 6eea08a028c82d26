import {
  AppError,
  type AuditSink,
  type ConfigurationRenderer,
  type Encryptor,
  type Grants,
  grants,
  grantsOf,
  type InstanceInfo,
  type Permission,
  permissionsIn,
  type Principal,
  principalFromSession,
  principalFromToken,
  type ServiceContext,
} from '@commander/core';
import type { Db } from '@commander/db';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

export const SESSION_COOKIE = 'commander_session';

/** What a route declares about who may call it (route `config`). */
export type RouteAccess = {
  /** Needed permission, checked in the current workspace (or globally for global ones). */
  permission?: Permission;
  /** No authentication at all (sign-in, health). */
  public?: boolean;
  /** Any authenticated caller; the use case decides (e.g. /auth/me, /auth_tokens). */
  authenticated?: boolean;
};

declare module 'fastify' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging adds the route options
  interface FastifyContextConfig extends RouteAccess {}
  interface FastifyRequest {
    ctx: ServiceContext;
    principal: Principal | null;
    grants: Grants | null;
  }
}

export type AuthOptions = {
  db: Db;
  encryptor: Encryptor;
  instance: InstanceInfo;
  auditSink: AuditSink;
  /** Where the use cases render (the render worker pool). */
  renderer?: ConfigurationRenderer | undefined;
};

function bearer(request: FastifyRequest): string | null {
  const header = request.headers['x-auth-token'];
  if (typeof header === 'string' && header.length > 0) {
    return header;
  }
  const auth = request.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) {
    return auth.slice('Bearer '.length).trim();
  }
  return null;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Authentication and authorization of every /api/v1 route: an API token (X-Auth-Token or
 * Authorization: Bearer) or the web session cookie (with a CSRF header on writes). Builds
 * `request.ctx` for the use cases, then enforces the route's declared permission. A route that
 * declares nothing is refused at start-up (see assertRoutesDeclareAccess).
 */
export const authPlugin = fp<AuthOptions>(
  async (app, options) => {
    const { db } = options;
    app.decorateRequest('ctx', null as unknown as ServiceContext);
    app.decorateRequest('principal', null);
    app.decorateRequest('grants', null);

    app.addHook('onRequest', async (request) => {
      request.ctx = baseContext(request, options, null, new Set());
    });

    // preValidation: callers are authenticated and authorized before their input is even looked at.
    app.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
      const access = request.routeOptions.config;
      if (!request.url.startsWith('/api/') || access.public) {
        return;
      }
      let principal: Principal | null = null;
      let viaCookie = false;
      const token = bearer(request);
      if (token !== null) {
        principal = await principalFromToken(db, token);
      } else {
        const cookie = request.cookies[SESSION_COOKIE];
        if (cookie) {
          principal = await principalFromSession(db, cookie);
          viaCookie = principal !== null;
          if (!principal) {
            void reply.clearCookie(SESSION_COOKIE, { path: '/' });
            throw new AppError('session_expired', 'Your session has expired; sign in again');
          }
        }
      }
      if (!principal) {
        throw new AppError(
          'unauthorized',
          'Authentication required: send X-Auth-Token, or sign in',
        );
      }
      if (viaCookie && UNSAFE.has(request.method) && principal.kind === 'user') {
        const sent = request.headers['x-csrf-token'];
        if (typeof sent !== 'string' || sent !== principal.session?.csrfToken) {
          throw new AppError('csrf_failed', 'Missing or wrong X-CSRF-Token header');
        }
      }
      const held = await grantsOf(db, principal);
      const workspace = await resolveWorkspace(db, request, principal);
      request.principal = principal;
      request.grants = held;
      const actor =
        principal.kind === 'auth_token'
          ? { type: 'auth_token' as const, id: principal.token.id, name: principal.token.name }
          : { type: 'user' as const, id: principal.user.id, name: principal.user.email };
      request.ctx = {
        ...baseContext(request, options, workspace, permissionsIn(held, workspace?.id ?? null)),
        actor,
      };

      const needed = access.permission;
      if (needed !== undefined && !grants(request.ctx.permissions, needed)) {
        const isWrite = needed.endsWith(':write');
        if (principal.kind === 'auth_token' && principal.token.scope === 'READ' && isWrite) {
          throw new AppError('read_only_token', 'This token is read-only');
        }
        throw new AppError(
          'forbidden',
          `This needs the ${needed} permission${workspace ? ` in workspace ${workspace.slug}` : ''}`,
          {
            permission: needed,
          },
        );
      }
    });
  },
  { name: 'auth', dependencies: ['@fastify/cookie'] },
);

function baseContext(
  request: FastifyRequest,
  options: AuthOptions,
  workspace: ServiceContext['workspace'],
  permissions: Set<string>,
): ServiceContext {
  return {
    db: options.db,
    actor: { type: 'system', id: null, name: 'anonymous' },
    workspace,
    permissions,
    log: request.log,
    encryptor: options.encryptor,
    instance: options.instance,
    auditSink: options.auditSink,
    renderer: options.renderer,
    requestId: request.id,
    remoteAddress: request.ip,
  };
}

/**
 * The workspace of the call: a workspace token's own; for users, the X-Workspace header
 * (slug) or, without it, the `default` workspace when the user can see it.
 */
async function resolveWorkspace(
  db: Db,
  request: FastifyRequest,
  principal: Principal,
): Promise<{ id: string; slug: string } | null> {
  if (principal.kind === 'auth_token') {
    if (principal.token.workspaceId === null) {
      return null;
    }
    const ws = await db.workspace.findUnique({
      where: { id: principal.token.workspaceId },
      select: { id: true, slug: true },
    });
    return ws;
  }
  const header = request.headers['x-workspace'];
  const slug = typeof header === 'string' && header.length > 0 ? header : 'default';
  const ws = await db.workspace.findFirst({
    where: { slug, archivedAt: null },
    select: { id: true, slug: true },
  });
  if (!ws && typeof header === 'string' && header.length > 0) {
    throw new AppError('not_found', `Workspace ${slug} not found`);
  }
  return ws;
}
