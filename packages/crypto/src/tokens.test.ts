import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { generateToken, hashToken, timingSafeEqualHex, tokenPrefix } from './tokens.js';

describe('generateToken', () => {
  it('prefixes by kind and encodes 32 random bytes as 43 base62 characters', () => {
    expect(generateToken('api')).toMatch(/^cmdr_[0-9A-Za-z]{43}$/);
    expect(generateToken('agent')).toMatch(/^cmdra_[0-9A-Za-z]{43}$/);
    expect(generateToken('session')).toMatch(/^cmdrs_[0-9A-Za-z]{43}$/);
  });

  it('never repeats and uses the whole alphabet', () => {
    const tokens = Array.from({ length: 200 }, () => generateToken('api'));
    expect(new Set(tokens).size).toBe(200);
    const characters = new Set(
      tokens
        .join('')
        .slice(0, 200 * 48)
        .replaceAll('cmdr_', ''),
    );
    expect(characters.size).toBe(62);
  });

  it('rejects an unknown kind', () => {
    expect(() => generateToken('root' as 'api')).toThrow(TypeError);
  });
});

describe('hashToken', () => {
  it('is the lowercase hex SHA-256 of the token', () => {
    expect(hashToken('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    const token = generateToken('agent');
    expect(hashToken(token)).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('tokenPrefix', () => {
  it('shows the kind prefix and 6 more characters', () => {
    expect(tokenPrefix('cmdr_AbC123xyzxyz')).toBe('cmdr_AbC123');
    expect(tokenPrefix('cmdra_AbC123xyzxyz')).toBe('cmdra_AbC123');
    expect(tokenPrefix('cmdrs_AbC123xyzxyz')).toBe('cmdrs_AbC123');
    expect(tokenPrefix('legacytoken')).toBe('legacy');
    const token = generateToken('api');
    expect(token.startsWith(tokenPrefix(token))).toBe(true);
    expect(tokenPrefix(token)).toHaveLength(11);
  });
});

describe('timingSafeEqualHex', () => {
  it('compares hex case-insensitively and refuses different lengths or bad hex', () => {
    const hash = hashToken('x');
    expect(timingSafeEqualHex(hash, hash)).toBe(true);
    expect(timingSafeEqualHex(hash, hash.toUpperCase())).toBe(true);
    expect(timingSafeEqualHex(hash, hashToken('y'))).toBe(false);
    expect(timingSafeEqualHex(hash, hash.slice(0, 62))).toBe(false);
    expect(timingSafeEqualHex('zz', 'zz')).toBe(false);
    expect(timingSafeEqualHex('abc', 'abc')).toBe(false);
    expect(timingSafeEqualHex('', '')).toBe(true);
  });
});
