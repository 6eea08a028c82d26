import {
  CreateWebhookBodySchema,
  IdParamsSchema,
  UpdateWebhookBodySchema,
  WebhookDeliveriesQuerySchema,
  WebhookDeliveryParamsSchema,
  WebhookDeliverySchema,
  WebhookSchema,
  WebhookWithSecretSchema,
} from '@commander/contracts';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhookDeliveries,
  listWebhooks,
  pingWebhook,
  redeliverWebhook,
  rotateWebhookSecret,
  updateWebhook,
  type WebhookPolicy,
} from '@commander/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** Outgoing webhooks of the current workspace (issue 16). */
export const webhookRoutes: FastifyPluginAsyncZod<{ policy: WebhookPolicy }> = async (
  app,
  options,
) => {
  const read = { permission: 'webhooks:read' } as const;
  const write = { permission: 'webhooks:write' } as const;
  const tags = ['webhooks'];
  app.get(
    '/',
    {
      config: read,
      schema: { tags, summary: 'List webhooks', response: { 200: z.array(WebhookSchema) } },
    },
    async (request) => listWebhooks(request.ctx),
  );
  app.post(
    '/',
    {
      config: write,
      schema: {
        tags,
        summary:
          'Add a webhook; the answer carries its signing secret, shown this once (422 webhook_target_forbidden for private targets)',
        body: CreateWebhookBodySchema,
        response: { 201: WebhookWithSecretSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createWebhook(request.ctx, request.body, options.policy)),
  );
  app.get(
    '/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'Get a webhook (never its secret)',
        params: IdParamsSchema,
        response: { 200: WebhookSchema },
      },
    },
    async (request) => getWebhook(request.ctx, request.params.id),
  );
  app.put(
    '/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Change a webhook; active: true re-enables a disabled one',
        params: IdParamsSchema,
        body: UpdateWebhookBodySchema,
        response: { 200: WebhookSchema },
      },
    },
    async (request) => updateWebhook(request.ctx, request.params.id, request.body, options.policy),
  );
  app.delete(
    '/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Delete a webhook and its delivery log',
        params: IdParamsSchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await deleteWebhook(request.ctx, request.params.id);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/:id/rotate_secret',
    {
      config: write,
      schema: {
        tags,
        summary: 'Replace the signing secret (in force at once; shown this once)',
        params: IdParamsSchema,
        response: { 200: WebhookWithSecretSchema },
      },
    },
    async (request) => rotateWebhookSecret(request.ctx, request.params.id),
  );
  app.post(
    '/:id/ping',
    {
      config: write,
      schema: {
        tags,
        summary: 'Send a test event (io.commander.webhook.ping) to this webhook',
        params: IdParamsSchema,
        response: { 202: WebhookDeliverySchema },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await pingWebhook(request.ctx, request.params.id)),
  );
  app.get(
    '/:id/deliveries',
    {
      config: read,
      schema: {
        tags,
        summary: 'Delivery log, newest first (?status=, ?limit=, ?offset=); total in X-Total-Count',
        params: IdParamsSchema,
        querystring: WebhookDeliveriesQuerySchema,
        response: { 200: z.array(WebhookDeliverySchema) },
      },
    },
    async (request, reply) => {
      const page = await listWebhookDeliveries(request.ctx, request.params.id, request.query);
      void reply.header('X-Total-Count', String(page.total));
      return page.items;
    },
  );
  app.post(
    '/:id/deliveries/:deliveryId/redeliver',
    {
      config: write,
      schema: {
        tags,
        summary:
          'Send a delivered (or failed) event again, as a new delivery with the same event id',
        params: WebhookDeliveryParamsSchema,
        response: { 202: WebhookDeliverySchema },
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(await redeliverWebhook(request.ctx, request.params.id, request.params.deliveryId)),
  );
};
