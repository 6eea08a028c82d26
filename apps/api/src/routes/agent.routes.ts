import {
  type AgentResources,
  AgentResourcesSchema,
  ResourcesStatusBodySchema,
  TelemetryBodySchema,
} from '@commander/contracts';
import {
  AppError,
  getAgentResources,
  type IngestRefusal,
  recordResourcesStatus,
  reportTelemetry,
} from '@commander/core';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { compiledBodyValidatorCompiler } from '../compiled-validator.js';
import { agentContextOf } from '../plugins/agent-auth.js';
import { BODY_LIMITS } from '../plugins/auth.js';

const ParamsSchema = z.object({ cluster_uuid: z.uuid() });

/** A refusal by back-pressure (a write-behind buffer full or closing) says when to come back. */
function retryAfter(reply: FastifyReply, error: unknown): void {
  const refusal = error instanceof AppError ? (error.details as IngestRefusal | null) : null;
  if (error instanceof AppError && error.code === 'service_unavailable' && refusal) {
    void reply.header('retry-after', String(refusal.retry_after_seconds));
  }
}

/**
 * The agent API (`/agent_api/:cluster_uuid/…`), authenticated by the cluster's agent key
 * (`Authorization: Bearer`, `agent` access; plugins/agent-auth.ts builds the `AgentContext` in
 * onRequest, before the body is read or validated); a key opens its own cluster only.
 */
export const agentRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/:cluster_uuid/resources',
    {
      config: { agent: true },
      schema: {
        tags: ['agent'],
        summary: 'Desired resources by group (ETag; 304 when unchanged)',
        params: ParamsSchema,
        response: { 200: AgentResourcesSchema, 304: z.null() },
      },
    },
    async (request, reply) => {
      const ifNoneMatch = request.headers['if-none-match'];
      const resources = await getAgentResources(
        agentContextOf(request),
        typeof ifNoneMatch === 'string' ? ifNoneMatch : undefined,
      );
      if (!resources) {
        return reply.code(304).send(null);
      }
      // The body is built as JSON text (the render's groups serialized once per process):
      // sent as is, not through the response serializer (agent-routes test: it parses to what
      // AgentResourcesSchema describes).
      return reply
        .header('etag', `"${resources.version}"`)
        .header('content-type', 'application/json; charset=utf-8')
        .send(resources.body as unknown as AgentResources);
    },
  );

  app.post(
    '/:cluster_uuid/resources/status',
    {
      config: { agent: true },
      bodyLimit: BODY_LIMITS.agentResults,
      schema: {
        tags: ['agent'],
        summary: 'Per-resource apply results',
        params: ParamsSchema,
        body: ResourcesStatusBodySchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      try {
        await recordResourcesStatus(agentContextOf(request), request.body);
      } catch (error) {
        retryAfter(reply, error);
        throw error;
      }
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/:cluster_uuid/telemetry',
    {
      config: { agent: true },
      bodyLimit: BODY_LIMITS.telemetry,
      // The hottest body of all (one per agent every 30 s): validated by the schema compiled
      // with Ajv, refusals answered by zod as everywhere else (compiled-validator.ts).
      validatorCompiler: compiledBodyValidatorCompiler,
      schema: {
        tags: ['agent'],
        summary:
          'A telemetry sample (stored in a batch; 204 once committed, 503 + Retry-After when busy)',
        params: ParamsSchema,
        body: TelemetryBodySchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      try {
        await reportTelemetry(agentContextOf(request), request.body);
      } catch (error) {
        retryAfter(reply, error);
        throw error;
      }
      return reply.code(204).send(null);
    },
  );
};
