import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Transform } from 'node:stream';

import { grants } from '@commander/contracts';
import {
  AgentKeyCache,
  AppError,
  impersonationFor,
  issueKubeconfig,
  listMyKubeconfigTokens,
  recordAudit,
  revokeKubeconfigToken,
  type ServiceContext,
} from '@commander/core';
import type { Db } from '@commander/db';
import { type Connector, forwardableHeaders, type TunnelKeyGuard } from '@commander/tunnel';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

import type { ClusterWorkspaceCache } from '../cluster-workspace-cache.js';

/** Where an upgrade request's socket waits while Fastify routes it (see dispatchUpgrades). */
const UPGRADE = Symbol('commander.upgrade');
type UpgradeRaw = IncomingMessage & {
  [UPGRADE]?: { socket: Socket; head: Buffer; taken: boolean };
};

/** The paths an HTTP upgrade may ask for; every other upgrade is refused before routing. */
const UPGRADE_PATHS =
  /^\/agent_api\/[0-9a-fA-F-]{36}\/tunnel(\?|$)|^\/api\/v1\/clusters\/[0-9a-fA-F-]{36}\/kubernetes\//;

/** Largest request body the proxy forwards (Kubernetes itself stops at 3 MiB per object). */
export const KUBERNETES_BODY_LIMIT = 16 * 1024 * 1024;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Routes HTTP upgrades through Fastify like ordinary requests (the technique of
 * @fastify/websocket), so authentication and authorization are decided by the matched route's
 * declaration as for every other call. The response object writes to the upgrade's socket: a
 * refusal (401, 403, 404) is an ordinary HTTP answer; a route that accepts the upgrade takes
 * the socket (`takeUpgrade`). Only the tunnel and the Kubernetes proxy accept upgrades.
 */
export function dispatchUpgrades(app: FastifyInstance): void {
  app.server.on('upgrade', (req: UpgradeRaw, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (!UPGRADE_PATHS.test(req.url ?? '')) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const state = { socket, head, taken: false };
    req[UPGRADE] = state;
    const res = new ServerResponse(req);
    res.assignSocket(socket);
    res.shouldKeepAlive = false;
    res.on('finish', () => {
      if (!state.taken) {
        socket.end();
      }
    });
    app.routing(req, res);
  });
}

/** The socket of an upgrade request (null for an ordinary request); the route now owns it. */
function takeUpgrade(
  request: FastifyRequest,
  reply: FastifyReply,
): { socket: Socket; head: Buffer } | null {
  const state = (request.raw as UpgradeRaw)[UPGRADE];
  if (!state) {
    return null;
  }
  state.taken = true;
  void reply.hijack();
  reply.raw.detachSocket(state.socket);
  return { socket: state.socket, head: state.head };
}

function isUpgrade(request: FastifyRequest): boolean {
  return (request.raw as UpgradeRaw)[UPGRADE] !== undefined;
}

/**
 * The path to send to the kube-apiserver: the raw request path after
 * `/api/v1/clusters/<id>/kubernetes`, with its query as sent. Refused (400): a raw path that
 * does not start exactly so (the router matched a decoded or case-folded variant), dot
 * segments, backslashes, empty segments and percent-encoded slashes, backslashes, dots or NULs
 * (a path must mean the same thing here and at the kube-apiserver).
 */
export function proxiedPath(rawUrl: string, clusterId: string): string {
  const prefix = `/api/v1/clusters/${clusterId}/kubernetes`;
  const q = rawUrl.indexOf('?');
  const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const query = q === -1 ? '' : rawUrl.slice(q);
  if (!path.startsWith(`${prefix}/`)) {
    throw new AppError('bad_request', 'The Kubernetes path must be sent as is, unencoded');
  }
  const rest = path.slice(prefix.length);
  const segments = rest.split('/').slice(1);
  if (
    /%(2f|5c|2e|00)/i.test(rest) ||
    rest.includes('\\') ||
    segments.some((s, i) => s === '.' || s === '..' || (s === '' && i !== segments.length - 1))
  ) {
    throw new AppError('bad_request', 'This Kubernetes path is not allowed');
  }
  // eslint-disable-next-line no-control-regex -- control characters are the point
  if (/[\u0000-\u001f\u007f]/.test(query)) {
    throw new AppError('bad_request', 'This query is not allowed');
  }
  return rest + query;
}

/** What an audit event says of a Kubernetes call: the resource, its namespace and name. */
export function describeKubePath(path: string): {
  resource: string | null;
  namespace: string | null;
  name: string | null;
} {
  const segments = (path.split('?')[0] ?? '').split('/').filter(Boolean);
  let rest: string[];
  let group = '';
  if (segments[0] === 'api') {
    rest = segments.slice(2);
  } else if (segments[0] === 'apis') {
    group = segments[1] ?? '';
    rest = segments.slice(3);
  } else {
    return { resource: null, namespace: null, name: null };
  }
  let namespace: string | null = null;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1] ?? null;
    rest = rest.slice(2);
  }
  const kind = rest[0] ?? null;
  const resource = kind
    ? `${kind}${rest[2] ? `/${rest[2]}` : ''}${group ? `.${group}` : ''}`
    : null;
  return { resource, namespace, name: rest[1] ?? null };
}

