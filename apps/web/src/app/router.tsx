import { Center, Container, Loader } from '@mantine/core';
import type { ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import {
  createBrowserRouter,
  Navigate,
  Outlet,
  type RouteObject,
  useRouteError,
} from 'react-router';

import { ErrorAlert } from '../components/ui/error-alert.js';
import { AuthRedirector } from '../features/auth/auth-redirector.js';
import { RequireAuth } from '../features/auth/require-auth.js';
import { ClustersPage } from '../features/clusters/pages/clusters-page.js';
import { StartPage } from '../features/home/pages/start-page.js';
import { AppLayout } from './layout/app-layout.js';
import { WorkspaceLayout } from './layout/workspace-layout.js';
import { NotFoundPage } from './not-found-page.js';

function RootLayout() {
  return (
    <>
      <AuthRedirector />
      <Outlet />
    </>
  );
}

/** Shown while the first page's module loads (a deep link into a lazy page). */
function PageLoading() {
  return (
    <Center h="100vh">
      <Loader size="sm" />
    </Center>
  );
}

function RouteError() {
  const { t } = useTranslation();
  const error = useRouteError();
  return (
    <Container size="sm" py="xl">
      <Center>
        <ErrorAlert
          title={t('errors.unexpected')}
          error={error instanceof Error ? error : new Error(String(error))}
        />
      </Center>
    </Container>
  );
}

/**
 * A route whose page module loads on first use. The first screen (the start page, the cluster
 * list) is in the entry chunk; every other page (sign-in too), and with them the template renderer,
 * the YAML and chart libraries, loads when it is opened, so the cluster list starts sooner.
 */
function page<M extends Record<string, unknown>>(
  load: () => Promise<M>,
  name: keyof M & string,
): NonNullable<RouteObject['lazy']> {
  return async () => ({ Component: (await load())[name] as ComponentType });
}

/**
 * The app's routes. Workspace pages live under `/w/:slug`; the cluster's tabs are paths
 * (`/operations`, `/operations/:operationId`) so every view can be shared.
 */
export const routes: RouteObject[] = [
  {
    element: <RootLayout />,
    errorElement: <RouteError />,
    HydrateFallback: PageLoading,
    children: [
      // Lazy too: the sign-in form (and the form library) is not the cluster list's script.
      {
        path: '/sign-in',
        lazy: page(() => import('../features/auth/pages/sign-in-page.js'), 'SignInPage'),
      },
      {
        element: <RequireAuth />,
        children: [
          {
            element: <AppLayout />,
            errorElement: <RouteError />,
            children: [
              { index: true, element: <StartPage /> },
              {
                path: 'w/:slug',
                element: <WorkspaceLayout />,
                children: [
                  { index: true, element: <Navigate to="clusters" replace /> },
                  { path: 'clusters', element: <ClustersPage /> },
                  {
                    path: 'clusters/new',
                    lazy: page(
                      () => import('../features/clusters/pages/create-cluster-page.js'),
                      'CreateClusterPage',
                    ),
                  },
                  {
                    path: 'clusters/:clusterId',
                    lazy: page(
                      () => import('../features/clusters/pages/cluster-page.js'),
                      'ClusterPage',
                    ),
                    children: [
                      {
                        index: true,
                        lazy: page(
                          () => import('../features/clusters/pages/cluster-overview-tab.js'),
                          'ClusterOverviewTab',
                        ),
                      },
                      {
                        path: 'operations',
                        lazy: page(
                          () => import('../features/clusters/pages/cluster-operations-tab.js'),
                          'ClusterOperationsTab',
                        ),
                      },
                      {
                        path: 'operations/:operationId',
                        lazy: page(
                          () => import('../features/clusters/pages/cluster-operations-tab.js'),
                          'ClusterOperationsTab',
                        ),
                      },
                      {
                        path: 'configuration',
                        lazy: page(
                          () => import('../features/clusters/pages/cluster-configuration-tab.js'),
                          'ClusterConfigurationTab',
                        ),
                      },
                      {
                        path: 'resources',
                        lazy: page(
                          () => import('../features/clusters/pages/cluster-resources-tab.js'),
                          'ClusterResourcesTab',
                        ),
                      },
                      {
                        path: 'administration',
                        lazy: page(
                          () => import('../features/clusters/pages/cluster-administration-tab.js'),
                          'ClusterAdministrationTab',
                        ),
                      },
                      {
                        path: 'audit',
                        lazy: page(
                          () => import('../features/clusters/pages/cluster-audit-tab.js'),
                          'ClusterAuditTab',
                        ),
                      },
                      {
                        path: 'settings',
                        lazy: page(
                          () => import('../features/clusters/pages/cluster-settings-tab.js'),
                          'ClusterSettingsTab',
                        ),
                      },
                    ],
                  },
                  {
                    path: 'templates',
                    lazy: page(
                      () => import('../features/cluster-templates/pages/templates-page.js'),
                      'TemplatesPage',
                    ),
                  },
                  {
                    path: 'templates/:templateId',
                    lazy: page(
                      () => import('../features/cluster-templates/pages/template-page.js'),
                      'TemplatePage',
                    ),
                    children: [
                      { index: true, element: <Navigate to="versions" replace /> },
                      {
                        path: 'versions',
                        lazy: page(
                          () =>
                            import('../features/cluster-templates/pages/template-versions-tab.js'),
                          'TemplateVersionsTab',
                        ),
                      },
                      {
                        path: 'editor',
                        lazy: page(
                          () =>
                            import('../features/cluster-templates/pages/template-editor-tab.js'),
                          'TemplateEditorTab',
                        ),
                      },
                      {
                        path: 'clusters',
                        lazy: page(
                          () =>
                            import('../features/cluster-templates/pages/template-clusters-tab.js'),
                          'TemplateClustersTab',
                        ),
                      },
                    ],
                  },
                  {
                    path: 'inventory',
                    lazy: page(
                      () => import('../features/inventory/pages/inventory-page.js'),
                      'InventoryPage',
                    ),
                  },
                  {
                    path: 'inventory/:catalogId',
                    lazy: page(
                      () => import('../features/inventory/pages/catalog-page.js'),
                      'CatalogPage',
                    ),
                  },
                  {
                    path: 'registries',
                    lazy: page(
                      () => import('../features/registries/pages/registries-page.js'),
                      'RegistriesPage',
                    ),
                  },
                  {
                    path: 'rollouts',
                    lazy: page(
                      () => import('../features/rollouts/pages/rollouts-page.js'),
                      'RolloutsPage',
                    ),
                  },
                  {
                    path: 'rollouts/:rolloutId',
                    lazy: page(
                      () => import('../features/rollouts/pages/rollout-page.js'),
                      'RolloutPage',
                    ),
                  },
                  {
                    path: 'webhooks',
                    lazy: page(
                      () => import('../features/webhooks/pages/webhooks-page.js'),
                      'WebhooksPage',
                    ),
                  },
                  {
                    path: 'webhooks/:webhookId',
                    lazy: page(
                      () => import('../features/webhooks/pages/webhook-page.js'),
                      'WebhookPage',
                    ),
                  },
                  {
                    path: 'settings/tokens',
                    lazy: page(
                      () => import('../features/auth-tokens/pages/api-tokens-page.js'),
                      'ApiTokensPage',
                    ),
                  },
                  {
                    path: 'settings/members',
                    lazy: page(
                      () => import('../features/identity/pages/members-page.js'),
                      'MembersPage',
                    ),
                  },
                  {
                    path: 'audit',
                    lazy: page(
                      () => import('../features/audit/pages/audit-pages.js'),
                      'WorkspaceAuditPage',
                    ),
                  },
                ],
              },
              {
                path: 'settings',
                lazy: page(
                  () => import('../features/identity/pages/admin-layout.js'),
                  'AdminLayout',
                ),
                children: [
                  {
                    path: 'users',
                    lazy: page(
                      () => import('../features/identity/pages/users-page.js'),
                      'UsersPage',
                    ),
                  },
                  {
                    path: 'users/:userId',
                    lazy: page(() => import('../features/identity/pages/user-page.js'), 'UserPage'),
                  },
                  {
                    path: 'groups',
                    lazy: page(
                      () => import('../features/identity/pages/groups-page.js'),
                      'GroupsPage',
                    ),
                  },
                  {
                    path: 'groups/:groupId',
                    lazy: page(
                      () => import('../features/identity/pages/groups-page.js'),
                      'GroupPage',
                    ),
                  },
                  {
                    path: 'roles',
                    lazy: page(
                      () => import('../features/identity/pages/roles-page.js'),
                      'RolesPage',
                    ),
                  },
                  {
                    path: 'tokens',
                    lazy: page(
                      () => import('../features/identity/pages/global-tokens-page.js'),
                      'GlobalTokensPage',
                    ),
                  },
                  {
                    path: 'workspaces',
                    lazy: page(
                      () => import('../features/identity/pages/workspaces-admin-page.js'),
                      'WorkspacesAdminPage',
                    ),
                  },
                  {
                    path: 'audit',
                    lazy: page(
                      () => import('../features/audit/pages/audit-pages.js'),
                      'GlobalAuditPage',
                    ),
                  },
                ],
              },
              { path: '*', element: <NotFoundPage /> },
            ],
          },
        ],
      },
    ],
  },
];

export function createAppRouter() {
  return createBrowserRouter(routes);
}
