import {
  CreateRegistryBodySchema,
  IdParamsSchema,
  RegistrySchema,
  UpdateRegistryBodySchema,
} from '@commander/contracts';
import {
  createRegistry,
  deleteRegistry,
  getRegistry,
  listRegistries,
  updateRegistry,
} from '@commander/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

export const registryRoutes: FastifyPluginAsyncZod = async (app) => {
  const read = { permission: 'registries:read' } as const;
  const write = { permission: 'registries:write' } as const;
  app.get(
    '/',
    {
      config: read,
      schema: {
        tags: ['registries'],
        summary: 'List container registries',
        response: { 200: z.array(RegistrySchema) },
      },
    },
    async (request) => listRegistries(request.ctx),
  );
  app.post(
    '/',
    {
      config: write,
      schema: {
        tags: ['registries'],
        summary: 'Add a registry (credentials are write-only)',
        body: CreateRegistryBodySchema,
        response: { 201: RegistrySchema },
      },
    },
    async (request, reply) => reply.code(201).send(await createRegistry(request.ctx, request.body)),
  );
  app.get(
    '/:id',
    {
      config: read,
      schema: {
        tags: ['registries'],
        summary: 'Get a registry',
        params: IdParamsSchema,
        response: { 200: RegistrySchema },
      },
    },
    async (request) => getRegistry(request.ctx, request.params.id),
  );
  app.put(
    '/:id',
    {
      config: write,
      schema: {
        tags: ['registries'],
        summary: 'Change a registry (omitted credentials are kept)',
        params: IdParamsSchema,
        body: UpdateRegistryBodySchema,
        response: { 200: RegistrySchema },
      },
    },
    async (request) => updateRegistry(request.ctx, request.params.id, request.body),
  );
  app.delete(
    '/:id',
    {
      config: write,
      schema: {
        tags: ['registries'],
        summary: 'Delete a registry (409 in_use)',
        params: IdParamsSchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await deleteRegistry(request.ctx, request.params.id);
      return reply.code(204).send(null);
    },
  );
};
