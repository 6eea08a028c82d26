import { RenderBodySchema, RenderResponseSchema } from '@commander/contracts';
import { renderPreview } from '@commander/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export const renderRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/',
    {
      config: { permission: 'cluster_templates:read' },
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
