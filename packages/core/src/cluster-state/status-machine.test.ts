import type { ClusterStatus } from '@commander/db';
import { describe, expect, it } from 'vitest';

import { AppError } from '../errors.js';
import {
  canTransition,
  CLUSTER_TRANSITIONS,
  type ClusterEvent,
  nextStatus,
} from './status-machine.js';

const ALL: ClusterStatus[] = [
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

/** Walks a path of events from a status, returning the statuses visited. */
function walk(from: ClusterStatus, events: ClusterEvent[]): ClusterStatus[] {
  const seen = [from];
  let status = from;
  for (const event of events) {
    status = nextStatus(status, event);
    seen.push(status);
  }
  return seen;
}

describe('cluster status machine', () => {
  it('installs: new → creating → in_sync, or creation_failed → retried', () => {
    expect(walk('NEW', ['install_started', 'install_succeeded'])).toEqual([
      'NEW',
      'CREATING',
      'IN_SYNC',
    ]);
    expect(
      walk('NEW', [
        'install_started',
        'install_failed',
        'install_queued',
        'install_started',
        'install_succeeded',
      ]),
    ).toEqual(['NEW', 'CREATING', 'CREATION_FAILED', 'NEW', 'CREATING', 'IN_SYNC']);
  });

  it('a configuration error blocks until a valid configuration is queued', () => {
    expect(walk('NEW', ['render_failed', 'install_queued'])).toEqual([
      'NEW',
      'CONFIGURATION_ERROR',
      'NEW',
    ]);
    expect(canTransition('CONFIGURATION_ERROR', 'install_started')).toBe(false);
  });

  it('converges changes; failures and destructive plans', () => {
    expect(walk('IN_SYNC', ['change_queued', 'converge_started', 'converge_succeeded'])).toEqual([
      'IN_SYNC',
      'OUT_OF_SYNC',
      'CHANGING',
      'IN_SYNC',
    ]);
    expect(walk('IN_SYNC', ['change_queued', 'converge_started', 'converge_failed'])).toEqual([
      'IN_SYNC',
      'OUT_OF_SYNC',
      'CHANGING',
      'SYNCHRONIZATION_FAILURE',
    ]);
    expect(
      walk('IN_SYNC', [
        'converge_started',
        'converge_needs_approval',
        'converge_started',
        'converge_succeeded',
      ]),
    ).toEqual(['IN_SYNC', 'CHANGING', 'DESTRUCTIVE_CHANGES', 'CHANGING', 'IN_SYNC']);
  });

  it('reconciles: checks lead to in_sync, out_of_sync, pending_changes or destructive_changes', () => {
    expect(nextStatus('IN_SYNC', 'check_in_sync')).toBe('IN_SYNC');
    expect(nextStatus('IN_SYNC', 'check_out_of_sync')).toBe('OUT_OF_SYNC');
    expect(nextStatus('IN_SYNC', 'check_out_of_sync_manual')).toBe('PENDING_CHANGES');
    expect(nextStatus('IN_SYNC', 'check_destructive')).toBe('DESTRUCTIVE_CHANGES');
    expect(nextStatus('SYNCHRONIZATION_FAILURE', 'check_in_sync')).toBe('IN_SYNC');
    expect(canTransition('CREATING', 'check_in_sync')).toBe(false);
    expect(canTransition('NEW', 'check_out_of_sync')).toBe(false);
  });

  it('deletes: delete → deleted, or deletion_failed and again', () => {
    expect(walk('IN_SYNC', ['delete_requested', 'delete_succeeded'])).toEqual([
      'IN_SYNC',
      'DELETE',
      'DELETED',
    ]);
    expect(
      walk('IN_SYNC', [
        'delete_requested',
        'delete_failed',
        'delete_requested',
        'delete_succeeded',
      ]),
    ).toEqual(['IN_SYNC', 'DELETE', 'DELETION_FAILED', 'DELETE', 'DELETED']);
    expect(canTransition('DELETE', 'delete_requested')).toBe(false);
  });

  it('attaches: new → ready_to_join → joining → in_sync; detaches to detached', () => {
    expect(
      walk('NEW', ['attach_scanned', 'join_started', 'join_succeeded', 'detach_succeeded']),
    ).toEqual(['NEW', 'READY_TO_JOIN', 'JOINING', 'IN_SYNC', 'DETACHED']);
    expect(walk('READY_TO_JOIN', ['join_started', 'join_failed'])).toEqual([
      'READY_TO_JOIN',
      'JOINING',
      'READY_TO_JOIN',
    ]);
  });

  it('archived statuses are final: no event leaves deleted or detached', () => {
    for (const event of Object.keys(CLUSTER_TRANSITIONS) as ClusterEvent[]) {
      expect(canTransition('DELETED', event)).toBe(false);
      expect(canTransition('DETACHED', event)).toBe(false);
    }
  });

  it('every status but unknown is reachable from new, and every live one can be deleted or detached', () => {
    const reached = new Set<ClusterStatus>(['NEW']);
    let grew = true;
    while (grew) {
      grew = false;
      for (const status of [...reached]) {
        for (const event of Object.keys(CLUSTER_TRANSITIONS) as ClusterEvent[]) {
          if (canTransition(status, event) && !reached.has(CLUSTER_TRANSITIONS[event].to)) {
            reached.add(CLUSTER_TRANSITIONS[event].to);
            grew = true;
          }
        }
      }
    }
    expect(ALL.filter((s) => !reached.has(s))).toEqual(['UNKNOWN']);
    for (const status of ALL.filter(
      (s) => !['DELETED', 'DETACHED', 'DELETE', 'JOINING'].includes(s),
    )) {
      const exits =
        canTransition(status, 'delete_requested') ||
        canTransition(status, 'archived_without_cleanup') ||
        canTransition(status, 'detach_succeeded');
      expect(exits, status).toBe(true);
    }
  });

  it('refuses an event in a status it does not apply to, with invalid_state', () => {
    expect(() => nextStatus('CREATING', 'converge_succeeded')).toThrow(AppError);
    try {
      nextStatus('DELETED', 'delete_requested');
    } catch (error) {
      expect((error as AppError).code).toBe('invalid_state');
      expect((error as AppError).message).toContain('deleted');
    }
  });
});
