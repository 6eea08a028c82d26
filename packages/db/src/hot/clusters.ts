import type pg from 'pg';

import type { Cluster, ClusterOperation } from '../generated/prisma/client.js';
import { describedQuery } from './described-query.js';

/**
 * The columns of a cluster that its API object is built from (`toClusterDto` in core), plus
 * the template id and the last operation: what one hot statement returns.
 */
export type HotClusterRow = Pick<
  Cluster,
  | 'id'
  | 'uuid'
  | 'workspaceId'
  | 'name'
  | 'status'
  | 'values'
  | 'clusterTemplateVersionId'
  | 'registryId'
  | 'registryMode'
  | 'currentRevision'
  | 'wasCreated'
  | 'isLocked'
  | 'clusterType'
  | 'changeMode'
  | 'checkIntervalSeconds'
  | 'createdAt'
  | 'updatedAt'
  | 'archivedAt'
  | 'archiveNumber'
  | 'renderErrors'
  | 'clusterConfigurationCheckedAt'
  | 'clusterConfigurationAppliedAt'
  | 'templateVersionSwitchedAt'
  | 'resourcesSyncState'
  | 'resourcesStateResults'
  | 'agentStatus'
  | 'agentData'
  | 'connectionHosts'
> & {
  clusterTemplateVersion: {
    clusterTemplateId: string;
    number: number;
    /** The template when it belongs to the cluster's workspace. */
    clusterTemplate: { name: string; workspaceId: string } | null;
  } | null;
  operations: Pick<ClusterOperation, 'id' | 'kind' | 'status' | 'progress' | 'phase'>[];
};

/**
 * A cluster of a list: the agent snapshot comes as its jsonb text (`agentDataJson`), not parsed
 * (`agentData` is null): the API writes it without parsing it (`agentDataFromJson` in core).
 */
export type HotClusterListRow = Omit<HotClusterRow, 'agentData'> & {
  agentData: null;
  agentDataJson: string | null;
};

/** A cluster for the detail view: also its secret values and rendered configurations. */
export type HotClusterDetailRow = HotClusterRow &
  Pick<
    Cluster,
    | 'secretValuesEncrypted'
    | 'desiredRenderedPublic'
    | 'appliedRenderedPublic'
    | 'desiredRenderedEncrypted'
    | 'appliedRenderedEncrypted'
  >;

/** Orders of a cluster list (the API's `?sort=`). */
export type ClusterListSort =
  | 'attention'
  | 'name'
  | '-name'
  | 'status'
  | '-status'
  | 'created_at'
  | '-created_at'
  | 'updated_at'
  | '-updated_at';

/** Filters and page of a cluster list. */
export type ClusterListQuery = {
  workspaceId: string;
  limit: number;
  offset: number;
  withoutArchived: boolean;
  /** Database status (`IN_SYNC`), or null for any. */
  status: Cluster['status'] | null;
  clusterTemplateId: string | null;
  /** Case-insensitive substring of the name, or null. */
  q: string | null;
  sort: ClusterListSort;
};

const FAILURES = [
  'CONFIGURATION_ERROR',
  'CREATION_FAILED',
  'SYNCHRONIZATION_FAILURE',
  'DELETION_FAILED',
];
const IN_PROGRESS = [
  'NEW',
  'CREATING',
  'CHANGING',
  'DELETE',
  'JOINING',
  'OUT_OF_SYNC',
  'PENDING_CHANGES',
  'DESTRUCTIVE_CHANGES',
];
const ALL_STATUSES = [
  'NEW',
  'CONFIGURATION_ERROR',
  'CREATING',
  'CREATION_FAILED',
  'IN_SYNC',
  'OUT_OF_SYNC',
  'PENDING_CHANGES',
  'DESTRUCTIVE_CHANGES',
  'CHANGING',
  'SYNCHRONIZATION_FAILURE',
  'DELETE',
  'DELETION_FAILED',
  'DELETED',
  'READY_TO_JOIN',
  'JOINING',
  'DETACHED',
  'UNKNOWN',
];

