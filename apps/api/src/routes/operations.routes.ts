import {
  IdParamsSchema,
  OperationLogLineSchema,
  OperationLogsQuerySchema,
  OperationSchema,
  RevealQuerySchema,
} from '@commander/contracts';
import { cancelOperation, getOperation, getOperationLogs } from '@commander/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { openSse } from '../sse.js';

const FINISHED = new Set(['succeeded', 'failed', 'cancelled', 'superseded']);

export const operationRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/:id',
    {
      config: { permission: 'clusters:read' },
      schema: {
        tags: ['operations'],
        summary:
          'An operation with its phases, progress and timings; its result reduced to statuses and ids unless ?reveal=true (clusters:secrets:read)',
        params: IdParamsSchema,
        querystring: RevealQuerySchema,
        response: { 200: OperationSchema },
      },
    },
    async (request) =>
      getOperation(request.ctx, request.params.id, { reveal: request.query.reveal }),
  );

  app.get(
    '/:id/logs',
    {
      config: { permission: 'clusters:read' },
      schema: {
        tags: ['operations'],
        summary:
          'Log lines of an operation; ?follow=true streams them (SSE "line" events, then "end") until it finishes',
        params: IdParamsSchema,
        querystring: OperationLogsQuerySchema,
        response: { 200: z.array(OperationLogLineSchema) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { after, limit, follow } = request.query;
      if (!follow) {
        return (await getOperationLogs(request.ctx, id, { after, limit })).lines;
      }
      // Check access before switching to a stream, so errors still get a JSON body.
      await getOperation(request.ctx, id);
      const sse = openSse(request, reply);
      let last = after ?? 0;
      while (!sse.closed) {
        const { lines, operation } = await getOperationLogs(request.ctx, id, {
          after: last,
          limit: 1000,
        });
        for (const line of lines) {
          sse.send('line', line, String(line.seq));
          last = line.seq;
        }
        if (lines.length === 0 && FINISHED.has(operation.status)) {
          sse.send('end', { status: operation.status, error: operation.error });
          break;
        }
        if (lines.length < 1000) {
          await sse.sleep(400);
        }
      }
      sse.close();
      return reply;
    },
  );

  app.post(
    '/:id/cancel',
    {
      config: { permission: 'clusters:write' },
      schema: {
        tags: ['operations'],
        summary: "Cancel an operation: a queued one at once, a running one at dhctl's next step",
        params: IdParamsSchema,
        response: { 202: OperationSchema },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await cancelOperation(request.ctx, request.params.id)),
  );
};
