import { type Registry, RegistrySchema } from '@commander/contracts';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';

import { api } from '../../lib/api-client.js';
import { workspaceQueries } from '../workspaces/workspaces.api.js';

export const registryQueries = {
  all: (slug: string) => [...workspaceQueries.scope(slug), 'registries'] as const,
  list: (slug: string) =>
    queryOptions({
      queryKey: [...registryQueries.all(slug), 'list'] as const,
      queryFn: ({ signal }) =>
        api.list('/registries', { schema: RegistrySchema, workspace: slug, signal }),
    }),
};

/**
 * What the registry form sends. `auth` is write-only: undefined keeps the stored credentials,
 * an empty string removes them, anything else replaces them.
 */
export type RegistryInput = {
  name: string;
  images_repo: string;
  scheme: Registry['scheme'];
  ca: string;
  auth?: string;
  current_revision?: number;
};

function useInvalidate(slug: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: registryQueries.all(slug) });
}

export function useSaveRegistry(slug: string) {
  const { t } = useTranslation();
  const invalidate = useInvalidate(slug);
  return useMutation({
    mutationFn: (input: { id: string | null; body: RegistryInput }) =>
      input.id === null
        ? api.post('/registries', { body: input.body, schema: RegistrySchema, workspace: slug })
        : api.put(`/registries/${input.id}`, {
            body: input.body,
            schema: RegistrySchema,
            workspace: slug,
          }),
    meta: { successMessage: t('registries.saved'), notifyError: false },
    onSuccess: invalidate,
  });
}

export function useDeleteRegistry(slug: string) {
  const { t } = useTranslation();
  const invalidate = useInvalidate(slug);
  return useMutation({
    mutationFn: (id: string) =>
      api.delete(`/registries/${id}`, { schema: z.null(), workspace: slug }),
    meta: { successMessage: t('registries.deleted'), notifyError: false },
    onSuccess: invalidate,
  });
}
