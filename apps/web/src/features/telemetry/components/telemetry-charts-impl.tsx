import '@mantine/charts/styles.css';

import {
  AreaChart,
  type AreaChartSeries,
  type ChartSeries,
  ChartTooltip,
  LineChart,
} from '@mantine/charts';
import { Paper, SimpleGrid, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { TooltipContentProps } from 'recharts';

import type { TelemetryChartsProps } from './telemetry-charts.js';
import { chartRows, timeFormatter } from './telemetry-charts.js';

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
export function TelemetryChartsImpl({ points, from, to }: TelemetryChartsProps) {
  const { t, i18n } = useTranslation();
  const rows = chartRows(points);
  const last = rows.at(-1);
  const number = (value: number | null | undefined, digits = 1) =>
    value === null || value === undefined
      ? '—'
      : new Intl.NumberFormat(i18n.language, { maximumFractionDigits: digits }).format(value);
  const time = timeFormatter(to - from, i18n.language);
  // "1 core", "1.5 cores", "3 ядра": the word agrees with the number.
  const cores = (value: number) =>
    t('telemetry.units.coresValue', { count: value, value: number(value, 2) });
  const gib = (value: number) => t('telemetry.units.gib', { value: number(value, 1) });
  const common = {
    h: 200,
    data: rows,
    dataKey: 'time',
    curveType: 'monotone' as const,
    withDots: false,
    connectNulls: false,
    withLegend: true,
    legendProps: { verticalAlign: 'bottom' as const, height: 28 },
    tooltipAnimationDuration: 0,
    gridAxis: 'y' as const,
    xAxisProps: {
      type: 'number' as const,
      scale: 'time' as const,
      domain: [from, to],
      tickFormatter: time,
      minTickGap: 40,
    },
  };
  // Mantine's tooltip, with the time axis's epoch milliseconds shown as a time.
  const tooltip = (series: ChartSeries[], format: (value: number) => string) => ({
    content: ({ label, payload }: TooltipContentProps<number, string>) => (
      <ChartTooltip
        label={time(Number(label))}
        payload={payload}
        series={series}
        valueFormatter={format}
      />
    ),
  });
  const cpuSeries: AreaChartSeries[] = [
    { name: 'cpuUsed', label: t('telemetry.charts.used'), color: 'blue.6' },
    { name: 'cpuCores', label: t('telemetry.charts.total'), color: 'gray.5' },
  ];
  const memorySeries: AreaChartSeries[] = [
    { name: 'memoryUsed', label: t('telemetry.charts.used'), color: 'violet.6' },
    { name: 'memory', label: t('telemetry.charts.total'), color: 'gray.5' },
  ];
  const storageSeries: AreaChartSeries[] = [
    { name: 'storageUsed', label: t('telemetry.charts.used'), color: 'orange.6' },
    { name: 'storage', label: t('telemetry.charts.total'), color: 'gray.5' },
  ];
  const nodeSeries: AreaChartSeries[] = [
    { name: 'nodes', label: t('telemetry.charts.nodes'), color: 'teal.6' },
  ];
  const nodes = (value: number) => t('telemetry.charts.nodeCount', { count: value });
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }}>
      <ChartCard
        id="chart-cpu"
        title={t('telemetry.charts.cpu')}
        summary={t('telemetry.charts.cpuSummary', {
          used: number(last?.cpuUsed),
          total: number(last?.cpuCores, 0),
          count: last?.cpuCores ?? 0,
        })}
      >
        <AreaChart
          {...common}
          valueFormatter={cores}
          series={cpuSeries}
          tooltipProps={tooltip(cpuSeries, cores)}
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
          valueFormatter={gib}
          series={memorySeries}
          tooltipProps={tooltip(memorySeries, gib)}
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
          valueFormatter={gib}
          series={storageSeries}
          tooltipProps={tooltip(storageSeries, gib)}
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
          series={nodeSeries}
          tooltipProps={tooltip(nodeSeries, nodes)}
        />
      </ChartCard>
      <VisuallyHidden>{t('telemetry.charts.points', { count: rows.length })}</VisuallyHidden>
    </SimpleGrid>
  );
}
