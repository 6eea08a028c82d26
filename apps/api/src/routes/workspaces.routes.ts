import {
  ArchivedQuerySchema,
  CreateWorkspaceBodySchema,
  IdParamsSchema,
  UpdateWorkspaceByIdBodySchema,
  WorkspaceSchema,
} from '@commander/contracts';
import {
  AppError,
  createWorkspace,
  deleteWorkspace,
  getWorkspace,
  listWorkspaces,
  renameWorkspace,
  toWorkspaceDto,
  visibleWorkspaceIds,
} from '@commander/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

export const workspaceRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/',
    {
      // Users see the workspaces they belong to; global callers with workspaces:read see all.
      config: { authenticated: true },
      schema: {
        tags: ['workspaces'],
        summary: 'List workspaces',
        querystring: ArchivedQuerySchema,
        response: { 200: z.array(WorkspaceSchema) },
      },
    },
    async (request) => {
      const held = request.grants;
      const visible = held ? visibleWorkspaceIds(held) : [];
      return listWorkspaces(request.ctx, {
        visibleIds: visible,
        withoutArchived: request.query.without_archived,
      });
    },
  );

  app.post(
    '/',
    {
      config: { permission: 'workspaces:write' },
      schema: {
        tags: ['workspaces'],
        summary: 'Create a workspace',
        body: CreateWorkspaceBodySchema,
        response: { 201: WorkspaceSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createWorkspace(request.ctx, request.body)),
  );

  app.get(
    '/:id',
    {
      config: { authenticated: true },
      schema: {
        tags: ['workspaces'],
        summary: 'Get a workspace',
        params: IdParamsSchema,
        response: { 200: WorkspaceSchema },
      },
    },
    async (request) => {
      const visible = request.grants ? visibleWorkspaceIds(request.grants) : [];
      if (visible !== null && !visible.includes(request.params.id)) {
        throw new AppError('not_found', `Workspace ${request.params.id} not found`);
      }
      return toWorkspaceDto(await getWorkspace(request.ctx, request.params.id));
    },
  );

  app.put(
    '/:id',
    {
      config: { permission: 'workspaces:write' },
      schema: {
        tags: ['workspaces'],
        summary: 'Rename a workspace',
        params: IdParamsSchema,
        body: UpdateWorkspaceByIdBodySchema,
        response: { 200: WorkspaceSchema },
      },
    },
    async (request) => renameWorkspace(request.ctx, request.params.id, request.body),
  );

  app.delete(
    '/:id',
    {
      config: { permission: 'workspaces:write' },
      schema: {
        tags: ['workspaces'],
        summary:
          'Delete a workspace (409 workspace_not_empty while it has clusters; templates and inventory go with it)',
        params: IdParamsSchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await deleteWorkspace(request.ctx, request.params.id);
      return reply.code(204).send(null);
    },
  );
};
