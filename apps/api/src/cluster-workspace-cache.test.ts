import { describe, expect, it } from 'vitest';

import { ClusterWorkspaceCache } from './cluster-workspace-cache.js';

describe('the proxy’s cluster → workspace cache', () => {
  it('serves from memory only while listening, and forgets an invalidated cluster', async () => {
    const cache = new ClusterWorkspaceCache();
    let loads = 0;
    const load = async () => {
      loads++;
      return 'ws-1';
    };
    expect(await cache.workspaceOf('c1', load)).toBe('ws-1');
    expect(await cache.workspaceOf('c1', load)).toBe('ws-1');
    expect(loads).toBe(2); // not listening: nothing kept
    cache.setListening(true);
    await cache.workspaceOf('c1', load);
    await cache.workspaceOf('c1', load);
    expect(loads).toBe(3);
    cache.invalidate('c1');
    await cache.workspaceOf('c1', load);
    expect(loads).toBe(4);
    cache.setListening(false);
    expect(cache.size).toBe(0);
  });

  it('does not keep a lookup that raced an invalidation, nor an unknown cluster', async () => {
    const cache = new ClusterWorkspaceCache();
    cache.setListening(true);
    expect(
      await cache.workspaceOf('c1', async () => {
        cache.invalidate('c1'); // archived while we read it
        return 'ws-1';
      }),
    ).toBe('ws-1');
    expect(cache.size).toBe(0);
    expect(await cache.workspaceOf('gone', async () => null)).toBeNull();
    expect(cache.size).toBe(0);
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const cache = new ClusterWorkspaceCache(2);
    cache.setListening(true);
    for (const id of ['a', 'b', 'c']) {
      await cache.workspaceOf(id, async () => `ws-${id}`);
    }
    expect(cache.size).toBe(2);
    let loaded = false;
    await cache.workspaceOf('a', async () => {
      loaded = true;
      return 'ws-a';
    });
    expect(loaded).toBe(true);
  });
});
