import {
  AuthTokenSchema,
  CreateAuthTokenBodySchema,
  CreatedAuthTokenSchema,
  IdParamsSchema,
} from '@commander/contracts';
import { createAuthToken, listAuthTokens, revokeAuthToken } from '@commander/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * API tokens. Who may manage which tokens depends on the token's scope (global or one
 * workspace), so the use case checks global_tokens:* or workspace_tokens:* itself.
 */
export const authTokenRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/',
    {
      config: { authenticated: true },
      schema: {
        tags: ['auth_tokens'],
        summary: 'List API tokens (global, or of the current workspace)',
        response: { 200: z.array(AuthTokenSchema) },
      },
    },
    async (request) => listAuthTokens(request.ctx),
  );

  app.post(
    '/',
    {
      config: { authenticated: true },
      schema: {
        tags: ['auth_tokens'],
        summary: 'Issue an API token; the token value appears in this response only',
        body: CreateAuthTokenBodySchema,
        response: { 201: CreatedAuthTokenSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createAuthToken(request.ctx, request.body)),
  );

  app.delete(
    '/:id',
    {
      config: { authenticated: true },
      schema: {
        tags: ['auth_tokens'],
        summary: 'Revoke an API token',
        params: IdParamsSchema,
        response: { 200: AuthTokenSchema },
      },
    },
    async (request) => revokeAuthToken(request.ctx, request.params.id),
  );
};
