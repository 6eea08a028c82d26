import { describe, expect, it } from 'vitest';

import { clusterFixture } from '../../test/fixtures.js';
import { canCancel, canCheckNow, canDetach, canRetry } from './lifecycle.api.js';

const op = (kind: string, status: string) => ({
  id: '00000000-0000-4000-8000-000000000abc',
  kind,
  status,
  progress: 1,
  phase: null,
});

describe('lifecycle rules', () => {
  it('offers retry after a failure and not while something runs', () => {
    expect(
      canRetry(
        clusterFixture({ status: 'creation_failed', last_operation: op('install', 'failed') }),
      ),
    ).toBe(true);
    expect(
      canRetry(clusterFixture({ status: 'synchronization_failure', last_operation: null })),
    ).toBe(true);
    expect(
      canRetry(clusterFixture({ status: 'in_sync', last_operation: op('check', 'failed') })),
    ).toBe(true);
    expect(
      canRetry(clusterFixture({ status: 'in_sync', last_operation: op('check', 'cancelled') })),
    ).toBe(true);
    expect(
      canRetry(clusterFixture({ status: 'in_sync', last_operation: op('check', 'succeeded') })),
    ).toBe(false);
    expect(
      canRetry(
        clusterFixture({ status: 'creation_failed', last_operation: op('install', 'running') }),
      ),
    ).toBe(false);
    expect(
      canRetry(clusterFixture({ status: 'detached', last_operation: op('detach', 'failed') })),
    ).toBe(false);
  });

  it('checks and detaches installed, settled clusters only', () => {
    expect(canCheckNow(clusterFixture({ status: 'destructive_changes' }))).toBe(true);
    expect(canCheckNow(clusterFixture({ status: 'changing' }))).toBe(false);
    expect(canCheckNow(clusterFixture({ status: 'in_sync', was_created: false }))).toBe(false);
    expect(canDetach(clusterFixture({ status: 'in_sync' }))).toBe(true);
    expect(canDetach(clusterFixture({ status: 'ready_to_join' }))).toBe(false);
  });

  it('cancels queued and running operations', () => {
    expect(canCancel({ status: 'queued' })).toBe(true);
    expect(canCancel({ status: 'running' })).toBe(true);
    expect(canCancel({ status: 'failed' })).toBe(false);
  });
});
