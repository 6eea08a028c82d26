import { RolloutStatusSchema } from '@commander/contracts';
import {
  Anchor,
  Badge,
  EmptyState,
  Group,
  Pagination,
  Progress,
  Select,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { IconRocket } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { z } from 'zod';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { PageHeader } from '../../../components/ui/page-header.js';
import { TableSkeleton } from '../../../components/ui/page-skeleton.js';
import { formatDateTime } from '../../../lib/format.js';
import { clusterTemplateQueries } from '../../cluster-templates/cluster-templates.api.js';
import { useRequiredWorkspaceSlug } from '../../workspaces/use-workspace.js';
import { RolloutStatusBadge } from '../components/rollout-badges.js';
import { rolloutQueries, ROLLOUTS_PAGE_SIZE, type RolloutsFilter } from '../rollouts.api.js';

const TemplateIdSchema = z.uuid();

/** Reads the list's filter from the URL (`?status=&template=&page=`); odd values are ignored. */
function rolloutsFilter(params: URLSearchParams): RolloutsFilter {
  const page = Number(params.get('page'));
  const status = RolloutStatusSchema.safeParse(params.get('status'));
  const template = TemplateIdSchema.safeParse(params.get('template'));
  return {
    page: Number.isInteger(page) && page > 0 ? page : 1,
    ...(status.success ? { status: status.data } : {}),
    ...(template.success ? { templateId: template.data } : {}),
  };
}

/**
 * The workspace's staged rollouts, newest first, with their progress; a rollout starts from a
 * template's Clusters tab ("Roll out version…").
 */
export function RolloutsPage() {
  const { t, i18n } = useTranslation();
  const slug = useRequiredWorkspaceSlug();
  const [params, setParams] = useSearchParams();
  const filter = rolloutsFilter(params);
  const rollouts = useQuery(rolloutQueries.list(slug, filter));
  // Rollouts outlive a template's archiving: archived templates are offered too.
  const templates = useQuery(clusterTemplateQueries.browse(slug, true));
  const templateOptions = (templates.data?.items ?? []).map((tpl) => ({
    value: tpl.id,
    label: tpl.archived_at ? t('rollouts.archivedTemplate', { name: tpl.name }) : tpl.name,
  }));
  if (filter.templateId && !templateOptions.some((o) => o.value === filter.templateId)) {
    // A template the list does not know (deleted, or not loaded yet): still shown as chosen.
    templateOptions.push({ value: filter.templateId, label: t('rollouts.unknownTemplate') });
  }
  const filtered = filter.status !== undefined || filter.templateId !== undefined;
  const update = (changes: Record<string, string | undefined>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [key, value] of Object.entries(changes)) {
          if (value === undefined || value === '') {
            next.delete(key);
          } else {
            next.set(key, value);
          }
        }
        return next;
      },
      { replace: true },
    );
  const total = rollouts.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / ROLLOUTS_PAGE_SIZE));

  return (
    <Stack gap="lg">
      <PageHeader title={t('rollouts.title')} subtitle={t('rollouts.subtitle')} />
      <Group>
        <Select
          label={t('rollouts.statusFilter')}
          placeholder={t('rollouts.allStatuses')}
          data={RolloutStatusSchema.options.map((s) => ({
            value: s,
            label: t(`rollouts.status.${s}`),
          }))}
          value={filter.status ?? null}
          onChange={(value) => update({ status: value ?? undefined, page: undefined })}
          clearable
          w={220}
        />
        <Select
          label={t('rollouts.templateFilter')}
          placeholder={t('rollouts.allTemplates')}
          data={templateOptions}
          value={filter.templateId ?? null}
          onChange={(value) => update({ template: value ?? undefined, page: undefined })}
          searchable
          clearable
          nothingFoundMessage={t('rollouts.noTemplates')}
          w={260}
        />
      </Group>
      {rollouts.isPending ? (
        <TableSkeleton rows={3} columns={5} />
      ) : rollouts.isError ? (
        <ErrorAlert error={rollouts.error} onRetry={() => void rollouts.refetch()} />
      ) : rollouts.data.items.length === 0 ? (
        <EmptyState
          icon={<IconRocket size={32} aria-hidden />}
          title={filtered ? t('rollouts.noMatchesTitle') : t('rollouts.emptyTitle')}
          description={
            filtered ? t('rollouts.noMatchesDescription') : t('rollouts.emptyDescription')
          }
        />
      ) : (
        <Stack gap="sm">
          <Table.ScrollContainer minWidth={760}>
            <Table verticalSpacing="sm" highlightOnHover aria-label={t('rollouts.table')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('rollouts.columns.rollout')}</Table.Th>
                  <Table.Th scope="col">{t('rollouts.columns.status')}</Table.Th>
                  <Table.Th scope="col">{t('rollouts.columns.progress')}</Table.Th>
                  <Table.Th scope="col">{t('rollouts.columns.wave')}</Table.Th>
                  <Table.Th scope="col">{t('rollouts.columns.created')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rollouts.data.items.map((r) => {
                  const finished = r.counts.done + r.counts.skipped;
                  return (
                    <Table.Tr key={r.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/w/${slug}/rollouts/${r.id}`} fw={500}>
                          {t('rollouts.page.title', {
                            template: r.cluster_template_name,
                            number: r.target_version_number,
                          })}
                        </Anchor>
                        {r.status === 'paused' && r.pause_reason && (
                          <Text size="xs" c="orange" style={{ overflowWrap: 'anywhere' }}>
                            {r.pause_reason}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <RolloutStatusBadge status={r.status} size="sm" />
                      </Table.Td>
                      <Table.Td miw={160}>
                        <Text size="xs" c="dimmed">
                          {t('rollouts.progress.short', { done: finished, total: r.counts.total })}
                          {r.counts.failed > 0 && (
                            <Badge ml={6} size="xs" color="red" variant="light" tt="none">
                              {t('rollouts.counts.failed', { count: r.counts.failed })}
                            </Badge>
                          )}
                        </Text>
                        <Progress
                          value={r.counts.total === 0 ? 100 : (finished / r.counts.total) * 100}
                          color={r.counts.failed > 0 ? 'red' : 'blue'}
                          size="sm"
                          aria-hidden
                        />
                      </Table.Td>
                      <Table.Td>
                        {t('rollouts.waveOf', {
                          wave: Math.min(r.current_wave + 1, r.wave_count),
                          waves: r.wave_count,
                        })}
                      </Table.Td>
                      <Table.Td title={r.created_at}>
                        {formatDateTime(r.created_at, i18n.language)}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {pages > 1 && (
            <nav aria-label={t('rollouts.pagination')}>
              <Pagination
                total={pages}
                value={filter.page}
                onChange={(page) => update({ page: page === 1 ? undefined : String(page) })}
              />
            </nav>
          )}
        </Stack>
      )}
    </Stack>
  );
}
