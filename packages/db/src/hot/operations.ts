// The hot statements of an operation's run (claim, log lines + progress, heartbeat, phase
// state, ownership, the common check completion), each ONE named, prepared statement sent on
// the pg pool under Prisma: an operation used to make 30–40 Prisma round trips, each costing
// its runtime and Wasm query compiler 1–4 ms of CPU. The domain decisions (which status a
// start moves a cluster to, what a check result means) stay in packages/core, which passes
// them in as parameters; this module only knows the tables.
import type pg from 'pg';

import { type Db, sqlPool } from '../client.js';
import type { ClusterOperation, Prisma } from '../generated/prisma/client.js';

/** The columns of a cluster the claim returns (what a run needs, secrets still encrypted). */
export type ClaimedClusterRow = {
  id: string;
  uuid: string;
  workspaceId: string;
  name: string;
  /** The status before the claim moved it. */
  status: string;
  clusterType: string | null;
  desiredRevision: number;
  appliedRevision: number | null;
  changeMode: 'AUTO' | 'MANUAL';
  agentData: Prisma.JsonValue;
  registryId: string | null;
  registryMode: string | null;
  desiredRenderedEncrypted: string | null;
  appliedRenderedEncrypted: string | null;
  /** Null also when the operation's kind does not use it (`ClaimInput.publicRenderKinds`). */
  desiredRenderedPublic: Prisma.JsonValue;
  sshPrivateKeyEncrypted: string | null;
  secretValuesEncrypted: string | null;
  agentKeyEncrypted: string | null;
  dhctlStateEncrypted: string | null;
  /** The masker's secrets found in the rendered configurations, encrypted, with their digest. */
  maskerSecretsEncrypted: string | null;
};

/** The cluster's registry as the claim reads it (null without one). */
export type ClaimedRegistryRow = {
  dockerConfigEncrypted: string | null;
  imagesRepo: string;
  scheme: string;
  ca: string;
};

/** What the claim statement did. */
export type ClaimRowResult =
  | {
      outcome: 'claimed';
      operation: ClusterOperation;
      cluster: ClaimedClusterRow;
      registry: ClaimedRegistryRow | null;
      /** True when the claim gave the cluster `ClaimInput.agentKey` (it had none). */
      agentKeyGiven: boolean;
    }
  /** Another operation of the cluster runs, or an older one is still queued. */
  | { outcome: 'busy' }
  /** Not runnable (unknown, finished, running elsewhere), or cancelled now (cluster archived). */
  | { outcome: 'gone' };

export type ClaimInput = {
  operationId: string;
  replicaId: string;
  instanceId: string | null;
  /** kind → (cluster status → status after the start), for kinds whose start moves the status. */
  startTransitions: Record<string, Record<string, string>>;
  /** Channel and payload fields of the change event announcing the start. */
  eventsChannel: string;
  /**
   * An agent key (hash and ciphertext) to give the cluster, in the same statement, if the
   * operation is claimed and the cluster has none (an install's: its agent's credentials).
   */
  agentKey?: { hash: string; encrypted: string } | null;
  /**
   * The kinds whose run uses the cluster's public desired render (it stores it as the applied
   * one): for other kinds (a check) the row leaves it out (`desiredRenderedPublic` null), as it
   * is as large as the render itself.
   */
  publicRenderKinds: readonly string[];
};

