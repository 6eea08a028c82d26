import type * as NodeCrypto from 'node:crypto';
import * as nodeCrypto from 'node:crypto';

import { beforeEach, describe, expect, it, vi } from 'vitest';

import { createEncryptor } from './encryptor.js';

// Count PBKDF2 calls without changing their results.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof NodeCrypto>();
  return { ...actual, pbkdf2Sync: vi.fn(actual.pbkdf2Sync) };
});

const pbkdf2Sync = vi.mocked(nodeCrypto.pbkdf2Sync);

const keys = {
  primaryKey: ['old primary key value', 'current primary key value'],
  deterministicKey: 'deterministic key value',
  keyDerivationSalt: 'a key derivation salt value',
};

describe('key derivation', () => {
  beforeEach(() => {
    pbkdf2Sync.mockClear();
  });

  it('derives each key once per encryptor, with 65,536 iterations and 32 bytes', () => {
    const encryptor = createEncryptor(keys);
    // Both primary keys and the deterministic key, SHA-256, at creation.
    expect(pbkdf2Sync).toHaveBeenCalledTimes(3);
    for (const call of pbkdf2Sync.mock.calls) {
      expect(call.slice(1)).toEqual([keys.keyDerivationSalt, 65_536, 32, 'sha256']);
    }

    for (let index = 0; index < 20; index += 1) {
      encryptor.decrypt(encryptor.encrypt(`value ${index}`));
      encryptor.decrypt(encryptor.encrypt(`value ${index}`, { deterministic: true }));
    }
    expect(pbkdf2Sync).toHaveBeenCalledTimes(3);
  });

  it('derives SHA-1 fallback keys only when needed, then keeps them', () => {
    const legacy = createEncryptor(keys, { hashDigest: 'sha1' }).encrypt('legacy');
    pbkdf2Sync.mockClear();
    const encryptor = createEncryptor(keys);
    expect(pbkdf2Sync).toHaveBeenCalledTimes(3);
    encryptor.decrypt(legacy);
    encryptor.decrypt(legacy);
    const sha1Calls = pbkdf2Sync.mock.calls.filter((call) => call[4] === 'sha1');
    // The current SHA-1 primary key is tried first and works: one derivation, kept.
    expect(sha1Calls).toHaveLength(1);
    expect(sha1Calls[0]?.[0]).toBe('current primary key value');
  });
});
