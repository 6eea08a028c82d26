import { ApplyBodySchema, ApplyResultSchema } from '@commander/contracts';
import { applyDocuments } from '@commander/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

/** Declarative apply: YAML documents of templates, catalogs and clusters, planned or applied. */
export const applyRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/',
    {
      // Reading is the floor (a plan is a read); each document's write permission is checked
      // by the use case when the apply changes it.
      config: { permission: 'clusters:read' },
      schema: {
        tags: ['clusters'],
        summary:
          'Apply YAML documents (ClusterTemplate in its export format, Catalog with records, Cluster): create what is missing, update what differs, never delete. `dry_run: true` plans only',
        body: ApplyBodySchema,
        response: { 200: ApplyResultSchema },
      },
    },
    async (request) => applyDocuments(request.ctx, request.body),
  );
};
