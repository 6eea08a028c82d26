import type { Cluster, ClusterStatus, ClusterTemplate } from '@commander/contracts';
import { CLUSTER_STATUSES } from '@commander/contracts';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  EmptyState,
  Group,
  Pagination,
  Select,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import {
  IconArrowsExchange,
  IconCircleCheck,
  IconCircleX,
  IconRocket,
  IconServer2,
} from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { TableSkeleton } from '../../../components/ui/page-skeleton.js';
import { canInWorkspace } from '../../auth/permissions.js';
import { ClusterFilters } from '../../cluster-shared/components/cluster-filters.js';
import { ClusterStatusBadge } from '../../cluster-shared/components/cluster-status-badge.js';
import { RolloutModal } from '../../rollouts/components/rollout-modal.js';
import { useCurrentWorkspace } from '../../workspaces/use-workspace.js';
import {
  availableVersions,
  clusterTemplateQueries,
  fetchMatchingClusterIds,
  type SwitchVersionResult,
  TEMPLATE_CLUSTERS_PAGE_SIZE,
  type TemplateClustersFilter,
  useSwitchVersion,
} from '../cluster-templates.api.js';
import { useTemplateContext } from './template-page.js';

/** Reads the tab's filter from the URL (`?q=&status=&page=`). */
export function templateClustersFilter(params: URLSearchParams): TemplateClustersFilter {
  const page = Number(params.get('page'));
  const status = params.get('status');
  const q = params.get('q')?.trim();
  return {
    page: Number.isInteger(page) && page > 0 ? page : 1,
    ...(q ? { q } : {}),
    ...(status && (CLUSTER_STATUSES as readonly string[]).includes(status)
      ? { status: status as ClusterStatus }
      : {}),
  };
}

/**
 * Clusters on this template, a page at a time with the cluster list's search and status filter
 * (in the URL); several, or every one matching, can be switched to another version at once.
 */
export function TemplateClustersTab() {
  const { slug, template } = useTemplateContext();
  const { me } = useCurrentWorkspace();
  const [params, setParams] = useSearchParams();
  const filter = templateClustersFilter(params);
  const clusters = useQuery(clusterTemplateQueries.clusters(slug, template.id, filter));
  const switchVersion = useSwitchVersion(slug, template.id);
  // The rollout dialog, with the clusters ticked when it opened (none: all or the filter).
  const [rollingOut, setRollingOut] = useState<string[] | null>(null);
  const hasFilters = filter.q !== undefined || filter.status !== undefined;
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
  const filters = (
    <ClusterFilters
      status={filter.status}
      q={filter.q ?? ''}
      onStatusChange={(status) => update({ status, page: undefined })}
      onQueryChange={(q) => update({ q, page: undefined })}
    />
  );
  if (clusters.isPending) {
    return <TableSkeleton rows={3} columns={5} />;
  }
  if (clusters.isError) {
    return <ErrorAlert error={clusters.error} onRetry={() => void clusters.refetch()} />;
  }
  return (
    <>
      <TemplateClustersView
        // A new filter or page starts a new selection.
        key={`${filter.q ?? ''}|${filter.status ?? ''}|${filter.page}`}
        slug={slug}
        template={template}
        clusters={clusters.data.items}
        total={clusters.data.total}
        page={filter.page}
        onPageChange={(page) => update({ page: page === 1 ? undefined : String(page) })}
        filters={filters}
        hasFilters={hasFilters}
        canSwitch={canInWorkspace(me, slug, 'clusters:write')}
        canRollOut={canInWorkspace(me, slug, 'rollouts:write')}
        onRollOut={(selection) => setRollingOut(selection ?? [])}
        isSwitching={switchVersion.isPending}
        onSwitch={async (versionId, selection) =>
          switchVersion.mutateAsync({
            cluster_template_version_id: versionId,
            cluster_ids:
              selection === 'all-matching'
                ? await fetchMatchingClusterIds(slug, template.id, {
                    q: filter.q,
                    status: filter.status,
                  })
                : selection,
          })
        }
      />
      <RolloutModal
        slug={slug}
        template={template}
        opened={rollingOut !== null}
        onClose={() => setRollingOut(null)}
        filter={
          hasFilters
            ? { q: filter.q, status: filter.status, total: clusters.data.total }
            : undefined
        }
        selectedIds={rollingOut ?? []}
      />
    </>
  );
}

