import { describe, expect, it } from 'vitest';

import {
  createEncryptor,
  decryptJson,
  type EncryptionKeys,
  encryptJson,
  reencrypt,
} from './encryptor.js';
import { EncryptionKeyError, MalformedMessageError } from './errors.js';

const keys: EncryptionKeys = {
  primaryKey: 'primary key number one',
  deterministicKey: 'deterministic key one',
  keyDerivationSalt: 'a key derivation salt of some length',
};
const otherKeys: EncryptionKeys = {
  primaryKey: 'a completely different primary key',
  deterministicKey: 'a different deterministic key',
  keyDerivationSalt: keys.keyDerivationSalt,
};

// Shared instances: each createEncryptor derives its keys (PBKDF2, ~14 ms a key).
const encryptor = createEncryptor(keys);
const stranger = createEncryptor(otherKeys);

type Parsed = { p: string; h: Record<string, string | boolean> };
const parse = (message: string) => JSON.parse(message) as Parsed;

function rewrite(message: string, change: (parsed: Parsed) => void): string {
  const parsed = parse(message);
  change(parsed);
  return JSON.stringify(parsed);
}

function flipFirstByte(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}

describe('encrypt / decrypt round trips', () => {
  const samples = [
    'hello',
    '',
    'Ключ 日本語 🔐 éèà',
    'x'.repeat(140),
    'y'.repeat(141),
    'kubeconfig: '.repeat(500),
  ];

  for (const deterministic of [false, true]) {
    for (const sample of samples) {
      it(`${deterministic ? 'deterministic' : 'random'}: ${JSON.stringify(sample.slice(0, 20))} (${Buffer.byteLength(sample)} bytes)`, () => {
        const message = encryptor.encrypt(sample, { deterministic });
        expect(encryptor.decrypt(message)).toBe(sample);
        expect(encryptor.isEncrypted(message)).toBe(true);
      });
    }
  }

  it('writes the Rails JSON layout with header order iv, at and strict Base64', () => {
    const message = encryptor.encrypt('hello');
    expect(message).toMatch(
      /^\{"p":"[A-Za-z0-9+/]+=*","h":\{"iv":"[A-Za-z0-9+/]{16}","at":"[A-Za-z0-9+/]{22}=="\}\}$/,
    );
    const parsed = parse(message);
    expect(Buffer.from(parsed.h.iv as string, 'base64')).toHaveLength(12);
    expect(Buffer.from(parsed.h.at as string, 'base64')).toHaveLength(16);
    expect(Buffer.from(parsed.p, 'base64')).toHaveLength(5);
  });

  it('encrypts the empty string as Rails does: empty payload, IV and tag present', () => {
    const message = encryptor.encrypt('');
    const parsed = parse(message);
    expect(parsed.p).toBe('');
    expect(Object.keys(parsed.h)).toEqual(['iv', 'at']);
  });

  it('compresses only above 140 UTF-8 bytes and marks it with c: true, last', () => {
    expect(parse(encryptor.encrypt('x'.repeat(140))).h.c).toBeUndefined();
    // 47 three-byte characters: 47 UTF-16 units but 141 bytes.
    const message = encryptor.encrypt('日'.repeat(47));
    const parsed = parse(message);
    expect(Object.keys(parsed.h)).toEqual(['iv', 'at', 'c']);
    expect(parsed.h.c).toBe(true);
    const long = encryptor.encrypt('a'.repeat(10_000));
    expect(Buffer.from(parse(long).p, 'base64').length).toBeLessThan(100);
  });

  it('random mode uses a fresh IV each time; deterministic mode is stable per plaintext', () => {
    expect(encryptor.encrypt('same')).not.toBe(encryptor.encrypt('same'));
    const first = encryptor.encrypt('same', { deterministic: true });
    expect(encryptor.encrypt('same', { deterministic: true })).toBe(first);
    expect(encryptor.encrypt('Same', { deterministic: true })).not.toBe(first);
  });

  it('rejects non-string plaintext', () => {
    expect(() => encryptor.encrypt(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('JSON helpers', () => {
  it('round-trips objects, arrays and scalars', () => {
    for (const value of [{ a: 1, b: ['x', null] }, [1, 2], 'text', 3.5, null, true]) {
      expect(decryptJson(encryptor, encryptJson(encryptor, value))).toEqual(value);
    }
  });

  it('refuses values without a JSON form and plaintext that is not JSON', () => {
    expect(() => encryptJson(encryptor, undefined)).toThrow(TypeError);
    expect(() => decryptJson(encryptor, encryptor.encrypt('not json'))).toThrow(
      MalformedMessageError,
    );
  });
});

describe('wrong keys', () => {
  it('names the primary key when a random value was encrypted under another key', () => {
    const message = stranger.encrypt('secret');
    let caught: unknown;
    try {
      encryptor.decrypt(message);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EncryptionKeyError);
    expect(caught).toMatchObject({
      keyName: 'ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY',
      message:
        'cannot decrypt: the value was not encrypted with ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY (or any previous primary key). Check the key.',
    });
  });

  it('names the deterministic key for values the caller knows are deterministic', () => {
    const message = stranger.encrypt('secret', { deterministic: true });
    expect(() => encryptor.decrypt(message, { deterministic: true })).toThrow(
      expect.objectContaining({
        name: 'EncryptionKeyError',
        keyName: 'ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY',
        message:
          'cannot decrypt: the value was not encrypted with ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY. Check the key.',
      }),
    );
  });

  it('a mode hint restricts the keys tried', () => {
    const deterministic = encryptor.encrypt('v', { deterministic: true });
    const random = encryptor.encrypt('v');
    expect(encryptor.decrypt(deterministic, { deterministic: true })).toBe('v');
    expect(() => encryptor.decrypt(deterministic, { deterministic: false })).toThrow(
      EncryptionKeyError,
    );
    expect(() => encryptor.decrypt(random, { deterministic: true })).toThrow(EncryptionKeyError);
  });

  it('a different salt is a wrong key too', () => {
    const salted = createEncryptor({ ...keys, keyDerivationSalt: 'another salt, also long' });
    expect(() => salted.decrypt(encryptor.encrypt('v'))).toThrow(EncryptionKeyError);
  });
});

describe('tampering and malformed values', () => {
  const message = encryptor.encrypt('the secret value');

  it('an altered ciphertext, tag or IV fails authentication, never returns plaintext', () => {
    for (const field of ['p', 'at', 'iv'] as const) {
      const altered = rewrite(message, (parsed) => {
        if (field === 'p') {
          parsed.p = flipFirstByte(parsed.p);
        } else {
          parsed.h[field] = flipFirstByte(parsed.h[field] as string);
        }
      });
      expect(() => encryptor.decrypt(altered)).toThrow(EncryptionKeyError);
    }
  });

  it('adding or removing the compression flag fails authentication or parsing, never garbles', () => {
    const altered = rewrite(message, (parsed) => {
      parsed.h.c = true;
    });
    expect(() => encryptor.decrypt(altered)).toThrow(MalformedMessageError);
    const long = encryptor.encrypt('z'.repeat(500));
    const stripped = rewrite(long, (parsed) => {
      delete parsed.h.c;
    });
    // Without "c" the authentic bytes are zlib data, which is never valid UTF-8 (78 9c …).
    expect(() => encryptor.decrypt(stripped)).toThrow(/not valid UTF-8/);
  });

  it('rejects a truncated auth tag as malformed (Rails requires exactly 16 bytes)', () => {
    const truncated = rewrite(message, (parsed) => {
      parsed.h.at = Buffer.from(parsed.h.at as string, 'base64')
        .subarray(0, 12)
        .toString('base64');
    });
    expect(() => encryptor.decrypt(truncated)).toThrow(/auth tag is not 16 bytes/);
  });

  const malformed: Array<[string, string]> = [
    ['not JSON', 'plain text'],
    ['JSON without payload', '{"h":{}}'],
    ['a JSON string', '"hey there"'],
    ['payload not Base64', '{"p":"some data not encoded","h":{}}'],
    [
      'non-canonical Base64',
      '{"p":"QR==","h":{"iv":"AAAAAAAAAAAAAAAA","at":"AAAAAAAAAAAAAAAAAAAAAA=="}}',
    ],
    ['missing IV', '{"p":"QQ==","h":{"at":"AAAAAAAAAAAAAAAAAAAAAA=="}}'],
    ['short IV', '{"p":"QQ==","h":{"iv":"AAAA","at":"AAAAAAAAAAAAAAAAAAAAAA=="}}'],
    [
      'envelope encryption',
      '{"p":"QQ==","h":{"iv":"AAAAAAAAAAAAAAAA","at":"AAAAAAAAAAAAAAAAAAAAAA==","k":{"p":"QQ=="}}}',
    ],
    [
      'header not Base64',
      '{"p":"QQ==","h":{"iv":"AAAAAAAAAAAAAAAA","at":"AAAAAAAAAAAAAAAAAAAAAA==","x":"?"}}',
    ],
  ];
  for (const [name, value] of malformed) {
    it(`rejects ${name} with MalformedMessageError and isEncrypted() is false`, () => {
      expect(() => encryptor.decrypt(value)).toThrow(MalformedMessageError);
      expect(encryptor.isEncrypted(value)).toBe(false);
    });
  }

  it('isEncrypted() is false for non-strings', () => {
    expect(encryptor.isEncrypted(undefined as unknown as string)).toBe(false);
  });
});

describe('SHA-1 derived keys', () => {
  const sha1 = createEncryptor(keys, { hashDigest: 'sha1' });

  it('are read by a SHA-256 encryptor (random and deterministic), not by one without fallback', () => {
    const random = sha1.encrypt('legacy');
    const deterministic = sha1.encrypt('legacy', { deterministic: true });
    expect(encryptor.decrypt(random)).toBe('legacy');
    expect(encryptor.decryptWithInfo(random).info).toEqual({
      deterministic: false,
      hashDigest: 'sha1',
      primaryKeyIndex: 0,
      isCurrent: false,
    });
    expect(encryptor.decrypt(deterministic, { deterministic: true })).toBe('legacy');
    const strict = createEncryptor(keys, { supportSha1: false });
    expect(() => strict.decrypt(random)).toThrow(EncryptionKeyError);
  });

  it('a SHA-1 encryptor does not read SHA-256 values (as in Rails)', () => {
    expect(() => sha1.decrypt(encryptor.encrypt('new'))).toThrow(EncryptionKeyError);
  });
});

describe('rotation', () => {
  const rotated = createEncryptor({
    ...keys,
    primaryKey: [keys.primaryKey as string, 'primary key number two'],
  });

  it('old key still decrypts, the last key encrypts', () => {
    const old = encryptor.encrypt('before rotation');
    expect(rotated.decrypt(old)).toBe('before rotation');
    expect(rotated.decryptWithInfo(old).info).toMatchObject({
      primaryKeyIndex: 0,
      isCurrent: false,
    });
    const fresh = rotated.encrypt('after rotation');
    expect(rotated.decryptWithInfo(fresh).info).toMatchObject({
      primaryKeyIndex: 1,
      isCurrent: true,
    });
    expect(() => encryptor.decrypt(fresh)).toThrow(EncryptionKeyError);
  });

  it('reencrypt moves a value to the current key and keeps deterministic values deterministic', () => {
    const old = encryptor.encrypt('rotate me');
    const moved = reencrypt(rotated, rotated, old);
    expect(rotated.decryptWithInfo(moved).info).toMatchObject({
      primaryKeyIndex: 1,
      isCurrent: true,
    });
    const newOnly = createEncryptor({ ...keys, primaryKey: 'primary key number two' });
    expect(newOnly.decrypt(moved)).toBe('rotate me');

    const deterministic = encryptor.encrypt('lookup', { deterministic: true });
    const kept = reencrypt(encryptor, rotated, deterministic);
    expect(kept).toBe(deterministic);
    expect(rotated.decryptWithInfo(kept).info.deterministic).toBe(true);
  });

  it('reencrypt upgrades SHA-1 deterministic values to the configured digest', () => {
    const sha1 = createEncryptor(keys, { hashDigest: 'sha1' });
    const legacy = sha1.encrypt('lookup', { deterministic: true });
    const upgraded = reencrypt(encryptor, encryptor, legacy);
    expect(upgraded).toBe(encryptor.encrypt('lookup', { deterministic: true }));
  });

  it('reencrypt refuses objects that are not encryptors', () => {
    const fake = { ...encryptor };
    expect(() => reencrypt(fake, encryptor, encryptor.encrypt('x'))).toThrow(TypeError);
  });

  it('with key references only the referenced key is tried, and an unknown reference is named', () => {
    const withReferences = createEncryptor(
      { ...keys, primaryKey: [keys.primaryKey as string, 'primary key number two'] },
      { storeKeyReferences: true },
    );
    const message = withReferences.encrypt('referenced');
    const parsed = parse(message);
    expect(Object.keys(parsed.h)).toEqual(['iv', 'at', 'i']);
    expect(Buffer.from(parsed.h.i as string, 'base64').toString()).toMatch(/^[0-9a-f]{4}$/);
    expect(withReferences.decryptWithInfo(message).info.isCurrent).toBe(true);
    // A reader without key references configured still honours the header.
    expect(rotated.decrypt(message)).toBe('referenced');
    // Values without a reference are not "current" for an encryptor that writes references.
    expect(withReferences.decryptWithInfo(rotated.encrypt('x')).info.isCurrent).toBe(false);
    expect(() => encryptor.decrypt(message)).toThrow(/references key "[0-9a-f]{4}"/);

    const compressed = parse(withReferences.encrypt('c'.repeat(200)));
    expect(Object.keys(compressed.h)).toEqual(['iv', 'at', 'i', 'c']);
  });
});

describe('createEncryptor key validation', () => {
  it('names the missing key', () => {
    expect(() => createEncryptor({ ...keys, primaryKey: '' })).toThrow(
      expect.objectContaining({ keyName: 'ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY' }),
    );
    expect(() => createEncryptor({ ...keys, primaryKey: [] })).toThrow(EncryptionKeyError);
    expect(() => createEncryptor({ ...keys, deterministicKey: '' })).toThrow(
      expect.objectContaining({ keyName: 'ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY' }),
    );
    expect(() =>
      createEncryptor({ ...keys, deterministicKey: ['a', 'b'] as unknown as string }),
    ).toThrow(/cannot be rotated/);
    expect(() => createEncryptor({ ...keys, keyDerivationSalt: '' })).toThrow(
      expect.objectContaining({ keyName: 'ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT' }),
    );
  });

  it('rejects an unknown digest', () => {
    expect(() => createEncryptor(keys, { hashDigest: 'md5' as 'sha1' })).toThrow(TypeError);
  });
});
