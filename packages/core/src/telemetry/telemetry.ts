import type { TelemetryPoint } from '@commander/contracts';
import type { Db } from '@commander/db';

import type { ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';

/** Telemetry retention: raw samples for a day, hourly averages for 30 days (defaults). */
export type TelemetryRetention = { rawRetentionMs: number; hourlyRetentionMs: number };
export const DEFAULT_TELEMETRY_RETENTION: TelemetryRetention = {
  rawRetentionMs: 24 * 60 * 60 * 1000,
  hourlyRetentionMs: 30 * 24 * 60 * 60 * 1000,
};

/** At most this many points come back for a range; longer ranges are averaged into buckets. */
const MAX_POINTS = 500;

type Row = {
  ts: Date;
  resolution: string;
  cpu_cores: number;
  cpu_usage: number | null;
  memory_bytes: number;
  memory_used_bytes: number | null;
  storage_bytes: number;
  storage_used_bytes: number | null;
  node_count: number;
};

/**
 * A cluster's telemetry between `from` and `to` (default: the last 6 hours), oldest first:
 * raw samples and hourly averages, averaged into at most 500 buckets.
 * @throws AppError not_found, validation_failed (range)
 */
export async function getTelemetry(
  ctx: ServiceContext,
  clusterId: string,
  range: { from?: string; to?: string },
): Promise<TelemetryPoint[]> {
  const workspace = requireWorkspace(ctx);
  const cluster = await ctx.db.cluster.findFirst({
    where: { id: clusterId, workspaceId: workspace.id },
    select: { id: true },
  });
  if (!cluster) {
    throw notFound('Cluster', clusterId);
  }
  const to = range.to ? new Date(range.to) : new Date();
  const from = range.from ? new Date(range.from) : new Date(to.getTime() - 6 * 60 * 60 * 1000);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) {
    throw new AppError('validation_failed', 'from must be a timestamp before to');
  }
  const bucketSeconds = Math.max(1, Math.ceil((to.getTime() - from.getTime()) / 1000 / MAX_POINTS));
  const rows = await ctx.db.$queryRaw<Row[]>`
    SELECT date_bin(make_interval(secs => ${bucketSeconds}), ts, ${from}::timestamptz) AS ts,
           max(resolution) AS resolution,
           avg(cpu_cores)::float8 AS cpu_cores, avg(cpu_usage)::float8 AS cpu_usage,
           avg(memory_bytes)::float8 AS memory_bytes, avg(memory_used_bytes)::float8 AS memory_used_bytes,
           avg(storage_bytes)::float8 AS storage_bytes, avg(storage_used_bytes)::float8 AS storage_used_bytes,
           round(avg(node_count))::int AS node_count
    FROM telemetry_samples
    WHERE cluster_id = ${clusterId}::uuid AND ts >= ${from}::timestamptz AND ts <= ${to}::timestamptz
    GROUP BY 1 ORDER BY 1`;
  return rows.map((r) => ({
    ts: r.ts.toISOString(),
    resolution: r.resolution === 'hourly' ? 'hourly' : 'raw',
    cpu_cores: r.cpu_cores,
    cpu_usage: r.cpu_usage,
    memory_bytes: r.memory_bytes,
    memory_used_bytes: r.memory_used_bytes,
    storage_bytes: r.storage_bytes,
    storage_used_bytes: r.storage_used_bytes,
    node_count: r.node_count,
  }));
}

/**
 * Downsampling and retention: raw samples of complete hours older than the raw retention become
 * one hourly average per cluster and hour; hourly rows older than their retention are removed.
 * Idempotent; safe to run from several replicas (one at a time by advisory lock).
 * @returns rows rolled up and rows deleted.
 */
export async function rollupTelemetry(
  db: Db,
  retention: TelemetryRetention = DEFAULT_TELEMETRY_RETENTION,
): Promise<{ rolledUp: number; deleted: number }> {
  return db.$transaction(async (tx) => {
    const [lock] = await tx.$queryRaw<
      { locked: boolean }[]
    >`SELECT pg_try_advisory_xact_lock(727004) AS locked`;
    if (!lock?.locked) {
      return { rolledUp: 0, deleted: 0 };
    }
    const rawCutoff = new Date(
      Math.floor((Date.now() - retention.rawRetentionMs) / 3_600_000) * 3_600_000,
    );
    const rolledUp = await tx.$executeRaw`
      INSERT INTO telemetry_samples (cluster_id, ts, resolution, cpu_cores, cpu_usage, memory_bytes, memory_used_bytes,
                                     storage_bytes, storage_used_bytes, node_count, samples)
      SELECT cluster_id, date_trunc('hour', ts), 'hourly', avg(cpu_cores), avg(cpu_usage), avg(memory_bytes),
             avg(memory_used_bytes), avg(storage_bytes), avg(storage_used_bytes), round(avg(node_count))::int, count(*)
      FROM telemetry_samples WHERE resolution = 'raw' AND ts < ${rawCutoff}::timestamptz
      GROUP BY cluster_id, date_trunc('hour', ts)`;
    const deletedRaw =
      await tx.$executeRaw`DELETE FROM telemetry_samples WHERE resolution = 'raw' AND ts < ${rawCutoff}::timestamptz`;
    const hourlyCutoff = new Date(Date.now() - retention.hourlyRetentionMs);
    const deletedHourly =
      await tx.$executeRaw`DELETE FROM telemetry_samples WHERE resolution = 'hourly' AND ts < ${hourlyCutoff}::timestamptz`;
    return { rolledUp, deleted: deletedRaw + deletedHourly };
  });
}
