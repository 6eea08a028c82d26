import {
  AuthProvidersSchema,
  type LoginBody,
  LogoutResultSchema,
  type Me,
  MeSchema,
} from '@commander/contracts';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';

import { api, setCsrfToken } from '../../lib/api-client.js';

export const authQueries = {
  all: () => ['auth'] as const,
  /** The signed-in caller with workspaces, permissions and the CSRF token. */
  me: () =>
    queryOptions({
      queryKey: [...authQueries.all(), 'me'] as const,
      queryFn: async ({ signal }) => {
        const me = await api.get('/auth/me', { schema: MeSchema, signal });
        setCsrfToken(me.csrf_token);
        return me;
      },
      staleTime: 5 * 60_000,
    }),
  /** How one may sign in (public): password, and the OpenID providers' buttons. */
  providers: () =>
    queryOptions({
      queryKey: [...authQueries.all(), 'providers'] as const,
      queryFn: ({ signal }) =>
        api.get('/auth/providers', {
          schema: AuthProvidersSchema,
          signal,
          redirectOnUnauthorized: false,
        }),
      staleTime: 5 * 60_000,
    }),
};

/** Signs in; the form shows failures itself (wrong password, rate limit). */
export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginBody) =>
      api.post('/auth/login', { body, schema: MeSchema, redirectOnUnauthorized: false }),
    meta: { notifyError: false },
    onSuccess: (me: Me) => {
      setCsrfToken(me.csrf_token);
      // Nothing cached for a previous user may survive a sign-in.
      queryClient.clear();
      queryClient.setQueryData(authQueries.me().queryKey, me);
    },
  });
}

/**
 * Signs out and forgets everything cached. A session from an identity provider ends there too:
 * the browser goes to the provider's logout page (RP-initiated logout), which returns to
 * /sign-in.
 */
export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post('/auth/logout', { schema: LogoutResultSchema }),
    onSuccess: (result) => {
      if (result.logout_url) {
        window.location.assign(result.logout_url);
      }
    },
    onSettled: () => {
      setCsrfToken(null);
      queryClient.clear();
    },
  });
}
