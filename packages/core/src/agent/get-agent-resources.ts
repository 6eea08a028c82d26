import { selectAgentResources } from '@commander/db';

import { AppError } from '../errors.js';
import type { AgentContext } from './agent-context.js';
import { agentResourcesBody, buildAgentResources, urlTag } from './agent-resources.js';

/** A poll's answer: 304 (`null`), or the resources' version and JSON body. */
export type AgentResourcesAnswer = { version: string; body: string } | null;

/**
 * `GET /resources`: the desired resources, or null when `ifNoneMatch` is the current version
 * (304).
 *
 * - The cluster's version is in this process's cache (`AgentResourcesCache`, invalidated by
 *   NOTIFY when the render or the agent key changes): a 304 costs no statement; so does a 200
 *   when the document was built here since the last change (kept with its version).
 * - Otherwise ONE statement reads the stored version and, only when it is not the agent's,
 *   the encrypted render and key; the resources are built (the render's YAML parsed once per
 *   process per distinct render), their version cached, and stored in the background
 *   (`ResourcesStampQueue`, batched) only if the inputs read are still what is stored.
 */
export async function getAgentResources(
  ctx: AgentContext,
  ifNoneMatch: string | undefined,
): Promise<AgentResourcesAnswer> {
  const { hot, encryptor, agent, resources: cache } = ctx;
  const { publicUrl } = ctx.instance;
  const agentImage = ctx.instance.agentImage ?? null;
  ctx.telemetry.markSeen(agent.id);
  const wanted = ifNoneMatch?.replace(/^W\//, '').replace(/"/g, '') || null;
  if (wanted !== null && cache.version(agent.id) === wanted) {
    return null;
  }
  // Built here before and not changed since: the same document, no statement, no rebuild (only
  // the agent key decrypted again: it is not kept in clear).
  const document = cache.document(agent.id);
  if (document) {
    return {
      version: document.version,
      body: agentResourcesBody(encryptor, document.version, document.source, publicUrl, agentImage),
    };
  }
  const tag = urlTag(publicUrl, agentImage);
  const mark = cache.mark;
  const row = await selectAgentResources(
    hot,
    agent.id,
    wanted === null ? null : `${wanted}@${tag}`,
  );
  if (!row) {
    throw new AppError('unauthorized', 'A valid agent key of this cluster is required');
  }
  if (wanted !== null && row.stored === `${wanted}@${tag}`) {
    cache.remember(agent.id, wanted, mark);
    return null;
  }
  const built = buildAgentResources(
    encryptor,
    { uuid: row.uuid, desiredRenderedEncrypted: row.render, agentKeyEncrypted: row.key },
    publicUrl,
    agentImage,
    cache,
  );
  cache.remember(agent.id, built.version, mark, built.source);
  const stamped = `${built.version}@${tag}`;
  if (row.stored !== stamped) {
    ctx.stamps.add({
      clusterId: agent.id,
      stamped,
      renderMd5: row.renderMd5,
      keyMd5: row.keyMd5,
    });
  }
  return wanted === built.version ? null : built;
}
