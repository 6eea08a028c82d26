import { describe, expect, it } from 'vitest';

import { keysForEvent } from './live-events.js';

const CLUSTER = '00000000-0000-4000-8000-0000000000c1';

describe('keysForEvent', () => {
  it('refreshes the cluster, its operations and the lists on a cluster change', () => {
    expect(keysForEvent('a', { type: 'cluster', id: CLUSTER, action: 'update' })).toEqual([
      ['workspaces', 'scope', 'a', 'clusters', 'list'],
      ['workspaces', 'scope', 'a', 'clusters', 'cluster', CLUSTER],
      ['workspaces', 'list'],
    ]);
  });

  it('refreshes the operations and the detail of the cluster an operation belongs to', () => {
    expect(keysForEvent('a', { type: 'operation', id: 'op', cluster_id: CLUSTER })).toEqual([
      ['workspaces', 'scope', 'a', 'clusters', 'cluster', CLUSTER, 'operations'],
      ['workspaces', 'scope', 'a', 'clusters', 'cluster', CLUSTER, 'detail'],
      ['workspaces', 'scope', 'a', 'clusters', 'list'],
    ]);
  });

  it('never touches the streamed logs, and ignores unknown types', () => {
    const keys = keysForEvent('a', { type: 'operation', id: 'op', cluster_id: CLUSTER }).flat();
    expect(keys).not.toContain('operation-logs');
    expect(keysForEvent('a', { type: 'something-new', id: 'x' })).toEqual([]);
  });
});
