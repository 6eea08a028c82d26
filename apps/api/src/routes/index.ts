import type { WebhookPolicy } from '@commander/core';
import type { FastifyInstance } from 'fastify';

import { applyRoutes } from './apply.routes.js';
import { auditRoutes } from './audit.routes.js';
import { authRoutes, type AuthRoutesOptions } from './auth.routes.js';
import { authTokenRoutes } from './auth-tokens.routes.js';
import { catalogRoutes, recordRoutes } from './catalogs.routes.js';
import { changeRequestRoutes } from './change-requests.routes.js';
import { clusterTemplateRoutes } from './cluster-templates.routes.js';
import { clusterRoutes } from './clusters.routes.js';
import { eventRoutes } from './events.routes.js';
import {
  bindingRoutes,
  globalRoleRoutes,
  groupRoutes,
  passwordRoutes,
  roleRoutes,
  userRoutes,
} from './identity.routes.js';
import { operationRoutes } from './operations.routes.js';
import { registryRoutes } from './registries.routes.js';
import { renderRoutes } from './render.routes.js';
import { rolloutRoutes } from './rollouts.routes.js';
import { webhookRoutes } from './webhooks.routes.js';
import { workspaceRoutes } from './workspaces.routes.js';

/** THE route table of /api/v1. */
export async function registerApiRoutes(
  app: FastifyInstance,
  options: AuthRoutesOptions & { renderRateLimit: number; webhooks: WebhookPolicy },
): Promise<void> {
  const { renderRateLimit, webhooks, ...authOptions } = options;
  await app.register(
    async (api) => {
      await api.register(authRoutes, { prefix: '/auth', ...authOptions });
      await api.register(workspaceRoutes, { prefix: '/workspaces' });
      await api.register(passwordRoutes, { prefix: '/auth/password' });
      await api.register(userRoutes, { prefix: '/users' });
      await api.register(groupRoutes, { prefix: '/groups' });
      await api.register(roleRoutes, { prefix: '/roles' });
      await api.register(globalRoleRoutes, { prefix: '/global_roles' });
      await api.register(bindingRoutes(null), { prefix: '/role_bindings' });
      await api.register(bindingRoutes('workspace'), { prefix: '/workspace_role_bindings' });
      await api.register(auditRoutes, { prefix: '/audit_events' });
      await api.register(authTokenRoutes, { prefix: '/auth_tokens' });
      await api.register(clusterTemplateRoutes, { prefix: '/cluster_templates' });
      await api.register(clusterRoutes, { prefix: '/clusters' });
      await api.register(catalogRoutes, { prefix: '/catalogs' });
      await api.register(recordRoutes, { prefix: '/records' });
      await api.register(renderRoutes, { prefix: '/render', rateLimit: renderRateLimit });
      await api.register(registryRoutes, { prefix: '/registries' });
      await api.register(operationRoutes, { prefix: '/operations' });
      await api.register(changeRequestRoutes, { prefix: '/cluster_change_requests' });
      await api.register(eventRoutes, { prefix: '/events' });
      await api.register(applyRoutes, { prefix: '/apply' });
      await api.register(webhookRoutes, { prefix: '/webhooks', policy: webhooks });
      await api.register(rolloutRoutes, { prefix: '/rollouts' });
    },
    { prefix: '/api/v1' },
  );
}
