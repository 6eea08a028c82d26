import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { EncryptionKeyError } from './errors.js';
import {
  generateEncryptionKeys,
  readKeyFile,
  resolveEncryptionKeys,
  withNewPrimaryKey,
  withoutPreviousPrimaryKeys,
  writeKeyFile,
} from './keys.js';

const env = {
  primaryKey: 'EGY8WhulUOXixybod7ZWwMIL68R9o5kC',
  deterministicKey: 'aPA5XyALhf75NNnMzaspW7akTfZp0lPY',
  keyDerivationSalt: 'xEY0dt6TZcAMg52K7O84wYzkjvbA62Hz',
};

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'commander-crypto-'));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function caught(promise: Promise<unknown>): Promise<EncryptionKeyError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EncryptionKeyError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an EncryptionKeyError');
}

describe('generateEncryptionKeys', () => {
  it('makes three different 32-character alphanumeric strings, different each time', () => {
    const keys = generateEncryptionKeys();
    for (const value of [keys.primaryKey, keys.deterministicKey, keys.keyDerivationSalt]) {
      expect(value).toMatch(/^[A-Za-z0-9]{32}$/);
    }
    expect(new Set([keys.primaryKey, keys.deterministicKey, keys.keyDerivationSalt]).size).toBe(3);
    expect(generateEncryptionKeys().primaryKey).not.toBe(keys.primaryKey);
  });
});

describe('rotation of key material', () => {
  it('appends a new primary key, then drops the previous ones', () => {
    const rotated = withNewPrimaryKey(env);
    expect(rotated.primaryKey).toEqual([
      env.primaryKey,
      expect.stringMatching(/^[A-Za-z0-9]{32}$/),
    ]);
    expect(rotated.deterministicKey).toBe(env.deterministicKey);
    const twice = withNewPrimaryKey(rotated, 'an explicit third primary key');
    expect(twice.primaryKey).toHaveLength(3);
    expect(withoutPreviousPrimaryKeys(twice)).toEqual({
      ...env,
      primaryKey: 'an explicit third primary key',
    });
    expect(() => withNewPrimaryKey(env, env.primaryKey)).toThrow(RangeError);
  });
});

describe('key files', () => {
  it('writes Rails-named JSON with mode 0600 and reads it back, lists included', async () => {
    const file = path.join(directory, 'nested', 'keys.json');
    const keys = { ...env, primaryKey: ['an older primary key', env.primaryKey] };
    await writeKeyFile(file, keys);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      primary_key: ['an older primary key', env.primaryKey],
      deterministic_key: env.deterministicKey,
      key_derivation_salt: env.keyDerivationSalt,
    });
    expect(await readKeyFile(file)).toEqual(keys);
    // No temporary files left behind.
    expect(await readdir(path.dirname(file))).toEqual(['keys.json']);
  });

  it('replaces an existing file, or refuses to when exclusive', async () => {
    const file = path.join(directory, 'keys.json');
    await writeKeyFile(file, env);
    await writeKeyFile(file, { ...env, primaryKey: 'a replacement primary key' });
    expect((await readKeyFile(file)).primaryKey).toBe('a replacement primary key');
    await expect(writeKeyFile(file, env, { exclusive: true })).rejects.toMatchObject({
      code: 'EEXIST',
    });
    expect(await readdir(directory)).toEqual(['keys.json']);
  });

  it('names the keys a file lacks, and reports invalid JSON', async () => {
    const file = path.join(directory, 'keys.json');
    await writeFile(file, JSON.stringify({ primary_key: 'only the primary key' }));
    const error = await caught(readKeyFile(file));
    expect(error.keyNames).toEqual([
      'ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY',
      'ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT',
    ]);
    await writeFile(file, '{ not json');
    await expect(readKeyFile(file)).rejects.toThrow(/not valid JSON/);
  });
});

