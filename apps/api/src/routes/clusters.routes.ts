import {
  ArchivedQuerySchema,
  AttachClusterBodySchema,
  type Cluster,
  ClusterSchema,
  CreateClusterBodySchema,
  GetClusterQuerySchema,
  IdParamsSchema,
  ListClustersQuerySchema,
  MoveClusterBodySchema,
  OperationSchema,
  PaginationQuerySchema,
  RevealQuerySchema,
  RotatedAgentKeySchema,
  TelemetryPointSchema,
  UpdateClusterBodySchema,
  UpdateClusterSettingsBodySchema,
} from '@commander/contracts';
import {
  archiveClusterWithoutCleanup,
  attachCluster,
  checkClusterNow,
  createCluster,
  deleteCluster,
  detachCluster,
  getCluster,
  getTelemetry,
  joinCluster,
  listClusterOperations,
  listClusters,
  moveCluster,
  permissionsIn,
  retryCluster,
  rollbackCluster,
  rotateAgentKey,
  updateCluster,
  updateClusterSettings,
} from '@commander/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { clusterListSerializerCompiler, fastSerializerCompiler } from '../fast-serializer.js';

export const clusterRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/',
    {
      config: { permission: 'clusters:read' },
      schema: {
        tags: ['clusters'],
        summary:
          'List clusters (live first in `sort` order, default `attention`: failures, then changes under way, then the rest, each by name; then archived ones, newest first); total in X-Total-Count',
        querystring: PaginationQuerySchema.extend(ArchivedQuerySchema.shape).extend(
          ListClustersQuerySchema.shape,
        ),
        response: { 200: z.array(ClusterSchema) },
      },
      // The hot reads: compiled fast-json-stringify instead of zod's encode, the agent
      // snapshots spliced in as projected text, never parsed (fast-serializer.ts).
      serializerCompiler: clusterListSerializerCompiler,
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
        sort: q.sort,
      });
      void reply.header('X-Total-Count', String(page.total));
      // Items whose agent snapshot is RawJson (projected text; its toJSON gives the same value).
      return page.items as Cluster[];
    },
  );

  app.post(
    '/',
    {
      config: { permission: 'clusters:write' },
      schema: {
        tags: ['clusters'],
        summary:
          'Create a cluster from a template version; its installation is queued when the configuration is valid',
        body: CreateClusterBodySchema,
        response: { 201: ClusterSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await createCluster(request.ctx, request.body)),
  );

  app.get(
    '/:id',
    {
      config: { permission: 'clusters:read', revisioned: true },
      schema: {
        tags: ['clusters'],
        summary:
          'Get a cluster (404 once deleted). Secrets are `<secret:key>` placeholders in rendered configurations and null in values; ?reveal=true shows the real ones (clusters:secrets:read)',
        params: IdParamsSchema,
        querystring: GetClusterQuerySchema,
        response: { 200: ClusterSchema },
      },
      serializerCompiler: fastSerializerCompiler,
    },
    async (request) => getCluster(request.ctx, request.params.id, { reveal: request.query.reveal }),
  );

  app.delete(
    '/:id',
    {
      config: { permission: 'clusters:write' },
      schema: {
        tags: ['clusters'],
        summary:
          'Delete a cluster: status "delete" and a destroy operation; afterwards GET answers 404',
        params: IdParamsSchema,
        response: { 200: ClusterSchema },
      },
    },
    async (request) => deleteCluster(request.ctx, request.params.id),
  );

  app.post(
    '/:id/archive_without_cleanup',
    {
      config: { permission: 'clusters:write' },
      schema: {
        tags: ['clusters'],
        summary:
          'After a failed deletion (deletion_failed, no operation running): archive the cluster record without touching its infrastructure; its inventory records are released. 409 otherwise',
        params: IdParamsSchema,
        response: { 200: ClusterSchema },
      },
    },
    async (request) => archiveClusterWithoutCleanup(request.ctx, request.params.id),
  );

  app.post(
    '/:id/rollback',
    {
      config: { permission: 'clusters:write' },
      schema: {
        tags: ['clusters'],
        summary:
          'Roll back to the last applied revision (its template version and values) as a new change: a converge in auto mode, a change request in manual mode. 409 without an earlier applied revision or while an operation runs',
        params: IdParamsSchema,
        response: { 200: ClusterSchema },
      },
    },
    async (request) => rollbackCluster(request.ctx, request.params.id),
  );

  app.get(
    '/:id/operations',
    {
      config: { permission: 'clusters:read' },
      schema: {
        tags: ['operations'],
        summary:
          "A cluster's operations, newest first; results reduced to statuses and ids unless ?reveal=true (clusters:secrets:read)",
        params: IdParamsSchema,
        querystring: PaginationQuerySchema.extend(RevealQuerySchema.shape),
        response: { 200: z.array(OperationSchema) },
      },
    },
    async (request, reply) => {
      const page = await listClusterOperations(request.ctx, request.params.id, request.query);
      void reply.header('X-Total-Count', String(page.total));
      return page.items;
    },
  );

  app.put(
    '/:id',
    {
      config: { permission: 'clusters:write', revisioned: true },
      schema: {
        tags: ['clusters'],
        summary:
          "Replace a cluster's configuration (name, template version, full values; current_revision for optimistic locking). A change queues a converge (auto mode) or a change request (manual mode)",
        params: IdParamsSchema,
        body: UpdateClusterBodySchema,
        response: { 200: ClusterSchema },
      },
    },
    async (request) => updateCluster(request.ctx, request.params.id, request.body),
  );

  app.put(
    '/:id/settings',
    {
      config: { permission: 'clusters:write' },
      schema: {
        tags: ['clusters'],
        summary: 'Change mode (auto or manual) and check interval (minutes)',
        params: IdParamsSchema,
        body: UpdateClusterSettingsBodySchema,
        response: { 200: ClusterSchema },
      },
    },
    async (request) => updateClusterSettings(request.ctx, request.params.id, request.body),
  );

  const action = (path: string, summary: string, run: typeof checkClusterNow) =>
    app.post(
      path,
      {
        config: { permission: 'clusters:write' },
        schema: {
          tags: ['clusters'],
          summary,
          params: IdParamsSchema,
          response: { 202: OperationSchema },
        },
      },
      async (request, reply) => reply.code(202).send(await run(request.ctx, request.params.id)),
    );
  action(
    '/:id/check',
    'Check the cluster against its configuration now (reconcile)',
    checkClusterNow,
  );
  action(
    '/:id/retry',
    'Retry the failed operation of the cluster (resumes from dhctl state)',
    retryCluster,
  );
  action('/:id/detach', 'Detach: the cluster becomes autonomous and is archived', detachCluster);
  action('/:id/join', 'Join a scanned cluster (ready_to_join) after attach', joinCluster);

  app.post(
    '/attach',
    {
      config: { permission: 'clusters:write' },
      schema: {
        tags: ['clusters'],
        summary: 'Attach an existing DKP cluster: it is scanned, then ready to join',
        body: AttachClusterBodySchema,
        response: { 201: ClusterSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await attachCluster(request.ctx, request.body)),
  );

  app.get(
    '/:id/telemetry',
    {
      config: { permission: 'clusters:read' },
      schema: {
        tags: ['clusters'],
        summary:
          'Telemetry history (?from=&to=, ISO 8601; default the last 6 hours), at most 500 points',
        params: IdParamsSchema,
        querystring: z.object({
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
        }),
        response: { 200: z.array(TelemetryPointSchema) },
      },
    },
    async (request) => getTelemetry(request.ctx, request.params.id, request.query),
  );

  app.post(
    '/:id/agent_key/rotate',
    {
      config: { permission: 'clusters:write' },
      schema: {
        tags: ['clusters'],
        summary:
          "Rotate the cluster's agent key (the old key works one more hour while the agent fetches the new one)",
        params: IdParamsSchema,
        response: { 200: RotatedAgentKeySchema },
      },
    },
    async (request) => rotateAgentKey(request.ctx, request.params.id),
  );

  app.post(
    '/:id/move',
    {
      config: { permission: 'clusters:write' },
      schema: {
        tags: ['clusters'],
        summary:
          'Move a cluster to another workspace (it leaves its template; exclusive records move, shared ones are copied)',
        params: IdParamsSchema,
        body: MoveClusterBodySchema,
        response: { 200: ClusterSchema },
      },
    },
    async (request) =>
      moveCluster(
        request.ctx,
        request.params.id,
        request.body.workspace_id,
        async (workspaceId) => {
          const held = request.grants;
          return held !== null && permissionsIn(held, workspaceId).has('clusters:write');
        },
      ),
  );
};
