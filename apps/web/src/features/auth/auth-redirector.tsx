import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useLocation, useNavigate } from 'react-router';

import { onUnauthorized, setCsrfToken } from '../../lib/api-client.js';
import { authQueries } from './auth.api.js';
import { signInPath } from './sign-in-path.js';

/**
 * When any request of a signed-in user answers 401 (the session expired or was revoked), go to
 * the sign-in page, say why, and come back to this page afterwards.
 */
export function AuthRedirector() {
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const here = `${location.pathname}${location.search}`;

  useEffect(
    () =>
      onUnauthorized((code) => {
        const meKey = authQueries.me().queryKey;
        // Before the first successful /auth/me, RequireAuth handles the redirect itself.
        if (queryClient.getQueryData(meKey) === undefined || here.startsWith('/sign-in')) {
          return;
        }
        setCsrfToken(null);
        void navigate(
          signInPath(here, code === 'session_expired' ? 'session_expired' : 'signed_out'),
          { replace: true },
        );
        // Forget the user once the protected pages have unmounted (they would refetch it).
        setTimeout(() => queryClient.removeQueries({ queryKey: meKey }), 0);
      }),
    [navigate, queryClient, here],
  );
  return null;
}
