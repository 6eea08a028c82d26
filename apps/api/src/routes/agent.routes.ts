import {
  AgentResourcesSchema,
  ResourcesStatusBodySchema,
  TelemetryBodySchema,
} from '@commander/contracts';
import {
  type AgentIdentity,
  AppError,
  type Encryptor,
  getAgentResources,
  type IngestRefusal,
  recordResourcesStatus,
  type TelemetryIngest,
} from '@commander/core';
import type { Db, Queryable } from '@commander/db';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { BODY_LIMITS } from '../plugins/auth.js';

export type AgentRoutesOptions = {
  db: Db;
  /** The hot statements' pool (pg). */
  hot: Queryable;
  /** The telemetry write-behind buffer. */
  ingest: TelemetryIngest;
  encryptor: Encryptor;
  publicUrl: string;
  /** commander-agent image for the agent's own resource group (COMMANDER_AGENT_IMAGE). */
  agentImage?: string | null;
};

const ParamsSchema = z.object({ cluster_uuid: z.uuid() });

/**
 * The agent API (`/agent_api/:cluster_uuid/…`), authenticated by the cluster's agent key
 * (`Authorization: Bearer`, `agent` access); a key opens its own cluster only.
 */
export const agentRoutes: FastifyPluginAsyncZod<AgentRoutesOptions> = async (
  app,
  { db, hot, ingest, encryptor, publicUrl, agentImage },
) => {
  // The agent key is checked in onRequest (plugins/auth.ts), before the body is read or
  // validated: a stranger gets 401, never 400 or 413.
  const agentCluster = (request: FastifyRequest): AgentIdentity => {
    if (!request.agentCluster) {
      throw new AppError('unauthorized', 'A valid agent key of this cluster is required');
    }
    return request.agentCluster;
  };

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
      const cluster = agentCluster(request);
      ingest.markSeen(cluster.id);
      const ifNoneMatch = request.headers['if-none-match'];
      const resources = await getAgentResources(
        db,
        hot,
        encryptor,
        cluster,
        publicUrl,
        typeof ifNoneMatch === 'string' ? ifNoneMatch : undefined,
        agentImage ?? null,
      );
      if (!resources) {
        return reply.code(304).send(null);
      }
      return reply.header('etag', `"${resources.version}"`).send(resources);
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
      const cluster = agentCluster(request);
      await recordResourcesStatus(
        db,
        encryptor,
        cluster,
        publicUrl,
        request.body,
        agentImage ?? null,
      );
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/:cluster_uuid/telemetry',
    {
      config: { agent: true },
      bodyLimit: BODY_LIMITS.telemetry,
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
      const cluster = agentCluster(request);
      try {
        // Resolves once the sample's batch is committed: a 204 is never lost.
        await ingest.submit(cluster, request.body, true);
      } catch (error) {
        const refusal = error instanceof AppError ? (error.details as IngestRefusal | null) : null;
        if (error instanceof AppError && error.code === 'service_unavailable' && refusal) {
          void reply.header('retry-after', String(refusal.retry_after_seconds));
        }
        throw error;
      }
      return reply.code(204).send(null);
    },
  );
};
