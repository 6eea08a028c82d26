import { ArchivedQuerySchema, CreateWorkspaceBodySchema, WorkspaceSchema } from '@commander/contracts';
import { createWorkspace, listWorkspaces, visibleWorkspaceIds } from '@commander/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

export const workspaceRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/',
    {
      // Users see the workspaces they belong to; global callers with workspaces:read see all.
      config: { authenticated: true },
      schema: { tags: ['workspaces'], summary: 'List workspaces', querystring: ArchivedQuerySchema, response: { 200: z.array(WorkspaceSchema) } },
    },
    async (request) => {
      const held = request.grants;
      const visible = held ? visibleWorkspaceIds(held) : [];
      return listWorkspaces(request.ctx, { visibleIds: visible, withoutArchived: request.query.without_archived });
    },
  );

  app.post(
    '/',
    {
      config: { permission: 'workspaces:write' },
      schema: { tags: ['workspaces'], summary: 'Create a workspace', body: CreateWorkspaceBodySchema, response: { 201: WorkspaceSchema } },
    },
    async (request, reply) => reply.code(201).send(await createWorkspace(request.ctx, request.body)),
  );
};
