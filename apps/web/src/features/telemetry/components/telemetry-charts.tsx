import type { TelemetryPoint } from '@commander/contracts';
import { SimpleGrid, Skeleton } from '@mantine/core';
import { lazy, Suspense } from 'react';

import type { TelemetryRange } from '../telemetry.api.js';

export type TelemetryChartsProps = {
  points: TelemetryPoint[];
  range: TelemetryRange;
  /** The time axis: the range, or the cluster's life when it is shorter (epoch ms). */
  from: number;
  to: number;
};

const GIB = 1024 ** 3;

/** One row per point, in the units the charts show (cores, GiB, nodes). */
export type ChartRow = {
  /** Epoch milliseconds (a numeric time axis, so gaps show as gaps). */
  time: number;
  cpuUsed: number | null;
  cpuCores: number;
  memoryUsed: number | null;
  memory: number;
  storageUsed: number | null;
  storage: number;
  nodes: number;
};

const round = (value: number) => Math.round(value * 100) / 100;

/** Time labels fitting the span shown: hours and minutes within a day, else with the date. */
export function timeFormatter(spanMs: number, language: string): (ms: number) => string {
  const format = new Intl.DateTimeFormat(
    language,
    spanMs <= 24 * 3600_000
      ? { hour: '2-digit', minute: '2-digit' }
      : { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' },
  );
  // recharts may hand over anything (a category, an empty tick): never throw on a bad date.
  return (ms) => {
    const date = new Date(Number(ms));
    return Number.isNaN(date.getTime()) ? '' : format.format(date);
  };
}

/** The time axis of a range: from its start, or the cluster's creation when later, to now. */
export function chartWindow(
  rangeMs: number,
  createdAt: string,
  now: number = Date.now(),
): { from: number; to: number } {
  const created = Date.parse(createdAt);
  return { from: Math.max(now - rangeMs, Number.isNaN(created) ? 0 : created), to: now };
}

/** Turns API points into chart rows, oldest first. */
export function chartRows(points: TelemetryPoint[]): ChartRow[] {
  return [...points]
    .sort((a, b) => a.ts.localeCompare(b.ts))
    .map((p) => ({
      time: Date.parse(p.ts),
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
