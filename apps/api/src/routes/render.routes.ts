import { RenderBodySchema, RenderResponseSchema } from '@commander/contracts';
import { renderPreview } from '@commander/core';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

/**
 * The key of the render rate limit: the principal (token or user) that authentication found.
 * The limit runs as a preHandler, after authentication, so unauthenticated callers never count.
 */
function principalKey(request: FastifyRequest): string {
  const p = request.principal;
  if (p === null) {
    return `ip:${request.ip}`;
  }
  return p.kind === 'auth_token' ? `token:${p.token.id}` : `user:${p.user.id}`;
}

export const renderRoutes: FastifyPluginAsyncZod<{ rateLimit: number }> = async (app, options) => {
  app.post(
    '/',
    {
      config: {
        permission: 'cluster_templates:read',
        rateLimit: {
          max: options.rateLimit,
          timeWindow: '1 minute',
          hook: 'preHandler',
          keyGenerator: principalKey,
        },
      },
      schema: {
        tags: ['cluster_templates'],
        summary:
          'Render a template version (stored or inline) with values: sections, errors, value errors. No side effects',
        body: RenderBodySchema,
        response: { 200: RenderResponseSchema },
      },
    },
    async (request) => renderPreview(request.ctx, request.body),
  );
};
