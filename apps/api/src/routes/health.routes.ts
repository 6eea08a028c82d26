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

  app.get(
    '/readyz',
    { config: { public: true }, schema: { hide: true } },
    async (_request, reply) => {
      try {
        await db.$queryRaw`SELECT 1`;
        return { status: 'ok' };
      } catch {
        return reply
          .code(503)
          .send({ error: { code: 'service_unavailable', message: 'database unreachable' } });
      }
    },
  );

  app.get(
    '/metrics',
    { config: { metrics: true }, schema: { hide: true } },
    async (_request, reply) => {
      const text = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(text);
    },
  );
};
