import type { Cluster } from '@commander/contracts';
import { grants } from '@commander/contracts';
import { hotClusters } from '@commander/db';

import type { ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';
import { CLUSTER_DTO_INCLUDE, type ClusterRow, toClusterDto } from './cluster-dto.js';

export type GetClusterOptions = {
  /**
   * Show password values and the real rendered configurations; needs clusters:secrets:read.
   * Otherwise the public renders (secrets as placeholders) are shown.
   */
  reveal?: boolean;
  /** Also find archived (deleted or detached) clusters. */
  includeArchived?: boolean;
};

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
  return message === null
    ? {}
    : (JSON.parse(ctx.encryptor.decrypt(message)) as Record<string, unknown>);
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

/**
 * A cluster of the current workspace with its rendered configurations. Archived (deleted,
 * detached) clusters answer not_found unless asked for.
 * @throws AppError not_found; forbidden when revealing secrets without clusters:secrets:read.
 */
export async function getCluster(
  ctx: ServiceContext,
  id: string,
  options: GetClusterOptions = {},
): Promise<Cluster> {
  assertMayReveal(ctx, options.reveal);
  // One prepared statement on the pool; a transaction client takes the Prisma path.
  const hot = hotClusters(ctx.db);
  const row = hot
    ? await hot.clusterById(requireWorkspace(ctx).id, id, options.includeArchived ?? false)
    : await loadCluster(ctx, id, options.includeArchived);
  if (!row) {
    throw notFound('Cluster', id);
  }
  const secrets = readSecretValues(ctx, row.secretValuesEncrypted);
  return toClusterDto(row, {
    withRendered: true,
    encryptor: ctx.encryptor,
    secretKeys: Object.keys(secrets),
    revealedSecrets: options.reveal ? secrets : null,
  });
}