const CLAIM_SQL = `
WITH me AS (
  SELECT id, cluster_id, created_at, kind FROM cluster_operations WHERE id = $1::uuid
), cl AS (
  SELECT c.id, c.uuid, c.workspace_id, c.name, c.status::text AS status, c.cluster_type,
         c.desired_revision, c.applied_revision, c.change_mode::text AS change_mode, c.agent_data,
         c.registry_id, c.registry_mode, c.desired_rendered_encrypted,
         CASE WHEN c.applied_rendered_encrypted = c.desired_rendered_encrypted THEN NULL
              ELSE c.applied_rendered_encrypted END AS applied_rendered_encrypted,
         coalesce(c.applied_rendered_encrypted = c.desired_rendered_encrypted, false)
           AS applied_is_desired,
         CASE WHEN me.kind::text = ANY ($8::text[]) THEN c.desired_rendered_public END
           AS desired_rendered_public,
         c.ssh_private_key_encrypted,
         c.secret_values_encrypted, c.agent_key_encrypted, c.dhctl_state_encrypted,
         c.masker_secrets_encrypted, c.archived_at
  FROM clusters c JOIN me ON c.id = me.cluster_id
  FOR UPDATE OF c
), ahead AS (
  SELECT count(*)::int AS n FROM cluster_operations o JOIN me ON o.cluster_id = me.cluster_id
  WHERE o.id <> me.id
    AND (o.status = 'RUNNING'
         OR (o.status = 'QUEUED' AND (o.created_at, o.id) < (me.created_at, me.id)))
), cancelled AS (
  UPDATE cluster_operations o
     SET status = 'CANCELLED', finished_at = now(), manager_instance_id = NULL, updated_at = now()
    FROM cl
   WHERE o.id = $1::uuid AND cl.archived_at IS NOT NULL
     AND (o.status = 'QUEUED'
          OR (o.status = 'RUNNING' AND (o.manager_instance_id IS NULL OR o.manager_instance_id = $3)))
  RETURNING o.id
), claimed AS (
  UPDATE cluster_operations o
     SET status = 'RUNNING', attempt = o.attempt + 1, manager_replica_id = $2,
         manager_instance_id = $3, heartbeat_at = now(), started_at = coalesce(o.started_at, now()),
         desired_revision = CASE WHEN o.kind IN ('INSTALL', 'UPDATE') THEN cl.desired_revision
                                 ELSE o.desired_revision END,
         error = NULL, updated_at = now()
    FROM cl, ahead
   WHERE o.id = $1::uuid AND cl.archived_at IS NULL AND ahead.n = 0
     AND (o.status = 'QUEUED'
          OR (o.status = 'RUNNING' AND (o.manager_instance_id IS NULL OR o.manager_instance_id = $3)))
  RETURNING o.*
), moved AS (
  UPDATE clusters c
     SET status = CASE WHEN ($4::jsonb -> claimed.kind::text) ? cl.status
                       THEN ($4::jsonb -> claimed.kind::text ->> cl.status)::"ClusterStatus"
                       ELSE c.status END,
         agent_key_hash = CASE WHEN cl.agent_key_encrypted IS NULL AND $7::text IS NOT NULL
                               THEN $6::text ELSE c.agent_key_hash END,
         agent_key_encrypted = CASE WHEN cl.agent_key_encrypted IS NULL AND $7::text IS NOT NULL
                                    THEN $7::text ELSE c.agent_key_encrypted END,
         updated_at = now()
    FROM cl, claimed
   WHERE c.id = cl.id
     AND (($4::jsonb -> claimed.kind::text) ? cl.status
          OR (cl.agent_key_encrypted IS NULL AND $7::text IS NOT NULL))
  RETURNING c.id, (cl.agent_key_encrypted IS NULL AND $7::text IS NOT NULL) AS keyed
), notified AS (
  SELECT pg_notify($5, json_build_object('type', 'operation', 'id', claimed.id,
           'workspace_id', cl.workspace_id, 'cluster_id', cl.id, 'action', 'started')::text)
    FROM claimed, cl
)
SELECT (SELECT n FROM ahead) AS ahead,
       (SELECT count(*) FROM cancelled)::int AS cancelled,
       (SELECT count(*) FROM moved)::int AS moved,
       coalesce((SELECT keyed FROM moved), false) AS keyed,
       (SELECT count(*) FROM notified)::int AS notified,
       (SELECT row_to_json(claimed) FROM claimed) AS operation,
       row_to_json(cl) AS cluster,
       CASE WHEN r.id IS NULL THEN NULL
            ELSE json_build_object('dockerConfigEncrypted', r.docker_config_encrypted,
                   'imagesRepo', r.images_repo, 'scheme', r.scheme, 'ca', r.ca) END AS registry
  FROM cl LEFT JOIN registries r ON r.id = cl.registry_id`;

type JsonRow = Record<string, unknown>;

const date = (v: unknown): Date | null => (v == null ? null : new Date(v as string));

/** A `cluster_operations` row as `row_to_json` gives it, typed as Prisma's model. */
export function operationFromJson(row: JsonRow): ClusterOperation {
  return {
    id: row.id as string,
    clusterId: row.cluster_id as string,
    kind: row.kind as ClusterOperation['kind'],
    status: row.status as ClusterOperation['status'],
    phase: (row.phase as string | null) ?? null,
    phases: row.phases ?? [],
    progress: Number(row.progress ?? 0),
    desiredRevision: (row.desired_revision as number | null) ?? null,
    approveDestructionChangeId: (row.approve_destruction_change_id as string | null) ?? null,
    requestedByType: (row.requested_by_type as string | null) ?? null,
    requestedById: (row.requested_by_id as string | null) ?? null,
    requestedByName: (row.requested_by_name as string | null) ?? null,
    attempt: Number(row.attempt ?? 0),
    managerReplicaId: (row.manager_replica_id as string | null) ?? null,
    managerInstanceId: (row.manager_instance_id as string | null) ?? null,
    heartbeatAt: date(row.heartbeat_at),
    lastCompletedPhase: (row.last_completed_phase as string | null) ?? null,
    phaseStateEncrypted: (row.phase_state_encrypted as string | null) ?? null,
    cancelRequestedAt: date(row.cancel_requested_at),
    startedAt: date(row.started_at),
    finishedAt: date(row.finished_at),
    error: (row.error as string | null) ?? null,
    result: row.result ?? null,
    logCount: Number(row.log_count ?? 0),
    createdAt: date(row.created_at) as Date,
    updatedAt: date(row.updated_at) as Date,
  };
}

