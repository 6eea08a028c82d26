import { describe, expect, it } from 'vitest';

import {
  type AppliedResource,
  backoffDelay,
  desiredResources,
  jittered,
  planRemovals,
  resourceKey,
  resultOf,
  withCommanderMetadata,
} from '../src/index.js';

const configMap = (name: string, namespace = 'apps') => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data: { a: '1' },
});

describe('resource identity and plans', () => {
  it('keys resources by group, kind, namespace and name, not version', () => {
    const a = {
      apiVersion: 'deckhouse.io/v1alpha1',
      kind: 'ModuleConfig',
      namespace: null,
      name: 'x',
    };
    const b = { ...a, apiVersion: 'deckhouse.io/v1' };
    expect(resourceKey(a)).toBe(resourceKey(b));
    expect(resourceKey(a)).not.toBe(resourceKey({ ...a, kind: 'ModuleSource' }));
    expect(resourceKey({ ...a, apiVersion: 'v1', kind: 'ConfigMap', namespace: 'n' })).toBe(
      '/ConfigMap/n/x',
    );
  });

  it('orders namespaces and CRDs first and drops duplicates across groups', () => {
    const desired = desiredResources([
      { name: 'one', sync_mode: 'managed', resources: [configMap('c1'), configMap('c2')] },
      {
        name: 'two',
        sync_mode: 'unmanaged',
        resources: [
          configMap('c1'),
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } },
        ],
      },
    ]);
    expect(desired.map((d) => `${d.group}:${d.ref.kind}/${d.ref.name}`)).toEqual([
      'two:Namespace/apps',
      'one:ConfigMap/c1',
      'one:ConfigMap/c2',
    ]);
  });

  it('deletes vanished resources of managed groups and orphans those of unmanaged ones', () => {
    const applied = (name: string, group: string, managed: boolean): AppliedResource => ({
      apiVersion: 'v1',
      kind: name === 'ns' ? 'Namespace' : 'ConfigMap',
      namespace: name === 'ns' ? null : 'apps',
      name,
      group,
      syncMode: managed ? 'managed' : 'unmanaged',
    });
    const plan = planRemovals(
      [
        applied('ns', 'one', true),
        applied('kept', 'one', true),
        applied('gone', 'one', true),
        applied('left', 'two', false),
        applied('moved', 'two', false),
      ],
      desiredResources([
        { name: 'one', sync_mode: 'managed', resources: [configMap('kept')] },
        { name: 'three', sync_mode: 'managed', resources: [configMap('moved')] },
      ]),
    );
    expect(plan.toDelete.map((r) => r.name)).toEqual(['gone', 'ns']);
    expect(plan.toOrphan.map((r) => r.name)).toEqual(['left']);
  });

  it('labels and annotates a copy, keeping existing metadata', () => {
    const original = {
      ...configMap('c'),
      metadata: { name: 'c', namespace: 'apps', labels: { app: 'x' } },
    };
    const labelled = withCommanderMetadata(original, 'g1');
    expect(labelled.metadata).toEqual({
      name: 'c',
      namespace: 'apps',
      labels: { app: 'x', heritage: 'deckhouse-commander' },
      annotations: { 'agent.commander.deckhouse.io/group': 'g1' },
    });
    expect(original.metadata).toEqual({ name: 'c', namespace: 'apps', labels: { app: 'x' } });
  });

  it('builds result entries with truncated messages', () => {
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'c', group: 'g' };
    expect(resultOf(ref, 'applied')).toEqual({
      group: 'g',
      api_version: 'v1',
      kind: 'ConfigMap',
      namespace: 'apps',
      name: 'c',
      status: 'applied',
      message: null,
    });
    expect(resultOf(ref, 'error', 'x'.repeat(5000)).message).toHaveLength(4000);
  });
});

describe('timing', () => {
  it('backs off exponentially with jitter up to the cap', () => {
    const options = { baseMs: 1000, maxMs: 8000 };
    expect(backoffDelay(1, options, () => 0)).toBe(500);
    expect(backoffDelay(1, options, () => 1)).toBe(1000);
    expect(backoffDelay(3, options, () => 1)).toBe(4000);
    expect(backoffDelay(10, options, () => 0)).toBe(4000);
    expect(backoffDelay(10, options, () => 1)).toBe(8000);
  });

  it('jitters within the fraction', () => {
    expect(jittered(1000, 0.1, () => 0)).toBe(900);
    expect(jittered(1000, 0.1, () => 1)).toBe(1100);
    expect(jittered(1000, 0.1, () => 0.5)).toBe(1000);
  });
});
