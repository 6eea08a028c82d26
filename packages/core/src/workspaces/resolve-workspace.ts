import type { Db } from '@commander/db';

import type { WorkspaceRef } from '../context.js';
import { AppError } from '../errors.js';

/** The workspace every user call works in when it names none. */
export const DEFAULT_WORKSPACE_SLUG = 'default';

/**
 * Workspaces by slug kept in process (the API's principal cache); `undefined` = not cached.
 * `generation` guards against storing an answer read before an invalidation.
 */
export type WorkspaceSlugCache = {
  readonly generation: number;
  workspaceBySlug: (slug: string) => WorkspaceRef | null | undefined;
  setWorkspace: (slug: string, workspace: WorkspaceRef | null, generation: number) => void;
};

/**
 * The workspace of a user's call: the one named (the X-Workspace header's slug; 404 when no
 * live workspace has it) or, when none is named, the `default` workspace if it exists (null
 * otherwise: a global call). From the cache when given.
 */
export async function resolveWorkspace(
  db: Db,
  named: string | null | undefined,
  cache: WorkspaceSlugCache | null = null,
): Promise<WorkspaceRef | null> {
  const isNamed = typeof named === 'string' && named.length > 0;
  const slug = isNamed ? named : DEFAULT_WORKSPACE_SLUG;
  let ws = cache?.workspaceBySlug(slug);
  if (ws === undefined) {
    const generation = cache?.generation ?? 0;
    ws = await db.workspace.findFirst({
      where: { slug, archivedAt: null },
      select: { id: true, slug: true },
    });
    cache?.setWorkspace(slug, ws, generation);
  }
  if (!ws && isNamed) {
    throw new AppError('not_found', `Workspace ${slug} not found`);
  }
  return ws;
}

/** A workspace token's own workspace (null for a global token). */
export async function tokenWorkspace(
  db: Db,
  workspaceId: string | null,
): Promise<WorkspaceRef | null> {
  if (workspaceId === null) {
    return null;
  }
  return db.workspace.findUnique({ where: { id: workspaceId }, select: { id: true, slug: true } });
}
