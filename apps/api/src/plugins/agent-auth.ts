import {
  type AgentContext,
  type AgentKeyCache,
  type AgentResourcesCache,
  AppError,
  type Encryptor,
  type InstanceInfo,
  type TelemetrySink,
} from '@commander/core';
import type { Db, Queryable } from '@commander/db';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

import { accessKind } from './auth.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The agent API's context, once the cluster's agent key is verified (`agent` routes). */
    agentContext: AgentContext | null;
  }
}

export type AgentAuthOptions = {
  db: Db;
  /** The agent API's hot statements' pool. */
  hot: Queryable;
  encryptor: Encryptor;
  instance: InstanceInfo;
  /** Agent authentication (key hash -> cluster), cached and invalidated by NOTIFY. */
  agentKeys: AgentKeyCache;
  telemetry: TelemetrySink;
  resources: AgentResourcesCache;
  stamps: AgentContext['stamps'];
  statusReports: AgentContext['statusReports'];
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Authenticates the agent API (routes declaring `config.agent`): the agent key
 * (`Authorization: Bearer`) of the cluster named by `:cluster_uuid`, in `onRequest`, before the
 * body is read (a stranger gets 401, never 400 or 413). Builds `request.agentContext`; the
 * auth plugin refuses an agent route that reaches it without one.
 */
export const agentAuthPlugin = fp<AgentAuthOptions>(
  async (app, options) => {
    app.decorateRequest('agentContext', null);
    // A callback hook: every other route passes it without a promise or a microtask.
    app.addHook('onRequest', (request, _reply, done) => {
      if (request.is404 || accessKind(request.routeOptions.config) !== 'agent') {
        done();
        return;
      }
      authenticateAgent(options.agentKeys, request).then((agent) => {
        request.agentContext = {
          db: options.db,
          hot: options.hot,
          encryptor: options.encryptor,
          instance: options.instance,
          log: request.log,
          agent,
          actor: { type: 'agent', id: agent.id, name: `agent:${agent.uuid}` },
          telemetry: options.telemetry,
          resources: options.resources,
          stamps: options.stamps,
          statusReports: options.statusReports,
          requestId: request.id,
        };
        done();
      }, done);
    });
  },
  { name: 'agent-auth' },
);

async function authenticateAgent(agentKeys: AgentKeyCache, request: FastifyRequest) {
  const uuid = (request.params as { cluster_uuid?: unknown } | undefined)?.cluster_uuid;
  const header = request.headers.authorization;
  const key =
    typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  const cluster =
    key && typeof uuid === 'string' && UUID.test(uuid)
      ? await agentKeys.authenticate(uuid.toLowerCase(), key)
      : null;
  if (!cluster) {
    throw new AppError('unauthorized', 'A valid agent key of this cluster is required');
  }
  return cluster;
}

/** The request's agent context; 401 when the key was not verified (never expected). */
export function agentContextOf(request: FastifyRequest): AgentContext {
  if (!request.agentContext) {
    throw new AppError('unauthorized', 'A valid agent key of this cluster is required');
  }
  return request.agentContext;
}
