import type { ClusterTemplate } from '@commander/contracts';

import type { ServiceContext } from '../context.js';
import { notFound } from '../errors.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';
import { toTemplateDto } from './template-dto.js';

async function clusterCounts(
  ctx: ServiceContext,
  templateIds: string[],
): Promise<Map<string, number>> {
  const rows = await ctx.db.$queryRaw<{ id: string; n: bigint }[]>`
    SELECT v.cluster_template_id AS id, count(c.id) AS n
    FROM clusters c JOIN cluster_template_versions v ON v.id = c.cluster_template_version_id
    WHERE c.archived_at IS NULL AND v.cluster_template_id = ANY(${templateIds}::uuid[])
    GROUP BY v.cluster_template_id`;
  return new Map(rows.map((r) => [r.id, Number(r.n)]));
}

/** Templates of the current workspace with their versions (newest first). */
export async function listClusterTemplates(
  ctx: ServiceContext,
  input: { withoutArchived?: boolean },
): Promise<ClusterTemplate[]> {
  const workspace = requireWorkspace(ctx);
  const rows = await ctx.db.clusterTemplate.findMany({
    where: { workspaceId: workspace.id, ...(input.withoutArchived ? { archivedAt: null } : {}) },
    include: { versions: true },
    orderBy: [{ archiveNumber: 'asc' }, { name: 'asc' }],
  });
  const counts = await clusterCounts(
    ctx,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toTemplateDto(r, counts.get(r.id) ?? 0));
}

/** @throws AppError not_found */
export async function getClusterTemplate(
  ctx: ServiceContext,
  id: string,
): Promise<ClusterTemplate> {
  const workspace = requireWorkspace(ctx);
  const row = await ctx.db.clusterTemplate.findFirst({
    where: { id, workspaceId: workspace.id },
    include: { versions: true },
  });
  if (!row) {
    throw notFound('Cluster template', id);
  }
  const counts = await clusterCounts(ctx, [row.id]);
  return toTemplateDto(row, counts.get(row.id) ?? 0);
}
