import type { ClusterTemplate } from '@commander/contracts';
import { Badge, Button, EmptyState, Stack, Tabs } from '@mantine/core';
import {
  IconArchive,
  IconCode,
  IconHistory,
  IconRestore,
  IconServer2,
  IconTemplateOff,
} from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate, useOutletContext, useParams } from 'react-router';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { PageHeader } from '../../../components/ui/page-header.js';
import { PageSkeleton } from '../../../components/ui/page-skeleton.js';
import { isApiError } from '../../../lib/api-client.js';
import { canInWorkspace } from '../../auth/permissions.js';
import { useCurrentWorkspace, useRequiredWorkspaceSlug } from '../../workspaces/use-workspace.js';
import { clusterTemplateQueries, useRestoreTemplate } from '../cluster-templates.api.js';

/** What the template page hands to its tabs. */
export type TemplateOutletContext = { slug: string; template: ClusterTemplate; canWrite: boolean };

export function useTemplateContext(): TemplateOutletContext {
  return useOutletContext<TemplateOutletContext>();
}

const TABS = ['versions', 'editor', 'clusters'] as const;
type Tab = (typeof TABS)[number];

/** A template: its versions, the editor of a new version and its clusters, as tabs in the URL. */
export function TemplatePage() {
  const { t } = useTranslation();
  const slug = useRequiredWorkspaceSlug();
  const { templateId = '' } = useParams();
  const { me } = useCurrentWorkspace();
  const navigate = useNavigate();
  const location = useLocation();
  const detail = useQuery(clusterTemplateQueries.detail(slug, templateId));
  const restore = useRestoreTemplate(slug);

  if (detail.isPending) {
    return <PageSkeleton />;
  }
  if (detail.isError) {
    if (isApiError(detail.error, 'not_found')) {
      return (
        <EmptyState
          icon={<IconTemplateOff size={32} aria-hidden />}
          title={t('tpl.page.notFoundTitle')}
          description={t('tpl.page.notFoundDescription')}
        >
          <EmptyState.Actions>
            <Button component={Link} to={`/w/${slug}/templates`} variant="default">
              {t('tpl.page.backToList')}
            </Button>
          </EmptyState.Actions>
        </EmptyState>
      );
    }
    return <ErrorAlert error={detail.error} onRetry={() => void detail.refetch()} />;
  }
  const template = detail.data;
  const base = `/w/${slug}/templates/${template.id}`;
  const tab: Tab =
    TABS.find((name) => location.pathname.startsWith(`${base}/${name}`)) ?? 'versions';
  const archived = template.archived_at !== null;
  const canWrite =
    canInWorkspace(me, slug, 'cluster_templates:write') && !archived && !template.immutable;
  const context: TemplateOutletContext = { slug, template, canWrite };

  return (
    <Stack gap="md">
      <PageHeader
        breadcrumbs={[
          { label: t('templates.title'), to: `/w/${slug}/templates` },
          { label: template.name },
        ]}
        title={template.name}
        badges={
          (archived || template.immutable) && (
            <>
              {archived && (
                <Badge
                  color="gray"
                  variant="light"
                  tt="none"
                  leftSection={<IconArchive size={12} aria-hidden />}
                >
                  {t('tpl.list.archived')}
                </Badge>
              )}
              {archived && canInWorkspace(me, slug, 'cluster_templates:write') && (
                <Button
                  size="xs"
                  variant="light"
                  leftSection={<IconRestore size={14} aria-hidden />}
                  loading={restore.isPending}
                  onClick={() => restore.mutate(template.id)}
                >
                  {t('tpl.restore.button')}
                </Button>
              )}
              {template.immutable && (
                <Badge variant="outline" color="gray" tt="none">
                  {t('templates.immutable')}
                </Badge>
              )}
            </>
          )
        }
        subtitle={template.comment || undefined}
      />
      <Tabs value={tab} onChange={(value) => void navigate(`${base}/${value ?? 'versions'}`)}>
        <Tabs.List>
          <Tabs.Tab value="versions" leftSection={<IconHistory size={16} aria-hidden />}>
            {t('tpl.tabs.versions')}
          </Tabs.Tab>
          <Tabs.Tab value="editor" leftSection={<IconCode size={16} aria-hidden />}>
            {t('tpl.tabs.editor')}
          </Tabs.Tab>
          <Tabs.Tab
            value="clusters"
            leftSection={<IconServer2 size={16} aria-hidden />}
            rightSection={
              <Badge size="sm" variant="light" color="gray" aria-hidden>
                {template.clusters_count}
              </Badge>
            }
          >
            {t('tpl.tabs.clusters')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value={tab} pt="md">
          <Outlet context={context} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
