import type { Cluster } from '@commander/contracts';
import {
  Anchor,
  Badge,
  Button,
  EmptyState,
  Group,
  Pagination,
  Progress,
  Stack,
  Switch,
  Table,
  Text,
  UnstyledButton,
} from '@mantine/core';
import { useLocalStorage, useMediaQuery } from '@mantine/hooks';
import {
  IconAlertTriangle,
  IconArrowDown,
  IconArrowsSort,
  IconArrowUp,
  IconFilterOff,
  IconPlus,
  IconServer2,
} from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  useReactTable,
} from '@tanstack/react-table';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { LazyTooltip } from '../../../components/ui/lazy-tooltip.js';
import { TableSkeleton } from '../../../components/ui/page-skeleton.js';
import { formatDateTime, formatRelative } from '../../../lib/format.js';
import {
  type ClusterListFilter,
  clusterQueries,
  CLUSTERS_PAGE_SIZE,
  type ClusterSort,
} from '../../cluster-shared/clusters.api.js';
import { ClusterStatusBadge } from '../../cluster-shared/components/cluster-status-badge.js';
import { operationKindWord, operationStatusWord } from '../../operations/operation-words.js';
import { readAgentData } from '../../telemetry/agent-data.js';
import { AgentStatusBadge } from '../../telemetry/components/agent-status-badge.js';
import { ClusterCards } from './cluster-cards.js';

/**
 * Columns the API sorts by (`?sort=`): sorting one page of thousands in the browser would be
 * misleading, so the other columns are not sortable.
 */
const SORTABLE = { name: 'name', status: 'status', created_at: 'created_at' } as const;
type SortableColumn = keyof typeof SORTABLE;

function isSortable(id: string): id is SortableColumn {
  return Object.hasOwn(SORTABLE, id);
}

/** Direction of a column in `sort`, if the list is ordered by it. */
function sortDirection(sort: ClusterSort, id: SortableColumn): 'asc' | 'desc' | false {
  return sort === SORTABLE[id] ? 'asc' : sort === `-${SORTABLE[id]}` ? 'desc' : false;
}

/** A header click: ascending, then descending, then back to "needs attention first". */
export function nextSort(sort: ClusterSort, id: SortableColumn): ClusterSort {
  const direction = sortDirection(sort, id);
  return direction === false
    ? SORTABLE[id]
    : direction === 'asc'
      ? (`-${SORTABLE[id]}` as ClusterSort)
      : 'attention';
}

/** The words of the columns the order can name. */
const ORDER_COLUMN_WORD = {
  name: 'clusters.columns.name',
  status: 'clusters.columns.status',
  created_at: 'clusters.columns.created',
  updated_at: 'clusters.columns.updated',
} as const;

/** Columns whose text may wrap or be cut (with the full text on hover); the others never do. */
const WRAPPING_COLUMNS = new Set(['name', 'template', 'last_operation']);

// Badges are as wide as their words: never cut to "Creation e…" by a narrow column.
const NO_TRUNCATE = { whiteSpace: 'nowrap' } as const;

export type ClusterListProps = {
  slug: string;
  filter: ClusterListFilter;
  onSortChange?: (sort: ClusterSort) => void;
  canCreate: boolean;
  onClearFilters: () => void;
  onPageChange: (page: number) => void;
};

/** The workspace's clusters for a filter; live through the event stream, polled while busy. */
export function ClusterList({
  slug,
  filter,
  onSortChange = () => undefined,
  canCreate,
  onClearFilters,
  onPageChange,
}: ClusterListProps) {
  const clusters = useQuery(clusterQueries.list(slug, filter));
  if (clusters.isPending) {
    return <TableSkeleton rows={6} columns={9} />;
  }
  if (clusters.isError) {
    return <ErrorAlert error={clusters.error} onRetry={() => void clusters.refetch()} />;
  }
  return (
    <ClusterListView
      slug={slug}
      clusters={clusters.data.items}
      total={clusters.data.total}
      page={filter.page}
      sort={filter.sort ?? 'attention'}
      onSortChange={onSortChange}
      hasFilters={filter.status !== undefined || Boolean(filter.q)}
      canCreate={canCreate}
      onClearFilters={onClearFilters}
      onPageChange={onPageChange}
    />
  );
}

export type ClusterListViewProps = {
  slug: string;
  clusters: Cluster[];
  /** All clusters matching the filter (X-Total-Count), for pagination. */
  total: number;
  page: number;
  sort?: ClusterSort;
  onSortChange?: (sort: ClusterSort) => void;
  hasFilters: boolean;
  canCreate: boolean;
  onClearFilters: () => void;
  onPageChange: (page: number) => void;
  /** Table or cards; by default cards below Mantine's `sm` breakpoint (phones). */
  layout?: 'table' | 'cards';
};

/** Below Mantine's `sm` breakpoint (48em): a phone. */
export const PHONE_QUERY = '(max-width: 47.99em)';

const column = createColumnHelper<Cluster>();

