import { grants } from '@commander/contracts';

import type { ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { decryptSecretValues } from '../security/secret-values.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';
import { CLUSTER_DTO_INCLUDE, type ClusterRow } from './cluster-dto.js';

/** Loads a cluster row of the current workspace. @throws AppError not_found */
export async function loadCluster(
  ctx: ServiceContext,
  id: string,
  includeArchived = false,
): Promise<ClusterRow> {
  const workspace = requireWorkspace(ctx);
  const row = await ctx.db.cluster.findFirst({
    where: { id, workspaceId: workspace.id, ...(includeArchived ? {} : { archivedAt: null }) },
    include: CLUSTER_DTO_INCLUDE,
  });
  if (!row) {
    throw notFound('Cluster', id);
  }
  return row;
}

/** Decrypted password values of a cluster (empty when it has none). */
export function readSecretValues(
  ctx: ServiceContext,
  message: string | null,
): Record<string, unknown> {
  return decryptSecretValues(ctx.encryptor, message);
}

/** Refuses to reveal secrets to a caller without clusters:secrets:read. @throws AppError forbidden */
export function assertMayReveal(ctx: ServiceContext, reveal: boolean | undefined): void {
  if (reveal && !grants(ctx.permissions, 'clusters:secrets:read')) {
    throw new AppError(
      'forbidden',
      'Revealing secret values needs the clusters:secrets:read permission',
    );
  }
}
