import { TelemetryPointSchema } from '@commander/contracts';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { z } from 'zod';

import { api } from '../../lib/api-client.js';
import { clusterQueries } from '../clusters/clusters.api.js';

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
