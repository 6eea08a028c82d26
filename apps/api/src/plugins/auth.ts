import { createHash, timingSafeEqual } from 'node:crypto';

import { grants, type Permission, SESSION_COOKIE } from '@commander/contracts';
import {
  AppError,
  type AuditSink,
  type ConfigurationRenderer,
  type Encryptor,
  type Grants,
  grantsOf,
  type InstanceInfo,
  KUBECONFIG_TOKEN_PREFIX,
  kubeconfigTokenOwner,
  permissionsIn,
  type Principal,
  principalFromSession,
  principalFromToken,
  resolveWorkspace,
  type ServiceContext,
  tokenWorkspace as tokenWorkspaceOf,
} from '@commander/core';
import type { Db } from '@commander/db';
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyPluginCallback,
  FastifyPluginOptions,
  FastifyReply,
  FastifyRequest,
  onSendHookHandler,
} from 'fastify';
import fp from 'fastify-plugin';

import type { PrincipalCache } from './principal-cache.js';
import { prependHook } from './route-hooks.js';

export { SESSION_COOKIE } from '@commander/contracts';

/** Body limits (bytes) by route kind; a route may declare a smaller or larger one itself. */
export const BODY_LIMITS = {
  /** Unauthenticated routes (sign-in): a stranger never makes the server parse more. */
  public: 64 * 1024,
  /** Every authenticated route unless it says otherwise (the app's default). */
  default: 5 * 1024 * 1024,
  agentResults: 5 * 1024 * 1024,
  telemetry: 2 * 1024 * 1024,
} as const;

/**
 * What a route declares about who may call it (route `config`). Exactly one of these; a route
 * that declares none (or several) makes start-up fail (deny by default).
 */
export type RouteAccess = {
  /** Needed permission, checked in the current workspace (or globally for global ones). */
  permission?: Permission;
  /** No authentication at all (sign-in, health, static files): see `registerPublic`. */
  public?: boolean;
  /** Any authenticated caller; the use case decides (e.g. /auth/me, /auth_tokens). */
  authenticated?: boolean;
  /** The agent API: the agent key of the cluster named by `:cluster_uuid`. */
  agent?: boolean;
  /** `/metrics`: the metrics token, a credential with global `workspaces:read`, or public by choice. */
  metrics?: boolean;
  /**
   * Not an access kind: this route (the Kubernetes proxy of cluster `:id`) also accepts a
   * kubeconfig credential of that cluster, acting as its user with their current permissions.
   */
  kubeconfigToken?: boolean;
  /** Not an access kind: the body is streamed elsewhere untouched (no idempotency, If-Match). */
  passthrough?: boolean;
  /**
   * Not an access kind: without an X-Workspace header (a browser's WebSocket cannot send one),
   * the workspace is that of cluster `:id`, for users and global tokens, when they may read
   * clusters there; otherwise the default workspace as usual (so a cluster they may not see
   * answers exactly like one that does not exist).
   */
  clusterWorkspace?: boolean;
};

export type AccessKind = 'permission' | 'authenticated' | 'public' | 'agent' | 'metrics';

/** The one access kind a route declares, or 'undeclared' (none, or more than one). */
export function accessKind(config: RouteAccess | undefined): AccessKind | 'undeclared' {
  const declared: AccessKind[] = [];
  if (config?.permission !== undefined) {
    declared.push('permission');
  }
  if (config?.authenticated === true) {
    declared.push('authenticated');
  }
  if (config?.public === true) {
    declared.push('public');
  }
  if (config?.agent === true) {
    declared.push('agent');
  }
  if (config?.metrics === true) {
    declared.push('metrics');
  }
  return declared.length === 1 ? declared[0]! : 'undeclared';
}

/** A registered route and the access it declares. */
export type RouteEntry = {
  method: string;
  url: string;
  permission: string | null;
  kind: AccessKind | 'undeclared';
};

declare module 'fastify' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging adds the route options
  interface FastifyContextConfig extends RouteAccess {}
  interface FastifyRequest {
    ctx: ServiceContext;
    principal: Principal | null;
    grants: Grants | null;
  }
  interface FastifyInstance {
    /** Every route and what it declares (for the start-up check and the authorization tests). */
    routeTable: RouteEntry[];
  }
}