function Version({ value }: { value: string }) {
  return value === '' ? (
    <Text size="sm" c="dimmed">
      —
    </Text>
  ) : (
    <Text size="sm" ff="monospace">
      {value}
    </Text>
  );
}

export function ClusterListView({
  slug,
  clusters,
  total,
  page,
  sort = 'attention',
  onSortChange = () => undefined,
  hasFilters,
  canCreate,
  onClearFilters,
  onPageChange,
  layout,
}: ClusterListViewProps) {
  const { t, i18n } = useTranslation();
  const phone = useMediaQuery(PHONE_QUERY, false, { getInitialValueInEffect: false });
  const cards = (layout ?? (phone ? 'cards' : 'table')) === 'cards';
  const columns = useMemo(
    () => [
      column.accessor('name', {
        header: () => t('clusters.columns.name'),
        cell: (info) => (
          <LazyTooltip label={info.getValue()} openDelay={400}>
            <Anchor
              component={Link}
              to={`/w/${slug}/clusters/${info.row.original.id}`}
              fw={500}
              size="sm"
              truncate="end"
              display="block"
              maw={260}
            >
              {info.getValue()}
            </Anchor>
          </LazyTooltip>
        ),
      }),
      column.accessor('status', {
        header: () => t('clusters.columns.status'),
        cell: (info) => <ClusterStatusBadge status={info.getValue()} size="sm" />,
      }),
      column.accessor((c) => readAgentData(c.cluster_agent_data).alerts.length, {
        id: 'health',
        header: () => t('clusterColumns.health'),
        cell: (info) => {
          const alerts = info.getValue();
          return (
            <Group gap={6} wrap="nowrap">
              <AgentStatusBadge status={info.row.original.agent_status} size="sm" />
              {alerts > 0 && (
                <Badge
                  size="sm"
                  color="red"
                  variant="light"
                  tt="none"
                  leftSection={<IconAlertTriangle size={10} aria-hidden />}
                >
                  {t('clusterColumns.alerts', { count: alerts })}
                </Badge>
              )}
            </Group>
          );
        },
      }),
      column.accessor((c) => readAgentData(c.cluster_agent_data).dkpVersion ?? '', {
        id: 'dkp',
        header: () => t('clusterColumns.dkp'),
        cell: (info) => <Version value={info.getValue()} />,
      }),
      column.accessor((c) => readAgentData(c.cluster_agent_data).kubernetesVersion ?? '', {
        id: 'kubernetes',
        header: () => t('clusterColumns.kubernetes'),
        cell: (info) => <Version value={info.getValue()} />,
      }),
      column.accessor((c) => readAgentData(c.cluster_agent_data).nodeCount ?? -1, {
        id: 'nodes',
        header: () => t('clusterColumns.nodes'),
        cell: (info) => <Text size="sm">{info.getValue() < 0 ? '—' : info.getValue()}</Text>,
      }),
      column.display({
        id: 'template',
        enableSorting: false,
        header: () => t('clusters.columns.template'),
        cell: (info) => {
          // The API names the template and version (the list needs no templates request).
          const { cluster_template_name: template, cluster_template_version_number: version } =
            info.row.original;
          if (template === null || version === null) {
            return (
              <Text size="sm" c="dimmed">
                —
              </Text>
            );
          }
          const label = t('clusters.templateVersion', { template, version });
          // One line a row: a long template name ends in an ellipsis, whole in the tooltip.
          return (
            <LazyTooltip label={label} openDelay={400}>
              <Text size="sm" truncate="end" maw={220}>
                {label}
              </Text>
            </LazyTooltip>
          );
        },
      }),
      column.accessor('last_operation', {
        header: () => t('clusters.columns.lastOperation'),
        enableSorting: false,
        cell: (info) => {
          const op = info.getValue();
          if (!op) {
            return (
              <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                {t('clusters.noOperations')}
              </Text>
            );
          }
          const kind = operationKindWord(op.kind, t);
          const percent = Math.round(op.progress * 100);
          return (
            <Stack gap={2} maw={220}>
              <Text size="xs" truncate="end">
                {kind} · {operationStatusWord(op.status, t)} · {percent}%
              </Text>
              <Progress
                value={percent}
                size="xs"
                color={op.status === 'failed' ? 'red' : op.status === 'succeeded' ? 'teal' : 'blue'}
                aria-label={t('clusters.operationProgress', { kind, percent })}
              />
            </Stack>
          );
        },
      }),
      // The tooltips mount on first hover (LazyTooltip): 25 rows of three Mantine Tooltips were a
      // fifth of the list's first render. The date is formatted on hover: the page's first
      // Intl.DateTimeFormat with dateStyle/timeStyle costs tens of milliseconds.
      column.accessor('created_at', {
        header: () => t('clusters.columns.created'),
        cell: (info) => (
          <LazyTooltip label={() => formatDateTime(info.getValue(), i18n.language)}>
            <Text size="sm" component="time" dateTime={info.getValue()}>
              {formatRelative(info.getValue(), i18n.language)}
            </Text>
          </LazyTooltip>
        ),
      }),
    ],
    [t, i18n.language, slug],
  );
  const table = useReactTable({
    data: clusters,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (c) => c.id,
    // The API orders and pages; the table only lays out the page it was given.
    enableSorting: false,
  });
  const [dense, setDense] = useLocalStorage({
    key: 'commander.clusters.dense',
    defaultValue: false,
    getInitialValueInEffect: false,
  });

  if (clusters.length === 0) {
    return hasFilters ? (
      <EmptyState
        icon={<IconFilterOff size={32} aria-hidden />}
        title={t('clusters.emptyFilteredTitle')}
        description={t('clusters.emptyFilteredDescription')}
      >
        <EmptyState.Actions>
          <Button variant="default" onClick={onClearFilters}>
            {t('clusters.clearFilters')}
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    ) : (
      <EmptyState
        icon={<IconServer2 size={32} aria-hidden />}
        title={t('clusters.emptyTitle')}
        description={
          canCreate ? t('clusters.emptyDescription') : t('clusters.emptyDescriptionReadOnly')
        }
      >
        {canCreate && (
          <EmptyState.Actions>
            <Button
              component={Link}
              to={`/w/${slug}/clusters/new`}
              leftSection={<IconPlus size={16} aria-hidden />}
            >
              {t('clusters.create.button')}
            </Button>
          </EmptyState.Actions>
        )}
      </EmptyState>
    );
  }

  const pages = Math.max(1, Math.ceil(total / CLUSTERS_PAGE_SIZE));
  return (
    <Stack gap="md">
      <Group justify="space-between" gap="sm">
        <Group gap="xs">
          <Text size="sm" c="dimmed">
            {sort === 'attention'
              ? t('clusters.order.attention')
              : t('clusters.order.byColumn', {
                  column: t(
                    ORDER_COLUMN_WORD[sort.replace(/^-/, '') as keyof typeof ORDER_COLUMN_WORD],
                  ),
                  direction: t(sort.startsWith('-') ? 'clusters.order.desc' : 'clusters.order.asc'),
                })}
          </Text>
          {sort !== 'attention' && (
            <Button variant="subtle" size="compact-sm" onClick={() => onSortChange('attention')}>
              {t('clusters.order.reset')}
            </Button>
          )}
        </Group>
        <Switch
          size="sm"
          label={t('clusters.dense')}
          checked={dense}
          onChange={(event) => setDense(event.currentTarget.checked)}
        />
      </Group>
      {cards ? (
        <ClusterCards slug={slug} clusters={clusters} dense={dense} />
      ) : (
        <Table.ScrollContainer minWidth={1080}>
          <Table
            highlightOnHover
            verticalSpacing={dense ? 2 : 'xs'}
            horizontalSpacing={dense ? 'xs' : 'sm'}
            fz={dense ? 'xs' : 'sm'}
            aria-label={t('clusters.tableLabel')}
            data-density={dense ? 'dense' : 'comfortable'}
          >
            <Table.Thead>
              {table.getHeaderGroups().map((group) => (
                <Table.Tr key={group.id}>
                  {group.headers.map((header) => {
                    const title = flexRender(header.column.columnDef.header, header.getContext());
                    const id = header.column.id;
                    if (!isSortable(id)) {
                      return (
                        <Table.Th key={header.id} scope="col" style={NO_TRUNCATE}>
                          {title}
                        </Table.Th>
                      );
                    }
                    const direction = sortDirection(sort, id);
                    const SortIcon =
                      direction === 'asc'
                        ? IconArrowUp
                        : direction === 'desc'
                          ? IconArrowDown
                          : IconArrowsSort;
                    return (
                      <Table.Th
                        key={header.id}
                        scope="col"
                        style={NO_TRUNCATE}
                        aria-sort={
                          direction === 'asc'
                            ? 'ascending'
                            : direction === 'desc'
                              ? 'descending'
                              : 'none'
                        }
                      >
                        <UnstyledButton
                          onClick={() => onSortChange(nextSort(sort, id))}
                          fw={700}
                          fz="sm"
                          style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}
                        >
                          {title}
                          <SortIcon
                            size={14}
                            aria-hidden
                            style={{ opacity: direction ? 1 : 0.4 }}
                          />
                        </UnstyledButton>
                      </Table.Th>
                    );
                  })}
                </Table.Tr>
              ))}
            </Table.Thead>
            <Table.Tbody>
              {table.getRowModel().rows.map((row) => (
                <Table.Tr key={row.id}>
                  {row.getVisibleCells().map((cell) => (
                    <Table.Td
                      key={cell.id}
                      style={WRAPPING_COLUMNS.has(cell.column.id) ? undefined : NO_TRUNCATE}
                    >
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {t('clusters.shown', {
            from: (page - 1) * CLUSTERS_PAGE_SIZE + 1,
            to: (page - 1) * CLUSTERS_PAGE_SIZE + clusters.length,
            total,
          })}
        </Text>
        {pages > 1 && (
          <nav aria-label={t('clusters.pagination')}>
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
