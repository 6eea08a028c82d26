import { describe, expect, it } from 'vitest';

import { planForEvent } from './live-events.js';

const CLUSTER = '00000000-0000-4000-8000-0000000000c1';

describe('planForEvent', () => {
  it('refreshes the cluster and its row on a cluster update, the lists on a new cluster', () => {
    expect(planForEvent('a', { type: 'cluster', id: CLUSTER, action: 'update' })).toEqual({
      keys: [
        ['workspaces', 'scope', 'a', 'clusters', 'cluster', CLUSTER],
        ['workspaces', 'list'],
      ],
      clusterId: CLUSTER,
      lists: 'row',
    });
    expect(planForEvent('a', { type: 'cluster', id: CLUSTER, action: 'create' }).lists).toBe(
      'lists',
    );
  });

  it('refreshes the operations and the detail of the cluster an operation belongs to, and its row', () => {
    expect(planForEvent('a', { type: 'operation', id: 'op', cluster_id: CLUSTER })).toEqual({
      keys: [
        ['workspaces', 'scope', 'a', 'clusters', 'cluster', CLUSTER, 'operations'],
        ['workspaces', 'scope', 'a', 'clusters', 'cluster', CLUSTER, 'detail'],
      ],
      clusterId: CLUSTER,
      lists: 'row',
    });
  });

  it('never names the whole cluster list for an event about one cluster', () => {
    for (const type of ['cluster', 'operation', 'change_request', 'telemetry']) {
      const plan = planForEvent('a', { type, id: CLUSTER, cluster_id: CLUSTER, action: 'update' });
      expect(plan.keys).not.toContainEqual(['workspaces', 'scope', 'a', 'clusters', 'list']);
      expect(plan.keys).not.toContainEqual(['workspaces', 'scope', 'a', 'clusters']);
    }
  });

  it('refreshes the rollouts (their list and pages) on a rollout event, no cluster list', () => {
    expect(planForEvent('a', { type: 'rollout', id: 'r1', action: 'update' })).toEqual({
      keys: [['workspaces', 'scope', 'a', 'rollouts']],
    });
  });

  it('never touches the streamed logs, and ignores unknown types', () => {
    const keys = planForEvent('a', {
      type: 'operation',
      id: 'op',
      cluster_id: CLUSTER,
    }).keys.flat();
    expect(keys).not.toContain('operation-logs');
    expect(planForEvent('a', { type: 'something-new', id: 'x' })).toEqual({ keys: [] });
  });
});
