import {
  ArchivedQuerySchema,
  ClusterTemplateSchema,
  ClusterTemplateVersionSchema,
  CreateClusterTemplateBodySchema,
  CreateTemplateVersionBodySchema,
  ExportQuerySchema,
  IdParamsSchema,
  ImportClusterTemplateBodySchema,
  SwitchVersionBodySchema,
  SwitchVersionResultSchema,
  UpdateClusterTemplateBodySchema,
  UpdateTemplateVersionBodySchema,
} from '@commander/contracts';
import {
  archiveClusterTemplate,
  createClusterTemplate,
  createTemplateVersion,
  exportClusterTemplate,
  getClusterTemplate,
  importClusterTemplate,
  listClusterTemplates,
  listTemplateVersions,
  restoreClusterTemplate,
  switchClustersToVersion,
  updateClusterTemplate,
  updateTemplateVersion,
} from '@commander/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const VersionParamsSchema = z.object({ id: z.uuid(), versionId: z.uuid() });

export const clusterTemplateRoutes: FastifyPluginAsyncZod = async (app) => {
  const read = { permission: 'cluster_templates:read' } as const;
  const write = { permission: 'cluster_templates:write' } as const;

  app.get(
    '/',
    {
      config: read,
      schema: {
        tags: ['cluster_templates'],
        summary: 'List cluster templates with their versions',
        querystring: ArchivedQuerySchema,
        response: { 200: z.array(ClusterTemplateSchema) },
      },
    },
    async (request) =>
      listClusterTemplates(request.ctx, { withoutArchived: request.query.without_archived }),
  );

  app.post(
    '/',
    {
      config: write,
      schema: {
        tags: ['cluster_templates'],
        summary: 'Create a template with its first version',
        body: CreateClusterTemplateBodySchema,
        response: { 201: ClusterTemplateSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createClusterTemplate(request.ctx, request.body)),
  );

  app.post(
    '/import',
    {
      config: write,
      schema: {
        tags: ['cluster_templates'],
        summary:
          'Import a template (or versions into an existing one) from exported YAML/JSON text',
        body: ImportClusterTemplateBodySchema,
        response: { 201: ClusterTemplateSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await importClusterTemplate(request.ctx, request.body)),
  );

  app.get(
    '/:id',
    {
      config: { ...read, revisioned: true },
      schema: {
        tags: ['cluster_templates'],
        summary: 'Get a cluster template',
        params: IdParamsSchema,
        response: { 200: ClusterTemplateSchema },
      },
    },
    async (request) => getClusterTemplate(request.ctx, request.params.id),
  );

  app.put(
    '/:id',
    {
      config: { ...write, revisioned: true },
      schema: {
        tags: ['cluster_templates'],
        summary: 'Rename, comment, immutability',
        params: IdParamsSchema,
        body: UpdateClusterTemplateBodySchema,
        response: { 200: ClusterTemplateSchema },
      },
    },
    async (request) => updateClusterTemplate(request.ctx, request.params.id, request.body),
  );

  app.delete(
    '/:id',
    {
      config: write,
      schema: {
        tags: ['cluster_templates'],
        summary: 'Archive a template (409 in_use while clusters use it)',
        params: IdParamsSchema,
        response: { 200: ClusterTemplateSchema },
      },
    },
    async (request) => archiveClusterTemplate(request.ctx, request.params.id),
  );

  app.post(
    '/:id/restore',
    {
      config: write,
      schema: {
        tags: ['cluster_templates'],
        summary: 'Restore an archived template (409 name_taken when a live template has its name)',
        params: IdParamsSchema,
        response: { 200: ClusterTemplateSchema },
      },
    },
    async (request) => restoreClusterTemplate(request.ctx, request.params.id),
  );

  app.get(
    '/:id/export',
    {
      config: read,
      schema: {
        tags: ['cluster_templates'],
        summary: 'Export a template with all its versions (YAML or JSON text)',
        params: IdParamsSchema,
        querystring: ExportQuerySchema,
      },
    },
    async (request, reply) => {
      const text = await exportClusterTemplate(
        request.ctx,
        request.params.id,
        request.query.format,
      );
      return reply
        .type(
          request.query.format === 'json'
            ? 'application/json; charset=utf-8'
            : 'application/yaml; charset=utf-8',
        )
        .header(
          'content-disposition',
          `attachment; filename="template-${request.params.id}.${request.query.format}"`,
        )
        .send(text);
    },
  );

  app.get(
    '/:id/versions',
    {
      config: read,
      schema: {
        tags: ['cluster_templates'],
        summary: 'Versions of a template, newest first',
        params: IdParamsSchema,
        response: { 200: z.array(ClusterTemplateVersionSchema) },
      },
    },
    async (request) => listTemplateVersions(request.ctx, request.params.id),
  );

  app.post(
    '/:id/versions',
    {
      config: write,
      schema: {
        tags: ['cluster_templates'],
        summary:
          'Add a version (validated: params schema, template syntax); it becomes the current one',
        params: IdParamsSchema,
        body: CreateTemplateVersionBodySchema,
        response: { 201: ClusterTemplateVersionSchema },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await createTemplateVersion(request.ctx, request.params.id, request.body)),
  );

  app.put(
    '/:id/versions/:versionId',
    {
      config: write,
      schema: {
        tags: ['cluster_templates'],
        summary: "Change a version's comment or availability (its content never changes)",
        params: VersionParamsSchema,
        body: UpdateTemplateVersionBodySchema,
        response: { 200: ClusterTemplateVersionSchema },
      },
    },
    async (request) =>
      updateTemplateVersion(request.ctx, request.params.id, request.params.versionId, request.body),
  );

  app.post(
    '/:id/switch_version',
    {
      config: { permission: 'clusters:write' },
      schema: {
        tags: ['cluster_templates'],
        summary:
          'Switch many clusters of this template to a version (each an update; failures are reported per cluster)',
        params: IdParamsSchema,
        body: SwitchVersionBodySchema,
        response: { 200: SwitchVersionResultSchema },
      },
    },
    async (request) => switchClustersToVersion(request.ctx, request.params.id, request.body),
  );
};
