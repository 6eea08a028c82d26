import { describe, expect, it } from 'vitest';

import { canTransition } from '../cluster-state/status-machine.js';
import { rollbackTarget } from './revisions.js';

describe('rollbackTarget', () => {
  it('returns the applied revision when a later one is pending or failed', () => {
    expect(rollbackTarget(5, [4, 2, 1])).toBe(4);
  });

  it('returns the revision applied before the current one when in sync', () => {
    expect(rollbackTarget(4, [4, 2, 1])).toBe(2);
  });

  it('is null without an earlier applied revision', () => {
    expect(rollbackTarget(1, [1])).toBeNull();
    expect(rollbackTarget(3, [null])).toBeNull();
    expect(rollbackTarget(3, [])).toBeNull();
  });
});

describe('archived_without_cleanup', () => {
  it('is allowed after a failed deletion, not for a healthy or changing cluster', () => {
    expect(canTransition('DELETION_FAILED', 'archived_without_cleanup')).toBe(true);
    expect(canTransition('IN_SYNC', 'archived_without_cleanup')).toBe(false);
    expect(canTransition('CHANGING', 'archived_without_cleanup')).toBe(false);
  });
});
