import { Button, EmptyState, Stack, Tabs } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import {
  IconAdjustments,
  IconHistory,
  IconLayoutDashboard,
  IconListDetails,
  IconPackages,
  IconServerOff,
  IconSettings,
  IconTerminal2,
} from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate, useParams } from 'react-router';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { PageSkeleton } from '../../../components/ui/page-skeleton.js';
import { isApiError } from '../../../lib/api-client.js';
import { canInWorkspace } from '../../auth/permissions.js';
import { clusterQueries } from '../../cluster-shared/clusters.api.js';
import { clusterTemplateQueries } from '../../cluster-templates/cluster-templates.api.js';
import { useCurrentWorkspace, useRequiredWorkspaceSlug } from '../../workspaces/use-workspace.js';
import { workspaceQueries } from '../../workspaces/workspaces.api.js';
import type { ClusterOutletContext } from '../cluster-context.js';
import { ClusterHeader } from '../components/cluster-header.js';

/** Path segments of the cluster's tabs (Overview is the cluster's own path). */
const CLUSTER_TABS = [
  'overview',
  'configuration',
  'operations',
  'resources',
  'administration',
  'audit',
  'settings',
] as const;

/** A cluster: header, tabs in the URL (`/operations`), and the tab below. */
export function ClusterPage() {
  const { t } = useTranslation();
  const slug = useRequiredWorkspaceSlug();
  const { clusterId = '' } = useParams();
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const detail = useQuery(clusterQueries.detail(slug, clusterId));
  const templates = useQuery(clusterTemplateQueries.list(slug));
  const { me } = useCurrentWorkspace();

  // The cluster existed on this page and now answers 404: its deletion has finished.
  const wasDeleted = isApiError(detail.error, 'not_found') && detail.data !== undefined;
  const deletedName = detail.data?.name;
  // A detach also ends in 404 (the cluster is archived), after a detach operation.
  const wasDetached = detail.data?.last_operation?.kind === 'detach';
  useEffect(() => {
    if (!wasDeleted) {
      return;
    }
    notifications.show({
      color: 'teal',
      message: wasDetached
        ? t('lifecycle.detach.done', { name: deletedName })
        : t('clusters.delete.done', { name: deletedName }),
    });
    void queryClient.invalidateQueries({ queryKey: clusterQueries.lists(slug) });
    void queryClient.invalidateQueries({ queryKey: workspaceQueries.list().queryKey });
    queryClient.removeQueries({ queryKey: clusterQueries.one(slug, clusterId) });
    void navigate(`/w/${slug}/clusters`, { replace: true });
  }, [wasDeleted, wasDetached, deletedName, slug, clusterId, navigate, queryClient, t]);

  if (detail.isPending || wasDeleted) {
    return <PageSkeleton />;
  }
  if (detail.isError && detail.data === undefined) {
    if (isApiError(detail.error, 'not_found')) {
      return (
        <EmptyState
          icon={<IconServerOff size={32} aria-hidden />}
          title={t('clusters.notFoundTitle')}
          description={t('clusters.notFoundDescription')}
        >
          <EmptyState.Actions>
            <Button component={Link} to={`/w/${slug}/clusters`} variant="default">
              {t('clusters.backToList')}
            </Button>
          </EmptyState.Actions>
        </EmptyState>
      );
    }
    return <ErrorAlert error={detail.error} onRetry={() => void detail.refetch()} />;
  }
  const cluster = detail.data;
  if (!cluster) {
    return <PageSkeleton />;
  }
  const base = `/w/${slug}/clusters/${cluster.id}`;
  // The tab is the first path segment after the cluster (`/operations/:id` → operations).
  const segment = location.pathname.slice(base.length).split('/')[1] ?? '';
  const tab = (CLUSTER_TABS as readonly string[]).includes(segment) ? segment : 'overview';
  const context: ClusterOutletContext = { slug, cluster };
  // The Administration tab (the cluster's Kubernetes API) is offered to who may read it.
  const canAdminister = canInWorkspace(me, slug, 'clusters:admin:read');

  return (
    <Stack gap="md">
      {/* Deleting lives in the Settings tab's danger zone, not in every tab's header. */}
      <ClusterHeader
        cluster={cluster}
        templates={templates.data?.items}
        breadcrumbs={[
          { label: t('clusters.title'), to: `/w/${slug}/clusters` },
          { label: cluster.name },
        ]}
      />
      <Tabs
        value={tab}
        onChange={(value) =>
          void navigate(value === null || value === 'overview' ? base : `${base}/${value}`)
        }
      >
        <Tabs.List>
          <Tabs.Tab value="overview" leftSection={<IconLayoutDashboard size={16} aria-hidden />}>
            {t('clusters.tabs.overview')}
          </Tabs.Tab>
          <Tabs.Tab value="configuration" leftSection={<IconAdjustments size={16} aria-hidden />}>
            {t('clusterConfig.title')}
          </Tabs.Tab>
          <Tabs.Tab value="operations" leftSection={<IconListDetails size={16} aria-hidden />}>
            {t('clusters.tabs.operations')}
          </Tabs.Tab>
          <Tabs.Tab value="resources" leftSection={<IconPackages size={16} aria-hidden />}>
            {t('clusterTabs.resources')}
          </Tabs.Tab>
          {canAdminister && (
            <Tabs.Tab value="administration" leftSection={<IconTerminal2 size={16} aria-hidden />}>
              {t('administration.tab')}
            </Tabs.Tab>
          )}
          <Tabs.Tab value="audit" leftSection={<IconHistory size={16} aria-hidden />}>
            {t('clusterTabs.audit')}
          </Tabs.Tab>
          <Tabs.Tab value="settings" leftSection={<IconSettings size={16} aria-hidden />}>
            {t('clusterTabs.settings')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value={tab} pt="md">
          <Outlet context={context} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
