import type { ClusterStatus } from '@commander/db';

import { AppError } from '../errors.js';

/**
 * Everything that moves a cluster from one status to another (ARCHITECTURE.md §4). Each event
 * lists the statuses it may happen in; anything else is a bug or a race and is refused.
 */
export const CLUSTER_TRANSITIONS = {
  /** The configuration could not be rendered or validated: no operation is created. */
  render_failed: {
    from: [
      'NEW',
      'CONFIGURATION_ERROR',
      'IN_SYNC',
      'OUT_OF_SYNC',
      'PENDING_CHANGES',
      'DESTRUCTIVE_CHANGES',
      'SYNCHRONIZATION_FAILURE',
      'CREATION_FAILED',
      'UNKNOWN',
    ],
    to: 'CONFIGURATION_ERROR',
  },
  /** A valid configuration arrived for a cluster that was never installed. */
  install_queued: { from: ['NEW', 'CONFIGURATION_ERROR', 'CREATION_FAILED'], to: 'NEW' },
  install_started: { from: ['NEW', 'CREATION_FAILED', 'CREATING'], to: 'CREATING' },
  install_succeeded: { from: ['CREATING'], to: 'IN_SYNC' },
  install_failed: { from: ['CREATING'], to: 'CREATION_FAILED' },
  /** A new desired configuration of an installed cluster: waits for its converge. */
  change_queued: {
    from: [
      'IN_SYNC',
      'OUT_OF_SYNC',
      'PENDING_CHANGES',
      'DESTRUCTIVE_CHANGES',
      'SYNCHRONIZATION_FAILURE',
      'CONFIGURATION_ERROR',
      'CHANGING',
      'UNKNOWN',
    ],
    to: 'OUT_OF_SYNC',
  },
  /** Manual change mode: the change waits for a person. */
  change_pending: {
    from: [
      'IN_SYNC',
      'OUT_OF_SYNC',
      'PENDING_CHANGES',
      'DESTRUCTIVE_CHANGES',
      'SYNCHRONIZATION_FAILURE',
      'CONFIGURATION_ERROR',
      'CHANGING',
      'UNKNOWN',
    ],
    to: 'PENDING_CHANGES',
  },
  converge_started: {
    from: [
      'IN_SYNC',
      'OUT_OF_SYNC',
      'PENDING_CHANGES',
      'DESTRUCTIVE_CHANGES',
      'SYNCHRONIZATION_FAILURE',
      'CHANGING',
      'UNKNOWN',
    ],
    to: 'CHANGING',
  },
  converge_succeeded: { from: ['CHANGING'], to: 'IN_SYNC' },
  converge_failed: { from: ['CHANGING'], to: 'SYNCHRONIZATION_FAILURE' },
  converge_needs_approval: { from: ['CHANGING'], to: 'DESTRUCTIVE_CHANGES' },
  check_in_sync: {
    from: [
      'IN_SYNC',
      'OUT_OF_SYNC',
      'SYNCHRONIZATION_FAILURE',
      'DESTRUCTIVE_CHANGES',
      'PENDING_CHANGES',
      'UNKNOWN',
    ],
    to: 'IN_SYNC',
  },
  check_out_of_sync: {
    from: ['IN_SYNC', 'OUT_OF_SYNC', 'SYNCHRONIZATION_FAILURE', 'PENDING_CHANGES', 'UNKNOWN'],
    to: 'OUT_OF_SYNC',
  },
  check_out_of_sync_manual: {
    from: ['IN_SYNC', 'OUT_OF_SYNC', 'SYNCHRONIZATION_FAILURE', 'PENDING_CHANGES', 'UNKNOWN'],
    to: 'PENDING_CHANGES',
  },
  check_destructive: {
    from: [
      'IN_SYNC',
      'OUT_OF_SYNC',
      'SYNCHRONIZATION_FAILURE',
      'PENDING_CHANGES',
      'DESTRUCTIVE_CHANGES',
      'UNKNOWN',
    ],
    to: 'DESTRUCTIVE_CHANGES',
  },
  delete_requested: {
    from: [
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
      'DELETION_FAILED',
      'UNKNOWN',
    ],
    to: 'DELETE',
  },
  delete_succeeded: { from: ['DELETE'], to: 'DELETED' },
  delete_failed: { from: ['DELETE'], to: 'DELETION_FAILED' },
  /** Archive without cleanup ("manual deletion"), e.g. after a deletion error or a never-installed cluster. */
  archived_without_cleanup: {
    from: [
      'NEW',
      'CONFIGURATION_ERROR',
      'CREATION_FAILED',
      'DELETION_FAILED',
      'DELETE',
      'READY_TO_JOIN',
    ],
    to: 'DELETED',
  },
  attach_scanned: { from: ['NEW', 'READY_TO_JOIN'], to: 'READY_TO_JOIN' },
  join_started: { from: ['READY_TO_JOIN', 'JOINING'], to: 'JOINING' },
  join_succeeded: { from: ['JOINING'], to: 'IN_SYNC' },
  join_failed: { from: ['JOINING'], to: 'READY_TO_JOIN' },
  detach_succeeded: {
    from: [
      'IN_SYNC',
      'OUT_OF_SYNC',
      'PENDING_CHANGES',
      'DESTRUCTIVE_CHANGES',
      'SYNCHRONIZATION_FAILURE',
      'CHANGING',
      'UNKNOWN',
    ],
    to: 'DETACHED',
  },
} as const satisfies Record<string, { from: readonly ClusterStatus[]; to: ClusterStatus }>;

export type ClusterEvent = keyof typeof CLUSTER_TRANSITIONS;

/** True when `event` may happen in `status`. */
export function canTransition(status: ClusterStatus, event: ClusterEvent): boolean {
  return (CLUSTER_TRANSITIONS[event].from as readonly ClusterStatus[]).includes(status);
}

/**
 * The status after `event`.
 * @throws AppError invalid_state when the event is not allowed in `status`.
 */
export function nextStatus(status: ClusterStatus, event: ClusterEvent): ClusterStatus {
  if (!canTransition(status, event)) {
    throw new AppError(
      'invalid_state',
      `A cluster in status ${status.toLowerCase()} cannot ${event.replace(/_/g, ' ')}`,
      {
        status: status.toLowerCase(),
        event,
      },
    );
  }
  return CLUSTER_TRANSITIONS[event].to;
}

/** Statuses after which a cluster is archived and no longer managed. */
export const FINAL_STATUSES: ReadonlySet<ClusterStatus> = new Set(['DELETED', 'DETACHED']);