describe('resolveEncryptionKeys', () => {
  it('uses the three values when all are set', async () => {
    const result = await resolveEncryptionKeys(env);
    expect(result).toEqual({ keys: env, source: 'env', keyFile: null, warnings: [] });
  });

  it('puts previous primary keys before the current one', async () => {
    const result = await resolveEncryptionKeys({
      ...env,
      previousPrimaryKeys: ['the oldest primary key', '', env.primaryKey],
    });
    expect(result.keys.primaryKey).toEqual(['the oldest primary key', env.primaryKey]);
  });

  const partial: Array<[string, Partial<typeof env>, string[]]> = [
    [
      'only the primary key',
      { primaryKey: env.primaryKey },
      ['DETERMINISTIC_KEY', 'KEY_DERIVATION_SALT'],
    ],
    [
      'no salt',
      { primaryKey: env.primaryKey, deterministicKey: env.deterministicKey },
      ['KEY_DERIVATION_SALT'],
    ],
    ['an empty primary key', { ...env, primaryKey: '' }, ['PRIMARY_KEY']],
    [
      'only the salt',
      { keyDerivationSalt: env.keyDerivationSalt },
      ['PRIMARY_KEY', 'DETERMINISTIC_KEY'],
    ],
  ];
  for (const [name, input, missing] of partial) {
    it(`rejects a partial set (${name}) naming each missing variable`, async () => {
      const keyFile = path.join(directory, 'keys.json');
      await writeKeyFile(keyFile, env);
      const error = await caught(resolveEncryptionKeys({ ...input, keyFile }));
      const names = missing.map((suffix) => `ACTIVE_RECORD_ENCRYPTION_${suffix}`);
      expect(error.keyNames).toEqual(names);
      for (const variable of names) {
        expect(error.message).toContain(variable);
      }
    });
  }

  it('rejects short keys and a short salt, naming them', async () => {
    const error = await caught(
      resolveEncryptionKeys({
        ...env,
        primaryKey: 'short',
        keyDerivationSalt: 'nineteen characters',
      }),
    );
    expect(error.keyNames).toEqual([
      'ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY',
      'ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT',
    ]);
    await expect(resolveEncryptionKeys({ ...env, previousPrimaryKeys: ['old'] })).rejects.toThrow(
      /ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY/,
    );
    // Exactly at the minimum is accepted: 12 bytes for keys, 20 for the salt.
    await expect(
      resolveEncryptionKeys({
        ...env,
        deterministicKey: '123456789012',
        keyDerivationSalt: '12345678901234567890',
      }),
    ).resolves.toMatchObject({ source: 'env' });
  });

  it('warns about whitespace around a key and about an ignored key file', async () => {
    const keyFile = path.join(directory, 'keys.json');
    await writeKeyFile(keyFile, env);
    const result = await resolveEncryptionKeys({
      ...env,
      primaryKey: `${env.primaryKey}\n`,
      keyFile,
    });
    expect(result.source).toBe('env');
    expect(result.warnings.join('\n')).toMatch(/PRIMARY_KEY has leading or trailing whitespace/);
    expect(result.warnings.join('\n')).toMatch(/key file .* is ignored/);
  });

  it('reads the key file when no value is set, warning about loose permissions', async () => {
    const keyFile = path.join(directory, 'keys.json');
    await writeKeyFile(keyFile, env);
    const result = await resolveEncryptionKeys({ keyFile, generateIfMissing: true });
    expect(result).toEqual({ keys: env, source: 'file', keyFile, warnings: [] });
    await chmod(keyFile, 0o644);
    const loose = await resolveEncryptionKeys({ keyFile });
    expect(loose.warnings).toEqual([expect.stringMatching(/mode 644.*chmod 600/)]);
  });

  it('validates key lengths from the file too', async () => {
    const keyFile = path.join(directory, 'keys.json');
    await writeKeyFile(keyFile, { ...env, deterministicKey: 'tiny' });
    const error = await caught(resolveEncryptionKeys({ keyFile }));
    expect(error.keyName).toBe('ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY');
  });

  it('generates and writes keys when allowed, then finds them on the next start', async () => {
    const keyFile = path.join(directory, 'state', 'encryption-keys.json');
    const first = await resolveEncryptionKeys({ keyFile, generateIfMissing: true });
    expect(first.source).toBe('generated');
    expect(first.keyFile).toBe(keyFile);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    const second = await resolveEncryptionKeys({ keyFile, generateIfMissing: true });
    expect(second).toMatchObject({ source: 'file', keys: first.keys });
  });

  it('two processes generating at once end up with the same keys', async () => {
    const keyFile = path.join(directory, 'encryption-keys.json');
    const results = await Promise.all(
      Array.from({ length: 4 }, () => resolveEncryptionKeys({ keyFile, generateIfMissing: true })),
    );
    expect(results.filter((result) => result.source === 'generated')).toHaveLength(1);
    const onDisk = await readKeyFile(keyFile);
    for (const result of results) {
      expect(result.keys).toEqual(onDisk);
    }
  });

  it('without values, file or permission to generate, names all three variables', async () => {
    const keyFile = path.join(directory, 'missing.json');
    const error = await caught(resolveEncryptionKeys({ keyFile }));
    expect(error.keyNames).toHaveLength(3);
    expect(error.message).toContain('ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT');
    expect(error.message).toContain(keyFile);
    const noFile = await caught(resolveEncryptionKeys({}));
    expect(noFile.message).toContain('ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY');
    await expect(resolveEncryptionKeys({ generateIfMissing: true })).rejects.toThrow(
      /needs keyFile/,
    );
  });
});