export type TemplateClustersViewProps = {
  slug: string;
  template: ClusterTemplate;
  /** This page of the clusters matching the filter. */
  clusters: Cluster[];
  /** Every cluster matching the filter (X-Total-Count). */
  total?: number;
  page?: number;
  onPageChange?: (page: number) => void;
  /** The search and status filter, above the table. */
  filters?: React.ReactNode;
  hasFilters?: boolean;
  canSwitch: boolean;
  /** May start a rollout (rollouts:write): "Roll out version…" with the selection. */
  canRollOut?: boolean;
  /** The ticked clusters, or null for none or "every one matching" (the dialog offers the filter). */
  onRollOut?: (selection: string[] | null) => void;
  isSwitching: boolean;
  /** Ids of the chosen clusters, or every cluster matching the filter (all pages). */
  onSwitch: (
    versionId: string,
    selection: string[] | 'all-matching',
  ) => Promise<SwitchVersionResult[]>;
};

export function TemplateClustersView({
  slug,
  template,
  clusters,
  total = clusters.length,
  page = 1,
  onPageChange = () => undefined,
  filters = null,
  hasFilters = false,
  canSwitch,
  canRollOut = false,
  onRollOut = () => undefined,
  isSwitching,
  onSwitch,
}: TemplateClustersViewProps) {
  const canSelect = canSwitch || canRollOut;
  const { t } = useTranslation();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  // "Select all matching": every cluster of every page, not only the ticked ones.
  const [allMatching, setAllMatching] = useState(false);
  const versions = availableVersions(template);
  const [target, setTarget] = useState<string | null>(
    template.current_cluster_template_version_id ?? versions[0]?.id ?? null,
  );
  const [results, setResults] = useState<ReadonlyMap<string, SwitchVersionResult>>(new Map());
  const numberOf = (versionId: string | null) =>
    template.cluster_template_versions.find((v) => v.id === versionId)?.number;

  if (clusters.length === 0) {
    return (
      <Stack gap="md">
        {filters}
        <EmptyState
          icon={<IconServer2 size={32} aria-hidden />}
          title={hasFilters ? t('clusters.emptyFilteredTitle') : t('tpl.clusters.emptyTitle')}
          description={
            hasFilters ? t('clusters.emptyFilteredDescription') : t('tpl.clusters.emptyDescription')
          }
        />
      </Stack>
    );
  }
  const allSelected = allMatching || clusters.every((c) => selected.has(c.id));
  const count = allMatching ? total : selected.size;
  const pages = Math.max(1, Math.ceil(total / TEMPLATE_CLUSTERS_PAGE_SIZE));
  const toggle = (id: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) {
        next.add(id);
      } else {
        next.delete(id);
      }
      return next;
    });
  const failed = [...results.values()].filter((r) => !r.ok).length;

  return (
    <Stack gap="md">
      {filters}
      {canSelect && (
        <Group align="flex-end" gap="sm">
          {canSwitch && (
            <>
              <Select
                label={t('tpl.clusters.targetVersion')}
                data={versions.map((v) => ({
                  value: v.id,
                  label: v.comment
                    ? t('clusters.create.versionOptionWithComment', {
                        number: v.number,
                        comment: v.comment,
                      })
                    : t('clusters.create.versionOption', { number: v.number }),
                }))}
                value={target}
                onChange={setTarget}
                allowDeselect={false}
                w={320}
              />
              <Button
                leftSection={<IconArrowsExchange size={16} aria-hidden />}
                disabled={target === null || count === 0}
                loading={isSwitching}
                onClick={() => {
                  if (target === null) {
                    return;
                  }
                  void onSwitch(target, allMatching ? 'all-matching' : [...selected])
                    .then((list) => setResults(new Map(list.map((r) => [r.cluster_id, r]))))
                    .catch(() => undefined);
                }}
              >
                {t('tpl.clusters.switch', { count })}
              </Button>
            </>
          )}
          {canRollOut && (
            <Button
              variant="light"
              leftSection={<IconRocket size={16} aria-hidden />}
              onClick={() => onRollOut(allMatching || selected.size === 0 ? null : [...selected])}
            >
              {t('rollouts.actions.rollOut')}
            </Button>
          )}
        </Group>
      )}
      {canSelect && allSelected && total > clusters.length && (
        <Group gap="xs" role="status">
          <Text size="sm">
            {allMatching
              ? t('tplClusters.allMatchingSelected', { count: total })
              : t('tplClusters.pageSelected', { count: clusters.length })}
          </Text>
          <Button
            variant="subtle"
            size="compact-sm"
            onClick={() => {
              if (allMatching) {
                setAllMatching(false);
                setSelected(new Set());
              } else {
                setAllMatching(true);
              }
            }}
          >
            {allMatching
              ? t('tplClusters.clearSelection')
              : t('tplClusters.selectAllMatching', { count: total })}
          </Button>
        </Group>
      )}
      {results.size > 0 && (
        <Alert
          color={failed > 0 ? 'orange' : 'teal'}
          variant="light"
          role="status"
          title={t('tpl.clusters.resultTitle')}
        >
          {t('tpl.clusters.resultSummary', { ok: results.size - failed, failed })}
        </Alert>
      )}
      <Table.ScrollContainer minWidth={720}>
        <Table verticalSpacing="sm" aria-label={t('tpl.clusters.table')}>
          <Table.Thead>
            <Table.Tr>
              {canSelect && (
                <Table.Th scope="col" w={40}>
                  <Checkbox
                    aria-label={t('tpl.clusters.selectAll')}
                    checked={allSelected}
                    indeterminate={!allSelected && selected.size > 0}
                    onChange={(event) => {
                      setAllMatching(false);
                      setSelected(
                        event.currentTarget.checked
                          ? new Set(clusters.map((c) => c.id))
                          : new Set(),
                      );
                    }}
                  />
                </Table.Th>
              )}
              <Table.Th scope="col">{t('clusters.columns.name')}</Table.Th>
              <Table.Th scope="col">{t('clusters.columns.status')}</Table.Th>
              <Table.Th scope="col">{t('templates.columns.version')}</Table.Th>
              <Table.Th scope="col">{t('tpl.clusters.result')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {clusters.map((cluster) => {
              const result = results.get(cluster.id);
              const number = numberOf(cluster.cluster_template_version_id);
              return (
                <Table.Tr key={cluster.id}>
                  {canSelect && (
                    <Table.Td>
                      <Checkbox
                        aria-label={t('tpl.clusters.select', { name: cluster.name })}
                        checked={allMatching || selected.has(cluster.id)}
                        onChange={(event) => {
                          if (allMatching) {
                            // Unticking one leaves "all matching": this page minus that one.
                            setAllMatching(false);
                            setSelected(new Set(clusters.map((c) => c.id)));
                          }
                          toggle(cluster.id, event.currentTarget.checked);
                        }}
                      />
                    </Table.Td>
                  )}
                  <Table.Td>
                    <Anchor component={Link} to={`/w/${slug}/clusters/${cluster.id}`}>
                      {cluster.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <ClusterStatusBadge status={cluster.status} size="sm" />
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="outline" color="gray" tt="none">
                      {number === undefined ? '—' : t('templates.versionNumber', { number })}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{result && <SwitchResult result={result} />}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {t('clusters.shown', {
            from: (page - 1) * TEMPLATE_CLUSTERS_PAGE_SIZE + 1,
            to: (page - 1) * TEMPLATE_CLUSTERS_PAGE_SIZE + clusters.length,
            total,
          })}
        </Text>
        {pages > 1 && (
          <nav aria-label={t('tplClusters.pagination')}>
            <Pagination
              total={pages}
              value={page}
              onChange={onPageChange}
              getControlProps={(control) => ({
                'aria-label':
                  control === 'next'
                    ? t('pagination.next')
                    : control === 'previous'
                      ? t('pagination.previous')
                      : undefined,
              })}
              getItemProps={(item) => ({ 'aria-label': t('pagination.page', { page: item }) })}
            />
          </nav>
        )}
      </Group>
    </Stack>
  );
}

function SwitchResult({ result }: { result: SwitchVersionResult }) {
  const { t } = useTranslation();
  if (result.ok) {
    return (
      <Group gap={4} c="teal" wrap="nowrap">
        <IconCircleCheck size={16} aria-hidden />
        <Text size="sm" inherit>
          {t('tpl.clusters.switched', {
            status: result.status ? t(`clusterStatus.${result.status as Cluster['status']}`) : '—',
          })}
        </Text>
      </Group>
    );
  }
  return (
    <Group gap={4} c="red" wrap="nowrap" align="flex-start">
      <IconCircleX size={16} aria-hidden style={{ flexShrink: 0, marginTop: 2 }} />
      <Text size="sm" inherit>
        {result.error ? `${result.error.message} (${result.error.code})` : t('tpl.clusters.failed')}
      </Text>
    </Group>
  );
}
