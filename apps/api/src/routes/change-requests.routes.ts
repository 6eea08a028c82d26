import {
  ChangeRequestSchema,
  IdParamsSchema,
  ListChangeRequestsQuerySchema,
  RevealQuerySchema,
} from '@commander/contracts';
import {
  approveChangeRequest,
  getChangeRequest,
  listChangeRequests,
  rejectChangeRequest,
} from '@commander/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

export const changeRequestRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/',
    {
      config: { permission: 'clusters:read' },
      schema: {
        tags: ['change_requests'],
        summary: 'Changes waiting for approval (destructive changes, manual change mode)',
        querystring: ListChangeRequestsQuerySchema,
        response: { 200: z.array(ChangeRequestSchema) },
      },
    },
    async (request) =>
      listChangeRequests(request.ctx, {
        clusterId: request.query.cluster_id,
        status: request.query.status,
      }),
  );

  app.get(
    '/:id',
    {
      config: { permission: 'clusters:read' },
      schema: {
        tags: ['change_requests'],
        summary:
          'A change request with the diff of applied vs desired configuration (secrets as `<secret:key>` placeholders unless ?reveal=true, clusters:secrets:read)',
        params: IdParamsSchema,
        querystring: RevealQuerySchema,
        response: { 200: ChangeRequestSchema },
      },
    },
    async (request) =>
      getChangeRequest(request.ctx, request.params.id, { reveal: request.query.reveal }),
  );

  app.post(
    '/:id/approve',
    {
      config: { permission: 'clusters:write' },
      schema: {
        tags: ['change_requests'],
        summary:
          'Approve: converge with the destructive change id. 409: already_approved, already_completed, cluster_cannot_be_converged',
        params: IdParamsSchema,
        response: { 200: ChangeRequestSchema },
      },
    },
    async (request) => approveChangeRequest(request.ctx, request.params.id),
  );

  app.post(
    '/:id/reject',
    {
      config: { permission: 'clusters:write' },
      schema: {
        tags: ['change_requests'],
        summary: 'Reject a pending change request',
        params: IdParamsSchema,
        response: { 200: ChangeRequestSchema },
      },
    },
    async (request) => rejectChangeRequest(request.ctx, request.params.id),
  );
};
