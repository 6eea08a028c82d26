import { describe, expect, it } from 'vitest';

import { firingCriticalAlerts, judgeCluster } from './advance-rollout.js';
import { assignWaves } from './plan-rollout.js';

const ids = Array.from({ length: 20 }, (_, i) => `c${String(i).padStart(2, '0')}`);

describe('assignWaves', () => {
  it('1, then 10 %, then the rest', () => {
    const waves = assignWaves(ids, [{ size: 1 }, { percent: 10 }, { rest: true }]);
    expect(waves.map((w) => w.length)).toEqual([1, 2, 17]);
    expect(waves.flat()).toEqual(ids);
  });

  it('rounds percentages up (at least one), drops empty waves, puts leftovers in a last wave', () => {
    expect(assignWaves(ids.slice(0, 3), [{ percent: 1 }, { size: 5 }, { size: 1 }])).toEqual([
      ['c00'],
      ['c01', 'c02'],
    ]);
    expect(assignWaves(ids.slice(0, 5), [{ size: 2 }]).map((w) => w.length)).toEqual([2, 3]);
    expect(assignWaves([], [{ rest: true }])).toEqual([]);
  });

  it('follows explicit groups (a ring order), ignoring ids that do not change or came earlier', () => {
    const waves = assignWaves(ids.slice(0, 4), [
      { cluster_ids: ['c03', 'zz'] },
      { cluster_ids: ['c03', 'c01'] },
    ]);
    expect(waves).toEqual([['c03'], ['c01'], ['c00', 'c02']]);
  });
});

describe('judgeCluster', () => {
  const now = new Date('2026-12-09T10:00:00Z');
  const cluster = {
    id: 'c',
    name: 'c',
    status: 'IN_SYNC',
    archivedAt: null,
    appliedRevision: 3,
    desiredRevision: 3,
    clusterTemplateVersionId: 'v',
    agentStatus: 'online',
    agentLastSeenAt: now,
    agentData: [] as unknown,
  };
  const updating = { state: 'updating', targetRevision: 3, healthySince: null };

  it('converging until in sync with the revision the rollout set', () => {
    expect(judgeCluster(updating, { ...cluster, status: 'CHANGING' }, true, now, 5).state).toBe(
      'updating',
    );
    expect(judgeCluster(updating, { ...cluster, appliedRevision: 2 }, false, now, 5).state).toBe(
      'updating',
    );
  });

  it('soaks while in sync and healthy, and is done after the soak time', () => {
    const soaking = judgeCluster(updating, cluster, false, now, 5);
    expect(soaking).toMatchObject({ state: 'soaking', healthySince: now });
    const later = new Date(now.getTime() + 4_000);
    expect(
      judgeCluster({ ...updating, state: 'soaking', healthySince: now }, cluster, false, later, 5)
        .state,
    ).toBe('soaking');
    const after = new Date(now.getTime() + 5_000);
    expect(
      judgeCluster({ ...updating, state: 'soaking', healthySince: now }, cluster, false, after, 5),
    ).toMatchObject({ state: 'done', finishedAt: after });
    // Leaving in_sync restarts the soak.
    expect(
      judgeCluster(
        { ...updating, state: 'soaking', healthySince: now },
        { ...cluster, status: 'OUT_OF_SYNC' },
        true,
        after,
        5,
      ),
    ).toMatchObject({ state: 'updating', healthySince: null });
  });

  it('waits for approval of destructive and manual changes (not a failure)', () => {
    for (const status of ['DESTRUCTIVE_CHANGES', 'PENDING_CHANGES']) {
      expect(judgeCluster(updating, { ...cluster, status }, false, now, 5).state).toBe(
        'awaiting_approval',
      );
    }
  });

  it('fails on a failed converge (once nothing runs), a lost agent, a critical alert, deletion', () => {
    const failed = { ...cluster, status: 'SYNCHRONIZATION_FAILURE', appliedRevision: 2 };
    expect(judgeCluster(updating, failed, true, now, 5).state).toBe('updating');
    expect(judgeCluster(updating, failed, false, now, 5)).toMatchObject({
      state: 'failed',
      error: 'The cluster is synchronization_failure',
    });
    expect(
      judgeCluster(updating, { ...cluster, status: 'CONFIGURATION_ERROR' }, false, now, 5).state,
    ).toBe('failed');
    expect(
      judgeCluster(updating, { ...cluster, agentStatus: 'lost' }, false, now, 5),
    ).toMatchObject({ state: 'failed', error: 'The agent was lost' });
    const alerting = {
      ...cluster,
      agentData: [
        {
          source: 'overview',
          data: {
            warnings: {
              firing_alerts: [
                { alert: 'NodeNotReady', severity: 'critical' },
                { alert: 'DiskAlmostFull', severity: 'warning' },
              ],
            },
          },
        },
      ],
    };
    expect(firingCriticalAlerts(alerting.agentData)).toEqual(['NodeNotReady']);
    expect(
      judgeCluster({ ...updating, state: 'soaking', healthySince: now }, alerting, false, now, 5),
    ).toMatchObject({ state: 'failed', error: 'Critical alert firing: NodeNotReady' });
    expect(judgeCluster(updating, undefined, false, now, 5).state).toBe('failed');
    expect(judgeCluster(updating, { ...cluster, status: 'DELETE' }, false, now, 5).state).toBe(
      'failed',
    );
  });

  it('an agent that reported before but is not online now is not healthy yet; one that never reported does not block', () => {
    expect(
      judgeCluster(updating, { ...cluster, agentStatus: 'unknown' }, false, now, 5).state,
    ).toBe('updating');
    expect(
      judgeCluster(
        updating,
        { ...cluster, agentStatus: 'unknown', agentLastSeenAt: null },
        false,
        now,
        0,
      ).state,
    ).toBe('done');
  });
});
