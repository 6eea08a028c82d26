import { type Operation, OperationPhasesSchema } from '@commander/contracts';
import type { ClusterOperation } from '@commander/db';

/**
 * The fields of a dhctl result (check, converge, attach) callers see without revealing
 * secrets: statuses, ids, node and group names, and what kind of change is planned. Everything
 * else (an attach scan's configurations and SSH private key, the current and next values of
 * planned changes, Terraform plans) is withheld, since dhctl may put secrets anywhere in it.
 */
const RESULT_ALLOWLIST: Record<string, 'value' | 'nested' | 'list'> = {
  status: 'value',
  destructive_change_id: 'value',
  check_result: 'nested',
  status_details: 'nested',
  configuration_status: 'value',
  opentofu_migration_status: 'value',
  nodes: 'list',
  cluster: 'nested',
  group: 'value',
  name: 'value',
  destructive_changes: 'nested',
  resourced_recreated: 'list',
  resources_deleted: 'list',
  type: 'value',
};

/**
 * A dhctl result reduced to the allowlisted fields; the paths of the fields withheld are listed
 * in `withheld_fields` (so a client can say something is hidden).
 */
export function publicOperationResult(result: unknown): unknown {
  if (result === null || result === undefined) {
    return null;
  }
  const withheld = new Set<string>();
  const reduce = (value: unknown, path: string): unknown => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      withheld.add(path || '(result)');
      return undefined;
    }
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      const kind = RESULT_ALLOWLIST[key];
      const at = path ? `${path}.${key}` : key;
      if (kind === 'value' && (inner === null || typeof inner !== 'object')) {
        out[key] = inner;
      } else if ((kind === 'nested' || kind === 'list') && inner === null) {
        out[key] = null;
      } else if (kind === 'nested') {
        const nested = reduce(inner, at);
        if (nested !== undefined) {
          out[key] = nested;
        }
      } else if (kind === 'list' && Array.isArray(inner)) {
        out[key] = inner.map((item) => reduce(item, `${at}[]`) ?? null);
      } else {
        withheld.add(at);
      }
    }
    return out;
  };
  const out = reduce(result, '');
  if (out === undefined) {
    return { withheld_fields: [...withheld] };
  }
  return withheld.size > 0 ? { ...(out as object), withheld_fields: [...withheld] } : out;
}

export type OperationDtoOptions = {
  /** The caller holds clusters:secrets:read and asked to reveal: the full result. */
  reveal?: boolean;
};

/** Maps an operation row to the API object (phase state and approval ids stay inside). */
export function toOperationDto(
  row: ClusterOperation,
  options: OperationDtoOptions = {},
): Operation {
  return {
    id: row.id,
    cluster_id: row.clusterId,
    kind: row.kind.toLowerCase() as Operation['kind'],
    status: row.status.toLowerCase() as Operation['status'],
    phase: row.phase,
    phases: OperationPhasesSchema.parse(row.phases ?? []),
    progress: row.progress,
    attempt: row.attempt,
    manager_replica_id: row.managerReplicaId,
    requested_by: row.requestedByName,
    error: row.error,
    result: options.reveal ? (row.result ?? null) : publicOperationResult(row.result),
    log_count: row.logCount,
    created_at: row.createdAt.toISOString(),
    started_at: row.startedAt?.toISOString() ?? null,
    finished_at: row.finishedAt?.toISOString() ?? null,
    heartbeat_at: row.heartbeatAt?.toISOString() ?? null,
  };
}
