import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import {
  type AuditSink,
  type ConfigurationRenderer,
  type Encryptor,
  type InstanceInfo,
  logRedactPaths,
} from '@commander/core';
import { RenderPool } from '@commander/core/render-pool';
import type { Db } from '@commander/db';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';

import type { Config } from './config.js';
import { registerApiMetrics } from './metrics.js';
import { authPlugin, BODY_LIMITS, registerPublic } from './plugins/auth.js';
import { describeCallerPlugin } from './plugins/describe-caller.js';
import { errorHandler } from './plugins/error-handler.js';
import { eventsPlugin } from './plugins/events.js';
import { inputGuardPlugin } from './plugins/input-guard.js';
import { openApiPlugin } from './plugins/openapi.js';
import { securityHeadersPlugin } from './plugins/security-headers.js';
import { agentRoutes } from './routes/agent.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { registerApiRoutes } from './routes/index.js';

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
};

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
  const app = Fastify({
    logger:
      config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            // Request headers (authorization, x-auth-token, cookie, x-csrf-token) and
            // secret-bearing fields (password, privateKey, token, …) anywhere one level deep.
            redact: { paths: logRedactPaths(), censor: '[REDACTED]' },
            ...(deps.logStream ? { stream: deps.logStream } : {}),
          },
    trustProxy: config.trustProxy,
    genReqId: () => randomUUID(),
    bodyLimit: BODY_LIMITS.default,
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
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(securityHeadersPlugin, { https: config.publicUrl.startsWith('https:') });
  await app.register(errorHandler);
  const auditSink: AuditSink =
    deps.auditSink ?? ((line) => process.stdout.write(`${JSON.stringify(line)}\n`));
  // Before any route is registered: it records every route and refuses undeclared ones.
  await app.register(authPlugin, {
    db: deps.db,
    encryptor: deps.encryptor,
    instance: deps.instance,
    auditSink,
    metricsToken: config.metricsToken,
    metricsPublic: config.metricsPublic,
    renderer,
  });
  await app.register(inputGuardPlugin);
  await app.register(openApiPlugin);
  await app.register(describeCallerPlugin, { db: deps.db });
  await app.register(eventsPlugin, { databaseUrl: config.databaseUrl });
  await registerApiRoutes(app, {
    secureCookies: config.secureCookies,
    loginRateLimit: config.loginRateLimit,
    renderRateLimit: config.render.rateLimit,
  });
  await app.register(agentRoutes, {
    prefix: '/agent_api',
    db: deps.db,
    encryptor: deps.encryptor,
    publicUrl: deps.instance.publicUrl,
    agentImage: deps.instance.agentImage ?? null,
  });
  await app.register(healthRoutes, { db: deps.db, metrics });

  const hasWeb = existsSync(path.join(config.webDist, 'index.html'));
  if (hasWeb) {
    await registerPublic(app, fastifyStatic, { root: config.webDist, wildcard: false });
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
