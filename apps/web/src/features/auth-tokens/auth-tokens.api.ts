import {
  AuthTokenSchema,
  type CreateAuthTokenBody,
  CreatedAuthTokenSchema,
} from '@commander/contracts';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { api } from '../../lib/api-client.js';
import { workspaceQueries } from '../workspaces/workspaces.api.js';

/**
 * Tokens of a workspace (by slug), or global tokens (`null`: asked without X-Workspace, which
 * needs global_tokens:*). Global tokens manage workspaces, users and roles, not what is inside.
 */
export type TokenScopeKey = string | null;

export const authTokenQueries = {
  all: (slug: TokenScopeKey) =>
    slug === null
      ? (['global', 'auth-tokens'] as const)
      : ([...workspaceQueries.scope(slug), 'auth-tokens'] as const),
  /** The API tokens, newest first. */
  list: (slug: TokenScopeKey) =>
    queryOptions({
      queryKey: [...authTokenQueries.all(slug), 'list'] as const,
      queryFn: ({ signal }) =>
        api.list('/auth_tokens', { schema: AuthTokenSchema, workspace: slug ?? undefined, signal }),
    }),
};

/** Issues a token; the response carries the token value, shown once. */
export function useCreateAuthToken(slug: TokenScopeKey) {
  const queryClient = useQueryClient();
  const { t } = useTranslation();
  return useMutation({
    mutationFn: (body: CreateAuthTokenBody) =>
      api.post('/auth_tokens', {
        body,
        schema: CreatedAuthTokenSchema,
        workspace: slug ?? undefined,
      }),
    meta: { successMessage: t('tokens.created'), notifyError: false },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: authTokenQueries.all(slug) }),
  });
}

export function useRevokeAuthToken(slug: TokenScopeKey) {
  const queryClient = useQueryClient();
  const { t } = useTranslation();
  return useMutation({
    mutationFn: (tokenId: string) =>
      api.delete(`/auth_tokens/${tokenId}`, {
        schema: AuthTokenSchema,
        workspace: slug ?? undefined,
      }),
    meta: { successMessage: t('tokens.revoked'), errorTitle: t('tokens.revokeFailed') },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: authTokenQueries.all(slug) }),
  });
}
