import type { TelemetryPoint } from '@commander/contracts';
import { type Db, type DbOrTx, utcDay } from '@commander/db';

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

const DAY_MS = 24 * 60 * 60 * 1000;

/** Creates the telemetry partitions of the UTC days from `from` to `to` that are missing. */
export async function ensureTelemetryPartitionsFor(
  db: DbOrTx,
  from: Date,
  to: Date,
): Promise<number> {
  const [row] = await db.$queryRaw<{ created: number }[]>`
    SELECT commander_ensure_telemetry_partitions(${utcDay(from)}::date, ${utcDay(to)}::date) AS created`;
  return row?.created ?? 0;
}

/**
 * The day partitions of `telemetry_samples` holding one resolution
 * (`telemetry_samples_raw_YYYYMMDD` or `telemetry_samples_hourly_YYYYMMDD`), with their UTC day.
 */
async function dayPartitions(
  db: DbOrTx,
  resolution: 'raw' | 'hourly',
): Promise<{ name: string; day: Date }[]> {
  const prefix = `telemetry_samples_${resolution}`;
  const rows = await db.$queryRaw<{ name: string }[]>`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'telemetry_samples'::regclass`;
  const out: { name: string; day: Date }[] = [];
  for (const { name } of rows) {
    const m = new RegExp(`^${prefix}_(\\d{4})(\\d{2})(\\d{2})$`).exec(name);
    if (m) {
      out.push({ name, day: new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`) });
    }
  }
  return out.sort((a, b) => a.day.getTime() - b.day.getTime());
}

/**
 * Partition upkeep, downsampling and retention, without a DELETE: creates the partitions of
 * yesterday to a week ahead; every raw day partition whose whole day is older than the raw
 * retention becomes one hourly average per cluster and hour and is then DROPPED (one
 * transaction per day); hourly day partitions older than their retention are dropped. So raw
 * samples are kept between the raw retention and a day more. Idempotent; safe to run from
 * several replicas (one at a time by advisory lock).
 * @returns hourly rows written, day partitions dropped and created.
 */
export async function rollupTelemetry(
  db: Db,
  retention: TelemetryRetention = DEFAULT_TELEMETRY_RETENTION,
  now: Date = new Date(),
): Promise<{ rolledUp: number; droppedPartitions: number; createdPartitions: number }> {
  const createdPartitions = await ensureTelemetryPartitionsFor(
    db,
    new Date(now.getTime() - DAY_MS),
    new Date(now.getTime() + 7 * DAY_MS),
  );
  let rolledUp = 0;
  let droppedPartitions = 0;
  const rawCutoff = now.getTime() - retention.rawRetentionMs;
  for (const part of await dayPartitions(db, 'raw')) {
    if (part.day.getTime() + DAY_MS > rawCutoff) {
      break;
    }
    await db.$transaction(async (tx) => {
      const [lock] = await tx.$queryRaw<
        { locked: boolean }[]
      >`SELECT pg_try_advisory_xact_lock(727004) AS locked`;
      const [exists] = await tx.$queryRaw<
        { ok: boolean }[]
      >`SELECT to_regclass(${part.name}) IS NOT NULL AS ok`;
      if (!lock?.locked || !exists?.ok) {
        return;
      }
      await ensureTelemetryPartitionsFor(tx, part.day, part.day);
      rolledUp += await tx.$executeRawUnsafe(`
        INSERT INTO telemetry_samples (cluster_id, ts, resolution, cpu_cores, cpu_usage, memory_bytes,
                                       memory_used_bytes, storage_bytes, storage_used_bytes, node_count, samples)
        SELECT cluster_id, date_trunc('hour', ts), 'hourly', avg(cpu_cores), avg(cpu_usage), avg(memory_bytes),
               avg(memory_used_bytes), avg(storage_bytes), avg(storage_used_bytes), round(avg(node_count))::int, count(*)
        FROM "${part.name}" GROUP BY cluster_id, date_trunc('hour', ts)`);
      await tx.$executeRawUnsafe(`DROP TABLE "${part.name}"`);
      droppedPartitions++;
    });
  }
  const hourlyCutoff = now.getTime() - retention.hourlyRetentionMs;
  for (const part of await dayPartitions(db, 'hourly')) {
    if (part.day.getTime() + DAY_MS > hourlyCutoff) {
      break;
    }
    await db.$transaction(async (tx) => {
      const [lock] = await tx.$queryRaw<
        { locked: boolean }[]
      >`SELECT pg_try_advisory_xact_lock(727004) AS locked`;
      if (lock?.locked) {
        await tx.$executeRawUnsafe(`DROP TABLE IF EXISTS "${part.name}"`);
        droppedPartitions++;
      }
    });
  }
  return { rolledUp, droppedPartitions, createdPartitions };
}
