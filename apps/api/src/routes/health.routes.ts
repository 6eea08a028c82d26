import type { Db } from '@commander/db';
import type { FastifyPluginAsync } from 'fastify';

/**
 * Liveness, readiness (database reachable) and a few Prometheus metrics (`metrics` access: the
 * metrics token, a global reader, or public when COMMANDER_METRICS_PUBLIC=true).
 */
export const healthRoutes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
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
      const clusters = await db.cluster.groupBy({
        by: ['status'],
        where: { archivedAt: null },
        _count: { _all: true },
      });
      const ops = await db.clusterOperation.groupBy({
        by: ['status'],
        where: { status: { in: ['QUEUED', 'RUNNING'] } },
        _count: { _all: true },
      });
      const lines = [
        '# HELP commander_clusters Live clusters by status.',
        '# TYPE commander_clusters gauge',
        ...clusters.map(
          (c) => `commander_clusters{status="${c.status.toLowerCase()}"} ${c._count._all}`,
        ),
        '# HELP commander_operations Operations queued or running.',
        '# TYPE commander_operations gauge',
        ...ops.map(
          (o) => `commander_operations{status="${o.status.toLowerCase()}"} ${o._count._all}`,
        ),
        '# HELP process_resident_memory_bytes Resident memory.',
        '# TYPE process_resident_memory_bytes gauge',
        `process_resident_memory_bytes ${process.memoryUsage().rss}`,
      ];
      return reply.type('text/plain; version=0.0.4').send(`${lines.join('\n')}\n`);
    },
  );
};
