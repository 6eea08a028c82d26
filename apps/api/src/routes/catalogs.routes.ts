import {
  ArchivedQuerySchema,
  CatalogSchema,
  CreateCatalogBodySchema,
  CreateRecordBodySchema,
  IdParamsSchema,
  ListRecordsQuerySchema,
  PaginationQuerySchema,
  RecordSchema,
  UpdateCatalogBodySchema,
  UpdateRecordBodySchema,
} from '@commander/contracts';
import {
  archiveCatalog,
  archiveRecord,
  createOrImportCatalog,
  createRecord,
  getCatalog,
  getRecord,
  listCatalogs,
  listRecords,
  restoreCatalog,
  restoreRecord,
  updateCatalog,
  updateRecord,
} from '@commander/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

export const catalogRoutes: FastifyPluginAsyncZod = async (app) => {
  const read = { permission: 'catalogs:read' } as const;
  const write = { permission: 'catalogs:write' } as const;

  app.get(
    '/',
    {
      config: read,
      schema: {
        tags: ['inventory'],
        summary: 'List catalogs',
        querystring: ArchivedQuerySchema,
        response: { 200: z.array(CatalogSchema) },
      },
    },
    async (request) =>
      listCatalogs(request.ctx, { withoutArchived: request.query.without_archived }),
  );
  app.post(
    '/',
    {
      config: write,
      schema: {
        tags: ['inventory'],
        summary:
          'Create a catalog, or import: {name, slug, params, resources:[{values}]}; into an existing slug the records are added (200)',
        body: CreateCatalogBodySchema,
        response: { 200: CatalogSchema, 201: CatalogSchema },
      },
    },
    async (request, reply) => {
      const { catalog, created } = await createOrImportCatalog(request.ctx, request.body);
      return reply.code(created ? 201 : 200).send(catalog);
    },
  );
  app.get(
    '/:id',
    {
      config: { ...read, revisioned: true },
      schema: {
        tags: ['inventory'],
        summary: 'Get a catalog',
        params: IdParamsSchema,
        response: { 200: CatalogSchema },
      },
    },
    async (request) => getCatalog(request.ctx, request.params.id),
  );
  app.put(
    '/:id',
    {
      config: { ...write, revisioned: true },
      schema: {
        tags: ['inventory'],
        summary: 'Rename, change usage or schema (schema only while no record is used)',
        params: IdParamsSchema,
        body: UpdateCatalogBodySchema,
        response: { 200: CatalogSchema },
      },
    },
    async (request) => updateCatalog(request.ctx, request.params.id, request.body),
  );
  app.delete(
    '/:id',
    {
      config: write,
      schema: {
        tags: ['inventory'],
        summary: 'Archive a catalog (409 in_use)',
        params: IdParamsSchema,
        response: { 200: CatalogSchema },
      },
    },
    async (request) => archiveCatalog(request.ctx, request.params.id),
  );
  app.post(
    '/:id/restore',
    {
      config: write,
      schema: {
        tags: ['inventory'],
        summary:
          'Restore an archived catalog with the records archived with it (409 slug_taken when a live catalog has its slug)',
        params: IdParamsSchema,
        response: { 200: CatalogSchema },
      },
    },
    async (request) => restoreCatalog(request.ctx, request.params.id),
  );
};

export const recordRoutes: FastifyPluginAsyncZod = async (app) => {
  const read = { permission: 'catalogs:read' } as const;
  const write = { permission: 'catalogs:write' } as const;

  app.get(
    '/',
    {
      config: read,
      schema: {
        tags: ['inventory'],
        summary: 'List records (?catalog_id=, ?free=true); total in X-Total-Count',
        querystring: PaginationQuerySchema.extend(ArchivedQuerySchema.shape).extend(
          ListRecordsQuerySchema.shape,
        ),
        response: { 200: z.array(RecordSchema) },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const page = await listRecords(request.ctx, {
        catalogId: q.catalog_id,
        free: q.free,
        withoutArchived: q.without_archived,
        limit: q.limit,
        offset: q.offset,
      });
      void reply.header('X-Total-Count', String(page.total));
      return page.items;
    },
  );
  app.post(
    '/',
    {
      config: write,
      schema: {
        tags: ['inventory'],
        summary: "Add a record (validated against its catalog's schema)",
        body: CreateRecordBodySchema,
        response: { 201: RecordSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await createRecord(request.ctx, request.body)),
  );
  app.get(
    '/:id',
    {
      config: { ...read, revisioned: true },
      schema: {
        tags: ['inventory'],
        summary: 'Get a record',
        params: IdParamsSchema,
        response: { 200: RecordSchema },
      },
    },
    async (request) => getRecord(request.ctx, request.params.id),
  );
  app.put(
    '/:id',
    {
      config: { ...write, revisioned: true },
      schema: {
        tags: ['inventory'],
        summary: "Replace a record's values",
        params: IdParamsSchema,
        body: UpdateRecordBodySchema,
        response: { 200: RecordSchema },
      },
    },
    async (request) => updateRecord(request.ctx, request.params.id, request.body),
  );
  app.delete(
    '/:id',
    {
      config: write,
      schema: {
        tags: ['inventory'],
        summary: 'Archive a record (409 in_use)',
        params: IdParamsSchema,
        response: { 200: RecordSchema },
      },
    },
    async (request) => archiveRecord(request.ctx, request.params.id),
  );
  app.post(
    '/:id/restore',
    {
      config: write,
      schema: {
        tags: ['inventory'],
        summary:
          'Restore an archived record (409 conflict when a live record repeats its unique fields; invalid_state while its catalog is archived)',
        params: IdParamsSchema,
        response: { 200: RecordSchema },
      },
    },
    async (request) => restoreRecord(request.ctx, request.params.id),
  );
};
