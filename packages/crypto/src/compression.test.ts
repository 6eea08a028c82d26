import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';

import { inflate } from 'pako';
import { describe, expect, it } from 'vitest';

import { compress, compressFast, uncompress } from './compression.js';
import { MalformedMessageError } from './errors.js';

describe('uncompress (native inflate)', () => {
  it('inflates what compress (pako, Ruby-compatible bytes) and Node deflate write', () => {
    const inputs = [
      Buffer.alloc(0),
      ...[1, 139, 140, 141, 4096, 70_000].map((n) => randomBytes(n)),
      ...[1, 140, 4096].map((n) => Buffer.alloc(n, 'a')),
    ];
    for (const input of inputs) {
      expect(uncompress(compress(input)).equals(input)).toBe(true);
      expect(uncompress(deflateSync(input)).equals(input)).toBe(true);
    }
    const text = Buffer.from('kind: ClusterConfiguration\n'.repeat(5_000));
    expect(uncompress(compress(text)).equals(text)).toBe(true);
  });

  it('refuses a corrupt or truncated stream with MalformedMessageError', () => {
    const deflated = compress(Buffer.from('a value long enough to compress, '.repeat(20)));
    const flipped = Buffer.from(deflated);
    flipped[Math.floor(flipped.length / 2)]! ^= 0xff;
    for (const bad of [
      flipped,
      deflated.subarray(0, deflated.length - 6),
      Buffer.alloc(0),
      Buffer.from('not zlib'),
    ]) {
      expect(() => uncompress(bad)).toThrow(MalformedMessageError);
    }
  });
});

describe('compressFast (native deflate, for random-IV values)', () => {
  it('writes a standard zlib stream that pako (as Ruby Zlib::Inflate) and uncompress read', () => {
    for (const input of [141, 4096, 70_000].map((n) => randomBytes(n))) {
      const deflated = compressFast(input);
      expect(deflated.subarray(0, 2).toString('hex')).toBe('789c');
      expect(Buffer.from(inflate(deflated)).equals(input)).toBe(true);
      expect(uncompress(deflated).equals(input)).toBe(true);
    }
  });
});
