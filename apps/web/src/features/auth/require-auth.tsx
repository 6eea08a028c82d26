import { Center, Container } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Navigate, Outlet, useLocation } from 'react-router';

import { ErrorAlert } from '../../components/ui/error-alert.js';
import { PageSkeleton } from '../../components/ui/page-skeleton.js';
import { isApiError } from '../../lib/api-client.js';
import { authQueries } from './auth.api.js';
import { signInPath } from './sign-in-path.js';

/** Routes below need a signed-in user; others go to the sign-in page and come back after. */
export function RequireAuth() {
  const location = useLocation();
  const me = useQuery(authQueries.me());
  if (me.isPending) {
    return (
      <Container size="md" py="xl">
        <PageSkeleton />
      </Container>
    );
  }
  if (me.isError) {
    if (isApiError(me.error) && me.error.status === 401) {
      const reason = me.error.code === 'session_expired' ? 'session_expired' : undefined;
      return <Navigate replace to={signInPath(`${location.pathname}${location.search}`, reason)} />;
    }
    return (
      <Center p="xl">
        <ErrorAlert error={me.error} onRetry={() => void me.refetch()} />
      </Center>
    );
  }
  return <Outlet />;
}
