import { type Cluster, type SwitchVersionBodySchema } from '@commander/contracts';
import type { ClusterTemplateVersion } from '@commander/db';
import { paramFields, parseParams } from '@commander/renderer';
import type { z } from 'zod';

import { loadCluster, readSecretValues } from '../cluster-state/load-cluster.js';
import { updateCluster } from '../clusters/update-cluster.js';
import type { ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';

export type SwitchResult = {
  cluster_id: string;
  ok: boolean;
  status: string | null;
  error: { code: string; message: string; details?: unknown } | null;
};

/**
 * Switches many clusters of a template to one of its versions (or another template's), each an
 * ordinary update with its current values (those of parameters the target lacks are dropped). A cluster whose configuration would not render with
 * the target version is left as it is and reported, as are clusters that cannot change now.
 */
export async function switchClustersToVersion(
  ctx: ServiceContext,
  templateId: string,
  body: z.infer<typeof SwitchVersionBodySchema>,
): Promise<SwitchResult[]> {
  const workspace = requireWorkspace(ctx);
  const target = await ctx.db.clusterTemplateVersion.findFirst({
    where: { id: body.cluster_template_version_id, clusterTemplate: { workspaceId: workspace.id } },
  });
  if (!target) {
    throw notFound('Cluster template version', body.cluster_template_version_id);
  }
  const results: SwitchResult[] = [];
  for (const clusterId of body.cluster_ids) {
    try {
      const updated = await switchClusterToVersion(ctx, clusterId, templateId, target);
      results.push({ cluster_id: clusterId, ok: true, status: updated.status, error: null });
    } catch (error) {
      if (error instanceof AppError) {
        results.push({
          cluster_id: clusterId,
          ok: false,
          status: null,
          error: { code: error.code, message: error.message, details: error.details },
        });
      } else {
        throw error;
      }
    }
  }
  return results;
}

/**
 * Moves one cluster of a template to a version with its current values (those of parameters
 * the version lacks are dropped): an ordinary update (change mode, destructive-change approval,
 * audit and webhooks apply). The bulk switch and staged rollouts both use it.
 * @throws AppError unprocessable (not this template's cluster, or the values do not render),
 *   and whatever updateCluster throws (stale_revision, invalid_state, …)
 */
export async function switchClusterToVersion(
  ctx: ServiceContext,
  clusterId: string,
  templateId: string,
  target: Pick<ClusterTemplateVersion, 'id' | 'params'>,
): Promise<Cluster> {
  const cluster = await loadCluster(ctx, clusterId);
  if (cluster.clusterTemplateVersion?.clusterTemplateId !== templateId) {
    throw new AppError('unprocessable', 'This cluster does not use this template');
  }
  const secrets = readSecretValues(ctx, cluster.secretValuesEncrypted);
  const values = valuesForVersion(
    { ...(cluster.values as Record<string, unknown>), ...secrets },
    target.params,
  );
  return updateCluster(
    ctx,
    clusterId,
    {
      name: cluster.name,
      cluster_template_version_id: target.id,
      values: values as never,
      current_revision: cluster.currentRevision,
    },
    { rejectInvalid: true },
  );
}

/** The values kept when moving to a version: those of parameters it has. */
export function valuesForVersion(
  values: Record<string, unknown>,
  params: unknown,
): Record<string, unknown> {
  const keys = new Set(paramFields(parseParams(params as unknown[]).fields).map((f) => f.key));
  return Object.fromEntries(Object.entries(values).filter(([k]) => keys.has(k)));
}
