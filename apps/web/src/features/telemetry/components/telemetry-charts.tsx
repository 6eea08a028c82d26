import type { TelemetryPoint } from '@commander/contracts';
import { SimpleGrid, Skeleton } from '@mantine/core';
import { lazy, Suspense } from 'react';

import type { TelemetryRange } from '../telemetry.api.js';

export type TelemetryChartsProps = { points: TelemetryPoint[]; range: TelemetryRange };

const GIB = 1024 ** 3;

/** One row per point, in the units the charts show (cores, GiB, nodes). */
export type ChartRow = {
  time: string;
  cpuUsed: number | null;
  cpuCores: number;
  memoryUsed: number | null;
  memory: number;
  storageUsed: number | null;
  storage: number;
  nodes: number;
};

const round = (value: number) => Math.round(value * 100) / 100;

/** Turns API points into chart rows with time labels fitting the range. */
export function chartRows(
  points: TelemetryPoint[],
  range: TelemetryRange,
  language: string,
): ChartRow[] {
  const short = range === '1h' || range === '6h' || range === '24h';
  const format = new Intl.DateTimeFormat(
    language,
    short
      ? { hour: '2-digit', minute: '2-digit' }
      : { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' },
  );
  return [...points]
    .sort((a, b) => a.ts.localeCompare(b.ts))
    .map((p) => ({
      time: format.format(new Date(p.ts)),
      cpuUsed: p.cpu_usage === null ? null : round(p.cpu_usage),
      cpuCores: p.cpu_cores,
      memoryUsed: p.memory_used_bytes === null ? null : round(p.memory_used_bytes / GIB),
      memory: round(p.memory_bytes / GIB),
      storageUsed: p.storage_used_bytes === null ? null : round(p.storage_used_bytes / GIB),
      storage: round(p.storage_bytes / GIB),
      nodes: p.node_count,
    }));
}

// recharts is heavy; only the Overview tab loads it.
const LazyCharts = lazy(() =>
  import('./telemetry-charts-impl.js').then((m) => ({ default: m.TelemetryChartsImpl })),
);

/** Placeholders of the four charts while they load. */
export function ChartsSkeleton() {
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }}>
      {[0, 1, 2, 3].map((i) => (
        <Skeleton key={i} height={250} />
      ))}
    </SimpleGrid>
  );
}

/** CPU, memory, storage and node charts over the chosen range. */
export function TelemetryCharts(props: TelemetryChartsProps) {
  return (
    <Suspense fallback={<ChartsSkeleton />}>
      <LazyCharts {...props} />
    </Suspense>
  );
}
