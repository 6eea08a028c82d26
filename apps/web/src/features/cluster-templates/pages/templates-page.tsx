import { type ClusterTemplate, templateDisplay } from '@commander/contracts';
import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  EmptyState,
  Group,
  Menu,
  Stack,
  Switch,
  Table,
  Text,
  VisuallyHidden,
} from '@mantine/core';
import {
  IconArchive,
  IconDots,
  IconDownload,
  IconFileImport,
  IconPlus,
  IconRestore,
  IconTemplate,
} from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { PageHeader } from '../../../components/ui/page-header.js';
import { TableSkeleton } from '../../../components/ui/page-skeleton.js';
import { formatDateTime } from '../../../lib/format.js';
import { canInWorkspace } from '../../auth/permissions.js';
import { useCurrentWorkspace, useRequiredWorkspaceSlug } from '../../workspaces/use-workspace.js';
import {
  clusterTemplateQueries,
  currentVersion,
  useExportTemplate,
  useRestoreTemplate,
} from '../cluster-templates.api.js';
import {
  ArchiveTemplateModal,
  CreateTemplateModal,
  ImportTemplateModal,
} from '../components/template-modals.js';

/** The workspace's cluster templates: create, import, export, archive; archived ones on request. */
export function TemplatesPage() {
  const { t } = useTranslation();
  const slug = useRequiredWorkspaceSlug();
  const { me } = useCurrentWorkspace();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const showArchived = params.get('archived') === 'show';
  const templates = useQuery(clusterTemplateQueries.browse(slug, showArchived));
  const canWrite = canInWorkspace(me, slug, 'cluster_templates:write');
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const [archiving, setArchiving] = useState<ClusterTemplate | null>(null);
  const open = (template: ClusterTemplate, tab = 'versions') =>
    void navigate(`/w/${slug}/templates/${template.id}/${tab}`);

  return (
    <Stack gap="lg">
      <PageHeader
        title={t('templates.title')}
        subtitle={t('templates.subtitle')}
        actions={
          <>
            {canWrite && (
              <Group gap="sm">
                <Button
                  variant="default"
                  leftSection={<IconFileImport size={16} aria-hidden />}
                  onClick={() => setImporting(true)}
                >
                  {t('tpl.import.button')}
                </Button>
                <Button
                  leftSection={<IconPlus size={16} aria-hidden />}
                  onClick={() => setCreating(true)}
                >
                  {t('tpl.create.button')}
                </Button>
              </Group>
            )}
          </>
        }
      />
      <Switch
        label={t('tpl.list.showArchived')}
        checked={showArchived}
        onChange={(event) => {
          const next = new URLSearchParams(params);
          if (event.currentTarget.checked) {
            next.set('archived', 'show');
          } else {
            next.delete('archived');
          }
          setParams(next, { replace: true });
        }}
      />
      {templates.isPending ? (
        <TableSkeleton rows={4} columns={6} />
      ) : templates.isError ? (
        <ErrorAlert error={templates.error} onRetry={() => void templates.refetch()} />
      ) : (
        <TemplateListView
          slug={slug}
          templates={templates.data.items}
          canWrite={canWrite}
          onArchive={setArchiving}
        />
      )}
      <CreateTemplateModal
        slug={slug}
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(template) => open(template, 'editor')}
      />
      <ImportTemplateModal
        slug={slug}
        opened={importing}
        onClose={() => setImporting(false)}
        onImported={(template) => open(template)}
      />
      <ArchiveTemplateModal slug={slug} template={archiving} onClose={() => setArchiving(null)} />
    </Stack>
  );
}

export type TemplateListViewProps = {
  slug: string;
  templates: ClusterTemplate[];
  canWrite: boolean;
  onArchive: (template: ClusterTemplate) => void;
};

/** Templates as a table: name (link), comment, current version, clusters, state, actions. */
export function TemplateListView({ slug, templates, canWrite, onArchive }: TemplateListViewProps) {
  const { t, i18n } = useTranslation();
  const exportTemplate = useExportTemplate(slug);
  const restore = useRestoreTemplate(slug);
  if (templates.length === 0) {
    return (
      <EmptyState
        icon={<IconTemplate size={32} aria-hidden />}
        title={t('templates.emptyTitle')}
        description={canWrite ? t('tpl.list.emptyWrite') : t('templates.emptyDescription')}
      />
    );
  }
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table verticalSpacing="sm" highlightOnHover aria-label={t('tpl.list.table')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('tpl.list.columns.name')}</Table.Th>
            <Table.Th scope="col">{t('tpl.list.columns.comment')}</Table.Th>
            <Table.Th scope="col">{t('tpl.list.columns.version')}</Table.Th>
            <Table.Th scope="col">{t('tpl.list.columns.clusters')}</Table.Th>
            <Table.Th scope="col">{t('tpl.list.columns.updated')}</Table.Th>
            <Table.Th scope="col">
              <VisuallyHidden>{t('tpl.list.columns.actions')}</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {templates.map((template) => {
            const current = currentVersion(template);
            const archived = template.archived_at !== null;
            const shown = templateDisplay(template, i18n.language);
            return (
              <Table.Tr key={template.id}>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Anchor
                      component={Link}
                      to={`/w/${slug}/templates/${template.id}/versions`}
                      fw={500}
                    >
                      {shown.name}
                    </Anchor>
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
                    {template.immutable && (
                      <Badge variant="outline" color="gray" tt="none">
                        {t('templates.immutable')}
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" lineClamp={2} c={shown.comment ? undefined : 'dimmed'}>
                    {shown.comment || '—'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {current ? t('templates.versionNumber', { number: current.number }) : '—'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {t('templates.clusterCount', { count: template.clusters_count })}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatDateTime(template.updated_at, i18n.language)}</Text>
                </Table.Td>
                <Table.Td>
                  <Menu position="bottom-end" withinPortal>
                    <Menu.Target>
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        aria-label={t('tpl.list.actionsFor', { name: template.name })}
                      >
                        <IconDots size={16} aria-hidden />
                      </ActionIcon>
                    </Menu.Target>
                    <Menu.Dropdown>
                      <Menu.Item
                        leftSection={<IconDownload size={14} aria-hidden />}
                        onClick={() => exportTemplate.mutate({ template, format: 'yaml' })}
                      >
                        {t('tpl.export.yaml')}
                      </Menu.Item>
                      <Menu.Item
                        leftSection={<IconDownload size={14} aria-hidden />}
                        onClick={() => exportTemplate.mutate({ template, format: 'json' })}
                      >
                        {t('tpl.export.json')}
                      </Menu.Item>
                      {canWrite && archived && (
                        <>
                          <Menu.Divider />
                          <Menu.Item
                            leftSection={<IconRestore size={14} aria-hidden />}
                            onClick={() => restore.mutate(template.id)}
                          >
                            {t('tpl.restore.button')}
                          </Menu.Item>
                        </>
                      )}
                      {canWrite && !archived && (
                        <>
                          <Menu.Divider />
                          <Menu.Item
                            color="red"
                            leftSection={<IconArchive size={14} aria-hidden />}
                            onClick={() => onArchive(template)}
                          >
                            {t('tpl.archive.button')}
                          </Menu.Item>
                        </>
                      )}
                    </Menu.Dropdown>
                  </Menu>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
