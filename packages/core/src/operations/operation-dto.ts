import type { Operation, OperationPhase } from '@commander/contracts';
import type { ClusterOperation } from '@commander/db';

/** Maps an operation row to the API object (phase state and approval ids stay inside). */
export function toOperationDto(row: ClusterOperation): Operation {
  return {
    id: row.id,
    cluster_id: row.clusterId,
    kind: row.kind.toLowerCase() as Operation['kind'],
    status: row.status.toLowerCase() as Operation['status'],
    phase: row.phase,
    phases: (row.phases as OperationPhase[] | null) ?? [],
    progress: row.progress,
    attempt: row.attempt,
    manager_replica_id: row.managerReplicaId,
    requested_by: row.requestedByName,
    error: row.error,
    result: row.result ?? null,
    log_count: row.logCount,
    created_at: row.createdAt.toISOString(),
    started_at: row.startedAt?.toISOString() ?? null,
    finished_at: row.finishedAt?.toISOString() ?? null,
    heartbeat_at: row.heartbeatAt?.toISOString() ?? null,
  };
}
