import { describe, expect, it } from 'vitest';

import { appendLogChunk, EMPTY_LOG } from './operations.api.js';

const line = (seq: number) => ({ seq, ts: '2026-11-28T12:00:00.000Z', line: `line ${seq}` });

describe('appendLogChunk', () => {
  it('appends new lines and keeps the end', () => {
    const log = appendLogChunk(
      appendLogChunk(EMPTY_LOG, { lines: [line(1), line(2)], end: null }),
      {
        lines: [line(3)],
        end: { status: 'succeeded', error: null },
      },
    );
    expect(log.lines.map((l) => l.seq)).toEqual([1, 2, 3]);
    expect(log.end).toEqual({ status: 'succeeded', error: null });
  });

  it('drops lines already held (a reconnect resumes after the last one)', () => {
    const held = appendLogChunk(EMPTY_LOG, { lines: [line(1), line(2)], end: null });
    const again = appendLogChunk(held, { lines: [line(2), line(3)], end: null });
    expect(again.lines.map((l) => l.seq)).toEqual([1, 2, 3]);
    expect(appendLogChunk(again, { lines: [], end: null })).toBe(again);
  });
});
