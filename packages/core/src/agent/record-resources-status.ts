import type { ResourcesStatusBody } from '@commander/contracts';

import { AppError } from '../errors.js';
import { notifyChange } from '../events/notify.js';
import type { AgentContext } from './agent-context.js';
import { desiredAgentResources, urlTag } from './agent-resources.js';

/**
 * `POST /resources/status`: per-resource apply results. The cluster's resources are
 * `configured` when every resource of the current version applied, `not_configured` otherwise
 * (errors, or results for an older version).
 */
export async function recordResourcesStatus(
  ctx: AgentContext,
  body: ResourcesStatusBody,
): Promise<void> {
  const { db, encryptor, agent } = ctx;
  const { publicUrl } = ctx.instance;
  const agentImage = ctx.instance.agentImage ?? null;
  const cluster = await db.cluster.findUnique({ where: { id: agent.id } });
  if (!cluster) {
    throw new AppError('unauthorized', 'A valid agent key of this cluster is required');
  }
  // The version stamped by the last GET /resources is current while it carries this URL's tag:
  // a trigger clears it whenever the desired render or the agent key is written. Only without
  // it are the resources rebuilt (decrypting the render and parsing its YAML).
  const tag = `@${urlTag(publicUrl, agentImage)}`;
  const current =
    cluster.resourcesVersion?.endsWith(tag) === true
      ? cluster.resourcesVersion.slice(0, -tag.length)
      : desiredAgentResources(encryptor, cluster, publicUrl, agentImage).version;
  const errors = body.results.filter((r) => r.status === 'error');
  const state = body.version === current && errors.length === 0 ? 'configured' : 'not_configured';
  const results = body.results.map((r) => ({
    group: r.group,
    api_version: r.api_version,
    kind: r.kind,
    namespace: r.namespace ?? null,
    name: r.name,
    status: r.status,
    errors: r.status === 'error' ? [r.message ?? 'apply failed'] : [],
  }));
  const now = new Date();
  await db.cluster.update({
    where: { id: cluster.id },
    data: {
      resourcesSyncState: state,
      resourcesStateResults: results,
      resourcesCheckedAt: now,
      ...(state === 'configured' ? { resourcesAppliedAt: now } : {}),
      agentStatus: 'online',
      agentLastSeenAt: now,
    },
  });
  if (state !== cluster.resourcesSyncState || errors.length > 0) {
    await notifyChange(db, {
      type: 'cluster',
      id: cluster.id,
      workspace_id: cluster.workspaceId,
      cluster_id: cluster.id,
      action: 'resources',
    });
  }
}
