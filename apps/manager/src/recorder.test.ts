import type { SecretMasker } from '@commander/core';
import type { Db } from '@commander/db';
import { afterEach, describe, expect, it, vi } from 'vitest';

const writes = vi.hoisted(() => ({
  lines: [] as string[],
  failNext: 0,
}));

vi.mock('@commander/core', () => ({
  recordOperation: async (_db: unknown, _id: string, batch: { lines: string[] }) => {
    if (writes.failNext > 0) {
      writes.failNext -= 1;
      throw new Error('the database system is starting up');
    }
    writes.lines.push(...batch.lines);
  },
  updateOperationProgress: async () => undefined,
}));

const { OperationRecorder } = await import('./recorder.js');

describe('OperationRecorder with the database away', () => {
  afterEach(() => {
    vi.useRealTimers();
    writes.lines = [];
    writes.failNext = 0;
  });

  it('a timer flush that fails is no unhandled rejection; its lines are written by the next flush', async () => {
    vi.useFakeTimers();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const recorder = new OperationRecorder({} as Db, 'op', {} as SecretMasker);
      writes.failNext = 1;
      await recorder.log(['one']);
      await vi.advanceTimersByTimeAsync(1_000);
      // Let a pending rejection surface, should there be one.
      vi.useRealTimers();
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
      expect(writes.lines).toEqual([]);

      await recorder.log(['two']);
      await recorder.flush();
      expect(writes.lines).toEqual(['one', 'two']);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('an awaited flush that fails rejects, and does not fail the later ones', async () => {
    const recorder = new OperationRecorder({} as Db, 'op', {} as SecretMasker);
    writes.failNext = 1;
    await recorder.log(['a']);
    await expect(recorder.flush()).rejects.toThrow('starting up');
    await recorder.log(['b']);
    await recorder.flush();
    expect(writes.lines).toEqual(['a', 'b']);
  });

  it('flushWith: lines a completion did not store (or failed to) go back to the buffer, in order', async () => {
    const recorder = new OperationRecorder({} as Db, 'op', {} as SecretMasker);
    await recorder.log(['a', 'b']);
    const offered: string[][] = [];
    // Not applicable: nothing stored, the lines stay for the next flush.
    expect(
      await recorder.flushWith(async (batch) => {
        offered.push(batch.lines);
        return false;
      }),
    ).toBe(false);
    await recorder.log(['c']);
    // Failed (the database away): the same.
    await expect(
      recorder.flushWith(async (batch) => {
        offered.push(batch.lines);
        throw new Error('the database system is starting up');
      }),
    ).rejects.toThrow('starting up');
    expect(offered).toEqual([
      ['a', 'b'],
      ['a', 'b', 'c'],
    ]);
    // Stored: nothing is left for a later flush.
    expect(
      await recorder.flushWith(async (batch) => {
        offered.push(batch.lines);
        return true;
      }),
    ).toBe(true);
    expect(offered.at(-1)).toEqual(['a', 'b', 'c']);
    await recorder.flush();
    expect(writes.lines).toEqual([]);
  });
});
