import {
  AuthTokenSchema,
  type CreateAuthTokenBody,
  CreatedAuthTokenSchema,
} from '@commander/contracts';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { api } from '../../lib/api-client.js';
import { workspaceQueries } from '../workspaces/workspaces.api.js';

export const authTokenQueries = {
  all: (slug: string) => [...workspaceQueries.scope(slug), 'auth-tokens'] as const,
  /** The workspace's API tokens, newest first. */
  list: (slug: string) =>
    queryOptions({
      queryKey: [...authTokenQueries.all(slug), 'list'] as const,
      queryFn: ({ signal }) =>
        api.list('/auth_tokens', { schema: AuthTokenSchema, workspace: slug, signal }),
    }),
};

/** Issues a workspace token; the response carries the token value, shown once. */
export function useCreateAuthToken(slug: string) {
  const queryClient = useQueryClient();
  const { t } = useTranslation();
  return useMutation({
    mutationFn: (body: CreateAuthTokenBody) =>
      api.post('/auth_tokens', { body, schema: CreatedAuthTokenSchema, workspace: slug }),
    meta: { successMessage: t('tokens.created'), notifyError: false },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: authTokenQueries.all(slug) }),
  });
}

export function useRevokeAuthToken(slug: string) {
  const queryClient = useQueryClient();
  const { t } = useTranslation();
  return useMutation({
    mutationFn: (tokenId: string) =>
      api.delete(`/auth_tokens/${tokenId}`, { schema: AuthTokenSchema, workspace: slug }),
    meta: { successMessage: t('tokens.revoked'), errorTitle: t('tokens.revokeFailed') },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: authTokenQueries.all(slug) }),
  });
}
