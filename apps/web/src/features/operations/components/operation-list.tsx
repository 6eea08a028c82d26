import type { Operation } from '@commander/contracts';
import { Anchor, EmptyState, Group, Progress, Table, Text, Tooltip } from '@mantine/core';
import { IconListDetails } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { TableSkeleton } from '../../../components/ui/page-skeleton.js';
import {
  formatDateTime,
  formatDuration,
  formatRelative,
  spanDuration,
} from '../../../lib/format.js';
import { operationKindWord } from '../operation-words.js';
import { operationQueries } from '../operations.api.js';
import { OperationStatusBadge } from './operation-status-badge.js';

export type OperationListProps = { slug: string; clusterId: string; selectedId: string | null };

/** A cluster's operations, newest first; each links to its details and log. */
export function OperationList({ slug, clusterId, selectedId }: OperationListProps) {
  const operations = useQuery(operationQueries.list(slug, clusterId));
  if (operations.isPending) {
    return <TableSkeleton rows={3} columns={5} />;
  }
  if (operations.isError) {
    return <ErrorAlert error={operations.error} onRetry={() => void operations.refetch()} />;
  }
  return (
    <OperationListView
      operations={operations.data.items}
      selectedId={selectedId}
      hrefOf={(op) => `/w/${slug}/clusters/${clusterId}/operations/${op.id}`}
    />
  );
}

export type OperationListViewProps = {
  operations: Operation[];
  selectedId: string | null;
  hrefOf: (operation: Operation) => string;
};

export function OperationListView({ operations, selectedId, hrefOf }: OperationListViewProps) {
  const { t, i18n } = useTranslation();
  if (operations.length === 0) {
    return (
      <EmptyState
        icon={<IconListDetails size={32} aria-hidden />}
        title={t('operations.emptyTitle')}
        description={t('operations.emptyDescription')}
      />
    );
  }
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing="xs" highlightOnHover aria-label={t('operations.tableLabel')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('operations.columns.kind')}</Table.Th>
            <Table.Th scope="col">{t('operations.columns.status')}</Table.Th>
            <Table.Th scope="col">{t('operations.columns.progress')}</Table.Th>
            <Table.Th scope="col">{t('operations.columns.started')}</Table.Th>
            <Table.Th scope="col">{t('operations.columns.duration')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {operations.map((op) => {
            const selected = op.id === selectedId;
            const percent = Math.round(op.progress * 100);
            const kind = operationKindWord(op.kind, t);
            const duration = spanDuration(op.started_at, op.finished_at);
            return (
              <Table.Tr
                key={op.id}
                bg={selected ? 'var(--mantine-primary-color-light)' : undefined}
              >
                <Table.Td>
                  <Anchor
                    component={Link}
                    to={hrefOf(op)}
                    aria-current={selected ? 'true' : undefined}
                    fw={selected ? 600 : 400}
                  >
                    {kind}
                  </Anchor>
                  {op.attempt > 1 && (
                    <Text span size="xs" c="dimmed" ml={6}>
                      {t('operations.attempt', { attempt: op.attempt })}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <OperationStatusBadge status={op.status} />
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Progress
                      value={percent}
                      w={120}
                      size="sm"
                      color={
                        op.status === 'failed' ? 'red' : op.status === 'succeeded' ? 'teal' : 'blue'
                      }
                      aria-label={t('operations.progressLabel', { kind, percent })}
                    />
                    <Text size="xs">{percent}%</Text>
                  </Group>
                </Table.Td>
                <Table.Td>
                  {op.started_at ? (
                    <Tooltip label={formatDateTime(op.started_at, i18n.language)}>
                      <Text size="sm" component="time" dateTime={op.started_at}>
                        {formatRelative(op.started_at, i18n.language)}
                      </Text>
                    </Tooltip>
                  ) : (
                    <Text size="sm" c="dimmed">
                      {t('operations.notStarted')}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {duration === null ? '—' : formatDuration(duration, i18n.language)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
