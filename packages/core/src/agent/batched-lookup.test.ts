import { describe, expect, it } from 'vitest';

import { batchedLookup } from './batched-lookup.js';

describe('batchedLookup', () => {
  it('reads the keys asked for in one turn of the event loop in one call, each its own value', async () => {
    const calls: string[][] = [];
    const lookup = batchedLookup(async (keys: string[]) => {
      calls.push(keys);
      return new Map(keys.filter((k) => k !== 'unknown').map((k) => [k, `value of ${k}`]));
    });
    const answers = await Promise.all(['a', 'b', 'unknown', 'a', 'c'].map((k) => lookup(k)));
    expect(answers).toEqual(['value of a', 'value of b', null, 'value of a', 'value of c']);
    expect(calls).toEqual([['a', 'b', 'unknown', 'c']]);
    // A later turn is another call.
    expect(await lookup('d')).toBe('value of d');
    expect(calls).toHaveLength(2);
  });

  it('splits a turn into calls of at most maxKeys keys', async () => {
    const calls: string[][] = [];
    const lookup = batchedLookup(
      async (keys: string[]) => {
        calls.push(keys);
        return new Map(keys.map((k) => [k, k.toUpperCase()]));
      },
      { maxKeys: 2 },
    );
    expect(await Promise.all(['a', 'b', 'c'].map((k) => lookup(k)))).toEqual(['A', 'B', 'C']);
    expect(calls).toEqual([['a', 'b'], ['c']]);
  });

  it('fails every caller of a failed call, and only those', async () => {
    let fail = true;
    const lookup = batchedLookup(async (keys: string[]) => {
      if (fail) {
        throw new Error('connection lost');
      }
      return new Map(keys.map((k) => [k, 1]));
    });
    const failed = await Promise.allSettled([lookup('a'), lookup('b')]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await lookup('a')).toBe(1);
  });
});
