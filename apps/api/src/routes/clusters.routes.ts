import {
  ArchivedQuerySchema,
  ClusterSchema,
  CreateClusterBodySchema,
  GetClusterQuerySchema,
  IdParamsSchema,
  ListClustersQuerySchema,
  OperationSchema,
  PaginationQuerySchema,
} from '@commander/contracts';
import { createCluster, deleteCluster, getCluster, listClusterOperations, listClusters } from '@commander/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

export const clusterRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/',
    {
      config: { permission: 'clusters:read' },
      schema: {
        tags: ['clusters'],
        summary: 'List clusters (live first, then archived); total in X-Total-Count',
        querystring: PaginationQuerySchema.extend(ArchivedQuerySchema.shape).extend(ListClustersQuerySchema.shape),
        response: { 200: z.array(ClusterSchema) },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const page = await listClusters(request.ctx, {
        limit: q.limit,
        offset: q.offset,
        withoutArchived: q.without_archived,
        status: q.status,
        clusterTemplateId: q.cluster_template_id,
        q: q.q,
      });
      void reply.header('X-Total-Count', String(page.total));
      return page.items;
    },
  );

  app.post(
    '/',
    {
      config: { permission: 'clusters:write' },
      schema: {
        tags: ['clusters'],
        summary: 'Create a cluster from a template version; its installation is queued when the configuration is valid',
        body: CreateClusterBodySchema,
        response: { 201: ClusterSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await createCluster(request.ctx, request.body)),
  );

  app.get(
    '/:id',
    {
      config: { permission: 'clusters:read' },
      schema: {
        tags: ['clusters'],
        summary: 'Get a cluster (404 once deleted); ?reveal=true shows password values (clusters:secrets:read)',
        params: IdParamsSchema,
        querystring: GetClusterQuerySchema,
        response: { 200: ClusterSchema },
      },
    },
    async (request) => getCluster(request.ctx, request.params.id, { reveal: request.query.reveal }),
  );

  app.delete(
    '/:id',
    {
      config: { permission: 'clusters:write' },
      schema: {
        tags: ['clusters'],
        summary: 'Delete a cluster: status "delete" and a destroy operation; afterwards GET answers 404',
        params: IdParamsSchema,
        response: { 200: ClusterSchema },
      },
    },
    async (request) => deleteCluster(request.ctx, request.params.id),
  );

  app.get(
    '/:id/operations',
    {
      config: { permission: 'clusters:read' },
      schema: {
        tags: ['operations'],
        summary: "A cluster's operations, newest first",
        params: IdParamsSchema,
        querystring: PaginationQuerySchema,
        response: { 200: z.array(OperationSchema) },
      },
    },
    async (request, reply) => {
      const page = await listClusterOperations(request.ctx, request.params.id, request.query);
      void reply.header('X-Total-Count', String(page.total));
      return page.items;
    },
  );
};