function clusterFromJson(row: JsonRow): ClaimedClusterRow {
  return {
    id: row.id as string,
    uuid: row.uuid as string,
    workspaceId: row.workspace_id as string,
    name: row.name as string,
    status: row.status as string,
    clusterType: (row.cluster_type as string | null) ?? null,
    desiredRevision: row.desired_revision as number,
    appliedRevision: (row.applied_revision as number | null) ?? null,
    changeMode: row.change_mode as 'AUTO' | 'MANUAL',
    agentData: row.agent_data ?? null,
    registryId: (row.registry_id as string | null) ?? null,
    registryMode: (row.registry_mode as string | null) ?? null,
    desiredRenderedEncrypted: (row.desired_rendered_encrypted as string | null) ?? null,
    // The same ciphertext (a cluster in sync) is sent once.
    appliedRenderedEncrypted:
      row.applied_is_desired === true
        ? ((row.desired_rendered_encrypted as string | null) ?? null)
        : ((row.applied_rendered_encrypted as string | null) ?? null),
    desiredRenderedPublic: row.desired_rendered_public ?? null,
    sshPrivateKeyEncrypted: (row.ssh_private_key_encrypted as string | null) ?? null,
    secretValuesEncrypted: (row.secret_values_encrypted as string | null) ?? null,
    agentKeyEncrypted: (row.agent_key_encrypted as string | null) ?? null,
    dhctlStateEncrypted: (row.dhctl_state_encrypted as string | null) ?? null,
    maskerSecretsEncrypted: (row.masker_secrets_encrypted as string | null) ?? null,
  };
}

/**
 * Claims an operation in one statement: under the cluster's row lock (`FOR UPDATE`), QUEUED (or
 * RUNNING by this very instance) → RUNNING when no other operation of the cluster runs and no
 * older one waits; cancels it when the cluster is archived; moves the cluster's status for the
 * kind; announces the start. A second RUNNING row is refused by the partial unique index
 * (answered `busy`). The runnable check sits in each UPDATE's WHERE, which PostgreSQL
 * re-evaluates on the newest row version after waiting for the lock, so two claims of one
 * operation cannot both succeed.
 */
export async function claimOperationRow(db: Db, input: ClaimInput): Promise<ClaimRowResult> {
  let rows: JsonRow[];
  try {
    ({ rows } = await sqlPool(db).query<JsonRow>({
      name: 'commander_claim_operation',
      text: CLAIM_SQL,
      values: [
        input.operationId,
        input.replicaId,
        input.instanceId,
        JSON.stringify(input.startTransitions),
        input.eventsChannel,
        input.agentKey?.hash ?? null,
        input.agentKey?.encrypted ?? null,
        input.publicRenderKinds,
      ],
    }));
  } catch (error) {
    if ((error as { code?: string }).code === '23505') {
      return { outcome: 'busy' };
    }
    throw error;
  }
  const row = rows[0];
  if (!row || Number(row.cancelled) > 0) {
    return { outcome: 'gone' };
  }
  if (row.operation) {
    const cluster = clusterFromJson(row.cluster as JsonRow);
    const keyed = row.keyed === true && input.agentKey != null;
    return {
      outcome: 'claimed',
      operation: operationFromJson(row.operation as JsonRow),
      // The cluster as it is after the claim as far as its agent key goes.
      cluster: keyed ? { ...cluster, agentKeyEncrypted: input.agentKey!.encrypted } : cluster,
      registry: (row.registry as ClaimedRegistryRow | null) ?? null,
      agentKeyGiven: keyed,
    };
  }
  return Number(row.ahead) > 0 ? { outcome: 'busy' } : { outcome: 'gone' };
}

/** The fields of an operation a task needs before it takes the cluster's lock. */
export async function operationHeader(
  db: Db,
  operationId: string,
): Promise<{ clusterId: string; status: string; kind: string } | null> {
  const { rows } = await sqlPool(db).query<{ cluster_id: string; status: string; kind: string }>({
    name: 'commander_operation_header',
    text: `SELECT cluster_id, status::text AS status, kind::text AS kind
             FROM cluster_operations WHERE id = $1::uuid`,
    values: [operationId],
  });
  const row = rows[0];
  return row ? { clusterId: row.cluster_id, status: row.status, kind: row.kind } : null;
}

/** An operation's header, and whether its cluster's advisory lock was taken with it. */
export type LockedOperationHeader = {
  clusterId: string;
  status: string;
  kind: string;
  /** True: this session now holds the cluster's lock (only tried while QUEUED or RUNNING). */
  locked: boolean;
};

/**
 * The operation's header and, while it is runnable (QUEUED or RUNNING), a try of its cluster's
 * session advisory lock (`pg_try_advisory_lock(lockClass, hashtext(cluster id))`), in one
 * statement on `client`: the session that is to hold the lock. Null for an unknown operation.
 */
