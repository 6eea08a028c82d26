import { checkReadiness } from '@commander/core';
import type { Db } from '@commander/db';
import type { FastifyPluginAsync } from 'fastify';

import type { ApiMetrics } from '../metrics.js';

/**
 * Liveness, readiness (database reachable) and Prometheus metrics (`apps/api/src/metrics.ts`;
 * `metrics` access: the metrics token, a global reader, or public when
 * COMMANDER_METRICS_PUBLIC=true).
 */
export const healthRoutes: FastifyPluginAsync<{ db: Db; metrics: ApiMetrics }> = async (
  app,
  { db, metrics },
) => {
  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => ({
    status: 'ok',
  }));

  // 503 service_unavailable through the error handler (one warn line) when the database is away.
  app.get('/readyz', { config: { public: true }, schema: { hide: true } }, async () => {
    await checkReadiness(db);
    return { status: 'ok' };
  });

  app.get(
    '/metrics',
    { config: { metrics: true }, schema: { hide: true } },
    async (_request, reply) => {
      const text = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(text);
    },
  );
};
