import type { Cluster } from '@commander/contracts';
import { grants } from '@commander/contracts';
import type { Prisma } from '@commander/db';

import { recordAudit } from '../audit/record-audit.js';
import { CLUSTER_DTO_INCLUDE, toClusterDto } from '../cluster-state/cluster-dto.js';
import { assertClusterNameFree } from '../cluster-state/cluster-name.js';
import { FINAL_STATUSES } from '../cluster-state/status-machine.js';
import type { ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { notifyChange } from '../events/notify.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';

/**
 * Moves a cluster to another workspace, as Commander does: the cluster leaves its template
 * (which stays behind); records it holds exclusively move with it, shared ones are copied; a
 * catalog missing in the target (by slug) is created there.
 * The caller needs clusters:write here; the target is checked by `canWriteTarget`.
 * @throws AppError not_found, forbidden, invalid_state, operation_in_progress, name_taken
 */
export async function moveCluster(
  ctx: ServiceContext,
  clusterId: string,
  targetWorkspaceId: string,
  canWriteTarget: (workspaceId: string) => Promise<boolean>,
): Promise<Cluster> {
  const workspace = requireWorkspace(ctx);
  const cluster = await ctx.db.cluster.findFirst({
    where: { id: clusterId, workspaceId: workspace.id, archivedAt: null },
  });
  if (!cluster) {
    throw notFound('Cluster', clusterId);
  }
  const target = await ctx.db.workspace.findUnique({ where: { id: targetWorkspaceId } });
  if (!target || target.archivedAt) {
    throw notFound('Workspace', targetWorkspaceId);
  }
  if (target.id === workspace.id) {
    throw new AppError('validation_failed', 'The cluster is already in this workspace');
  }
  if (!grants(ctx.permissions, 'clusters:write') || !(await canWriteTarget(target.id))) {
    throw new AppError('forbidden', 'Moving a cluster needs clusters:write in both workspaces');
  }
  if (FINAL_STATUSES.has(cluster.status)) {
    throw new AppError('invalid_state', 'An archived cluster cannot move');
  }
  const active = await ctx.db.clusterOperation.count({
    where: { clusterId, status: { in: ['QUEUED', 'RUNNING'] } },
  });
  if (active > 0) {
    throw new AppError(
      'operation_in_progress',
      "Wait for the cluster's operation to finish before moving it",
    );
  }
  await assertClusterNameFree(ctx, target.id, cluster.name, {
    message: `The target workspace already has a cluster named "${cluster.name}"`,
  });
  await ctx.db.$transaction(async (tx) => {
    const usages = await tx.clusterRecordUsage.findMany({
      where: { clusterId },
      include: { record: { include: { catalog: true } } },
    });
    const values = { ...(cluster.values as Record<string, unknown>) };
    const catalogIds = new Map<string, string>();
    for (const usage of usages) {
      const source = usage.record.catalog;
      let targetCatalogId = catalogIds.get(source.id);
      if (!targetCatalogId) {
        const existing = await tx.catalog.findFirst({
          where: { workspaceId: target.id, slug: source.slug, archivedAt: null },
        });
        targetCatalogId =
          existing?.id ??
          (
            await tx.catalog.create({
              data: {
                workspaceId: target.id,
                slug: source.slug,
                name: source.name,
                params: source.params as Prisma.InputJsonValue,
                usage: source.usage,
              },
            })
          ).id;
        catalogIds.set(source.id, targetCatalogId);
      }
      let recordId = usage.recordId;
      if (source.usage === 'EXCLUSIVE') {
        await tx.record.update({
          where: { id: usage.recordId },
          data: { catalogId: targetCatalogId },
        });
      } else {
        const copy = await tx.record.create({
          data: {
            catalogId: targetCatalogId,
            values: usage.record.values as Prisma.InputJsonValue,
            secretValuesEncrypted: usage.record.secretValuesEncrypted,
            schemaMatches: usage.record.schemaMatches,
          },
        });
        recordId = copy.id;
        await tx.clusterRecordUsage.delete({
          where: {
            clusterId_recordId_fieldKey: {
              clusterId,
              recordId: usage.recordId,
              fieldKey: usage.fieldKey,
            },
          },
        });
        await tx.clusterRecordUsage.create({
          data: { clusterId, recordId, fieldKey: usage.fieldKey },
        });
        // Point the stored values at the copy.
        const v = values[usage.fieldKey];
        const swap = (x: unknown) =>
          x &&
          typeof x === 'object' &&
          (x as Record<string, unknown>)['x-commander-record-id'] === usage.recordId
            ? { ...x, 'x-commander-record-id': recordId }
            : x;
        values[usage.fieldKey] = Array.isArray(v) ? v.map(swap) : swap(v);
      }
    }
    await tx.changeRequest.updateMany({
      where: { clusterId, status: 'PENDING' },
      data: { status: 'SUPERSEDED' },
    });
    await tx.cluster.update({
      where: { id: clusterId },
      data: {
        workspaceId: target.id,
        clusterTemplateVersionId: null,
        values: values as Prisma.InputJsonValue,
        currentRevision: { increment: 1 },
      },
    });
    await recordAudit(tx, ctx, {
      action: 'move',
      auditableType: 'Cluster',
      auditableId: clusterId,
      changes: {
        workspace: [workspace.slug, target.slug],
        cluster_template_version_id: [cluster.clusterTemplateVersionId, null],
      },
    });
    await notifyChange(tx, {
      type: 'cluster',
      id: clusterId,
      workspace_id: workspace.id,
      cluster_id: clusterId,
      action: 'moved_out',
    });
    await notifyChange(tx, {
      type: 'cluster',
      id: clusterId,
      workspace_id: target.id,
      cluster_id: clusterId,
      action: 'moved_in',
    });
  });
  const row = await ctx.db.cluster.findUniqueOrThrow({
    where: { id: clusterId },
    include: CLUSTER_DTO_INCLUDE,
  });
  return toClusterDto(row, { withRendered: false, encryptor: ctx.encryptor });
}