export async function lockOperationCluster(
  client: pg.ClientBase,
  lockClass: number,
  operationId: string,
): Promise<LockedOperationHeader | null> {
  const { rows } = await client.query<{
    cluster_id: string;
    status: string;
    kind: string;
    locked: boolean | null;
  }>({
    name: 'commander_lock_operation_cluster',
    text: `SELECT cluster_id, status::text AS status, kind::text AS kind,
                  CASE WHEN status IN ('QUEUED', 'RUNNING')
                       THEN pg_try_advisory_lock($1, hashtext(cluster_id::text)) ELSE false END
                    AS locked
             FROM cluster_operations WHERE id = $2::uuid`,
    values: [lockClass, operationId],
  });
  const row = rows[0];
  return row
    ? { clusterId: row.cluster_id, status: row.status, kind: row.kind, locked: row.locked === true }
    : null;
}

/** What the manager's metrics read of an operation once its run ended. */
export type OperationTimes = {
  kind: string;
  status: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
};

/**
 * Releases the cluster's advisory lock on `client` (the session that took it) and reads the
 * operation's status and times for the metrics, in one statement.
 */
export async function unlockClusterReadOperation(
  client: pg.ClientBase,
  lockClass: number,
  clusterId: string,
  operationId: string,
): Promise<OperationTimes | null> {
  const { rows } = await client.query<{ op: JsonRow | null }>({
    name: 'commander_unlock_cluster_read_operation',
    text: `SELECT pg_advisory_unlock($1, hashtext($2)) AS unlocked,
                  (SELECT json_build_object('kind', kind, 'status', status, 'created_at', created_at,
                            'started_at', started_at, 'finished_at', finished_at)
                     FROM cluster_operations WHERE id = $3::uuid) AS op`,
    values: [lockClass, clusterId, operationId],
  });
  const op = rows[0]?.op;
  return op
    ? {
        kind: op.kind as string,
        status: op.status as string,
        createdAt: date(op.created_at) as Date,
        startedAt: date(op.started_at),
        finishedAt: date(op.finished_at),
      }
    : null;
}

/** One write of an operation's recorder: log lines and/or progress. */
export type RecordBatch = {
  operationId: string;
  /** Already masked lines, in order (each cut to 10,000 characters here). */
  lines: string[];
  /** Progress to store with the lines (null: lines only). */
  progress: { progress: number; phase: string | null; phases: unknown } | null;
  /** Also announce the change (channel given): the recorder coalesces, this only sends. */
  notifyChannel: string | null;
  /**
   * The instance that must hold the operation (RUNNING, its instance) for `phaseState` to be
   * stored; the answer says whether it does. Null: any holder (the phase state is stored).
   */
  heldBy?: string | null;
  /** A completed phase's dhctl state (encrypted), stored after the lines. */
  phaseState?: { phase: string; stateEncrypted: string } | null;
};

const RECORD_SQL = `
WITH lines AS (
  SELECT l.line, l.n::int AS n FROM unnest($2::text[]) WITH ORDINALITY AS l(line, n)
), op AS (
  UPDATE cluster_operations
     SET log_count = log_count + cardinality($2::text[]),
         progress = CASE WHEN $3::boolean THEN $4::float8 ELSE progress END,
         phase = CASE WHEN $3::boolean THEN $5::text ELSE phase END,
         phases = CASE WHEN $3::boolean THEN $6::jsonb ELSE phases END,
         heartbeat_at = CASE WHEN $3::boolean OR $9::text IS NOT NULL THEN now()
                             ELSE heartbeat_at END,
         last_completed_phase = CASE WHEN $9::text IS NOT NULL AND ($8::text IS NULL
                                          OR (status = 'RUNNING' AND manager_instance_id = $8::text))
                                     THEN $9::text ELSE last_completed_phase END,
         phase_state_encrypted = CASE WHEN $9::text IS NOT NULL AND ($8::text IS NULL
                                           OR (status = 'RUNNING' AND manager_instance_id = $8::text))
                                      THEN $10::text ELSE phase_state_encrypted END,
         updated_at = now()
   WHERE id = $1::uuid
  RETURNING log_count, cluster_id,
            ($8::text IS NULL OR (status = 'RUNNING' AND manager_instance_id = $8::text)) AS held
), ins AS (
  INSERT INTO operation_logs (operation_id, seq, line, ts)
  SELECT $1::uuid, op.log_count - cardinality($2::text[]) + lines.n, left(lines.line, 10000), now()
    FROM op, lines
  RETURNING seq
), notified AS (
  SELECT pg_notify($7, json_build_object('type', 'operation', 'id', $1::uuid,
           'workspace_id', c.workspace_id, 'cluster_id', c.id, 'action', 'progress')::text)
    FROM op JOIN clusters c ON c.id = op.cluster_id
   WHERE $7::text IS NOT NULL
)
SELECT (SELECT count(*) FROM op)::int AS updated, (SELECT count(*) FROM ins)::int AS inserted,
       (SELECT count(*) FROM notified)::int AS notified, coalesce((SELECT held FROM op), false) AS held`;

/**
 * Stores a batch of log lines (numbered after the stored ones: the row update reserves the
 * sequence numbers, so concurrent writers cannot collide), the progress and a completed phase's
 * state, in one statement: one multi-row INSERT, one UPDATE, at most one NOTIFY. Returns whether
 * `heldBy` holds the operation (true without `heldBy`, false for an unknown operation).
 */
