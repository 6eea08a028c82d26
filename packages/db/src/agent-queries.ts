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

/**
 * The clusters with these uuids (at most one statement's worth; duplicates allowed), as agent
 * authentication needs them, by uuid; a uuid with no cluster is absent from the map. ONE
 * statement: the agent key cache's misses of one event-loop tick are read together.
 */
export async function selectAgentAuthMany(
  db: Queryable,
  uuids: string[],
): Promise<Map<string, AgentAuthRow>> {
  const { rows } = await db.query<AgentAuthRow>({
    name: 'commander_agent_auth_many',
    text: `SELECT id, uuid, workspace_id AS "workspaceId", archived_at IS NOT NULL AS archived,
                  agent_key_hash AS "agentKeyHash", agent_previous_key_hash AS "agentPreviousKeyHash",
                  agent_previous_key_expires_at AS "agentPreviousKeyExpiresAt"
           FROM clusters WHERE uuid = ANY($1::uuid[])`,
    values: [uuids],
  });
  return new Map(rows.map((r) => [r.uuid, r]));
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

/**
 * What the resource poll needs of a cluster: its stored (stamped) version and, only when that
 * is not `stampedIfNoneMatch` (the agent's ETag with this process's tag), what the resources
 * are built from — the encrypted render and agent key, with their md5 for a later
 * {@link stampResourcesVersions} — so a 304 does not carry the ciphertexts.
 */
export type AgentResourcesRow = {
  uuid: string;
  stored: string | null;
  render: string | null;
  key: string | null;
  renderMd5: string | null;
  keyMd5: string | null;
};

/** The resource poll's one statement; null when the cluster is gone. */
export async function selectAgentResources(
  db: Queryable,
  clusterId: string,
  stampedIfNoneMatch: string | null,
): Promise<AgentResourcesRow | null> {
  const { rows } = await db.query<AgentResourcesRow>({
    name: 'commander_agent_resources',
    text: `SELECT uuid, resources_version AS stored,
                  CASE WHEN m.hit THEN NULL ELSE desired_rendered_encrypted END AS render,
                  CASE WHEN m.hit THEN NULL ELSE agent_key_encrypted END AS key,
                  CASE WHEN m.hit THEN NULL ELSE md5(desired_rendered_encrypted) END AS "renderMd5",
                  CASE WHEN m.hit THEN NULL ELSE md5(agent_key_encrypted) END AS "keyMd5"
           FROM clusters c
           CROSS JOIN LATERAL (SELECT $2::text IS NOT NULL AND c.resources_version = $2::text AS hit) m
           WHERE c.id = $1`,
    values: [clusterId, stampedIfNoneMatch],
  });
  return rows[0] ?? null;
}

/** A computed resources version to store, if the inputs read are still what is stored. */
export type ResourcesStamp = {
  clusterId: string;
  stamped: string;
  renderMd5: string | null;
  keyMd5: string | null;
};

/**
 * Stores computed resources versions in ONE statement, each only if the render and the agent
 * key still hash to what the version was computed from (a trigger clears the version whenever
 * they are written, so a late stamp can never describe other content), skipping rows locked
 * right now. A cluster must appear at most once. Returns how many rows were stamped.
 */
export async function stampResourcesVersions(
  db: Queryable,
  stamps: ResourcesStamp[],
): Promise<number> {
  const { rows } = await db.query<{ n: number }>({
    name: 'commander_resources_stamp',
    // Never waits for a row lock (SKIP LOCKED): a telemetry batch updates many cluster rows in
    // one statement too, in its own order, and two such statements waiting on each other
    // deadlock. A row busy right now is simply not stamped (its next uncached poll computes
    // the version again).
    text: `WITH v AS (
             SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])
                           AS v(id, stamped, render_md5, key_md5)
           ), locked AS (
             SELECT c.id, v.stamped FROM clusters c JOIN v ON v.id = c.id
             WHERE md5(c.desired_rendered_encrypted) IS NOT DISTINCT FROM v.render_md5
               AND md5(c.agent_key_encrypted) IS NOT DISTINCT FROM v.key_md5
               AND c.resources_version IS DISTINCT FROM v.stamped
             FOR UPDATE OF c SKIP LOCKED
           ), s AS (
             UPDATE clusters c SET resources_version = l.stamped
             FROM locked l WHERE c.id = l.id
             RETURNING 1
           )
           SELECT count(*)::int AS n FROM s`,
    values: [
      stamps.map((s) => s.clusterId),
      stamps.map((s) => s.stamped),
      stamps.map((s) => s.renderMd5),
      stamps.map((s) => s.keyMd5),
    ],
  });
  return rows[0]?.n ?? 0;
}

/** Outcome of one report of {@link updateResourcesStatusBatch}. */
export type ResourcesStatusOutcome =
  /** No such cluster. */
  | 'missing'
  /** The current version is unknown (not cached, not stamped): nothing was written. */
  | 'unknown_version'
  | 'updated';

/** One agent's `POST …/resources/status`, as {@link updateResourcesStatusBatch} writes it. */
export type ResourcesStatusReport = {
  clusterId: string;
  /** The cluster's current version when the caller knows it, else null (the stored stamp). */
  current: string | null;
  /** The version the agent applied. */
  reported: string;
  hasErrors: boolean;
  /** `resources_state_results` as JSON text. */
  resultsJson: string;
  now: Date;
  /** The suffix a stored stamp of this process's URL and agent image ends with (`@<tag>`). */
  tagSuffix: string;
};

/** What {@link updateResourcesStatusBatch} did: an outcome per report (in order) and notices. */
export type ResourcesStatusBatchResult = {
  outcomes: ResourcesStatusOutcome[];
  /**
   * The `cluster` `resources` change events of the reports whose state changed or that carry
   * an error, for {@link sendNotices} once the batch has committed.
   */
  notices: string[];
};

/**
 * Many agents' `POST …/resources/status` in ONE statement (one transaction, one commit). Locks the clusters' rows in id
 * order, decides each one's sync state against its current version (`current`, else the stored
 * stamp carrying its `tagSuffix`), writes the state, the results, the check/apply times and the
 * agent's last-seen. A cluster must appear at most once. Sends NO notification (a transaction
 * that NOTIFYs holds PostgreSQL's global notify lock through its commit's WAL flush, so reports
 * would commit one after another): it returns the change events instead, to send after the
 * commit ({@link sendNotices}).
 */
export async function updateResourcesStatusBatch(
  db: Queryable,
  reports: ResourcesStatusReport[],
): Promise<ResourcesStatusBatchResult> {
  const { rows } = await db.query<{
    found: boolean[];
    updated: boolean[];
    notices: string[] | null;
  }>({
    name: 'commander_resources_status_batch',
    text: `WITH v AS (
               SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::boolean[], $5::text[],
                                    $6::timestamptz[], $7::text[]) WITH ORDINALITY
                             AS v(id, current, reported, has_errors, results, at, tag, i)
             ), o AS (
               SELECT c.id, c.workspace_id, c.resources_sync_state AS old_state,
                      COALESCE(v.current,
                               CASE WHEN right(c.resources_version, length(v.tag)) = v.tag
                                    THEN left(c.resources_version, -length(v.tag)) END) AS cur,
                      v.reported, v.has_errors, v.results, v.at
               FROM clusters c JOIN v ON v.id = c.id
               ORDER BY c.id
               -- NO KEY: telemetry INSERTs' foreign-key checks (KEY SHARE) need not wait.
               FOR NO KEY UPDATE OF c
             ), s AS (
               SELECT o.*, CASE WHEN o.cur = o.reported AND NOT o.has_errors
                                THEN 'configured' ELSE 'not_configured' END AS state
               FROM o WHERE o.cur IS NOT NULL
             ), u AS (
               UPDATE clusters c
               SET resources_sync_state = s.state, resources_state_results = s.results::jsonb,
                   resources_checked_at = s.at,
                   resources_applied_at = CASE WHEN s.state = 'configured' THEN s.at
                                               ELSE c.resources_applied_at END,
                   agent_status = 'online', agent_last_seen_at = s.at
               FROM s WHERE c.id = s.id
               RETURNING c.id, c.workspace_id, s.old_state, s.state, s.has_errors
             )
             SELECT array_agg(o.id IS NOT NULL ORDER BY v.i) AS found,
                    array_agg(u.id IS NOT NULL ORDER BY v.i) AS updated,
                    (SELECT array_agg(json_build_object('type', 'cluster', 'id', u2.id,
                              'workspace_id', u2.workspace_id, 'cluster_id', u2.id,
                              'action', 'resources')::text)
                     FROM u u2 WHERE u2.old_state IS DISTINCT FROM u2.state OR u2.has_errors) AS notices
             FROM v LEFT JOIN o ON o.id = v.id LEFT JOIN u ON u.id = v.id`,
    values: [
      reports.map((r) => r.clusterId),
      reports.map((r) => r.current),
      reports.map((r) => r.reported),
      reports.map((r) => r.hasErrors),
      reports.map((r) => r.resultsJson),
      reports.map((r) => r.now),
      reports.map((r) => r.tagSuffix),
    ],
  });
  const r = rows[0];
  const outcomes = reports.map((_, i): ResourcesStatusOutcome => {
    if (!r?.found[i]) {
      return 'missing';
    }
    return r.updated[i] ? 'updated' : 'unknown_version';
  });
  return { outcomes, notices: r?.notices ?? [] };
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

/**
 * A cluster's latest snapshot (`agent_data`, JSON text), when its sample was taken
 * (`reportedAt`: the snapshot's `reported_at`, an ISO 8601 UTC string as `Date#toISOString`
 * writes it) and when its agent was seen.
 */
export type AgentSnapshot = {
  clusterId: string;
  agentDataJson: string;
  reportedAt: string;
  seenAt: Date;
};

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

/**
 * Stores a batch of samples in ONE statement (a multi-row INSERT from arrays: one transaction,
 * one commit) and returns how many it stored: samples of clusters that no longer exist are
 * skipped. It updates no row of `clusters` (the foreign key takes only a key-share lock, which
 * no cluster write but a deletion waits for), so an acknowledged sample waits for its INSERT and
 * commit only; the clusters' snapshots follow in {@link writeAgentSnapshots}.
 */
export async function insertTelemetrySamples(
  db: Queryable,
  samples: TelemetryRow[],
): Promise<number> {
  const s = samples;
  const { rows } = await db.query<{ stored: number }>({
    name: 'commander_telemetry_insert',
    text: `WITH inserted AS (
             INSERT INTO telemetry_samples (cluster_id, ts, cpu_cores, cpu_usage, memory_bytes,
                                            memory_used_bytes, storage_bytes, storage_used_bytes, node_count)
             SELECT u.* FROM unnest($1::uuid[], $2::timestamptz[], $3::float8[], $4::float8[], $5::float8[],
                                    $6::float8[], $7::float8[], $8::float8[], $9::int[])
                          AS u(cluster_id, ts, cpu_cores, cpu_usage, memory_bytes, memory_used_bytes,
                               storage_bytes, storage_used_bytes, node_count)
             WHERE EXISTS (SELECT 1 FROM clusters c WHERE c.id = u.cluster_id)
             RETURNING 1
           )
           SELECT count(*)::int AS stored FROM inserted`,
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
    ],
  });
  return rows[0]?.stored ?? 0;
}

/** What a snapshot statement wrote. */
export type AgentSnapshotsResult = {
  /**
   * The change events of the clusters whose snapshot was written, coalesced: one notice per
   * workspace and {@link TELEMETRY_NOTICE_MAX_CLUSTERS} clusters, for {@link sendNotices} once
   * the statement has committed.
   */
  notices: string[];
};

/**
 * Writes clusters' latest telemetry snapshots and online status, and the last-seen time of
 * agents that only polled, in ONE statement. A cluster must appear at most once across
 * `snapshots` and `seen` (one UPDATE of a row per statement).
 *
 * A snapshot never replaces a newer one: it is written only when the stored snapshot's
 * `reported_at` (`agent_data[0].data.reported_at`, compared as ISO 8601 UTC text, which orders
 * as time) is not later than its own, so samples stored out of order (consecutive batches, or
 * two API processes) leave the newest. The last-seen time only moves forward.
 *
 * Its rows are locked in id order first (`FOR NO KEY UPDATE`), as the status report batch locks
 * its rows: two multi-row writers of clusters that take their locks in one order cannot deadlock
 * each other.
 *
 * The statement sends NO notification: a transaction that NOTIFYs holds PostgreSQL's global
 * notify lock from its pre-commit through its commit, WAL flush included, so concurrent
 * writers would commit one after another instead of sharing flushes (group commit). It returns
 * the clusters' `telemetry` change events instead, coalesced into notices (`{type: 'telemetry',
 * workspace_id, cluster_ids}`), which the caller sends after the commit ({@link sendNotices}):
 * a reader woken by one sees the snapshot. The API's event listener fans each out into one
 * change event per cluster (`changeEventsOf` in @commander/core).
 */
export async function writeAgentSnapshots(
  db: Queryable,
  batch: { snapshots: AgentSnapshot[]; seen: AgentSeen[] },
): Promise<AgentSnapshotsResult> {
  const { rows } = await db.query<{ notices: string[] | null }>({
    name: 'commander_telemetry_snapshots',
    text: `WITH locked AS MATERIALIZED (
             SELECT c.id FROM clusters c
             WHERE c.id = ANY($1::uuid[] || $5::uuid[])
             ORDER BY c.id
             FOR NO KEY UPDATE
           ), snapshots AS (
             UPDATE clusters c
             SET agent_data = CASE
                   WHEN c.agent_data #>> '{0,data,reported_at}' > v.reported THEN c.agent_data
                   ELSE v.data::jsonb END,
                 agent_status = 'online',
                 agent_last_seen_at = GREATEST(c.agent_last_seen_at, v.seen)
             FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[])
                    AS v(id, data, reported, seen)
             JOIN locked l ON l.id = v.id
             WHERE c.id = v.id
               AND (c.agent_data #>> '{0,data,reported_at}' IS NULL
                    OR c.agent_data #>> '{0,data,reported_at}' <= v.reported
                    OR c.agent_last_seen_at IS NULL OR c.agent_last_seen_at < v.seen
                    OR c.agent_status IS DISTINCT FROM 'online')
             RETURNING c.id, c.workspace_id
           ), seen AS (
             UPDATE clusters c
             SET agent_status = 'online', agent_last_seen_at = v.seen
             FROM unnest($5::uuid[], $6::timestamptz[]) AS v(id, seen)
             JOIN locked l ON l.id = v.id
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
           SELECT (SELECT array_agg(payload) FROM notices) AS notices,
                  (SELECT count(*) FROM seen) AS seen`,
    values: [
      batch.snapshots.map((r) => r.clusterId),
      batch.snapshots.map((r) => r.agentDataJson),
      batch.snapshots.map((r) => r.reportedAt),
      batch.snapshots.map((r) => r.seenAt),
      batch.seen.map((r) => r.clusterId),
      batch.seen.map((r) => r.seenAt),
    ],
  });
  return { notices: rows[0]?.notices ?? [] };
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