/** Headers a caller may not send on to the kube-apiserver. */
function droppedHeader(name: string): boolean {
  return (
    name === 'authorization' ||
    name === 'cookie' ||
    name === 'x-auth-token' ||
    name === 'x-csrf-token' ||
    name === 'x-workspace' ||
    name === 'idempotency-key' ||
    name.startsWith('impersonate-') ||
    name.startsWith('x-remote-') ||
    name.startsWith('x-forwarded-') ||
    name === 'forwarded' ||
    name === 'x-real-ip' ||
    name.startsWith('x-commander-') ||
    name.startsWith('sec-websocket-extensions')
  );
}

/** A request body stream that fails past `max` bytes. */
function limited(req: IncomingMessage, max: number): Transform {
  let seen = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > max) {
        done(new Error('request body too large'));
        return;
      }
      done(null, chunk);
    },
  });
  req.pipe(t);
  req.on('error', (err) => t.destroy(err));
  return t;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export type KubernetesRoutesOptions = {
  db: Db;
  connector: Connector;
  publicUrl: string;
  kubeconfigTtlMs: number;
  /** The server and CA a downloaded kubeconfig names (default: the public URL and CA bundle). */
  kubeconfigEndpoint?: { serverUrl: string; caData: string };
  /** Live clusters' workspaces, for the proxy's per-request check (none: PostgreSQL each time). */
  clusterWorkspaces?: ClusterWorkspaceCache;
  /** Records the key each accepted tunnel opened with, to close it when that key goes. */
  tunnelGuard?: TunnelKeyGuard;
};

/** The cluster named in the path, in the caller's workspace (another workspace's: 404). */
async function clusterOf(request: FastifyRequest): Promise<{ id: string; name: string }> {
  const { id } = request.params as { id: string };
  const ws = request.ctx.workspace;
  const cluster =
    ws && UUID.test(id)
      ? await request.ctx.db.cluster.findFirst({
          where: { id, workspaceId: ws.id, archivedAt: null },
          select: { id: true, name: true },
        })
      : null;
  if (!cluster) {
    throw new AppError('not_found', 'Cluster not found');
  }
  return cluster;
}

/** clusterOf for the proxy: only the id, its workspace from the cache when it has it. */
async function proxiedCluster(
  request: FastifyRequest,
  cache: ClusterWorkspaceCache | undefined,
): Promise<{ id: string }> {
  const { id } = request.params as { id: string };
  const ws = request.ctx.workspace;
  if (!ws || !UUID.test(id)) {
    throw new AppError('not_found', 'Cluster not found');
  }
  const load = async (clusterId: string) =>
    (
      await request.ctx.db.cluster.findFirst({
        where: { id: clusterId, archivedAt: null },
        select: { workspaceId: true },
      })
    )?.workspaceId ?? null;
  const workspaceId = cache ? await cache.workspaceOf(id, load) : await load(id);
  if (workspaceId !== ws.id) {
    throw new AppError('not_found', 'Cluster not found');
  }
  return { id };
}

/**
 * `/api/v1/clusters/:id/kubernetes/*`: the cluster's Kubernetes API through its agent's tunnel,
 * as the caller (impersonation), plus the kubeconfig endpoints. Bodies stream both ways
 * (nothing is parsed here), `watch` and log streams flow as they come, and upgrades (exec,
 * attach, port-forward) become byte pipes. Reads need clusters:admin:read, everything else
 * (and every upgrade) clusters:admin:write; each write is audited with its status.
 */
