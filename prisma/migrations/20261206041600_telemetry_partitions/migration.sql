-- telemetry_samples partitioned by (resolution, UTC day) in one level: range partitions
-- telemetry_samples_raw_YYYYMMDD = [('raw', day), ('raw', day + 1)) and the same for 'hourly', so
-- that retention drops whole partitions instead of DELETEing millions of rows, and a query on
-- one resolution and a time range prunes to its days. One level, not list-then-range: Prisma's
-- schema diff ignores leaf partitions but not partitioned partitions, and pg_restore --clean
-- cannot drop a sub-partition's inherited key. Existing rows move.
-- A unique key of a partitioned table must contain every partition key, hence the primary
-- key (id, resolution, ts); ids still come from the same sequence.

ALTER SEQUENCE "telemetry_samples_id_seq" OWNED BY NONE;
ALTER TABLE "telemetry_samples" RENAME TO "telemetry_samples_unpartitioned";
ALTER TABLE "telemetry_samples_unpartitioned" RENAME CONSTRAINT "telemetry_samples_pkey" TO "telemetry_samples_unpartitioned_pkey";
ALTER TABLE "telemetry_samples_unpartitioned" RENAME CONSTRAINT "telemetry_samples_cluster_id_fkey" TO "telemetry_samples_unpartitioned_cluster_id_fkey";
ALTER INDEX "telemetry_samples_cluster_id_resolution_ts_idx" RENAME TO "telemetry_samples_unpartitioned_crt_idx";
ALTER INDEX "telemetry_samples_ts_idx" RENAME TO "telemetry_samples_unpartitioned_ts_idx";

CREATE TABLE "telemetry_samples" (
    "id" BIGINT NOT NULL DEFAULT nextval('telemetry_samples_id_seq'),
    "cluster_id" UUID NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "resolution" TEXT NOT NULL DEFAULT 'raw',
    "cpu_cores" DOUBLE PRECISION NOT NULL,
    "cpu_usage" DOUBLE PRECISION,
    "memory_bytes" DOUBLE PRECISION NOT NULL,
    "memory_used_bytes" DOUBLE PRECISION,
    "storage_bytes" DOUBLE PRECISION NOT NULL,
    "storage_used_bytes" DOUBLE PRECISION,
    "node_count" INTEGER NOT NULL,
    "samples" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "telemetry_samples_pkey" PRIMARY KEY ("id", "resolution", "ts")
) PARTITION BY RANGE ("resolution", "ts");

CREATE INDEX "telemetry_samples_cluster_id_resolution_ts_idx" ON "telemetry_samples"("cluster_id", "resolution", "ts");
CREATE INDEX "telemetry_samples_ts_idx" ON "telemetry_samples"("ts");

-- Creates the raw and hourly partitions of every UTC day from from_day to to_day (inclusive)
-- that do not exist yet; returns how many it created. Serialized by an advisory lock so
-- concurrent callers (API processes, manager replicas) do not race on the same name.
CREATE FUNCTION commander_ensure_telemetry_partitions(from_day date, to_day date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  d date;
  res text;
  part text;
  created integer := 0;
BEGIN
  IF to_day < from_day THEN
    RETURN 0;
  END IF;
  IF to_day - from_day > 400 THEN
    RAISE EXCEPTION 'refusing to create telemetry partitions for % days', to_day - from_day + 1;
  END IF;
  PERFORM pg_advisory_xact_lock(727005);
  d := from_day;
  WHILE d <= to_day LOOP
    FOREACH res IN ARRAY ARRAY['raw', 'hourly'] LOOP
      part := format('telemetry_samples_%s_%s', res, to_char(d, 'YYYYMMDD'));
      IF to_regclass(format('%I', part)) IS NULL THEN
        EXECUTE format(
          'CREATE TABLE %I PARTITION OF telemetry_samples FOR VALUES FROM (%L, %L) TO (%L, %L)',
          part,
          res, to_char(d, 'YYYY-MM-DD') || ' 00:00:00+00',
          res, to_char(d + 1, 'YYYY-MM-DD') || ' 00:00:00+00');
        created := created + 1;
      END IF;
    END LOOP;
    d := d + 1;
  END LOOP;
  RETURN created;
END
$$;

-- Partitions for every day that holds rows, and for yesterday to a week ahead.
SELECT count(commander_ensure_telemetry_partitions(day, day))
FROM (SELECT DISTINCT ("ts" AT TIME ZONE 'UTC')::date AS day FROM "telemetry_samples_unpartitioned") days;
SELECT commander_ensure_telemetry_partitions(
  (now() AT TIME ZONE 'UTC')::date - 1, (now() AT TIME ZONE 'UTC')::date + 7);

INSERT INTO "telemetry_samples" ("id", "cluster_id", "ts", "resolution", "cpu_cores", "cpu_usage",
  "memory_bytes", "memory_used_bytes", "storage_bytes", "storage_used_bytes", "node_count", "samples")
SELECT "id", "cluster_id", "ts", "resolution", "cpu_cores", "cpu_usage", "memory_bytes",
  "memory_used_bytes", "storage_bytes", "storage_used_bytes", "node_count", "samples"
FROM "telemetry_samples_unpartitioned"
WHERE "resolution" IN ('raw', 'hourly');

DROP TABLE "telemetry_samples_unpartitioned";
ALTER TABLE "telemetry_samples" ADD CONSTRAINT "telemetry_samples_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER SEQUENCE "telemetry_samples_id_seq" OWNED BY "telemetry_samples"."id";
