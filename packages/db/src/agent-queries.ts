import type pg from 'pg';

/**
 * The agent API's hot statements, on `pg` directly as named (prepared) statements: agent
 * authentication, the resource poll's version check, and the telemetry write-behind batch.
 * Prisma stays the schema and the general data layer; these run hundreds of times a second.
 */

/** Anything that runs a query: a pool or one of its clients. */
export type Queryable = Pick<pg.Pool, 'query'>;

/** What authenticating an agent needs of its cluster. */
export type AgentAuthRow = {
  id: string;
  uuid: string;
  workspaceId: string;
  archived: boolean;
  agentKeyHash: string | null;
  agentPreviousKeyHash: string | null;
  agentPreviousKeyExpiresAt: Date | null;
};

/** The cluster with this uuid, as agent authentication needs it; null when there is none. */
export async function selectAgentAuth(db: Queryable, uuid: string): Promise<AgentAuthRow | null> {
  const { rows } = await db.query<AgentAuthRow>({
    name: 'commander_agent_auth',
    text: `SELECT id, uuid, workspace_id AS "workspaceId", archived_at IS NOT NULL AS archived,
                  agent_key_hash AS "agentKeyHash", agent_previous_key_hash AS "agentPreviousKeyHash",
                  agent_previous_key_expires_at AS "agentPreviousKeyExpiresAt"
           FROM clusters WHERE uuid = $1`,
    values: [uuid],
  });
  return rows[0] ?? null;
}

/** The stored resources version of a cluster (null when cleared or never computed). */
export async function selectResourcesVersion(
  db: Queryable,
  clusterId: string,
): Promise<string | null> {
  const { rows } = await db.query<{ v: string | null }>({
    name: 'commander_resources_version',
    text: 'SELECT resources_version AS v FROM clusters WHERE id = $1',
    values: [clusterId],
  });
  return rows[0]?.v ?? null;
}

/** One telemetry sample as stored. */
export type TelemetryRow = {
  clusterId: string;
  ts: Date;
  cpuCores: number;
  cpuUsage: number | null;
  memoryBytes: number;
  memoryUsedBytes: number | null;
  storageBytes: number;
  storageUsedBytes: number | null;
  nodeCount: number;
};

/** A cluster's latest snapshot (`agent_data`, JSON text) and when its agent was seen. */
export type AgentSnapshot = { clusterId: string; agentDataJson: string; seenAt: Date };

/** An agent seen (a resource poll) with nothing else to write. */
export type AgentSeen = { clusterId: string; seenAt: Date };

/** PostgreSQL's SQLSTATE of an insert that no partition accepts. */
export const NO_PARTITION_SQLSTATE = '23514';

/**
 * Clusters named by one coalesced telemetry notice. A notice is
 * `{"type" : "telemetry", "workspace_id" : "<uuid>", "cluster_ids" : ["<uuid>", …]}` as
 * PostgreSQL's `json_build_object` / `json_agg` write it: about 80 bytes plus 40 per cluster, so
 * 150 clusters stay near 6,100 bytes, under PostgreSQL's 8,000-byte NOTIFY payload limit.
 */
export const TELEMETRY_NOTICE_MAX_CLUSTERS = 150;

/** What a telemetry batch wrote. */
export type TelemetryBatchResult = {
  /** Samples stored (those of clusters that no longer exist are skipped). */
  stored: number;
  /**
   * The batch's change events, coalesced: one notice per workspace and
   * {@link TELEMETRY_NOTICE_MAX_CLUSTERS} clusters whose snapshot was written, for
   * {@link sendNotices} once the batch has committed.
   */
  notices: string[];
};

/**
 * Writes one batch in ONE statement (so one transaction and one commit): the samples
 * (multi-row INSERT from arrays), each cluster's latest snapshot and online status, and the
 * last-seen time of agents that only polled. A cluster must appear at most once across
 * `snapshots` and `seen` (one UPDATE of a row per statement). Samples of clusters that no longer
 * exist are skipped.
 *
 * The statement sends NO notification: a transaction that NOTIFYs holds PostgreSQL's global
 * notify lock from its pre-commit through its commit, WAL flush included, so concurrent
 * batches would commit one after another instead of sharing flushes (group commit). It returns
 * the clusters' `telemetry` change events instead, coalesced into notices (`{type: 'telemetry',
 * workspace_id, cluster_ids}`), which the caller sends after the commit ({@link sendNotices});
 * the API's event listener fans each out into one change event per cluster (`changeEventsOf`
 * in @commander/core).
 */
