import { TelemetryPointSchema } from '@commander/contracts';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { z } from 'zod';

import { api } from '../../lib/api-client.js';
import { clusterQueries } from '../cluster-shared/clusters.api.js';

/** Time ranges of the charts (the `?range=` of the Overview tab). */
export const TELEMETRY_RANGES = ['1h', '6h', '24h', '7d', '30d'] as const;
export type TelemetryRange = (typeof TELEMETRY_RANGES)[number];
export const DEFAULT_RANGE: TelemetryRange = '6h';

const HOUR = 3600_000;
const RANGE_MS: Record<TelemetryRange, number> = {
  '1h': HOUR,
  '6h': 6 * HOUR,
  '24h': 24 * HOUR,
  '7d': 7 * 24 * HOUR,
  '30d': 30 * 24 * HOUR,
};

/** Reads `?range=`, falling back to the default for anything unknown. */
export function parseRange(value: string | null): TelemetryRange {
  return (TELEMETRY_RANGES as readonly string[]).includes(value ?? '')
    ? (value as TelemetryRange)
    : DEFAULT_RANGE;
}

/** The range's length in milliseconds. */
export function rangeMs(range: TelemetryRange): number {
  return RANGE_MS[range];
}

/**
 * Ranges worth offering for a cluster of this age: every range up to the first one that covers
 * its whole life (a cluster made 20 minutes ago has only "1 h"; a month-old one has all).
 */
export function rangesForAge(createdAt: string, now: number = Date.now()): TelemetryRange[] {
  const age = Math.max(0, now - Date.parse(createdAt));
  const offered: TelemetryRange[] = [];
  for (const range of TELEMETRY_RANGES) {
    offered.push(range);
    if (RANGE_MS[range] >= age) {
      break;
    }
  }
  return offered;
}

/**
 * The range to show: the one in the URL when the cluster is old enough for it, else the
 * largest one it is old enough for; without one in the URL, the default or the first range
 * covering the cluster's life, whichever is shorter.
 */
export function fitRange(
  requested: string | null,
  createdAt: string,
  now: number = Date.now(),
): TelemetryRange {
  const offered = rangesForAge(createdAt, now);
  const largest = offered.at(-1) ?? DEFAULT_RANGE;
  const wanted = requested === null ? DEFAULT_RANGE : parseRange(requested);
  return offered.includes(wanted) ? wanted : largest;
}

/** `from`/`to` of a range ending now. */
export function rangeBounds(range: TelemetryRange, now: number = Date.now()) {
  return { from: new Date(now - RANGE_MS[range]).toISOString(), to: new Date(now).toISOString() };
}

export const telemetryQueries = {
  /** Telemetry history of a cluster (under the cluster's key). */
  all: (slug: string, clusterId: string) =>
    [...clusterQueries.one(slug, clusterId), 'telemetry'] as const,
  history: (slug: string, clusterId: string, range: TelemetryRange) =>
    queryOptions({
      queryKey: [...telemetryQueries.all(slug, clusterId), range] as const,
      // The window ends "now" at every fetch, so a refetch slides it forward.
      queryFn: ({ signal }) =>
        api.get(`/clusters/${clusterId}/telemetry`, {
          schema: z.array(TelemetryPointSchema),
          workspace: slug,
          query: rangeBounds(range),
          signal,
        }),
      placeholderData: keepPreviousData,
      // Agents report every few seconds to minutes; the event stream refetches sooner.
      refetchInterval: 60_000,
    }),
};
