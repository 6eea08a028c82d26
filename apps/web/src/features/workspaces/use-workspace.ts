import { useQuery } from '@tanstack/react-query';
import { useMatch } from 'react-router';

import { authQueries } from '../auth/auth.api.js';

/** Slug of the workspace in the URL (`/w/:slug/...`), or null outside a workspace. */
export function useWorkspaceSlug(): string | null {
  const match = useMatch('/w/:slug/*');
  return match?.params.slug ?? null;
}

/** Slug of the current workspace; only for components rendered inside `/w/:slug`. */
export function useRequiredWorkspaceSlug(): string {
  const slug = useWorkspaceSlug();
  if (slug === null) {
    throw new Error('useRequiredWorkspaceSlug() used outside /w/:slug');
  }
  return slug;
}

/** The current workspace as the caller's session describes it (name, permissions). */
export function useCurrentWorkspace() {
  const slug = useWorkspaceSlug();
  const me = useQuery(authQueries.me());
  return { slug, workspace: me.data?.workspaces.find((w) => w.slug === slug) ?? null, me: me.data };
}

/** `/?all=1`: the start page even with a single workspace (the switcher's "All workspaces"). */
export const ALL_WORKSPACES_PATH = '/?all=1';
