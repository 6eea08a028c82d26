import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';

import { type AuditSink, type Encryptor, type InstanceInfo, logRedactPaths } from '@commander/core';
import type { Db } from '@commander/db';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';

import type { Config } from './config.js';
import { authPlugin } from './plugins/auth.js';
import { describeCallerPlugin } from './plugins/describe-caller.js';
import { errorHandler } from './plugins/error-handler.js';
import { eventsPlugin } from './plugins/events.js';
import { openApiPlugin } from './plugins/openapi.js';
import { agentRoutes } from './routes/agent.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { registerApiRoutes } from './routes/index.js';

/** A registered route and the access it declares. */
export type RouteEntry = {
  method: string;
  url: string;
  permission: string | null;
  kind: 'permission' | 'authenticated' | 'public' | 'undeclared';
};

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteEntry[];
  }
}

export type AppDeps = {
  db: Db;
  encryptor: Encryptor;
  instance: InstanceInfo;
  /** Where audit lines go (stdout as one JSON line by default). */
  auditSink?: AuditSink;
  /** Where request logs go (stdout by default); tests capture them. */
  logStream?: NodeJS.WritableStream;
};

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
    bodyLimit: 5 * 1024 * 1024,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Every route and what it declares (for the start-up check and the authorization tests).
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    const c = (route.config ?? {}) as {
      permission?: string;
      public?: boolean;
      authenticated?: boolean;
    };
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') {
        continue;
      }
      routeTable.push({
        method,
        url: route.url,
        permission: c.permission ?? null,
        kind: c.permission
          ? 'permission'
          : c.public
            ? 'public'
            : c.authenticated
              ? 'authenticated'
              : 'undeclared',
      });
    }
  });

  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(errorHandler);
  await app.register(openApiPlugin);
  const auditSink: AuditSink =
    deps.auditSink ?? ((line) => process.stdout.write(`${JSON.stringify(line)}\n`));
  await app.register(authPlugin, {
    db: deps.db,
    encryptor: deps.encryptor,
    instance: deps.instance,
    auditSink,
  });
  await app.register(describeCallerPlugin, { db: deps.db });
  await app.register(eventsPlugin, { databaseUrl: config.databaseUrl });
  await registerApiRoutes(app, {
    secureCookies: config.secureCookies,
    loginRateLimit: config.loginRateLimit,
  });
  await app.register(agentRoutes, {
    prefix: '/agent_api',
    db: deps.db,
    encryptor: deps.encryptor,
    publicUrl: deps.instance.publicUrl,
  });
  await app.register(healthRoutes, { db: deps.db });

  const hasWeb = existsSync(path.join(config.webDist, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, { root: config.webDist, wildcard: false });
  }
  // The SPA owns every other GET path; the API and the docs keep their JSON 404.
  app.setNotFoundHandler((request, reply) => {
    const isPage =
      request.method === 'GET' &&
      !request.url.startsWith('/api/') &&
      !request.url.startsWith('/documentation');
    if (hasWeb && isPage) {
      return reply.sendFile('index.html');
    }
    return reply.code(404).send({
      error: {
        code: 'not_found',
        message: `Route ${request.method} ${request.url.split('?')[0] ?? ''} not found`,
      },
    });
  });

  await app.ready();
  const undeclared = routeTable.filter((r) => r.url.startsWith('/api/') && r.kind === 'undeclared');
  if (undeclared.length > 0) {
    throw new Error(
      `Routes without a declared permission (config.permission/public/authenticated): ${undeclared.map((r) => `${r.method} ${r.url}`).join(', ')}`,
    );
  }
  return app;
}
