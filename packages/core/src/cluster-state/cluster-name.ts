import { isUniqueViolation } from '@commander/db';

import type { ServiceContext } from '../context.js';
import { AppError } from '../errors.js';

/** `name_taken`: a live (not archived) cluster of the workspace already has this name. */
export function clusterNameTaken(name: string, message?: string): AppError {
  return new AppError(
    'name_taken',
    message ?? `A cluster named "${name}" already exists in this workspace`,
  );
}

/**
 * Throws {@link clusterNameTaken} when a live cluster of the workspace (other than `exceptId`)
 * has this name. The unique index on live names stays the last word under concurrency: see
 * {@link rethrowClusterNameTaken}.
 */
export async function assertClusterNameFree(
  ctx: ServiceContext,
  workspaceId: string,
  name: string,
  options: { exceptId?: string; message?: string } = {},
): Promise<void> {
  const { exceptId, message } = options;
  const clash = await ctx.db.cluster.findFirst({
    where: { workspaceId, name, archiveNumber: 0, ...(exceptId ? { id: { not: exceptId } } : {}) },
    select: { id: true },
  });
  if (clash) {
    throw clusterNameTaken(name, message);
  }
}

/** A unique violation (a concurrent writer took the name) becomes `name_taken`; anything else is rethrown. */
export function rethrowClusterNameTaken(error: unknown, name: string): never {
  if (isUniqueViolation(error)) {
    throw clusterNameTaken(name);
  }
  throw error;
}
