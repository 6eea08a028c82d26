import { type CreateWorkspaceBody, WorkspaceSchema } from '@commander/contracts';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { api } from '../../lib/api-client.js';
import { authQueries } from '../auth/auth.api.js';

export const workspaceQueries = {
  /** Prefix of everything cached about workspaces (and, below it, inside one). */
  all: () => ['workspaces'] as const,
  /** Prefix of everything cached inside one workspace. */
  scope: (slug: string) => [...workspaceQueries.all(), 'scope', slug] as const,
  /** Workspaces the caller sees, with cluster counts by status. */
  list: () =>
    queryOptions({
      queryKey: [...workspaceQueries.all(), 'list'] as const,
      queryFn: ({ signal }) =>
        api.list('/workspaces', {
          schema: WorkspaceSchema,
          query: { without_archived: true },
          signal,
        }),
    }),
};

export function useCreateWorkspace() {
  const queryClient = useQueryClient();
  const { t } = useTranslation();
  return useMutation({
    mutationFn: (body: CreateWorkspaceBody) =>
      api.post('/workspaces', { body, schema: WorkspaceSchema }),
    meta: { successMessage: t('workspaces.created'), notifyError: false },
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: workspaceQueries.list().queryKey }),
        // The new workspace appears in the caller's workspace list and permissions.
        queryClient.invalidateQueries({ queryKey: authQueries.me().queryKey }),
      ]);
    },
  });
}
