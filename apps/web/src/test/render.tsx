import type { Me } from '@commander/contracts';
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, type RenderResult } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { createMemoryRouter, type RouteObject, RouterProvider } from 'react-router';

import { theme } from '../app/theme.js';
import { authQueries } from '../features/auth/auth.api.js';
import { meFixture } from './fixtures.js';
import { createI18n } from './i18n.js';

export type RenderOptions = {
  /** Routes to mount; the element under test is usually one route of them. */
  routes: RouteObject[];
  /** Where the memory router starts. */
  path: string;
  queryClient?: QueryClient;
  /** The signed-in caller, cached as if /auth/me had answered (null: nobody). */
  me?: Me | null;
};

/** A fresh QueryClient per test, without retries (TanStack's testing guide). */
export function testQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, gcTime: Number.POSITIVE_INFINITY },
      mutations: { retry: false },
    },
  });
}

/** Renders routes inside the app's providers (English, light theme) at `path`. */
export function renderRoutes({
  routes,
  path,
  queryClient = testQueryClient(),
  me = meFixture(),
}: RenderOptions): RenderResult & {
  router: ReturnType<typeof createMemoryRouter>;
  queryClient: QueryClient;
} {
  if (me !== null) {
    queryClient.setQueryData(authQueries.me().queryKey, me);
  }
  const i18n = createI18n('en');
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const result = render(
    <I18nextProvider i18n={i18n}>
      <MantineProvider theme={theme} defaultColorScheme="light">
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </MantineProvider>
    </I18nextProvider>,
  );
  return { ...result, router, queryClient };
}

/** Renders one element at `/` (for views that need no particular route). */
export function renderWithProviders(
  element: React.ReactElement,
  path = '/',
  options: Pick<RenderOptions, 'queryClient'> = {},
) {
  return renderRoutes({ routes: [{ path: '*', element }], path, ...options });
}
