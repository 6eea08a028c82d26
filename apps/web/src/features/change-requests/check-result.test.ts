import { describe, expect, it } from 'vitest';

import { summarizeCheckResult } from './check-result.js';

describe('summarizeCheckResult', () => {
  it('collects recreated fields, deleted nodes and nodes that differ', () => {
    const summary = summarizeCheckResult({
      status: 'DestructiveOutOfSync',
      status_details: {
        configuration_status: 'InSync',
        nodes: [
          { group: 'master', name: 'm-0', status: 'ok' },
          { group: 'worker', name: 'w-1', status: 'changed' },
          {
            group: 'worker',
            name: 'w-2',
            status: 'abandoned',
            destructive_changes: {
              resources_deleted: [{ type: 'node', current_value: 'w-2', next_value: null }],
            },
          },
        ],
        cluster: {
          status: 'destructively_changed',
          destructive_changes: {
            resourced_recreated: [
              {
                type: 'ProviderClusterConfiguration.layout',
                current_value: 'A',
                next_value: { x: 1 },
              },
            ],
          },
        },
      },
      destructive_change_id: 'abc',
    });
    expect(summary).toEqual({
      status: 'DestructiveOutOfSync',
      configurationInSync: true,
      changes: [
        {
          kind: 'recreated',
          type: 'ProviderClusterConfiguration.layout',
          current: 'A',
          next: '{"x":1}',
        },
        { kind: 'deleted', type: 'node', current: 'w-2', next: '—' },
      ],
      nodes: [
        { group: 'worker', name: 'w-1', status: 'changed' },
        { group: 'worker', name: 'w-2', status: 'abandoned' },
      ],
      destructiveChangeId: 'abc',
    });
  });

  it('tolerates missing parts and rejects what is not a check result', () => {
    expect(summarizeCheckResult(null)).toBeNull();
    expect(summarizeCheckResult('text')).toBeNull();
    expect(summarizeCheckResult({ status: 'Weird' })).toEqual({
      status: null,
      configurationInSync: null,
      changes: [],
      nodes: [],
      destructiveChangeId: null,
    });
  });
});