export async function recordOperationBatch(db: Db, batch: RecordBatch): Promise<boolean> {
  const { rows } = await sqlPool(db).query<{ held: boolean }>({
    name: 'commander_record_operation',
    text: RECORD_SQL,
    values: [
      batch.operationId,
      batch.lines,
      batch.progress !== null,
      batch.progress?.progress ?? 0,
      batch.progress?.phase ?? null,
      JSON.stringify(batch.progress?.phases ?? []),
      batch.notifyChannel,
      batch.heldBy ?? null,
      batch.phaseState?.phase ?? null,
      batch.phaseState?.stateEncrypted ?? null,
    ],
  });
  return rows[0]?.held === true;
}

/**
 * Marks an operation's heartbeat (with `instanceId`: only while that instance holds it) in one
 * statement. Null when it is not (or no longer) this instance's; else whether a cancel was asked.
 */
export async function heartbeatOperationRow(
  db: Db,
  operationId: string,
  instanceId: string | null,
): Promise<{ cancelRequested: boolean } | null> {
  const { rows } = await sqlPool(db).query<{ cancel_requested: boolean }>({
    name: 'commander_heartbeat_operation',
    text: `UPDATE cluster_operations SET heartbeat_at = now(), updated_at = now()
            WHERE id = $1::uuid
              AND ($2::text IS NULL OR (status = 'RUNNING' AND manager_instance_id = $2::text))
            RETURNING cancel_requested_at IS NOT NULL AS cancel_requested`,
    values: [operationId, instanceId],
  });
  return rows[0] ? { cancelRequested: rows[0].cancel_requested } : null;
}

/**
 * Stores the (encrypted) dhctl state of a completed phase while `instanceId` (when given) still
 * holds the operation; false when it does not.
 */
export async function savePhaseStateRow(
  db: Db,
  operationId: string,
  completedPhase: string,
  stateEncrypted: string,
  instanceId: string | null,
): Promise<boolean> {
  const { rowCount } = await sqlPool(db).query({
    name: 'commander_save_phase_state',
    text: `UPDATE cluster_operations
              SET last_completed_phase = $2, phase_state_encrypted = $3, heartbeat_at = now(),
                  updated_at = now()
            WHERE id = $1::uuid
              AND ($4::text IS NULL OR (status = 'RUNNING' AND manager_instance_id = $4::text))`,
    values: [operationId, completedPhase, stateEncrypted, instanceId],
  });
  return (rowCount ?? 0) > 0;
}

/** True while `instanceId` holds the operation (RUNNING, its instance). */
export async function operationHeldBy(
  db: Db,
  operationId: string,
  instanceId: string,
): Promise<boolean> {
  const { rows } = await sqlPool(db).query({
    name: 'commander_operation_held',
    text: `SELECT 1 FROM cluster_operations
            WHERE id = $1::uuid AND status = 'RUNNING' AND manager_instance_id = $2`,
    values: [operationId, instanceId],
  });
  return rows.length > 0;
}

/** The common end of a check: in sync, and the cluster already in sync. */
export type CheckInSyncInput = {
  operationId: string;
  clusterId: string;
  /** The instance that must still hold the operation (null: any). */
  instanceId: string | null;
  /** The masked result JSON. */
  result: unknown;
  /** dhctl's new state, encrypted (null: keep). */
  stateEncrypted: string | null;
  /** The masker's rendered secrets, encrypted, when the claim had to find them (null: keep). */
  maskerSecretsEncrypted?: string | null;
  /** The status the cluster must be in (and stays in) for this shortcut. */
  status: string;
  eventsChannel: string;
  /** The change event's action (the status machine's event name). */
  action: string;
  /**
   * The run's last log lines (already masked) and progress, written by the same statement and
   * only when it records the completion (the recorder's last flush; nothing is written when the
   * answer is `not_applicable` or `lost`). `notify`: also send the operation's `progress` event.
   */
  log?: {
    lines: string[];
    progress: { progress: number; phase: string | null; phases: unknown } | null;
    notify: boolean;
  };
};

