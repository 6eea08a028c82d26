import '@mantine/charts/styles.css';

import { AreaChart, LineChart } from '@mantine/charts';
import { Paper, SimpleGrid, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import type { TelemetryChartsProps } from './telemetry-charts.js';
import { chartRows } from './telemetry-charts.js';

function ChartCard({
  id,
  title,
  summary,
  children,
}: {
  id: string;
  title: string;
  summary: string;
  children: React.ReactNode;
}) {
  return (
    <Paper withBorder p="md" component="figure" m={0} aria-labelledby={id}>
      <Stack gap="xs">
        <Title order={3} size="h6" id={id} component="figcaption">
          {title}
        </Title>
        <Text size="xs" c="dimmed">
          {summary}
        </Text>
        {children}
      </Stack>
    </Paper>
  );
}

/** The four telemetry charts (recharts through @mantine/charts; loaded lazily). */
export function TelemetryChartsImpl({ points, range }: TelemetryChartsProps) {
  const { t, i18n } = useTranslation();
  const rows = chartRows(points, range, i18n.language);
  const last = rows.at(-1);
  const number = (value: number | null | undefined, digits = 1) =>
    value === null || value === undefined
      ? '—'
      : new Intl.NumberFormat(i18n.language, { maximumFractionDigits: digits }).format(value);
  const common = {
    h: 180,
    data: rows,
    dataKey: 'time',
    curveType: 'monotone' as const,
    withDots: false,
    connectNulls: true,
    tooltipAnimationDuration: 0,
    gridAxis: 'y' as const,
    xAxisProps: { minTickGap: 32 },
  };
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }}>
      <ChartCard
        id="chart-cpu"
        title={t('telemetry.charts.cpu')}
        summary={t('telemetry.charts.cpuSummary', {
          used: number(last?.cpuUsed),
          total: number(last?.cpuCores, 0),
        })}
      >
        <AreaChart
          {...common}
          unit={` ${t('telemetry.units.cores')}`}
          series={[
            { name: 'cpuUsed', label: t('telemetry.charts.used'), color: 'blue.6' },
            { name: 'cpuCores', label: t('telemetry.charts.total'), color: 'gray.5' },
          ]}
          fillOpacity={0.15}
        />
      </ChartCard>
      <ChartCard
        id="chart-memory"
        title={t('telemetry.charts.memory')}
        summary={t('telemetry.charts.gibSummary', {
          used: number(last?.memoryUsed),
          total: number(last?.memory),
        })}
      >
        <AreaChart
          {...common}
          unit=" GiB"
          series={[
            { name: 'memoryUsed', label: t('telemetry.charts.used'), color: 'violet.6' },
            { name: 'memory', label: t('telemetry.charts.total'), color: 'gray.5' },
          ]}
          fillOpacity={0.15}
        />
      </ChartCard>
      <ChartCard
        id="chart-storage"
        title={t('telemetry.charts.storage')}
        summary={t('telemetry.charts.gibSummary', {
          used: number(last?.storageUsed),
          total: number(last?.storage),
        })}
      >
        <AreaChart
          {...common}
          unit=" GiB"
          series={[
            { name: 'storageUsed', label: t('telemetry.charts.used'), color: 'orange.6' },
            { name: 'storage', label: t('telemetry.charts.total'), color: 'gray.5' },
          ]}
          fillOpacity={0.15}
        />
      </ChartCard>
      <ChartCard
        id="chart-nodes"
        title={t('telemetry.charts.nodes')}
        summary={t('telemetry.charts.nodesSummary', { count: last?.nodes ?? 0 })}
      >
        <LineChart
          {...common}
          curveType="stepAfter"
          yAxisProps={{ allowDecimals: false }}
          series={[{ name: 'nodes', label: t('telemetry.charts.nodes'), color: 'teal.6' }]}
        />
      </ChartCard>
      <VisuallyHidden>{t('telemetry.charts.points', { count: rows.length })}</VisuallyHidden>
    </SimpleGrid>
  );
}
