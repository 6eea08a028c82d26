import { AuditEventSchema, AuditQuerySchema } from '@commander/contracts';
import { listAuditEvents } from '@commander/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/',
    {
      // audit:read (everything) or workspace_audit:read (the current workspace): checked by the use case.
      config: { authenticated: true },
      schema: {
        tags: ['audit'],
        summary:
          'Audit events, newest first; ?format=jsonl exports one JSON object per line. Total in X-Total-Count',
        querystring: AuditQuerySchema,
        response: { 200: z.array(AuditEventSchema) },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const page = await listAuditEvents(request.ctx, {
        auditableType: q.auditable_type,
        auditableId: q.auditable_id,
        action: q.action,
        userName: q.user_name,
        userTypes: q.user_type?.split(','),
        from: q.from,
        to: q.to,
        limit: q.limit,
        offset: q.offset,
      });
      void reply.header('X-Total-Count', String(page.total));
      if (q.format === 'jsonl') {
        return reply
          .type('application/x-ndjson; charset=utf-8')
          .header('content-disposition', 'attachment; filename="audit.jsonl"')
          .serializer((payload: string) => payload)
          .send(
            (page.items.map((e) => JSON.stringify(e)).join('\n') +
              (page.items.length ? '\n' : '')) as never,
          );
      }
      return page.items;
    },
  );
};
