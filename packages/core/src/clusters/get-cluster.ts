import type { Cluster } from '@commander/contracts';
import { hotClusters } from '@commander/db';

import { toClusterDto } from '../cluster-state/cluster-dto.js';
import { assertMayReveal, loadCluster, readSecretValues } from '../cluster-state/load-cluster.js';
import type { ServiceContext } from '../context.js';
import { notFound } from '../errors.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';

export type GetClusterOptions = {
  /**
   * Show password values and the real rendered configurations; needs clusters:secrets:read.
   * Otherwise the public renders (secrets as placeholders) are shown.
   */
  reveal?: boolean;
  /** Also find archived (deleted or detached) clusters. */
  includeArchived?: boolean;
};

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