export type AuthOptions = {
  db: Db;
  encryptor: Encryptor;
  instance: InstanceInfo;
  auditSink: AuditSink;
  /** Bearer token that may read /metrics (at least 32 characters), if any. */
  metricsToken?: string | undefined;
  /** /metrics without any credential (COMMANDER_METRICS_PUBLIC=true). */
  metricsPublic?: boolean;
  /** Where the use cases render (the render worker pool). */
  renderer?: ConfigurationRenderer | undefined;
  /** Principals kept in process (none: every request reads them from the database). */
  principalCache?: PrincipalCache | undefined;
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

function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Routes whose writes can change who a credential is or what it may do. */
const CREDENTIAL_ROUTES =
  /^\/api\/v1\/(auth|auth_tokens|users|groups|roles|global_roles|role_bindings|workspace_role_bindings|workspaces)(\/|$)/;
const OIDC_CALLBACK = '/api/v1/auth/oidc/callback';

/**
 * Marks every route that `plugin` registers as deliberately public (no authentication) with
 * the small public body limit. For third-party plugins (static files, Swagger UI) whose routes
 * cannot declare access themselves; our own public routes write `config: { public: true }`.
 */
export async function registerPublic<O extends FastifyPluginOptions>(
  app: FastifyInstance,
  plugin: FastifyPluginCallback<O> | FastifyPluginAsync<O>,
  options: O,
): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), public: true };
      route.bodyLimit = Math.min(route.bodyLimit ?? BODY_LIMITS.public, BODY_LIMITS.public);
    });
    await scope.register(plugin as FastifyPluginAsync<O>, options);
  });
}

/**
 * Authentication and authorization of every route, in `onRequest`, decided from the MATCHED
 * route's declaration (`request.routeOptions.config`), never from the raw URL: the router has
 * already decoded and normalised the path, so `/%61pi/v1/users` is the users route and is
 * refused like it. Runs before the body is read, so a caller who may not call a route never
 * makes the server parse its body. A request that matches no route goes to the not-found
 * handler untouched. Every registered route must declare its access kind: `ready()` fails
 * otherwise (deny by default).
 *
 * Callers: an API token (X-Auth-Token or Authorization: Bearer) or the web session cookie (with
 * a CSRF header on writes); the agent key on the agent API; the metrics token on /metrics.
 */
export const authPlugin = fp<AuthOptions>(
  async (app, options) => {
    app.decorateRequest('ctx', null as unknown as ServiceContext);
    app.decorateRequest('principal', null);
    app.decorateRequest('grants', null);

    // Every route, with what it declares. Options are classified at ready time because
    // `registerPublic` scopes mark their routes in an onRoute hook that runs after this one.
    const routes: { method: string; url: string; options: { config?: RouteAccess } }[] = [];
    const routeTable: RouteEntry[] = [];
    app.decorate('routeTable', routeTable);
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        routes.push({ method, url: route.url, options: route });
      }
      const kind = accessKind(route.config);
      if (kind === 'public' && route.bodyLimit === undefined) {
        route.bodyLimit = BODY_LIMITS.public;
      }
    });
    app.addHook('onReady', async () => {
      for (const r of routes) {
        const c = r.options.config;
        if (r.method !== 'HEAD') {
          routeTable.push({
            method: r.method,
            url: r.url,
            permission: c?.permission ?? null,
            kind: accessKind(c),
          });
        }
      }
      const undeclared = routes.filter((r) => accessKind(r.options.config) === 'undeclared');
      if (undeclared.length > 0) {
        throw new Error(
          `Routes must declare exactly one access kind (config.permission, authenticated, public, agent or metrics; registerPublic for third-party routes): ${undeclared.map((r) => `${r.method} ${r.url}`).join(', ')}`,
        );
      }
    });

    const cache = options.principalCache;
    if (cache) {
      // A change this process makes (revoke, disable, role or binding change, sign-out) empties
      // its own cache before the caller hears back, so the caller's very next request here is
      // judged afresh; other processes hear of it through the triggers' NOTIFY.
      // Only on those routes (route-level hooks): the others never run it.
      const clearCache: onSendHookHandler = (_request, _reply, payload, done) => {
        cache.clear();
        done(null, payload);
      };
      app.addHook('onRoute', (route) => {
        // An OpenID sign-in (a GET) refreshes the user's groups: their other sessions change too.
        const changesCredentials =
          ([route.method].flat().some((m) => UNSAFE.has(m)) && CREDENTIAL_ROUTES.test(route.url)) ||
          route.url === OIDC_CALLBACK;
        if (changesCredentials) {
          route.onSend = prependHook(route.onSend, clearCache);
        }
      });
    }

    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.is404) {
        request.ctx = anonymousContext(request, options);
        return; // no route: the not-found handler answers, no use case runs
      }
      const access = request.routeOptions.config;
      const kind = accessKind(access);
      if (kind !== 'permission' && kind !== 'authenticated' && kind !== 'agent') {
        // authenticate() builds the caller's context (once) for the first two; the agent API
        // has its own (`request.agentContext`, plugins/agent-auth.ts) and never reads this one.
        request.ctx = anonymousContext(request, options);
      }
      switch (kind) {
        case 'public':
          return;
        case 'agent':
          // plugins/agent-auth.ts (registered before this plugin) verified the agent key and
          // built the agent's context; without it, deny.
          if (!request.agentContext) {
            throw new AppError('unauthorized', 'A valid agent key of this cluster is required');
          }
          return;
        case 'metrics':
          return authorizeMetrics(request, reply, options);
        case 'authenticated':
          await authenticate(request, reply, options);
          return;
        case 'permission': {
          const { principal, workspace } = await authenticate(request, reply, options);
          requirePermission(request, principal, workspace, access.permission!);
          return;
        }
        case 'undeclared':
          // Unreachable: start-up refuses such routes. Deny anyway.
          throw new AppError('forbidden', 'This route declares no access');
      }
    });
  },
  { name: 'auth', dependencies: ['@fastify/cookie'] },
);

