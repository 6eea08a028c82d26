import { describe, expect, it } from 'vitest';

import type { KubeObject } from './kube-resources.js';
import { applyWatchEvent, type KubeList } from './kubernetes.api.js';

const cm = (name: string, rv: string, data: Record<string, string> = {}): KubeObject => ({
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', resourceVersion: rv },
  data,
});

describe('applyWatchEvent', () => {
  const list: KubeList = { items: [cm('a', '1'), cm('c', '2')], resourceVersion: '2' };

  it('adds in order, replaces on MODIFIED, removes on DELETED, ignores BOOKMARK', () => {
    const added = applyWatchEvent(list, { type: 'ADDED', object: cm('b', '3') });
    expect(added.items.map((item) => item.metadata.name)).toEqual(['a', 'b', 'c']);
    expect(added.resourceVersion).toBe('2');
    const modified = applyWatchEvent(added, { type: 'MODIFIED', object: cm('b', '4', { x: '1' }) });
    expect(modified.items[1]).toMatchObject({ data: { x: '1' } });
    expect(modified.items).toHaveLength(3);
    const deleted = applyWatchEvent(modified, { type: 'DELETED', object: cm('a', '5') });
    expect(deleted.items.map((item) => item.metadata.name)).toEqual(['b', 'c']);
    expect(applyWatchEvent(deleted, { type: 'BOOKMARK', object: cm('', '6') })).toBe(deleted);
  });
});
