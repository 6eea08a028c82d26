import type { ClusterTemplateVersion } from '@commander/db';

import type { ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';

/**
 * A template version of the current workspace that clusters may use.
 * @throws AppError not_found, template_version_unavailable (marked unavailable, or its template archived).
 */
export async function getUsableVersion(
  ctx: ServiceContext,
  versionId: string,
  options: { allowUnavailable?: boolean } = {},
): Promise<ClusterTemplateVersion> {
  const workspace = requireWorkspace(ctx);
  const version = await ctx.db.clusterTemplateVersion.findFirst({
    where: { id: versionId, clusterTemplate: { workspaceId: workspace.id } },
    include: { clusterTemplate: { select: { archivedAt: true, name: true } } },
  });
  if (!version) {
    throw notFound('Cluster template version', versionId);
  }
  if (
    !options.allowUnavailable &&
    (!version.available || version.clusterTemplate.archivedAt !== null)
  ) {
    throw new AppError(
      'template_version_unavailable',
      `Version ${version.number} of template "${version.clusterTemplate.name}" is not available for use`,
      { cluster_template_version_id: versionId },
    );
  }
  const { clusterTemplate: _template, ...rest } = version;
  return rest;
}
