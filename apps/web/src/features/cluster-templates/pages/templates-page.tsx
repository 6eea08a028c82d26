import type { ClusterTemplate } from '@commander/contracts';
import { Badge, EmptyState, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconCircleCheck, IconCircleMinus, IconTemplate } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { TableSkeleton } from '../../../components/ui/page-skeleton.js';
import { formatDateTime } from '../../../lib/format.js';
import { useRequiredWorkspaceSlug } from '../../workspaces/use-workspace.js';
import { clusterTemplateQueries } from '../cluster-templates.api.js';

/** The workspace's cluster templates and their versions (read-only for now). */
export function TemplatesPage() {
  const { t } = useTranslation();
  const slug = useRequiredWorkspaceSlug();
  const templates = useQuery(clusterTemplateQueries.list(slug));
  return (
    <Stack gap="lg">
      <Stack gap={4}>
        <Title order={1}>{t('templates.title')}</Title>
        <Text c="dimmed">{t('templates.subtitle')}</Text>
      </Stack>
      {templates.isPending ? (
        <TableSkeleton rows={4} columns={4} />
      ) : templates.isError ? (
        <ErrorAlert error={templates.error} onRetry={() => void templates.refetch()} />
      ) : (
        <TemplateListView templates={templates.data.items} />
      )}
    </Stack>
  );
}

export function TemplateListView({ templates }: { templates: ClusterTemplate[] }) {
  const { t, i18n } = useTranslation();
  if (templates.length === 0) {
    return (
      <EmptyState
        icon={<IconTemplate size={32} aria-hidden />}
        title={t('templates.emptyTitle')}
        description={t('templates.emptyDescription')}
      />
    );
  }
  return (
    <Stack gap="md">
      {templates.map((template) => (
        <Paper
          key={template.id}
          withBorder
          p="md"
          component="section"
          aria-labelledby={`tpl-${template.id}`}
        >
          <Stack gap="sm">
            <Group justify="space-between">
              <Group gap="sm">
                <Title order={2} size="h4" id={`tpl-${template.id}`}>
                  {template.name}
                </Title>
                {template.immutable && (
                  <Badge variant="outline" color="gray" tt="none">
                    {t('templates.immutable')}
                  </Badge>
                )}
              </Group>
              <Text size="sm" c="dimmed">
                {t('templates.clusterCount', { count: template.clusters_count })}
              </Text>
            </Group>
            {template.comment && <Text size="sm">{template.comment}</Text>}
            <Table
              verticalSpacing={6}
              aria-label={t('templates.versionsOf', { name: template.name })}
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('templates.columns.version')}</Table.Th>
                  <Table.Th scope="col">{t('templates.columns.available')}</Table.Th>
                  <Table.Th scope="col">{t('templates.columns.comment')}</Table.Th>
                  <Table.Th scope="col">{t('templates.columns.created')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {[...template.cluster_template_versions]
                  .sort((a, b) => b.number - a.number)
                  .map((version) => (
                    <Table.Tr key={version.id}>
                      <Table.Td>
                        <Group gap={6}>
                          <Text size="sm" fw={500}>
                            {t('templates.versionNumber', { number: version.number })}
                          </Text>
                          {version.id === template.current_cluster_template_version_id && (
                            <Badge size="xs" variant="light" tt="none">
                              {t('templates.current')}
                            </Badge>
                          )}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4} c={version.available ? 'teal' : 'dimmed'}>
                          {version.available ? (
                            <IconCircleCheck size={16} aria-hidden />
                          ) : (
                            <IconCircleMinus size={16} aria-hidden />
                          )}
                          <Text size="sm" inherit>
                            {version.available
                              ? t('templates.available')
                              : t('templates.unavailable')}
                          </Text>
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{version.comment || '—'}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{formatDateTime(version.created_at, i18n.language)}</Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
              </Table.Tbody>
            </Table>
          </Stack>
        </Paper>
      ))}
    </Stack>
  );
}
