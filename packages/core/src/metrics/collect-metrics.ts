import type { Db } from '@commander/db';

import { AppError } from '../errors.js';

/** A manager replica counts as alive with a heartbeat this recent (MANAGER_DEAD_AFTER_MS). */
export const REPLICA_ALIVE_SECONDS = 30;

/** The state of the installation as the API's `/metrics` gauges show it. */
export type InstallationMetrics = {
  /** Live clusters by status. */
  clusters: { status: string; n: number }[];
  /** Operations queued or running, by kind and status. */
  operations: { kind: string; status: string; n: number }[];
  /** Live clusters by agent state. */
  agents: { status: string; n: number }[];
  /** Manager replicas with a recent heartbeat. */
  replicas: number;
  /** Age in seconds of the newest raw telemetry sample (null: none stored). */
  telemetryLagSeconds: number | null;
};

type Row = {
  clusters: { status: string; n: number }[] | null;
  operations: { kind: string; status: string; n: number }[] | null;
  agents: { status: string; n: number }[] | null;
  replicas: number;
  telemetry_lag: number | null;
};

/** Everything `/metrics` reports about the installation, in one aggregate query. */
export async function collectMetrics(db: Db): Promise<InstallationMetrics> {
  const rows = await db.$queryRaw<Row[]>`
    SELECT
      (SELECT json_agg(json_build_object('status', status, 'n', n)) FROM (
         SELECT status, count(*)::int AS n FROM clusters WHERE archived_at IS NULL GROUP BY status) c
      ) AS clusters,
      (SELECT json_agg(json_build_object('kind', kind, 'status', status, 'n', n)) FROM (
         SELECT kind::text, status::text, count(*)::int AS n FROM cluster_operations
         WHERE status IN ('QUEUED', 'RUNNING') GROUP BY kind, status) o
      ) AS operations,
      (SELECT json_agg(json_build_object('status', agent_status, 'n', n)) FROM (
         SELECT agent_status, count(*)::int AS n FROM clusters WHERE archived_at IS NULL
         GROUP BY agent_status) a
      ) AS agents,
      (SELECT count(*)::int FROM manager_replicas WHERE stopped_at IS NULL
         AND heartbeat_at > now() - make_interval(secs => ${REPLICA_ALIVE_SECONDS})) AS replicas,
      (SELECT EXTRACT(EPOCH FROM now() - max(ts))::float8 FROM telemetry_samples
         WHERE resolution = 'raw') AS telemetry_lag`;
  const row = rows[0]!;
  return {
    clusters: row.clusters ?? [],
    operations: row.operations ?? [],
    agents: row.agents ?? [],
    replicas: row.replicas,
    telemetryLagSeconds: row.telemetry_lag,
  };
}

/** `/readyz`: the database answers; `service_unavailable` (503) otherwise. */
export async function checkReadiness(db: Db): Promise<void> {
  try {
    await db.$queryRaw`SELECT 1`;
  } catch {
    throw new AppError('service_unavailable', 'database unreachable');
  }
}
