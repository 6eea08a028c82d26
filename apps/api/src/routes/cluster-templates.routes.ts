import { ArchivedQuerySchema, ClusterTemplateSchema, IdParamsSchema } from '@commander/contracts';
import { getClusterTemplate, listClusterTemplates } from '@commander/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

export const clusterTemplateRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/',
    {
      config: { permission: 'cluster_templates:read' },
      schema: {
        tags: ['cluster_templates'],
        summary: 'List cluster templates with their versions',
        querystring: ArchivedQuerySchema,
        response: { 200: z.array(ClusterTemplateSchema) },
      },
    },
    async (request) => listClusterTemplates(request.ctx, { withoutArchived: request.query.without_archived }),
  );

  app.get(
    '/:id',
    {
      config: { permission: 'cluster_templates:read' },
      schema: { tags: ['cluster_templates'], summary: 'Get a cluster template', params: IdParamsSchema, response: { 200: ClusterTemplateSchema } },
    },
    async (request) => getClusterTemplate(request.ctx, request.params.id),
  );
};