const CHECK_IN_SYNC_SQL = `
WITH cl AS (
  SELECT id, workspace_id, check_interval_seconds FROM clusters
   WHERE id = $2::uuid AND status::text = $6 AND archived_at IS NULL
  FOR UPDATE
), op AS (
  UPDATE cluster_operations o
     SET status = 'SUCCEEDED', error = NULL, result = $4::jsonb, finished_at = now(), progress = 1,
         phase = CASE WHEN $10::boolean THEN $11::text ELSE o.phase END,
         phases = CASE WHEN $10::boolean THEN $12::jsonb ELSE o.phases END,
         log_count = o.log_count + cardinality($9::text[]),
         heartbeat_at = now(), phase_state_encrypted = NULL, updated_at = now()
    FROM cl
   WHERE o.id = $1::uuid AND o.status = 'RUNNING'
     AND ($3::text IS NULL OR o.manager_instance_id = $3::text)
  RETURNING o.id, o.log_count
), ins AS (
  INSERT INTO operation_logs (operation_id, seq, line, ts)
  SELECT $1::uuid, op.log_count - cardinality($9::text[]) + l.n, left(l.line, 10000), now()
    FROM op, unnest($9::text[]) WITH ORDINALITY AS l(line, n)
  RETURNING seq
), progressed AS (
  SELECT pg_notify($7, json_build_object('type', 'operation', 'id', op.id,
           'workspace_id', cl.workspace_id, 'cluster_id', cl.id, 'action', 'progress')::text)
    FROM cl, op
   WHERE $13::boolean
), cu AS (
  UPDATE clusters c
     SET dhctl_state_encrypted = coalesce($5, c.dhctl_state_encrypted),
         masker_secrets_encrypted = coalesce($14, c.masker_secrets_encrypted),
         cluster_configuration_checked_at = now(),
         next_check_at = now() + make_interval(secs => cl.check_interval_seconds),
         updated_at = now()
    FROM cl, op
   WHERE c.id = cl.id
  RETURNING c.id
), cr AS (
  UPDATE change_requests SET status = 'SUPERSEDED', updated_at = now()
   WHERE cluster_id = $2::uuid AND status = 'PENDING' AND EXISTS (SELECT 1 FROM op)
  RETURNING id
), notified AS (
  SELECT pg_notify($7, json_build_object('type', 'cluster', 'id', cl.id,
           'workspace_id', cl.workspace_id, 'cluster_id', cl.id, 'action', $8::text)::text)
    FROM cl, op
)
SELECT (SELECT count(*) FROM cl)::int AS locked, (SELECT count(*) FROM op)::int AS finished,
       (SELECT count(*) FROM cu)::int AS updated, (SELECT count(*) FROM cr)::int AS superseded,
       (SELECT count(*) FROM notified)::int AS notified, (SELECT count(*) FROM ins)::int AS logged,
       (SELECT count(*) FROM progressed)::int AS progressed`;

/**
 * Records a check that found the cluster in sync while it already is, in one statement: the
 * run's last log lines and progress (`input.log`), the operation succeeds, the cluster's next
 * check is scheduled, pending change requests are superseded, one change event. `'not_applicable'` when the cluster is not in `status` (the
 * caller records through the general path); `'lost'` when the operation is no longer held.
 */
export async function completeCheckInSyncRow(
  db: Db,
  input: CheckInSyncInput,
): Promise<'done' | 'not_applicable' | 'lost'> {
  const { rows } = await sqlPool(db).query<{ locked: number; finished: number }>({
    name: 'commander_complete_check_in_sync',
    text: CHECK_IN_SYNC_SQL,
    values: [
      input.operationId,
      input.clusterId,
      input.instanceId,
      JSON.stringify(input.result ?? null),
      input.stateEncrypted,
      input.status,
      input.eventsChannel,
      input.action,
      input.log?.lines ?? [],
      input.log?.progress != null,
      input.log?.progress?.phase ?? null,
      JSON.stringify(input.log?.progress?.phases ?? []),
      input.log?.notify === true && input.log.progress != null,
      input.maskerSecretsEncrypted ?? null,
    ],
  });
  const row = rows[0];
  if (!row || row.locked === 0) {
    return 'not_applicable';
  }
  return row.finished > 0 ? 'done' : 'lost';
}

/**
 * Gives a cluster its agent key (hash and ciphertext) unless it has one; true when it did. The
 * caller reads the existing key otherwise.
 */
export async function setAgentKeyIfMissingRow(
  db: Db,
  clusterId: string,
  keyHash: string,
  keyEncrypted: string,
): Promise<boolean> {
  const { rowCount } = await sqlPool(db).query({
    name: 'commander_set_agent_key_if_missing',
    text: `UPDATE clusters SET agent_key_hash = $2, agent_key_encrypted = $3, updated_at = now()
            WHERE id = $1::uuid AND agent_key_encrypted IS NULL`,
    values: [clusterId, keyHash, keyEncrypted],
  });
  return (rowCount ?? 0) > 0;
}

/** The common end of an install: it succeeded and nothing newer waits to be converged. */
export type InstallSucceededInput = {
  operationId: string;
  clusterId: string;
  /** The status the cluster must be in (the install's), and the one it moves to. */
  fromStatus: string;
  toStatus: string;
  /** The revision installed; a cluster whose desired revision is newer takes the general path. */
  appliedRevision: number;
  appliedRenderedEncrypted: string | null;
  /** The public render (JSON), or null. */
  appliedRenderedPublic: unknown;
  /**
   * The applied configuration is the desired one as stored (both columns): copied from the
   * cluster's desired columns in the statement, and `appliedRenderedEncrypted` and
   * `appliedRenderedPublic` are not sent (pass null).
   */
  appliedIsDesired?: boolean;
  /** dhctl's new state, encrypted (null: keep). */
  stateEncrypted: string | null;
  /** The masker's rendered secrets for the renders as stored now, encrypted (null: keep). */
  maskerSecretsEncrypted?: string | null;
  /** The audit row of the transition (who; the changes are already redacted). */
  audit: {
    actorType: string;
    actorId: string | null;
    actorName: string;
    workspaceId: string | null;
    workspaceSlug: string | null;
    changes: unknown;
    remoteAddress: string | null;
    requestId: string | null;
  };
  eventsChannel: string;
  /** The change event's action (the status machine's event name). */
  action: string;
  /**
   * The instance that must still hold the operation (null: any RUNNING operation; not holding
   * it is then `not_applicable`, else `lost`).
   */
  instanceId?: string | null;
  /**
   * The run's last log lines (already masked) and progress, written by the same statement and
   * only when it records the completion (the recorder's last flush). `notify`: also send the
   * operation's `progress` event.
   */
  log?: {
    lines: string[];
    progress: { progress: number; phase: string | null; phases: unknown } | null;
    notify: boolean;
  };
};