/** The caller of an /api/v1 route; sets request.principal, grants and ctx. */
async function authenticate(
  request: FastifyRequest,
  reply: FastifyReply,
  options: AuthOptions,
): Promise<{ principal: Principal; workspace: ServiceContext['workspace'] }> {
  const { db } = options;
  const cache = options.principalCache ?? null;
  const token = bearer(request);
  if (token !== null && token.startsWith(KUBECONFIG_TOKEN_PREFIX)) {
    return authenticateKubeconfig(request, options, token);
  }
  const cookie = token === null ? request.cookies[SESSION_COOKIE] : undefined;
  let key: string | null = null;
  if (cache) {
    if (token !== null) {
      key = cache.key('token', token);
    } else if (cookie) {
      key = cache.key('session', cookie);
    }
  }
  const hit = cache && key !== null ? cache.get(key) : null;
  let principal: Principal | null;
  let held: Grants;
  let tokenWorkspace: ServiceContext['workspace'] = null;
  if (hit) {
    ({ principal, grants: held, workspace: tokenWorkspace } = hit);
  } else {
    const generation = cache?.generation ?? 0;
    principal = null;
    if (token !== null) {
      principal = await principalFromToken(db, token);
    } else if (cookie) {
      principal = await principalFromSession(db, cookie);
      if (!principal) {
        void reply.clearCookie(SESSION_COOKIE, { path: '/' });
        throw new AppError('session_expired', 'Your session has expired; sign in again');
      }
    }
    if (!principal) {
      throw new AppError('unauthorized', 'Authentication required: send X-Auth-Token, or sign in');
    }
    held = await grantsOf(db, principal);
    if (principal.kind === 'auth_token') {
      tokenWorkspace = await tokenWorkspaceOf(db, principal.token.workspaceId);
    }
    if (cache && key !== null) {
      cache.set(key, { principal, grants: held, workspace: tokenWorkspace }, generation);
    }
  }
  const viaCookie = token === null;
  if (viaCookie && UNSAFE.has(request.method) && principal.kind === 'user') {
    const sent = request.headers['x-csrf-token'];
    if (typeof sent !== 'string' || sent !== principal.session?.csrfToken) {
      throw new AppError('csrf_failed', 'Missing or wrong X-CSRF-Token header');
    }
  }
  const header = request.headers['x-workspace'];
  const named = typeof header === 'string' && header.length > 0 ? header : null;
  let fromCluster: ServiceContext['workspace'] = null;
  if (
    named === null &&
    request.routeOptions.config.clusterWorkspace === true &&
    (principal.kind !== 'auth_token' || principal.token.workspaceId === null)
  ) {
    const owner = await workspaceOfCluster(
      db,
      (request.params as { id?: unknown } | undefined)?.id,
    );
    // Only where they may see clusters; otherwise the request goes on exactly as one for a
    // cluster that does not exist (the default workspace: 403 without rights there, else 404).
    if (owner && grants(permissionsIn(held, owner.id), 'clusters:read')) {
      fromCluster = owner;
    }
  }
  const workspace =
    fromCluster ??
    (principal.kind === 'auth_token' ? tokenWorkspace : await resolveWorkspace(db, named, cache));
  request.principal = principal;
  request.grants = held;
  const actor =
    principal.kind === 'auth_token'
      ? { type: 'auth_token' as const, id: principal.token.id, name: principal.token.name }
      : { type: 'user' as const, id: principal.user.id, name: principal.user.email };
  request.ctx = baseContext(
    request,
    options,
    workspace,
    permissionsOf(held, workspace?.id ?? null),
    actor,
  );
  return { principal, workspace };
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The workspace of live cluster `id` (null: no such cluster, or not an id). */
async function workspaceOfCluster(db: Db, id: unknown): Promise<ServiceContext['workspace']> {
  if (typeof id !== 'string' || !UUID_PATTERN.test(id)) {
    return null;
  }
  const cluster = await db.cluster.findFirst({
    where: { id, archivedAt: null, workspace: { archivedAt: null } },
    select: { workspace: { select: { id: true, slug: true } } },
  });
  return cluster?.workspace ?? null;
}

/**
 * A kubeconfig credential: only on a route that accepts one, only for its own cluster, as its
 * user with the user's permissions now (never cached: a role change applies at once) in the
 * cluster's workspace. Anything else: 401.
 */
async function authenticateKubeconfig(
  request: FastifyRequest,
  options: AuthOptions,
  token: string,
): Promise<{ principal: Principal; workspace: ServiceContext['workspace'] }> {
  const refused = () =>
    new AppError('unauthorized', 'Authentication required: send X-Auth-Token, or sign in');
  if (request.routeOptions.config.kubeconfigToken !== true) {
    throw refused();
  }
  const owner = await kubeconfigTokenOwner(options.db, token);
  const clusterId = (request.params as { id?: unknown } | undefined)?.id;
  if (!owner || owner.clusterId !== clusterId) {
    throw refused();
  }
  const principal: Principal = { kind: 'user', user: owner.user, session: null };
  const held = await grantsOf(options.db, principal);
  request.principal = principal;
  request.grants = held;
  request.ctx = baseContext(
    request,
    options,
    owner.workspace,
    permissionsIn(held, owner.workspace.id),
    { type: 'user', id: owner.user.id, name: owner.user.email },
  );
  return { principal, workspace: owner.workspace };
}

function requirePermission(
  request: FastifyRequest,
  principal: Principal,
  workspace: ServiceContext['workspace'],
  needed: Permission,
): void {
  if (grants(request.ctx.permissions, needed)) {
    return;
  }
  if (
    principal.kind === 'auth_token' &&
    principal.token.scope === 'READ' &&
    needed.endsWith(':write')
  ) {
    throw new AppError('read_only_token', 'This token is read-only');
  }
  throw new AppError(
    'forbidden',
    `This needs the ${needed} permission${workspace ? ` in workspace ${workspace.slug}` : ''}`,
    { permission: needed },
  );
}

/**
 * /metrics: public only when configured so; otherwise the metrics token, or an API credential
 * with global `workspaces:read` (or more).
 */
async function authorizeMetrics(
  request: FastifyRequest,
  reply: FastifyReply,
  options: AuthOptions,
): Promise<void> {
  if (options.metricsPublic === true) {
    return;
  }
  const token = bearer(request);
  if (token !== null && options.metricsToken && sameSecret(token, options.metricsToken)) {
    return;
  }
  await authenticate(request, reply, options);
  if (!grants(permissionsIn(request.grants!, null), 'workspaces:read')) {
    throw new AppError('forbidden', 'Metrics need the metrics token or global workspaces:read', {
      permission: 'workspaces:read',
    });
  }
}

/**
 * The permission set of cached grants in a workspace, computed once per grants object and
 * workspace (a cache hit reuses the grants object until it expires or is invalidated). The sets
 * are shared between requests: nothing writes to `ctx.permissions`.
 */
const permissionSets = new WeakMap<Grants, Map<string | null, Set<string>>>();

function permissionsOf(held: Grants, workspaceId: string | null): Set<string> {
  let byWorkspace = permissionSets.get(held);
  if (byWorkspace === undefined) {
    byWorkspace = new Map();
    permissionSets.set(held, byWorkspace);
  }
  let set = byWorkspace.get(workspaceId);
  if (set === undefined) {
    set = permissionsIn(held, workspaceId);
    byWorkspace.set(workspaceId, set);
  }
  return set;
}

const ANONYMOUS: ServiceContext['actor'] = { type: 'system', id: null, name: 'anonymous' };

function anonymousContext(request: FastifyRequest, options: AuthOptions): ServiceContext {
  return baseContext(request, options, null, new Set(), { ...ANONYMOUS });
}

function baseContext(
  request: FastifyRequest,
  options: AuthOptions,
  workspace: ServiceContext['workspace'],
  permissions: Set<string>,
  actor: ServiceContext['actor'],
): ServiceContext {
  return {
    db: options.db,
    actor,
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
