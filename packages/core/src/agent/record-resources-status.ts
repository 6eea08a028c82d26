import type { ResourcesStatusBody } from '@commander/contracts';
import { selectAgentResources } from '@commander/db';

import { AppError } from '../errors.js';
import type { AgentContext } from './agent-context.js';
import { buildAgentResources, urlTag } from './agent-resources.js';

/**
 * `POST /resources/status`: per-resource apply results. The cluster's resources are
 * `configured` when every resource of the current version applied, `not_configured` otherwise
 * (errors, or results for an older version). Written through the write-behind batcher
 * (`ResourcesStatusBatcher`: one statement per batch of many agents' reports, answered after its
 * commit) when the current version is known — from this process's cache, or the version the last
 * poll stamped — which is every report that follows a poll; otherwise the resources are rebuilt
 * to learn it and the report is written again.
 */
export async function recordResourcesStatus(
  ctx: AgentContext,
  body: ResourcesStatusBody,
): Promise<void> {
  const { encryptor, agent } = ctx;
  const { publicUrl } = ctx.instance;
  const agentImage = ctx.instance.agentImage ?? null;
  const errorCount = body.results.reduce((n, r) => (r.status === 'error' ? n + 1 : n), 0);
  const tag = urlTag(publicUrl, agentImage);
  const resultsJson = JSON.stringify(stateResults(body));
  const write = (current: string | null) =>
    ctx.statusReports.submit({
      clusterId: agent.id,
      current,
      tagSuffix: `@${tag}`,
      reported: body.version,
      hasErrors: errorCount > 0,
      resultsJson,
      now: new Date(),
    });
  let outcome = await write(ctx.resources.version(agent.id) ?? null);
  if (outcome === 'unknown_version') {
    // Neither cached nor stamped (a change since the last poll, or none yet): rebuild the
    // resources to learn the current version (decrypting the render, parsing its YAML).
    const mark = ctx.resources.mark;
    const row = await selectAgentResources(ctx.hot, agent.id, null);
    if (row) {
      const { version, source } = buildAgentResources(
        encryptor,
        { uuid: row.uuid, desiredRenderedEncrypted: row.render, agentKeyEncrypted: row.key },
        publicUrl,
        agentImage,
        ctx.resources,
      );
      ctx.resources.remember(agent.id, version, mark, source);
      outcome = await write(version);
    }
  }
  if (outcome !== 'updated') {
    throw new AppError('unauthorized', 'A valid agent key of this cluster is required');
  }
}

/** The results as stored (`resources_state_results`). */
function stateResults(body: ResourcesStatusBody) {
  return body.results.map((r) => ({
    group: r.group,
    api_version: r.api_version,
    kind: r.kind,
    namespace: r.namespace ?? null,
    name: r.name,
    status: r.status,
    errors: r.status === 'error' ? [r.message ?? 'apply failed'] : [],
  }));
}