const INSTALL_SUCCEEDED_SQL = `
WITH cl AS (
  SELECT id, workspace_id, check_interval_seconds FROM clusters
   WHERE id = $2::uuid AND status::text = $3 AND desired_revision <= $5
  FOR UPDATE
), op AS (
  UPDATE cluster_operations o
     SET status = 'SUCCEEDED', error = NULL, finished_at = now(), progress = 1,
         phase = CASE WHEN $22::boolean THEN $23::text ELSE o.phase END,
         phases = CASE WHEN $22::boolean THEN $24::jsonb ELSE o.phases END,
         log_count = o.log_count + cardinality($21::text[]),
         heartbeat_at = now(), phase_state_encrypted = NULL, updated_at = now()
    FROM cl
   WHERE o.id = $1::uuid AND o.status = 'RUNNING'
     AND ($20::text IS NULL OR o.manager_instance_id = $20::text)
  RETURNING o.id, o.log_count
), ins AS (
  INSERT INTO operation_logs (operation_id, seq, line, ts)
  SELECT $1::uuid, op.log_count - cardinality($21::text[]) + l.n, left(l.line, 10000), now()
    FROM op, unnest($21::text[]) WITH ORDINALITY AS l(line, n)
  RETURNING seq
), progressed AS (
  SELECT pg_notify($17, json_build_object('type', 'operation', 'id', op.id,
           'workspace_id', cl.workspace_id, 'cluster_id', cl.id, 'action', 'progress')::text)
    FROM cl, op
   WHERE $25::boolean
), cu AS (
  UPDATE clusters c
     SET status = $4::"ClusterStatus", dhctl_state_encrypted = coalesce($8, c.dhctl_state_encrypted),
         was_created = true, applied_revision = $5,
         applied_rendered_encrypted = CASE WHEN $26::boolean THEN c.desired_rendered_encrypted
                                           ELSE $6 END,
         applied_rendered_public = CASE WHEN $26::boolean THEN c.desired_rendered_public
                                        ELSE $7::jsonb END,
         masker_secrets_encrypted = coalesce($19, c.masker_secrets_encrypted),
         cluster_configuration_applied_at = now(),
         cluster_configuration_checked_at = now(),
         next_check_at = now() + make_interval(secs => cl.check_interval_seconds),
         updated_at = now()
    FROM cl, op
   WHERE c.id = cl.id
  RETURNING c.id
), audited AS (
  INSERT INTO audit_events (workspace_id, workspace_slug, actor_type, actor_id, actor_name, action,
                            auditable_type, auditable_id, changes, remote_address, request_id)
  SELECT $9::uuid, $10, $11, $12, $13, 'update', 'Cluster', cl.id::text, $14::jsonb, $15, $16
    FROM cl, op
  RETURNING ts
), notified AS (
  SELECT pg_notify($17, json_build_object('type', 'cluster', 'id', cl.id,
           'workspace_id', cl.workspace_id, 'cluster_id', cl.id, 'action', $18::text)::text)
    FROM cl, op
)
SELECT (SELECT count(*) FROM cl)::int AS locked, (SELECT count(*) FROM op)::int AS finished,
       (SELECT count(*) FROM cu)::int AS updated, (SELECT ts FROM audited) AS audited_at,
       (SELECT count(*) FROM notified)::int AS notified, (SELECT count(*) FROM ins)::int AS logged,
       (SELECT count(*) FROM progressed)::int AS progressed`;

/**
 * Records a successful install in one statement (under the cluster's row lock): the run's last
 * log lines and progress (`input.log`), the operation succeeds, the cluster is created with the
 * installed configuration and its first check scheduled, the transition is audited and
 * announced. `'not_applicable'` (nothing written) when the cluster is not in `fromStatus`, a
 * newer revision waits, or (without `instanceId`) the operation is not running: the caller
 * records through the general path; `'lost'` (nothing written) when `instanceId` no longer holds
 * the operation. On `'done'`, the audit row's time.
 */
export async function completeInstallSucceededRow(
  db: Db,
  input: InstallSucceededInput,
): Promise<
  { outcome: 'done'; auditedAt: Date } | { outcome: 'not_applicable' } | { outcome: 'lost' }