export async function kubernetesRoutes(
  app: FastifyInstance,
  {
    db,
    connector,
    publicUrl,
    kubeconfigTtlMs,
    kubeconfigEndpoint,
    clusterWorkspaces,
    tunnelGuard,
  }: KubernetesRoutesOptions,
): Promise<void> {
  const publicOrigin = new URL(publicUrl).origin;

  // The agent's tunnel: its key authenticates it (agent access, plugins/auth.ts).
  app.get(
    '/agent_api/:cluster_uuid/tunnel',
    { config: { agent: true }, schema: { hide: true } },
    async (request, reply) => {
      const cluster = request.agentContext?.agent;
      if (!cluster) {
        throw new AppError('unauthorized', 'A valid agent key of this cluster is required');
      }
      if (!isUpgrade(request)) {
        return reply
          .code(426)
          .header('upgrade', 'websocket')
          .send({ error: { code: 'upgrade_required', message: 'Open this as a WebSocket' } });
      }
      const { socket, head } = takeUpgrade(request, reply)!;
      const tunnel = await connector.hub.accept(cluster.id, request.raw, socket, head);
      const auth = String(request.headers.authorization ?? '');
      tunnelGuard?.opened(tunnel, cluster.uuid, AgentKeyCache.hashKey(auth.slice(7).trim()));
      request.log.info({ cluster_id: cluster.id }, 'agent tunnel connected');
    },
  );

  app.get(
    '/api/v1/clusters/:id/kubeconfig',
    {
      config: { permission: 'clusters:admin:read', clusterWorkspace: true },
      schema: {
        tags: ['kubernetes'],
        summary: 'A kubeconfig for this cluster (a new credential of the caller)',
      },
    },
    async (request, reply) => {
      const cluster = await clusterOf(request);
      const { yaml } = await issueKubeconfig(
        request.ctx,
        cluster,
        kubeconfigTtlMs,
        kubeconfigEndpoint,
      );
      return reply
        .type('application/yaml; charset=utf-8')
        .header('cache-control', 'no-store')
        .header(
          'content-disposition',
          `attachment; filename="kubeconfig-${cluster.name.replace(/[^A-Za-z0-9._-]/g, '-')}.yaml"`,
        )
        .send(yaml);
    },
  );

  app.get(
    '/api/v1/kubeconfig_tokens',
    {
      config: { authenticated: true },
      schema: {
        tags: ['kubernetes'],
        summary: "The caller's kubeconfig credentials",
        querystring: z.object({ cluster_id: z.uuid().optional() }),
      },
    },
    async (request) => {
      const { cluster_id } = request.query as { cluster_id?: string };
      return { kubeconfig_tokens: await listMyKubeconfigTokens(request.ctx, cluster_id) };
    },
  );

  app.delete(
    '/api/v1/kubeconfig_tokens/:token_id',
    {
      config: { authenticated: true },
      schema: {
        tags: ['kubernetes'],
        summary: 'Revokes one of the caller’s kubeconfig credentials',
        params: z.object({ token_id: z.uuid() }),
      },
    },
    async (request) => {
      const { token_id } = request.params as { token_id: string };
      return { kubeconfig_token: await revokeKubeconfigToken(request.ctx, token_id) };
    },
  );

  await app.register(async (scope) => {
    // Bodies are streamed to the cluster untouched: no parser reads them here.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));

    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const cluster = await proxiedCluster(request, clusterWorkspaces);
      const ctx: ServiceContext = request.ctx;
      const upgrading = isUpgrade(request);
      if (upgrading) {
        // exec, attach and port-forward act in the cluster: writers only.
        if (!grants(ctx.permissions, 'clusters:admin:write')) {
          throw new AppError('forbidden', 'This needs the clusters:admin:write permission', {
            permission: 'clusters:admin:write',
          });
        }
        // A browser's WebSocket carries the session cookie but cannot send the CSRF header:
        // it must come from Commander's own pages.
        const principal = request.principal;
        if (principal?.kind === 'user' && principal.session) {
          const origin = request.headers.origin;
          const host = request.headers.host;
          const sameHost =
            typeof origin === 'string' && host !== undefined && new URL(origin).host === host;
          if (origin !== publicOrigin && !sameHost) {
            throw new AppError('csrf_failed', 'A WebSocket from another origin is refused');
          }
        }
      }
      const path = proxiedPath(request.raw.url ?? '', cluster.id);
      const contentLength = Number(request.headers['content-length'] ?? 0);
      if (contentLength > KUBERNETES_BODY_LIMIT) {
        throw new AppError('payload_too_large', 'The request body is too large');
      }
      const who = impersonationFor(ctx.actor, ctx.permissions);
      const headers = forwardableHeaders(request.headers, droppedHeader);
      headers['impersonate-user'] = who.user;
      headers['impersonate-group'] = who.groups;
      const target = { method: request.method, path, headers };
      let status: number;
      if (upgrading) {
        const { socket, head } = takeUpgrade(request, reply)!;
        const upgrade = String(request.headers.upgrade ?? 'websocket');
        status = await connector.proxyUpgrade(cluster.id, { ...target, upgrade }, socket, head);
      } else {
        void reply.hijack();
        const body =
          request.headers['transfer-encoding'] !== undefined || contentLength > 0
            ? limited(request.raw, KUBERNETES_BODY_LIMIT)
            : null;
        status = await connector.proxyRequest(cluster.id, target, body, reply.raw);
      }
      request.log.info(
        { method: request.method, route: request.routeOptions.url, status, cluster_id: cluster.id },
        'request',
      );
      if (upgrading || WRITE_METHODS.has(request.method)) {
        const described = describeKubePath(path);
        await db.$transaction((tx) =>
          recordAudit(tx, ctx, {
            action: upgrading ? 'kubernetes_connect' : `kubernetes_${request.method.toLowerCase()}`,
            auditableType: 'Cluster',
            auditableId: cluster.id,
            changes: {
              method: request.method,
              path: path.split('?')[0],
              ...described,
              status,
              impersonated_user: who.user,
              impersonated_groups: who.groups,
            },
          }),
        );
      }
    };

    const config = { kubeconfigToken: true, passthrough: true, clusterWorkspace: true } as const;
    const schema = { hide: true };
    scope.route({
      method: ['GET', 'HEAD'],
      url: '/api/v1/clusters/:id/kubernetes/*',
      config: { ...config, permission: 'clusters:admin:read' },
      schema,
      handler,
    });
    scope.route({
      method: ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      url: '/api/v1/clusters/:id/kubernetes/*',
      config: { ...config, permission: 'clusters:admin:write' },
      schema,
      handler,
    });
  });
}
