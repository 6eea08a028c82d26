import type { AgentResources } from '@commander/contracts';
import { selectResourcesVersion } from '@commander/db';

import { AppError } from '../errors.js';
import type { AgentContext } from './agent-context.js';
import { desiredAgentResources, urlTag } from './agent-resources.js';

/**
 * `GET /resources`: the desired resources, or null when `ifNoneMatch` is the current version
 * (304). The 304 costs one statement (the stored version, a trigger clears it whenever the
 * desired render or the agent key is written); otherwise the cluster is read, the resources
 * built and their version stored, unless the cluster changed meanwhile.
 */
export async function getAgentResources(
  ctx: AgentContext,
  ifNoneMatch: string | undefined,
): Promise<AgentResources | null> {
  const { db, hot, encryptor, agent } = ctx;
  const { publicUrl } = ctx.instance;
  const agentImage = ctx.instance.agentImage ?? null;
  ctx.telemetry.markSeen(agent.id);
  const tag = urlTag(publicUrl, agentImage);
  const wanted = ifNoneMatch?.replace(/^W\//, '').replace(/"/g, '');
  const stored = await selectResourcesVersion(hot, agent.id);
  if (wanted && stored === `${wanted}@${tag}`) {
    return null;
  }
  const cluster = await db.cluster.findUnique({ where: { id: agent.id } });
  if (!cluster) {
    throw new AppError('unauthorized', 'A valid agent key of this cluster is required');
  }
  const resources = desiredAgentResources(encryptor, cluster, publicUrl, agentImage);
  const stamped = `${resources.version}@${tag}`;
  if (cluster.resourcesVersion !== stamped) {
    // Only if what the version was computed from is still what is stored.
    await db.cluster.updateMany({
      where: {
        id: cluster.id,
        desiredRenderedEncrypted: cluster.desiredRenderedEncrypted,
        agentKeyEncrypted: cluster.agentKeyEncrypted,
      },
      data: { resourcesVersion: stamped },
    });
  }
  return wanted === resources.version ? null : resources;
}
