import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import {
  AGENT_RESOURCES_CHANNEL,
  AgentKeyCache,
  AgentResourcesCache,
  type AuditSink,
  batchedLookup,
  type ConfigurationRenderer,
  type Encryptor,
  type InstanceInfo,
  logRedactPaths,
  ResourcesStampQueue,
  ResourcesStatusBatcher,
  TelemetryIngest,
} from '@commander/core';
import { RenderPool } from '@commander/core/render-pool';
import { type Db, poolOf, selectAgentAuthMany } from '@commander/db';
import { Connector, TunnelKeyGuard } from '@commander/tunnel';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { CustomFetch } from 'openid-client';
import pg from 'pg';
import pino from 'pino';

import { ClusterWorkspaceCache } from './cluster-workspace-cache.js';
import type { Config } from './config.js';
import { registerApiMetrics } from './metrics.js';
import { OidcProviders } from './oidc.js';
import { agentAuthPlugin } from './plugins/agent-auth.js';
import { agentKeysPlugin } from './plugins/agent-keys.js';
import { authPlugin, BODY_LIMITS, registerPublic } from './plugins/auth.js';
import { conditionalRequestsPlugin } from './plugins/conditional-requests.js';
import { describeCallerPlugin } from './plugins/describe-caller.js';
import { errorHandler } from './plugins/error-handler.js';
import { eventsPlugin } from './plugins/events.js';
import { idempotencyPlugin } from './plugins/idempotency.js';
import { inputGuardPlugin } from './plugins/input-guard.js';
import { openApiPlugin } from './plugins/openapi.js';
import { PrincipalCache } from './plugins/principal-cache.js';
import { securityHeadersPlugin } from './plugins/security-headers.js';
import { lazyChildLoggerFactory } from './request-logger.js';
import { agentRoutes } from './routes/agent.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { registerApiRoutes } from './routes/index.js';
import { dispatchUpgrades, kubernetesRoutes } from './routes/kubernetes.routes.js';

export type { RouteEntry } from './plugins/auth.js';

export type AppDeps = {
  db: Db;
  encryptor: Encryptor;
  instance: InstanceInfo;
  /** Where audit lines go (stdout as one JSON line by default). */
  auditSink?: AuditSink;
  /** Where request logs go (stdout by default); tests capture them. */
  logStream?: NodeJS.WritableStream;
  /** Where renders run; by default a render worker pool made from `config.render`. */
  renderer?: ConfigurationRenderer;
  /** Replaces fetch for requests to OpenID providers (tests tamper with their responses). */
  oidcFetch?: CustomFetch;
  /** The server and CA downloaded kubeconfigs name (main.ts: see tls.ts's kubeconfigServer). */
  kubeconfigEndpoint?: { serverUrl: string; caData: string };
};

declare module 'fastify' {
  interface FastifyInstance {
    /** The telemetry write-behind buffer (benchmarks and tests read its counters). */
    telemetryIngest: TelemetryIngest;
    /** Agents' apply reports' write-behind buffer. */
    resourcesStatusBatcher: ResourcesStatusBatcher;
    /** The agent key cache. */
    agentKeyCache: AgentKeyCache;
    agentResourcesCache: AgentResourcesCache;
    /** The connector: agents' tunnels held by this process, and forwarding to other replicas. */
    connector: Connector;
  }
}
/** Routes logged at debug only (when they succeed): probes, metrics, the agent API. */
const QUIET_ROUTES = /^\/(healthz|readyz|metrics)$|^\/agent_api\//;

/** How long a principal is trusted in process without a notification (ms). */
const PRINCIPAL_CACHE_TTL_MS = 10_000;
/** How often the last-use times of cached principals are written (ms). */
const LAST_USED_FLUSH_MS = 1_000;

/** The render worker pool the configuration asks for. */
export function renderPoolFromConfig(config: Config): RenderPool {
  const r = config.render;
  return new RenderPool({
    workers: r.workers,
    heapMb: r.heapMb,
    limits: {
      maxSteps: r.maxSteps,
      timeoutMs: r.timeoutMs,
      maxOutputLength: r.maxOutputLength,
      maxStringLength: r.maxOutputLength,
      maxRange: r.maxRange,
      maxDepth: r.maxDepth,
    },
  });
}

