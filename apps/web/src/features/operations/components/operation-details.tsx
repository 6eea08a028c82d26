import type { Operation } from '@commander/contracts';
import {
  Alert,
  DataList,
  Group,
  Paper,
  Progress,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { PageSkeleton } from '../../../components/ui/page-skeleton.js';
import { formatDateTime, formatDuration, spanDuration } from '../../../lib/format.js';
import { operationKindWord } from '../operation-words.js';
import { operationQueries } from '../operations.api.js';
import { OperationLog } from './operation-log.js';
import { OperationPhases } from './operation-phases.js';
import { OperationStatusBadge } from './operation-status-badge.js';

export type OperationDetailsProps = {
  slug: string;
  clusterId: string;
  operationId: string;
  /** Buttons beside the title for the loaded operation (the cluster page adds cancel). */
  renderActions?: (operation: Operation) => React.ReactNode;
};

/** One operation: status, progress, phases, timings and its live log. */
export function OperationDetails({
  slug,
  clusterId,
  operationId,
  renderActions,
}: OperationDetailsProps) {
  const operation = useQuery(operationQueries.detail(slug, clusterId, operationId));
  if (operation.isPending) {
    return <PageSkeleton />;
  }
  if (operation.isError) {
    return <ErrorAlert error={operation.error} onRetry={() => void operation.refetch()} />;
  }
  return (
    <Stack gap="md">
      <OperationDetailsView operation={operation.data} actions={renderActions?.(operation.data)} />
      <OperationLog
        slug={slug}
        clusterId={clusterId}
        operationId={operationId}
        queued={operation.data.status === 'queued'}
        queuePosition={operation.data.queue_position ?? null}
      />
    </Stack>
  );
}

export type OperationDetailsViewProps = {
  operation: Operation;
  /** Buttons beside the title (cancel). */
  actions?: React.ReactNode;
};

export function OperationDetailsView({ operation, actions }: OperationDetailsViewProps) {
  const { t, i18n } = useTranslation();
  const kind = operationKindWord(operation.kind, t);
  const percent = Math.round(operation.progress * 100);
  const duration = spanDuration(operation.started_at, operation.finished_at);
  const when = (iso: string | null) => (iso ? formatDateTime(iso, i18n.language) : '—');
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={`op-${operation.id}`}>
      <Stack gap="md">
        <Group justify="space-between">
          <Group gap="sm">
            <Title order={2} size="h4" id={`op-${operation.id}`}>
              {kind}
            </Title>
            <OperationStatusBadge status={operation.status} size="md" />
          </Group>
          <Group gap="sm">
            <Text size="sm" c="dimmed">
              {operation.phase ? t('operations.currentPhase', { phase: operation.phase }) : null}
            </Text>
            {actions}
          </Group>
        </Group>
        <Group gap="xs" wrap="nowrap">
          <Progress
            value={percent}
            flex={1}
            size="lg"
            color={
              operation.status === 'failed'
                ? 'red'
                : operation.status === 'succeeded'
                  ? 'teal'
                  : 'blue'
            }
            animated={operation.status === 'running'}
            aria-label={t('operations.progressLabel', { kind, percent })}
          />
          <Text size="sm" fw={500} w={48} ta="right">
            {percent}%
          </Text>
        </Group>
        {operation.error !== null && (
          <Alert
            color="red"
            variant="light"
            icon={<IconAlertTriangle aria-hidden />}
            title={t('operations.failedTitle')}
          >
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {operation.error}
            </Text>
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <DataList size="sm" labelWidth="140px">
            <DataList.Item>
              <DataList.ItemLabel>{t('operations.requestedBy')}</DataList.ItemLabel>
              <DataList.ItemValue>{operation.requested_by ?? '—'}</DataList.ItemValue>
            </DataList.Item>
            <DataList.Item>
              <DataList.ItemLabel>{t('operations.attemptLabel')}</DataList.ItemLabel>
              <DataList.ItemValue>{operation.attempt}</DataList.ItemValue>
            </DataList.Item>
            <DataList.Item>
              <DataList.ItemLabel>{t('operations.created')}</DataList.ItemLabel>
              <DataList.ItemValue>{when(operation.created_at)}</DataList.ItemValue>
            </DataList.Item>
            <DataList.Item>
              <DataList.ItemLabel>{t('operations.started')}</DataList.ItemLabel>
              <DataList.ItemValue>{when(operation.started_at)}</DataList.ItemValue>
            </DataList.Item>
            <DataList.Item>
              <DataList.ItemLabel>{t('operations.finished')}</DataList.ItemLabel>
              <DataList.ItemValue>{when(operation.finished_at)}</DataList.ItemValue>
            </DataList.Item>
            <DataList.Item>
              <DataList.ItemLabel>{t('operations.columns.duration')}</DataList.ItemLabel>
              <DataList.ItemValue>
                {duration === null ? '—' : formatDuration(duration, i18n.language)}
              </DataList.ItemValue>
            </DataList.Item>
            <DataList.Item>
              <DataList.ItemLabel>{t('operations.replica')}</DataList.ItemLabel>
              <DataList.ItemValue>{operation.manager_replica_id ?? '—'}</DataList.ItemValue>
            </DataList.Item>
          </DataList>
          <Stack gap="xs">
            <Text size="sm" fw={500}>
              {t('operations.phases')}
            </Text>
            <OperationPhases phases={operation.phases} />
          </Stack>
        </SimpleGrid>
      </Stack>
    </Paper>
  );
}
