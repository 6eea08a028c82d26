import type { Cluster, ClusterStatus } from '@commander/contracts';
import { type Cluster as ClusterRecord, type ClusterListSort, hotClusters } from '@commander/db';

import { agentDataFromJson, type RawJson } from '../cluster-state/agent-data-json.js';
import { toClusterDto } from '../cluster-state/cluster-dto.js';
import type { ServiceContext } from '../context.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';

export type ListClustersInput = {
  limit: number;
  offset: number;
  withoutArchived?: boolean;
  status?: ClusterStatus;
  clusterTemplateId?: string;
  q?: string;
  /** Default `attention`: failures first, then changes under way, then the rest, by name. */
  sort?: ClusterListSort;
};

/**
 * A cluster of a list: the API object, its agent snapshot possibly as JSON text to write as it
 * is (`RawJson`, already projected to the allowlisted `source` and `data`; see
 * `agentDataFromJson`). `JSON.stringify` writes it as the same value.
 */
export type ClusterListItem = Omit<Cluster, 'cluster_agent_data'> & {
  cluster_agent_data: Cluster['cluster_agent_data'] | RawJson;
};

/**
 * Clusters of the current workspace: live ones first in the asked order, then archived ones by
 * archive date (newest first). Rendered configurations are left out of lists (null); get one
 * cluster for them. One prepared statement (page + total), see `@commander/db` hot queries.
 */
export async function listClusters(
  ctx: ServiceContext,
  input: ListClustersInput,
): Promise<{ items: ClusterListItem[]; total: number }> {
  const workspace = requireWorkspace(ctx);
  const hot = hotClusters(ctx.db);
  if (!hot) {
    throw new Error('listClusters needs the database client made by createDb, not a transaction');
  }
  const page = await hot.listClusters({
    workspaceId: workspace.id,
    limit: input.limit,
    offset: input.offset,
    withoutArchived: input.withoutArchived ?? false,
    status: input.status ? (input.status.toUpperCase() as ClusterRecord['status']) : null,
    clusterTemplateId: input.clusterTemplateId ?? null,
    q: input.q ?? null,
    sort: input.sort ?? 'attention',
  });
  return {
    items: page.rows.map((row) => {
      // The row's agentData is null: the DTO gets `[]`, replaced by the snapshot's text.
      const item: ClusterListItem = toClusterDto(row, {
        withRendered: false,
        encryptor: ctx.encryptor,
        secretKeys: [],
      });
      item.cluster_agent_data = agentDataFromJson(row.agentDataJson);
      return item;
    }),
    total: page.total,
  };
}
