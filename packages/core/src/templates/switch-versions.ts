import { type SwitchVersionBodySchema } from '@commander/contracts';
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
      const cluster = await loadCluster(ctx, clusterId);
      if (cluster.clusterTemplateVersion?.clusterTemplateId !== templateId) {
        throw new AppError('unprocessable', 'This cluster does not use this template');
      }
      const secrets = readSecretValues(ctx, cluster.secretValuesEncrypted);
      // Values of parameters the target version no longer has are dropped.
      const keys = new Set(
        paramFields(parseParams(target.params as unknown[]).fields).map((f) => f.key),
      );
      const values = Object.fromEntries(
        Object.entries({ ...(cluster.values as Record<string, unknown>), ...secrets }).filter(
          ([k]) => keys.has(k),
        ),
      );
      const updated = await updateCluster(
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
