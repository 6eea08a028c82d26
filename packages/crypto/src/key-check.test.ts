import { describe, expect, it } from 'vitest';

import { createEncryptor, type EncryptionKeys } from './encryptor.js';
import { EncryptionKeyError, MalformedMessageError } from './errors.js';
import { createKeyCheck, verifyKeyCheck } from './key-check.js';

const keys: EncryptionKeys = {
  primaryKey: 'key check primary key',
  deterministicKey: 'key check deterministic key',
  keyDerivationSalt: 'key check derivation salt',
};
const encryptor = createEncryptor(keys);

function keyError(run: () => unknown): EncryptionKeyError {
  try {
    run();
  } catch (error) {
    if (error instanceof EncryptionKeyError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an EncryptionKeyError');
}

describe('key check', () => {
  const check = createKeyCheck(encryptor);

  it('verifies with the keys that made it, and is itself an encrypted value', () => {
    expect(encryptor.isEncrypted(check)).toBe(true);
    expect(verifyKeyCheck(encryptor, check)).toEqual({ isCurrent: true, hashDigest: 'sha256' });
  });

  it('names the primary key (and the salt) when the primary key is wrong', () => {
    const wrong = createEncryptor({ ...keys, primaryKey: 'some other primary key' });
    const error = keyError(() => verifyKeyCheck(wrong, check));
    expect(error.keyName).toBe('ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY');
    expect(error.message).toMatch(/^wrong encryption keys: .*ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY/);
    expect(error.keyNames).toContain('ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT');
  });

  it('names the deterministic key when only it is wrong', () => {
    const wrong = createEncryptor({ ...keys, deterministicKey: 'some other deterministic key' });
    const error = keyError(() => verifyKeyCheck(wrong, check));
    expect(error.keyName).toBe('ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY');
    expect(error.keyNames).toEqual(['ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY']);
  });

  it('a wrong salt fails as a primary key problem', () => {
    const wrong = createEncryptor({ ...keys, keyDerivationSalt: 'some other derivation salt' });
    expect(keyError(() => verifyKeyCheck(wrong, check)).keyName).toBe(
      'ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY',
    );
  });

  it('after a rotation the old check still verifies but is not current', () => {
    const rotated = createEncryptor({
      ...keys,
      primaryKey: [keys.primaryKey as string, 'the next primary key'],
    });
    expect(verifyKeyCheck(rotated, check)).toEqual({ isCurrent: false, hashDigest: 'sha256' });
    expect(verifyKeyCheck(rotated, createKeyCheck(rotated)).isCurrent).toBe(true);
  });

  it('reports the digest of a check written with SHA-1 keys', () => {
    const legacy = createKeyCheck(createEncryptor(keys, { hashDigest: 'sha1' }));
    expect(verifyKeyCheck(encryptor, legacy)).toEqual({ isCurrent: false, hashDigest: 'sha1' });
  });

  it('rejects encrypted values that are not key checks, and malformed values', () => {
    expect(() => verifyKeyCheck(encryptor, encryptor.encrypt('{"kind":"other"}'))).toThrow(
      MalformedMessageError,
    );
    expect(() => verifyKeyCheck(encryptor, encryptor.encrypt('plain'))).toThrow(
      MalformedMessageError,
    );
    expect(() => verifyKeyCheck(encryptor, 'not encrypted')).toThrow(MalformedMessageError);
  });
});