> {
  const { rows } = await sqlPool(db).query<{
    locked: number;
    finished: number;
    audited_at: Date | null;
  }>({
    name: 'commander_complete_install_succeeded',
    text: INSTALL_SUCCEEDED_SQL,
    values: [
      input.operationId,
      input.clusterId,
      input.fromStatus,
      input.toStatus,
      input.appliedRevision,
      input.appliedRenderedEncrypted,
      input.appliedRenderedPublic === null ? null : JSON.stringify(input.appliedRenderedPublic),
      input.stateEncrypted,
      input.audit.workspaceId,
      input.audit.workspaceSlug,
      input.audit.actorType,
      input.audit.actorId,
      input.audit.actorName,
      JSON.stringify(input.audit.changes ?? {}),
      input.audit.remoteAddress,
      input.audit.requestId,
      input.eventsChannel,
      input.action,
      input.maskerSecretsEncrypted ?? null,
      input.instanceId ?? null,
      input.log?.lines ?? [],
      input.log?.progress != null,
      input.log?.progress?.phase ?? null,
      JSON.stringify(input.log?.progress?.phases ?? []),
      input.log?.notify === true && input.log.progress != null,
      input.appliedIsDesired === true,
    ],
  });
  const row = rows[0];
  if (row && row.finished > 0 && row.audited_at) {
    return { outcome: 'done', auditedAt: new Date(row.audited_at) };
  }
  return row && row.locked > 0 && input.instanceId != null
    ? { outcome: 'lost' }
    : { outcome: 'not_applicable' };
}

/** A check to queue for a cluster (one waits per cluster at most). */
export type QueueCheckInput = {
  clusterId: string;
  workspaceId: string;
  /** graphile-worker task of checks, and its attempts. */
  taskIdentifier: string;
  maxAttempts: number;
  requestedBy: { type: string; id: string | null; name: string };
  /** The audit row (workspace, actor, request; changes already redacted). */
  audit: {
    workspaceId: string | null;
    workspaceSlug: string | null;
    action: string;
    changes: unknown;
    remoteAddress: string | null;
    requestId: string | null;
  };
  eventsChannel: string;
};

const QUEUE_CHECK_SQL = `
WITH waiting AS (
  SELECT id FROM cluster_operations
   WHERE cluster_id = $1::uuid AND kind = 'CHECK' AND status = 'QUEUED' LIMIT 1
), ins AS (
  INSERT INTO cluster_operations
    (cluster_id, kind, status, requested_by_type, requested_by_id, requested_by_name, updated_at)
  SELECT $1::uuid, 'CHECK', 'QUEUED', $3, $4, $5, now()
   WHERE NOT EXISTS (SELECT 1 FROM waiting)
  RETURNING *
), job AS (
  SELECT graphile_worker.add_job($6::text, json_build_object('operationId', ins.id),
           max_attempts := $7::int) IS NOT NULL AS added
    FROM ins
), notified AS (
  SELECT pg_notify($8, json_build_object('type', 'operation', 'id', ins.id,
           'workspace_id', $2::uuid, 'cluster_id', ins.cluster_id, 'action', 'queued')::text)
    FROM ins
), audited AS (
  INSERT INTO audit_events (workspace_id, workspace_slug, actor_type, actor_id, actor_name, action,
                            auditable_type, auditable_id, changes, remote_address, request_id)
  VALUES ($9::uuid, $10, $3, $4, $5, $11, 'Cluster', $1::text, $12::jsonb, $13, $14)
  RETURNING ts
)
SELECT (SELECT row_to_json(ins) FROM ins) AS operation, (SELECT id FROM waiting) AS waiting_id,
       (SELECT count(*) FROM job)::int AS jobs, (SELECT count(*) FROM notified)::int AS notified,
       (SELECT ts FROM audited) AS audited_at`;

/**
 * Queues a check in one statement: the operation (unless one is already queued for the cluster:
 * then its id), its graphile job, the change event and the audit row (always, as the request
 * was made). The job's NOTIFY goes out at this statement's commit, so a worker can pick the
 * check up a moment after it was created.
 */
export async function queueCheckRow(
  db: Db,
  input: QueueCheckInput,
): Promise<{ operation: ClusterOperation | null; waitingId: string | null; auditedAt: Date }> {
  const { rows } = await sqlPool(db).query<{
    operation: JsonRow | null;
    waiting_id: string | null;
    audited_at: Date;
  }>({
    name: 'commander_queue_check',
    text: QUEUE_CHECK_SQL,
    values: [
      input.clusterId,
      input.workspaceId,
      input.requestedBy.type,
      input.requestedBy.id,
      input.requestedBy.name,
      input.taskIdentifier,
      input.maxAttempts,
      input.eventsChannel,
      input.audit.workspaceId,
      input.audit.workspaceSlug,
      input.audit.action,
      JSON.stringify(input.audit.changes ?? {}),
      input.audit.remoteAddress,
      input.audit.requestId,
    ],
  });
  const row = rows[0]!;
  return {
    operation: row.operation ? operationFromJson(row.operation) : null,
    waitingId: row.waiting_id,
    auditedAt: new Date(row.audited_at),
  };
}