const list = (values: string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * "Needs attention first": failures (0), then changes under way or waiting (1), then the rest
 * (2). The SAME text is in the migration `20261206041600_cluster_list_sort`'s index, so the
 * planner can read the order from it; change both together.
 */
export const ATTENTION_RANK_SQL = `(CASE WHEN status IN (${list(FAILURES)}) THEN 0 WHEN status IN (${list(IN_PROGRESS)}) THEN 1 ELSE 2 END)`;

/**
 * The status's place in the alphabetical order of API status names (enum order is not). The
 * SAME text is in the migration `20261212100000_workspace_cluster_counts`'s status indexes;
 * change both together.
 */
const STATUS_ALPHA_SQL = `(CASE status ${[...ALL_STATUSES]
  .sort()
  .map((s, i) => `WHEN '${s}' THEN ${i}`)
  .join(' ')} END)`;

/**
 * ORDER BY per sort. Live clusters first, archived ones after them by archive date (as the
 * list always was), then the chosen key, then id so pages never overlap. Every order but
 * `updated_at` is an index of exactly these columns (migrations `20261206041600_cluster_list_sort`
 * and `20261212100000_workspace_cluster_counts`), so an unfiltered page is read from it;
 * `updated_at` sorts the workspace's rows (top-N, a few ms at 10,000) rather than index
 * `updated_at`, which would make every telemetry update of a cluster a non-HOT update.
 */
const ORDER_BY: Record<ClusterListSort, string> = {
  attention: `c.archive_number, c.archived_at DESC, ${ATTENTION_RANK_SQL.replace(/status/g, 'c.status')}, c.name, c.id`,
  name: 'c.archive_number, c.archived_at DESC, c.name, c.id',
  '-name': 'c.archive_number, c.archived_at DESC, c.name DESC, c.id',
  status: `c.archive_number, c.archived_at DESC, ${STATUS_ALPHA_SQL.replace('status', 'c.status')}, c.name, c.id`,
  '-status': `c.archive_number, c.archived_at DESC, ${STATUS_ALPHA_SQL.replace('status', 'c.status')} DESC, c.name, c.id`,
  created_at: 'c.archive_number, c.archived_at DESC, c.created_at, c.id',
  '-created_at': 'c.archive_number, c.archived_at DESC, c.created_at DESC, c.id',
  updated_at: 'c.archive_number, c.archived_at DESC, c.updated_at, c.id',
  '-updated_at': 'c.archive_number, c.archived_at DESC, c.updated_at DESC, c.id',
};

const BASE_COLUMNS = `c.id, c.uuid, c.workspace_id AS "workspaceId", c.name, c.status::text AS status,
  c.values, c.cluster_template_version_id AS "clusterTemplateVersionId",
  c.registry_id AS "registryId", c.registry_mode AS "registryMode",
  c.current_revision AS "currentRevision", c.was_created AS "wasCreated",
  c.is_locked AS "isLocked", c.cluster_type AS "clusterType", c.change_mode::text AS "changeMode",
  c.check_interval_seconds AS "checkIntervalSeconds", c.created_at AS "createdAt",
  c.updated_at AS "updatedAt", c.archived_at AS "archivedAt", c.archive_number AS "archiveNumber",
  c.render_errors AS "renderErrors",
  c.cluster_configuration_checked_at AS "clusterConfigurationCheckedAt",
  c.cluster_configuration_applied_at AS "clusterConfigurationAppliedAt",
  c.cluster_template_version_switched_at AS "templateVersionSwitchedAt",
  c.resources_sync_state AS "resourcesSyncState",
  c.resources_state_results AS "resourcesStateResults", c.agent_status AS "agentStatus",
  c.agent_data AS "agentData", c.connection_hosts AS "connectionHosts",
  v.cluster_template_id AS "templateId", v.number AS "templateVersionNumber",
  ct.name AS "templateName"`;

/**
 * The list's columns: BASE_COLUMNS with the agent snapshot as text (`jsonb::text`, the text pg
 * would parse; the API projects and writes it without parsing, 100 snapshots a page).
 */
const LIST_BASE_COLUMNS = BASE_COLUMNS.replace(
  'c.agent_data AS "agentData"',
  'c.agent_data::text AS "agentDataJson"',
);
if (LIST_BASE_COLUMNS === BASE_COLUMNS) {
  throw new Error('the list statement lost its agent snapshot column');
}

const OP_COLUMNS = `o.id AS "opId", o.kind::text AS "opKind", o.status::text AS "opStatus",
  o.progress AS "opProgress", o.phase AS "opPhase"`;

const TEMPLATE_JOIN =
  'LEFT JOIN cluster_template_versions v ON v.id = c.cluster_template_version_id';

/** The template's version and, of the cluster's own workspace only, the template (its name). */
const TEMPLATE_NAME_JOIN = `${TEMPLATE_JOIN}
  LEFT JOIN cluster_templates ct ON ct.id = v.cluster_template_id AND ct.workspace_id = c.workspace_id`;

/** The last operation of the cluster `c` (index cluster_operations(cluster_id, created_at)). */
const LAST_OPERATION_JOIN = `LEFT JOIN LATERAL (
    SELECT id, kind, status, progress, phase FROM cluster_operations
    WHERE cluster_id = c.id ORDER BY created_at DESC LIMIT 1
  ) o ON true`;

const FILTER = `c.workspace_id = $1
    AND (NOT $2::boolean OR c.archived_at IS NULL)
    AND ($3::text IS NULL OR c.status = $3::"ClusterStatus")
    AND ($4::uuid IS NULL OR v.cluster_template_id = $4::uuid)
    AND ($5::text IS NULL OR c.name ILIKE $5::text)`;

const GET_SQL = `SELECT ${BASE_COLUMNS}, ${OP_COLUMNS},
  c.secret_values_encrypted AS "secretValuesEncrypted",
  c.desired_rendered_public AS "desiredRenderedPublic",
  c.applied_rendered_public AS "appliedRenderedPublic",
  c.desired_rendered_encrypted AS "desiredRenderedEncrypted",
  c.applied_rendered_encrypted AS "appliedRenderedEncrypted"
FROM clusters c ${TEMPLATE_NAME_JOIN} ${LAST_OPERATION_JOIN}
WHERE c.id = $1 AND c.workspace_id = $2 AND ($3::boolean OR c.archived_at IS NULL)`;

/**
 * One statement per sort for a filtered list (status, template or name): the page (with its
 * template and last operation) and the total of the filter, in one round trip and one scan of
 * the filter. The scan sorts only the keys (the order's columns and the id; the full rows, JSON
 * included, are read for the page's rows only) and counts the filter as it goes (`count(*)
 * OVER ()`, computed before the LIMIT), so it visits every row the filter matches. Only a page
 * past the end (empty, offset > 0) counts separately: the count is a scalar subquery in a CASE
 * branch, an InitPlan PostgreSQL runs only when its branch is taken. The total row comes even
 * when the page is empty.
 */
function scanListSql(sort: ClusterListSort): string {
  const order = ORDER_BY[sort];
  return `WITH keys AS (
  SELECT c.id, row_number() OVER (ORDER BY ${order}) AS ord, count(*) OVER () AS full_count
  FROM clusters c ${TEMPLATE_JOIN}
  WHERE ${FILTER}
  ORDER BY ${order} LIMIT $6::bigint OFFSET $7::bigint
), page AS (
  SELECT ${LIST_BASE_COLUMNS}, k.ord
  FROM keys k JOIN clusters c ON c.id = k.id ${TEMPLATE_NAME_JOIN}
)
SELECT c.*, ${OP_COLUMNS}, t.total
FROM (SELECT CASE
    WHEN EXISTS (SELECT 1 FROM keys) THEN (SELECT full_count FROM keys LIMIT 1)::int
    WHEN $7::bigint = 0 THEN 0
    ELSE (SELECT count(*)::int FROM clusters c ${TEMPLATE_JOIN} WHERE ${FILTER})
  END AS total) t
LEFT JOIN page c ON true
${LAST_OPERATION_JOIN}
ORDER BY c.ord`;
}

/**
 * One statement per sort for the unfiltered list (the UI's default: archived clusters left out
 * or not, no other filter). The total is the workspace's row of `workspace_cluster_counts`
 * (live, or live + archived), which triggers on `clusters` keep exactly (migration
 * 20261212100000_workspace_cluster_counts), so nothing counts the workspace; the page is read
 * by `LIMIT/OFFSET` from the order's index (every order but `updated_at` has one), so the
 * statement visits the page's rows (and the offset's index entries), not the workspace's.
 * Both come from the statement's one snapshot: the total is the page's. The total row comes
 * even when the page is empty (a workspace without clusters has no counts row: 0).
 */
function countedListSql(sort: ClusterListSort): string {
  const order = ORDER_BY[sort];
  return `WITH keys AS (
  SELECT c.id, row_number() OVER (ORDER BY ${order}) AS ord
  FROM clusters c
  WHERE c.workspace_id = $1 AND (NOT $2::boolean OR c.archived_at IS NULL)
  ORDER BY ${order} LIMIT $3::bigint OFFSET $4::bigint
), page AS (
  SELECT ${LIST_BASE_COLUMNS}, k.ord
  FROM keys k JOIN clusters c ON c.id = k.id ${TEMPLATE_NAME_JOIN}
)
SELECT c.*, ${OP_COLUMNS}, t.total
FROM (SELECT coalesce((
    SELECT CASE WHEN $2::boolean THEN n.live ELSE n.live + n.archived END
    FROM workspace_cluster_counts n WHERE n.workspace_id = $1
  ), 0) AS total) t
LEFT JOIN page c ON true
${LAST_OPERATION_JOIN}
ORDER BY c.ord`;
}

/** Column positions of a list row (from the statement's fields, once per result). */
type ListColumns = Record<(typeof LIST_COLUMN_NAMES)[number], number>;

const LIST_COLUMN_NAMES = [
  'id',
  'uuid',
  'workspaceId',
  'name',
  'status',
  'values',
  'clusterTemplateVersionId',
  'registryId',
  'registryMode',
  'currentRevision',
  'wasCreated',
  'isLocked',
  'clusterType',
  'changeMode',
  'checkIntervalSeconds',
  'createdAt',
  'updatedAt',
  'archivedAt',
  'archiveNumber',
  'renderErrors',
  'clusterConfigurationCheckedAt',
  'clusterConfigurationAppliedAt',
  'templateVersionSwitchedAt',
  'resourcesSyncState',
  'resourcesStateResults',
  'agentStatus',
  'agentDataJson',
  'connectionHosts',
  'templateId',
  'templateVersionNumber',
  'templateName',
  'opId',
  'opKind',
  'opStatus',
  'opProgress',
  'opPhase',
  'total',
] as const;

const DETAIL_COLUMN_NAMES = [
  ...LIST_COLUMN_NAMES.filter((name) => name !== 'total').map((name) =>
    // The detail view parses its one snapshot.
    name === 'agentDataJson' ? ('agentData' as const) : name,
  ),
  'secretValuesEncrypted',
  'desiredRenderedPublic',
  'appliedRenderedPublic',
  'desiredRenderedEncrypted',
  'appliedRenderedEncrypted',
] as const;

/** Column positions of a detail row. */
type DetailColumns = Record<(typeof DETAIL_COLUMN_NAMES)[number], number>;

function columnsOf<N extends string>(
  fields: { name: string }[],
  names: readonly N[],
): Record<N, number> {
  const index = new Map(fields.map((f, i) => [f.name, i]));
  const out = {} as Record<N, number>;
  for (const name of names) {
    const i = index.get(name);
    if (i === undefined) {
      throw new Error(`the cluster statement returned no column ${name}`);
    }
    out[name] = i;
  }
  return out;
}

/** The template part of a row (the template's workspace is the cluster's: the join's rule). */
function templateVersion(
  r: unknown[],
  c: Pick<ListColumns, 'workspaceId' | 'templateName' | 'templateVersionNumber'>,
  templateId: string | null,
): HotClusterRow['clusterTemplateVersion'] {
  if (templateId === null) {
    return null;
  }
  const name = r[c.templateName] as string | null;
  return {
    clusterTemplateId: templateId,
    number: r[c.templateVersionNumber] as number,
    clusterTemplate: name === null ? null : { name, workspaceId: r[c.workspaceId] as string },
  };
}

/**
 * A list row (pg `rowMode: 'array'`) as one object literal: every row gets the same shape at
 * once, instead of pg's per-row object of ~36 properties reshaped afterwards (the list builds
 * 100 of them per request; that building and its garbage were a fifth of the API's CPU).
 */
function listRow(r: unknown[], c: ListColumns): HotClusterListRow {
  const opId = r[c.opId] as string | null;
  const templateId = r[c.templateId] as string | null;
  return {
    id: r[c.id],
    uuid: r[c.uuid],
    workspaceId: r[c.workspaceId],
    name: r[c.name],
    status: r[c.status],
    values: r[c.values],
    clusterTemplateVersionId: r[c.clusterTemplateVersionId],
    registryId: r[c.registryId],
    registryMode: r[c.registryMode],
    currentRevision: r[c.currentRevision],
    wasCreated: r[c.wasCreated],
    isLocked: r[c.isLocked],
    clusterType: r[c.clusterType],
    changeMode: r[c.changeMode],
    checkIntervalSeconds: r[c.checkIntervalSeconds],
    createdAt: r[c.createdAt],
    updatedAt: r[c.updatedAt],
    archivedAt: r[c.archivedAt],
    archiveNumber: r[c.archiveNumber],
    renderErrors: r[c.renderErrors],
    clusterConfigurationCheckedAt: r[c.clusterConfigurationCheckedAt],
    clusterConfigurationAppliedAt: r[c.clusterConfigurationAppliedAt],
    templateVersionSwitchedAt: r[c.templateVersionSwitchedAt],
    resourcesSyncState: r[c.resourcesSyncState],
    resourcesStateResults: r[c.resourcesStateResults],
    agentStatus: r[c.agentStatus],
    agentData: null,
    agentDataJson: r[c.agentDataJson],
    connectionHosts: r[c.connectionHosts],
    clusterTemplateVersion: templateVersion(r, c, templateId),
    operations:
      opId === null
        ? []
        : [
            {
              id: opId,
              kind: r[c.opKind] as ClusterOperation['kind'],
              status: r[c.opStatus] as ClusterOperation['status'],
              progress: r[c.opProgress] as number,
              phase: r[c.opPhase] as string | null,
            },
          ],
  } as HotClusterListRow;
}

/**
 * A detail row (pg `rowMode: 'array'`) as one object literal of a fixed shape: pg's object row
 * with the template and operation added afterwards was a slow (dictionary) object that
 * `toClusterDto` then read ~35 properties from.
 */
function detailRow(r: unknown[], c: DetailColumns): HotClusterDetailRow {
  const opId = r[c.opId] as string | null;
  const templateId = r[c.templateId] as string | null;
  return {
    id: r[c.id],
    uuid: r[c.uuid],
    workspaceId: r[c.workspaceId],
    name: r[c.name],
    status: r[c.status],
    values: r[c.values],
    clusterTemplateVersionId: r[c.clusterTemplateVersionId],
    registryId: r[c.registryId],
    registryMode: r[c.registryMode],
    currentRevision: r[c.currentRevision],
    wasCreated: r[c.wasCreated],
    isLocked: r[c.isLocked],
    clusterType: r[c.clusterType],
    changeMode: r[c.changeMode],
    checkIntervalSeconds: r[c.checkIntervalSeconds],
    createdAt: r[c.createdAt],
    updatedAt: r[c.updatedAt],
    archivedAt: r[c.archivedAt],
    archiveNumber: r[c.archiveNumber],
    renderErrors: r[c.renderErrors],
    clusterConfigurationCheckedAt: r[c.clusterConfigurationCheckedAt],
    clusterConfigurationAppliedAt: r[c.clusterConfigurationAppliedAt],
    templateVersionSwitchedAt: r[c.templateVersionSwitchedAt],
    resourcesSyncState: r[c.resourcesSyncState],
    resourcesStateResults: r[c.resourcesStateResults],
    agentStatus: r[c.agentStatus],
    agentData: r[c.agentData],
    connectionHosts: r[c.connectionHosts],
    secretValuesEncrypted: r[c.secretValuesEncrypted],
    desiredRenderedPublic: r[c.desiredRenderedPublic],
    appliedRenderedPublic: r[c.appliedRenderedPublic],
    desiredRenderedEncrypted: r[c.desiredRenderedEncrypted],
    appliedRenderedEncrypted: r[c.appliedRenderedEncrypted],
    clusterTemplateVersion: templateVersion(r, c, templateId),
    operations:
      opId === null
        ? []
        : [
            {
              id: opId,
              kind: r[c.opKind] as ClusterOperation['kind'],
              status: r[c.opStatus] as ClusterOperation['status'],
              progress: r[c.opProgress] as number,
              phase: r[c.opPhase] as string | null,
            },
          ],
  } as HotClusterDetailRow;
}

/** `LIKE` pattern matching `q` literally anywhere (wildcards in q escaped). */
function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/**
 * The hot cluster reads: each one prepared (named) statement, one round trip, on the pool
 * under the Prisma client. Prisma stays the general data layer; these exist because the
 * cluster list and detail are what integrations poll.
 */
export class HotClusterQueries {
  readonly #pool: pg.Pool;
  #detailColumns: DetailColumns | null = null;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** A cluster of a workspace with its template id and last operation, or null. */
  async clusterById(
    workspaceId: string,
    id: string,
    includeArchived: boolean,
  ): Promise<HotClusterDetailRow | null> {
    const result = await describedQuery<unknown[]>(this.#pool, {
      name: 'hot_cluster_by_id',
      text: GET_SQL,
      rowMode: 'array',
      values: [id, workspaceId, includeArchived],
    });
    const raw = result.rows[0];
    if (!raw) {
      return null;
    }
    // The statement's columns are fixed: their positions are read once.
    this.#detailColumns ??= columnsOf(result.fields, DETAIL_COLUMN_NAMES);
    return detailRow(raw, this.#detailColumns);
  }

  /**
   * A page of a workspace's clusters in the asked order, and the total of the filter: the
   * unfiltered list takes its total from the kept counts, a filtered one counts its filter.
   */
  async listClusters(
    query: ClusterListQuery,
  ): Promise<{ rows: HotClusterListRow[]; total: number }> {
    if (query.status !== null || query.clusterTemplateId !== null || query.q !== null) {
      return this.listClustersByScan(query);
    }
    return this.#list({
      name: `hot_cluster_list_counted_${sortName(query.sort)}`,
      text: countedListSql(query.sort),
      values: [query.workspaceId, query.withoutArchived, query.limit, query.offset],
    });
  }

  /**
   * The list by the statement that counts its filter (any filter; what `listClusters` runs for
   * a filtered list). Public so tests can hold the unfiltered statement against it.
   */
  async listClustersByScan(
    query: ClusterListQuery,
  ): Promise<{ rows: HotClusterListRow[]; total: number }> {
    return this.#list({
      name: `hot_cluster_list_${sortName(query.sort)}`,
      text: scanListSql(query.sort),
      values: [
        query.workspaceId,
        query.withoutArchived,
        query.status,
        query.clusterTemplateId,
        query.q === null ? null : containsPattern(query.q),
        query.limit,
        query.offset,
      ],
    });
  }

  async #list(statement: {
    name: string;
    text: string;
    values: unknown[];
  }): Promise<{ rows: HotClusterListRow[]; total: number }> {
    const result = await describedQuery<unknown[]>(this.#pool, { ...statement, rowMode: 'array' });
    const c = columnsOf(result.fields, LIST_COLUMN_NAMES);
    const total = (result.rows[0]?.[c.total] as number | undefined) ?? 0;
    const rows: HotClusterListRow[] = [];
    for (const r of result.rows) {
      // The total's row comes alone (id null) when the page is empty.
      if (r[c.id] !== null) {
        rows.push(listRow(r, c));
      }
    }
    return { rows, total };
  }
}

function sortName(sort: ClusterListSort): string {
  return sort.startsWith('-') ? `${sort.slice(1)}_desc` : sort;
}
