import { Center, Container } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import {
  createBrowserRouter,
  Navigate,
  Outlet,
  type RouteObject,
  useRouteError,
} from 'react-router';

import { ErrorAlert } from '../components/ui/error-alert.js';
import {
  ClusterAuditTab,
  GlobalAuditPage,
  WorkspaceAuditPage,
} from '../features/audit/pages/audit-pages.js';
import { AuthRedirector } from '../features/auth/auth-redirector.js';
import { SignInPage } from '../features/auth/pages/sign-in-page.js';
import { RequireAuth } from '../features/auth/require-auth.js';
import { ApiTokensPage } from '../features/auth-tokens/pages/api-tokens-page.js';
import { TemplateClustersTab } from '../features/cluster-templates/pages/template-clusters-tab.js';
import { TemplatePage } from '../features/cluster-templates/pages/template-page.js';
import { TemplateVersionsTab } from '../features/cluster-templates/pages/template-versions-tab.js';
import { TemplatesPage } from '../features/cluster-templates/pages/templates-page.js';
import { ClusterOperationsTab } from '../features/clusters/pages/cluster-operations-tab.js';
import { ClusterOverviewTab } from '../features/clusters/pages/cluster-overview-tab.js';
import { ClusterPage } from '../features/clusters/pages/cluster-page.js';
import { ClustersPage } from '../features/clusters/pages/clusters-page.js';
import { AdminLayout } from '../features/identity/pages/admin-layout.js';
import { GlobalTokensPage } from '../features/identity/pages/global-tokens-page.js';
import { MembersPage } from '../features/identity/pages/members-page.js';
import { RolesPage } from '../features/identity/pages/roles-page.js';
import { UserPage } from '../features/identity/pages/user-page.js';
import { UsersPage } from '../features/identity/pages/users-page.js';
import { WorkspacesAdminPage } from '../features/identity/pages/workspaces-admin-page.js';
import { ClusterSettingsTab } from '../features/lifecycle/pages/cluster-settings-tab.js';
import { ClusterResourcesTab } from '../features/resources/pages/cluster-resources-tab.js';
import { StartPage } from '../features/workspaces/pages/start-page.js';
import { WorkspaceLayout } from '../features/workspaces/workspace-layout.js';
import { AppLayout } from './layout/app-layout.js';
import { NotFoundPage } from './not-found-page.js';

function RootLayout() {
  return (
    <>
      <AuthRedirector />
      <Outlet />
    </>
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

// Pages that render templates in the browser (@commander/renderer and the Go template engine,
// a large part of the bundle) are loaded on first use.

/**
 * The app's routes. Workspace pages live under `/w/:slug`; the cluster's tabs are paths
 * (`/operations`, `/operations/:operationId`) so every view can be shared.
 */
export const routes: RouteObject[] = [
  {
    element: <RootLayout />,
    errorElement: <RouteError />,
    children: [
      { path: '/sign-in', element: <SignInPage /> },
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
                    lazy: async () => ({
                      Component: (await import('../features/clusters/pages/create-cluster-page.js'))
                        .CreateClusterPage,
                    }),
                  },
                  {
                    path: 'clusters/:clusterId',
                    element: <ClusterPage />,
                    children: [
                      { index: true, element: <ClusterOverviewTab /> },
                      { path: 'operations', element: <ClusterOperationsTab /> },
                      { path: 'operations/:operationId', element: <ClusterOperationsTab /> },
                      {
                        path: 'configuration',
                        lazy: async () => ({
                          Component: (
                            await import('../features/cluster-configuration/pages/cluster-configuration-tab.js')
                          ).ClusterConfigurationTab,
                        }),
                      },
                      { path: 'resources', element: <ClusterResourcesTab /> },
                      { path: 'audit', element: <ClusterAuditTab /> },
                      { path: 'settings', element: <ClusterSettingsTab /> },
                    ],
                  },
                  { path: 'templates', element: <TemplatesPage /> },
                  {
                    path: 'templates/:templateId',
                    element: <TemplatePage />,
                    children: [
                      { index: true, element: <Navigate to="versions" replace /> },
                      { path: 'versions', element: <TemplateVersionsTab /> },
                      {
                        path: 'editor',
                        lazy: async () => ({
                          Component: (
                            await import('../features/cluster-templates/pages/template-editor-tab.js')
                          ).TemplateEditorTab,
                        }),
                      },
                      { path: 'clusters', element: <TemplateClustersTab /> },
                    ],
                  },
                  {
                    path: 'inventory',
                    lazy: async () => ({
                      Component: (await import('../features/inventory/pages/inventory-page.js'))
                        .InventoryPage,
                    }),
                  },
                  {
                    path: 'inventory/:catalogId',
                    lazy: async () => ({
                      Component: (await import('../features/inventory/pages/catalog-page.js'))
                        .CatalogPage,
                    }),
                  },
                  {
                    path: 'registries',
                    lazy: async () => ({
                      Component: (await import('../features/registries/pages/registries-page.js'))
                        .RegistriesPage,
                    }),
                  },
                  { path: 'settings/tokens', element: <ApiTokensPage /> },
                  { path: 'settings/members', element: <MembersPage /> },
                  { path: 'audit', element: <WorkspaceAuditPage /> },
                ],
              },
              {
                path: 'settings',
                element: <AdminLayout />,
                children: [
                  { path: 'users', element: <UsersPage /> },
                  { path: 'users/:userId', element: <UserPage /> },
                  { path: 'roles', element: <RolesPage /> },
                  { path: 'tokens', element: <GlobalTokensPage /> },
                  { path: 'workspaces', element: <WorkspacesAdminPage /> },
                  { path: 'audit', element: <GlobalAuditPage /> },
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