/** Builds the HTTP application; never listens (server.ts does). */
export async function buildApp(config: Config, deps: AppDeps): Promise<FastifyInstance> {
  // Logs go to stdout through pino's asynchronous destination (buffered, written off the
  // request path), flushed when the app closes.
  const destination =
    config.logLevel === 'silent' || deps.logStream
      ? null
      : pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const app = Fastify({
    logger:
      config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            // Request headers (authorization, x-auth-token, cookie, x-csrf-token) and
            // secret-bearing fields (password, privateKey, token, …) anywhere one level deep.
            redact: { paths: logRedactPaths(), censor: '[REDACTED]' },
            stream: deps.logStream ?? destination ?? undefined,
          },
    // One line per request, written on response (below), instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // The request's child logger is built only when something is logged through it.
    ...(config.logLevel === 'silent' ? {} : { childLoggerFactory: lazyChildLoggerFactory }),
    trustProxy: config.trustProxy,
    genReqId: () => randomUUID(),
    bodyLimit: BODY_LIMITS.default,
  });
  if (destination) {
    app.addHook('onClose', async () => destination.flushSync());
  }
  // The request line holds only the method, the route pattern, the status and the time (no URL,
  // no headers, no body): it is written without the redaction pass (a per-line cost on every
  // request), through a child that has none. Everything else keeps the redacting logger.
  const requestLines = app.log.child({}, { redact: [] });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    const line = {
      reqId: request.id,
      method: request.method,
      route: route ?? null,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    };
    // Probes, metrics and agents' polling are routine: visible at debug only.
    if (QUIET_ROUTES.test(route ?? '') && reply.statusCode < 500) {
      requestLines.debug(line, 'request');
    } else {
      requestLines.info(line, 'request');
    }
    done();
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Renders run in worker threads, never on this event loop.
  let renderer = deps.renderer;
  if (!renderer) {
    const pool = renderPoolFromConfig(config);
    renderer = pool;
    app.addHook('onClose', async () => pool.close());
    // Load the renderer in the workers now rather than during the first render.
    pool.ready().catch((err: unknown) => app.log.error({ err }, 'render workers failed to start'));
  }

  // First, on the root instance: its onResponse hook times every route.
  const metrics = registerApiMetrics(app, deps.db);
  // The agent API's hot statements (authentication misses, resource version, telemetry
  // batches) run on pg directly, on a small pool of their own.
  const agentPool = new pg.Pool({
    connectionString: config.databaseUrl,
    // The telemetry batches in flight, its snapshot writer, two status report batches, and
    // four for key lookups, resource versions and change notices.
    max: config.telemetry.maxInFlight + 1 + 2 + 4,
    application_name: 'commander-api-agent',
  });
  agentPool.on('error', (err) => app.log.warn({ err }, 'agent pool connection lost'));
  // Misses of one event-loop turn are read in one statement (a fleet's first requests).
  const agentKeys = new AgentKeyCache(
    batchedLookup((uuids) => selectAgentAuthMany(agentPool, uuids)),
    { ttlMs: config.agentKeyCacheTtlMs },
  );
  const ingest = new TelemetryIngest(agentPool, {
    lingerMs: config.telemetry.flushMs,
    maxBatch: config.telemetry.maxBatch,
    maxPending: config.telemetry.maxPending,
    maxInFlight: config.telemetry.maxInFlight,
    onBatch: metrics.telemetryBatch,
    onSnapshots: metrics.telemetrySnapshots,
    log: app.log,
  });
  // Resource versions and parsed renders, invalidated by NOTIFY (packages/core
  // agent-resources-cache.ts); computed versions are stored in batches off the request.
  const agentResources = new AgentResourcesCache();
  const stamps = new ResourcesStampQueue(agentPool, {
    warn: (err, message) => app.log.warn({ err }, message),
  });
  // Agents' apply reports: written in batches like telemetry (one statement, answered after its
  // commit, change events after it).
  const statusReports = new ResourcesStatusBatcher(agentPool, {
    lingerMs: config.telemetry.flushMs,
    maxInFlight: 2,
    log: app.log,
  });
  app.decorate('telemetryIngest', ingest);
  app.decorate('resourcesStatusBatcher', statusReports);
  app.decorate('agentKeyCache', agentKeys);
  app.decorate('agentResourcesCache', agentResources);
  // Registered first, so it runs after every other onClose hook: the server has stopped taking
  // requests; what was accepted is committed before the pool closes.
  app.addHook('onClose', async () => {
    await Promise.all([ingest.close(), statusReports.close()]);
    await stamps.flush();
    await agentPool.end();
  });

  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(securityHeadersPlugin, { https: config.publicUrl.startsWith('https:') });
  await app.register(errorHandler);
  // Principals in process, invalidated through PostgreSQL NOTIFY (plugins/principal-cache.ts).
  const principalCache = new PrincipalCache({
    databaseUrl: config.databaseUrl,
    pool: poolOf(deps.db),
    ttlMs: PRINCIPAL_CACHE_TTL_MS,
    flushEveryMs: LAST_USED_FLUSH_MS,
    warn: (err, message) => app.log.warn({ err }, message),
  });
  await principalCache.start();
  app.addHook('onClose', async () => principalCache.close());
  const auditSink: AuditSink =
    deps.auditSink ?? ((line) => process.stdout.write(`${JSON.stringify(line)}\n`));
  // The agent API's key check, before auth's hook (which refuses agent routes without it).
  await app.register(agentAuthPlugin, {
    db: deps.db,
    hot: agentPool,
    encryptor: deps.encryptor,
    instance: deps.instance,
    agentKeys,
    telemetry: ingest,
    resources: agentResources,
    stamps,
    statusReports,
  });
  // Before any route is registered: it records every route and refuses undeclared ones.
  await app.register(authPlugin, {
    db: deps.db,
    encryptor: deps.encryptor,
    instance: deps.instance,
    auditSink,
    metricsToken: config.metricsToken,
    metricsPublic: config.metricsPublic,
    renderer,
    principalCache,
  });
  const clusterWorkspaces = new ClusterWorkspaceCache();
  // Set once the connector exists (below): re-checks a held tunnel's key after a change.
  let tunnelGuard: TunnelKeyGuard | null = null;
  await app.register(agentKeysPlugin, {
    databaseUrl: config.databaseUrl,
    // In this order: the key cache forgets the cluster before its tunnel is re-checked.
    caches: [
      agentKeys,
      clusterWorkspaces,
      { invalidate: (id) => void tunnelGuard?.changed(id), setListening: () => undefined },
    ],
  });
  // Resource versions: their own channel (a render change is no key change).
  await app.register(agentKeysPlugin, {
    databaseUrl: config.databaseUrl,
    channel: AGENT_RESOURCES_CHANNEL,
    applicationName: 'commander-api-agent-resources',
    caches: [agentResources],
  });
  await app.register(inputGuardPlugin);
  await app.register(conditionalRequestsPlugin);
  await app.register(idempotencyPlugin, { db: deps.db, encryptor: deps.encryptor });
  await app.register(openApiPlugin);
  await app.register(describeCallerPlugin, { db: deps.db });
  await app.register(eventsPlugin, { databaseUrl: config.databaseUrl });
  await registerApiRoutes(app, {
    secureCookies: config.secureCookies,
    loginRateLimit: config.loginRateLimit,
    localLogin: config.localLogin,
    oidc: new OidcProviders(config.oidcProviders, {
      publicUrl: deps.instance.publicUrl,
      fetch: deps.oidcFetch,
    }),
    renderRateLimit: config.render.rateLimit,
    webhooks: config.webhooks,
  });
  await app.register(agentRoutes, { prefix: '/agent_api' });
  await app.register(healthRoutes, { db: deps.db, metrics });

  // The connector runs in the API process: agents' tunnels arrive on the API's port.
  const connector = new Connector({
    pool: config.connector.internal ? poolOf(deps.db) : null,
    internal: config.connector.internal,
    log: app.log,
  });
  await connector.start();
  app.decorate('connector', connector);
  tunnelGuard = new TunnelKeyGuard(
    connector.hub,
    async (uuid, hash) => (await agentKeys.authenticateHash(uuid, hash)) !== null,
    (clusterId) =>
      app.log.info({ cluster_id: clusterId }, 'tunnel closed: its agent key is no longer accepted'),
  );
  // Before the server stops listening: the tunnels' and exec sessions' sockets are upgraded
  // connections that would otherwise keep close() waiting. Their agents reconnect elsewhere.
  app.addHook('preClose', async () => connector.close());
  await app.register(kubernetesRoutes, {
    db: deps.db,
    connector,
    publicUrl: deps.instance.publicUrl,
    kubeconfigTtlMs: config.connector.kubeconfigTtlMs,
    clusterWorkspaces,
    tunnelGuard,
    ...(deps.kubeconfigEndpoint ? { kubeconfigEndpoint: deps.kubeconfigEndpoint } : {}),
  });
  dispatchUpgrades(app);

  const hasWeb = existsSync(path.join(config.webDist, 'index.html'));
  const assetsDir = path.join(path.resolve(config.webDist), 'assets') + path.sep;
  if (hasWeb) {
    await registerPublic(app, fastifyStatic, {
      root: path.resolve(config.webDist),
      wildcard: false,
      // The build writes brotli and gzip copies next to each text file (apps/web/vite-precompress.ts):
      // served by Accept-Encoding, never compressed per request. The copies get no routes of their own.
      preCompressed: true,
      globIgnore: ['**/*.br', '**/*.gz'],
      cacheControl: false,
      setHeaders: (res, filePath) => {
        // Vite names everything under assets/ by content hash: it never changes, cache it for good.
        // index.html and the other unhashed files are revalidated on every load.
        res.setHeader(
          'cache-control',
          filePath.startsWith(assetsDir) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
        res.setHeader('vary', 'Accept-Encoding');
      },
    });
  }
  // The SPA owns every other GET path; the API and the docs keep their JSON 404.
  app.setNotFoundHandler((request, reply) => {
    const isPage =
      request.method === 'GET' &&
      !/^\/(api|agent_api|documentation)(\/|$)/.test(pagePath(request.url));
    if (hasWeb && isPage) {
      // Read here rather than with reply.sendFile: @fastify/static's decorator lives in the
      // registerPublic scope, not on this (root) not-found handler's reply.
      return readFile(path.join(config.webDist, 'index.html')).then((html) =>
        reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html),
      );
    }
    return reply.code(404).send({
      error: {
        code: 'not_found',
        message: `Route ${request.method} ${request.url.split('?')[0] ?? ''} not found`,
      },
    });
  });

  await app.ready(); // refuses routes that declare no access (plugins/auth.ts)
  return app;
}

/** The path as a router would see it (decoded, lower case, single slashes): for the SPA fallback. */
function pagePath(url: string): string {
  const raw = url.split('?')[0] ?? '';
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // keep the raw path
  }
  return decoded.toLowerCase().replace(/\/{2,}/g, '/');
}
