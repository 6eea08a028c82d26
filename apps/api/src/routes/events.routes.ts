import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { openSse } from '../sse.js';

export const eventRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/',
    {
      config: { permission: 'clusters:read' },
      schema: {
        tags: ['events'],
        summary:
          'SSE stream of changes in the current workspace ("change" events with {type, id, cluster_id, action})',
      },
    },
    async (request, reply) => {
      const workspaceId = request.ctx.workspace?.id ?? null;
      const sse = openSse(request, reply);
      const unsubscribe = app.subscribeEvents((event) => {
        if (event.workspace_id === workspaceId) {
          sse.send('change', event);
        }
      });
      while (!sse.closed) {
        await sse.sleep(60_000);
      }
      unsubscribe();
      return reply;
    },
  );
};
