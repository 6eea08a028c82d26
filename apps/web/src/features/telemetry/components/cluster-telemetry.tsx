import type { Cluster, TelemetryPoint } from '@commander/contracts';
import {
  Alert,
  Group,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { IconChartAreaLine } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { hasTelemetry, readAgentData } from '../agent-data.js';
import {
  fitRange,
  rangeMs,
  rangesForAge,
  TELEMETRY_RANGES,
  telemetryQueries,
  type TelemetryRange,
} from '../telemetry.api.js';
import { ComponentAvailability } from './component-availability.js';
import { FiringAlerts } from './firing-alerts.js';
import { TelemetryCards } from './telemetry-cards.js';
import { ChartsSkeleton, chartWindow, TelemetryCharts } from './telemetry-charts.js';

/**
 * The cluster's health on the Overview tab: telemetry cards, charts over a range kept in the URL
 * (`?range=`), component availability and firing alerts. Live: telemetry events refetch.
 */
export function ClusterTelemetry({ slug, cluster }: { slug: string; cluster: Cluster }) {
  const [params, setParams] = useSearchParams();
  // The range fits the cluster's age: a new cluster's charts are not a sliver at the right.
  const range = fitRange(params.get('range'), cluster.created_at);
  // No agent report yet: no history either.
  const reported = hasTelemetry(readAgentData(cluster.cluster_agent_data));
  const history = useQuery({
    ...telemetryQueries.history(slug, cluster.id, range),
    enabled: reported,
  });
  const onRangeChange = (next: TelemetryRange) =>
    setParams(
      (prev) => {
        const copy = new URLSearchParams(prev);
        copy.set('range', next);
        return copy;
      },
      { replace: true },
    );
  return (
    <ClusterTelemetryView
      cluster={cluster}
      range={range}
      onRangeChange={onRangeChange}
      points={history.data}
      fetchedAt={history.dataUpdatedAt}
      historyError={history.error}
      onRetryHistory={() => void history.refetch()}
    />
  );
}

export type ClusterTelemetryViewProps = {
  cluster: Cluster;
  range: TelemetryRange;
  onRangeChange: (range: TelemetryRange) => void;
  /** Undefined while loading. */
  points: TelemetryPoint[] | undefined;
  historyError: Error | null;
  onRetryHistory: () => void;
  /** When the points were fetched: the time axis ends there (the data's "now"). */
  fetchedAt?: number;
};

export function ClusterTelemetryView({
  cluster,
  range,
  onRangeChange,
  points,
  historyError,
  onRetryHistory,
  fetchedAt,
}: ClusterTelemetryViewProps) {
  const { t } = useTranslation();
  const snapshot = readAgentData(cluster.cluster_agent_data);
  const offered = rangesForAge(cluster.created_at);
  if (!hasTelemetry(snapshot)) {
    return (
      <Paper withBorder p="md" component="section" aria-labelledby="telemetry-heading">
        <Group gap="sm" wrap="nowrap" align="flex-start">
          <IconChartAreaLine size={24} aria-hidden style={{ flexShrink: 0 }} />
          <Stack gap={2}>
            <Title order={2} size="h5" id="telemetry-heading">
              {t('telemetry.emptyTitle')}
            </Title>
            <Text size="sm" c="dimmed">
              {t('telemetry.emptyDescription')}
            </Text>
          </Stack>
        </Group>
      </Paper>
    );
  }
  return (
    <Stack gap="md" component="section" aria-labelledby="telemetry-heading">
      <Title order={2} size="h4" id="telemetry-heading">
        {t('telemetry.title')}
      </Title>
      {cluster.agent_status === 'lost' && (
        <Alert color="red" variant="light" role="status" title={t('telemetry.lostTitle')}>
          {t('telemetry.lostDescription')}
        </Alert>
      )}
      <TelemetryCards snapshot={snapshot} agentStatus={cluster.agent_status} />
      <Group justify="space-between" align="center">
        <Title order={3} size="h5">
          {t('telemetry.charts.title')}
        </Title>
        <SegmentedControl
          size="xs"
          value={range}
          onChange={(value) => onRangeChange(value)}
          aria-label={t('telemetry.range')}
          data={TELEMETRY_RANGES.map((r) => ({
            value: r,
            label: t(`telemetry.ranges.${r}`),
            disabled: !offered.includes(r),
          }))}
        />
      </Group>
      {historyError ? (
        <ErrorAlert error={historyError} onRetry={onRetryHistory} />
      ) : points === undefined ? (
        <ChartsSkeleton />
      ) : points.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('telemetry.charts.noPoints')}
        </Text>
      ) : (
        <TelemetryCharts
          points={points}
          range={range}
          {...chartWindow(rangeMs(range), cluster.created_at, fetchedAt || undefined)}
        />
      )}
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <ComponentAvailability components={snapshot.components} />
        <FiringAlerts alerts={snapshot.alerts} />
      </SimpleGrid>
    </Stack>
  );
}
