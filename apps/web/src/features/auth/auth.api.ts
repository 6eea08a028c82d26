import { type LoginBody, type Me, MeSchema } from '@commander/contracts';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

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

/** Signs out and forgets everything cached. */
export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post('/auth/logout', { schema: z.null() }),
    onSettled: () => {
      setCsrfToken(null);
      queryClient.clear();
    },
  });
}