export async function writeTelemetryBatch(
  db: Queryable,
  batch: { samples: TelemetryRow[]; snapshots: AgentSnapshot[]; seen: AgentSeen[] },
): Promise<TelemetryBatchResult> {
  const s = batch.samples;
  const { rows } = await db.query<{ stored: number; notices: string[] | null }>({
    name: 'commander_telemetry_batch',
    text: `WITH inserted AS (
             INSERT INTO telemetry_samples (cluster_id, ts, cpu_cores, cpu_usage, memory_bytes,
                                            memory_used_bytes, storage_bytes, storage_used_bytes, node_count)
             SELECT u.* FROM unnest($1::uuid[], $2::timestamptz[], $3::float8[], $4::float8[], $5::float8[],
                                    $6::float8[], $7::float8[], $8::float8[], $9::int[])
                          AS u(cluster_id, ts, cpu_cores, cpu_usage, memory_bytes, memory_used_bytes,
                               storage_bytes, storage_used_bytes, node_count)
             WHERE EXISTS (SELECT 1 FROM clusters c WHERE c.id = u.cluster_id)
             RETURNING 1
           ), snapshots AS (
             UPDATE clusters c
             SET agent_data = v.data::jsonb, agent_status = 'online', agent_last_seen_at = v.seen
             FROM unnest($10::uuid[], $11::text[], $12::timestamptz[]) AS v(id, data, seen)
             WHERE c.id = v.id
             RETURNING c.id, c.workspace_id
           ), seen AS (
             UPDATE clusters c
             SET agent_status = 'online', agent_last_seen_at = v.seen
             FROM unnest($13::uuid[], $14::timestamptz[]) AS v(id, seen)
             WHERE c.id = v.id AND (c.agent_last_seen_at IS NULL OR c.agent_last_seen_at < v.seen
                                    OR c.agent_status IS DISTINCT FROM 'online')
             RETURNING 1
           ), notices AS (
             SELECT json_build_object('type', 'telemetry', 'workspace_id', k.workspace_id,
                      'cluster_ids', json_agg(k.id ORDER BY k.id))::text AS payload
             FROM (SELECT id, workspace_id,
                          (row_number() OVER (PARTITION BY workspace_id ORDER BY id) - 1)
                            / ${TELEMETRY_NOTICE_MAX_CLUSTERS} AS chunk
                   FROM snapshots) k
             GROUP BY k.workspace_id, k.chunk
           )
           SELECT (SELECT count(*) FROM inserted)::int AS stored,
                  (SELECT array_agg(payload) FROM notices) AS notices,
                  (SELECT count(*) FROM seen) AS seen`,
    values: [
      s.map((r) => r.clusterId),
      s.map((r) => r.ts),
      s.map((r) => r.cpuCores),
      s.map((r) => r.cpuUsage),
      s.map((r) => r.memoryBytes),
      s.map((r) => r.memoryUsedBytes),
      s.map((r) => r.storageBytes),
      s.map((r) => r.storageUsedBytes),
      s.map((r) => r.nodeCount),
      batch.snapshots.map((r) => r.clusterId),
      batch.snapshots.map((r) => r.agentDataJson),
      batch.snapshots.map((r) => r.seenAt),
      batch.seen.map((r) => r.clusterId),
      batch.seen.map((r) => r.seenAt),
    ],
  });
  return { stored: rows[0]?.stored ?? 0, notices: rows[0]?.notices ?? [] };
}

/**
 * Sends `notices` on `channel` in one statement (its own transaction: it writes no WAL, so it
 * commits without waiting for a flush and holds the notify lock only for a moment).
 */
export async function sendNotices(
  db: Queryable,
  channel: string,
  notices: string[],
): Promise<void> {
  if (notices.length === 0) {
    return;
  }
  await db.query({
    name: 'commander_send_notices',
    text: 'SELECT count(pg_notify($1, n)) FROM unnest($2::text[]) AS n',
    values: [channel, notices],
  });
}

/**
 * Creates the raw and hourly telemetry partitions of every UTC day from `from` to `to`
 * (inclusive) that are missing. Returns how many tables it created.
 */
export async function ensureTelemetryPartitions(
  db: Queryable,
  from: Date,
  to: Date,
): Promise<number> {
  const { rows } = await db.query<{ created: number }>(
    'SELECT commander_ensure_telemetry_partitions($1::date, $2::date) AS created',
    [utcDay(from), utcDay(to)],
  );
  return rows[0]?.created ?? 0;
}

/** `YYYY-MM-DD` of the UTC day of `d`. */
export function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}
