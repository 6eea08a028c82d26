import { randomInt } from 'node:crypto';
import { chmod, link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

import type { EncryptionKeys } from './encryptor.js';
import { ENCRYPTION_KEY_NAMES, EncryptionKeyError, type EncryptionKeyName } from './errors.js';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Minimum lengths in bytes (the Rails guide's recommendation, enforced here). */
export const MIN_KEY_BYTES = 12;
/** Minimum salt length in bytes. */
export const MIN_SALT_BYTES = 20;

function randomAlphanumeric(length: number): string {
  let text = '';
  for (let index = 0; index < length; index += 1) {
    text += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  }
  return text;
}

/**
 * Generates fresh key material like `bin/rails db:encryption:init`: three independent random
 * 32-character alphanumeric strings (≈190 bits each).
 */
export function generateEncryptionKeys(): EncryptionKeys {
  return {
    primaryKey: randomAlphanumeric(32),
    deterministicKey: randomAlphanumeric(32),
    keyDerivationSalt: randomAlphanumeric(32),
  };
}

/**
 * First step of a primary key rotation: returns the keys with a new primary key appended (a
 * fresh random one unless given). The new key encrypts from then on; the old ones still decrypt.
 * Save the result (e.g. {@link writeKeyFile}), restart, re-encrypt every value with
 * `reencrypt()`, and only then drop the old keys with {@link withoutPreviousPrimaryKeys}.
 */
export function withNewPrimaryKey(
  keys: EncryptionKeys,
  newPrimaryKey: string = randomAlphanumeric(32),
): EncryptionKeys {
  const current = typeof keys.primaryKey === 'string' ? [keys.primaryKey] : keys.primaryKey;
  if (current.includes(newPrimaryKey)) {
    throw new RangeError('the new primary key is already in the list');
  }
  return { ...keys, primaryKey: [...current, newPrimaryKey] };
}

/**
 * Last step of a rotation: keeps only the current (last) primary key. Values still encrypted
 * with an older key become unreadable, so call it only after every value was re-encrypted.
 */
export function withoutPreviousPrimaryKeys(keys: EncryptionKeys): EncryptionKeys {
  const current = typeof keys.primaryKey === 'string' ? keys.primaryKey : keys.primaryKey.at(-1);
  if (current === undefined) {
    throw new RangeError('no primary key');
  }
  return { ...keys, primaryKey: current };
}

type KeyFileContents = {
  primary_key: string | string[];
  deterministic_key: string;
  key_derivation_salt: string;
};

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/**
 * Reads a key file: JSON `{ "primary_key": "…" | ["…", …], "deterministic_key": "…",
 * "key_derivation_salt": "…" }` (the names of Rails' credentials). A list of primary keys is kept
 * as a list (last one encrypts).
 *
 * @throws the file system error (e.g. `ENOENT`) when the file cannot be read.
 * @throws Error when the file is not JSON.
 * @throws EncryptionKeyError naming every key that is missing or empty in the file.
 */
export async function readKeyFile(file: string): Promise<EncryptionKeys> {
  const text = await readFile(file, 'utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`encryption key file ${file} is not valid JSON`, { cause: error });
  }
  const record: Record<string, unknown> =
    typeof data === 'object' && data !== null && !Array.isArray(data)
      ? (data as Record<string, unknown>)
      : {};
  const primary = record.primary_key;
  const isPrimaryValid =
    isNonEmptyString(primary) ||
    (Array.isArray(primary) && primary.length > 0 && primary.every(isNonEmptyString));
  const missing: EncryptionKeyName[] = [];
  if (!isPrimaryValid) {
    missing.push(ENCRYPTION_KEY_NAMES.primaryKey);
  }
  if (!isNonEmptyString(record.deterministic_key)) {
    missing.push(ENCRYPTION_KEY_NAMES.deterministicKey);
  }
  if (!isNonEmptyString(record.key_derivation_salt)) {
    missing.push(ENCRYPTION_KEY_NAMES.keyDerivationSalt);
  }
  const [first, ...rest] = missing;
  if (first !== undefined) {
    throw new EncryptionKeyError(
      [first, ...rest],
      `encryption key file ${file} lacks ${missing.join(', ')} ` +
        '(expected JSON with "primary_key", "deterministic_key" and "key_derivation_salt")',
    );
  }
  return {
    primaryKey: Array.isArray(primary) ? (primary as string[]) : (primary as string),
    deterministicKey: record.deterministic_key as string,
    keyDerivationSalt: record.key_derivation_salt as string,
  };
}

/** Options of {@link writeKeyFile}. */
export type WriteKeyFileOptions = {
  /**
   * Fail with an `EEXIST` error instead of replacing an existing file. Two processes generating
   * keys at the same first start then agree on one file instead of each keeping its own keys.
   */
  exclusive?: boolean;
};

/**
 * Writes a key file readable only by its owner (mode 0600), creating missing parent directories
 * (mode 0700). The write is atomic (temporary file, fsync, then rename, or link when
 * `exclusive`), so a crash never leaves a half-written key file. By default an existing file is
 * replaced.
 *
 * @throws an `EEXIST` file system error when `exclusive` and the file exists.
 */
export async function writeKeyFile(
  file: string,
  keys: EncryptionKeys,
  options: WriteKeyFileOptions = {},
): Promise<void> {
  const contents: KeyFileContents = {
    primary_key: typeof keys.primaryKey === 'string' ? keys.primaryKey : [...keys.primaryKey],
    deterministic_key: keys.deterministicKey,
    key_derivation_salt: keys.keyDerivationSalt,
  };
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.${randomAlphanumeric(8)}.tmp`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(`${JSON.stringify(contents, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(temporary, 0o600);
    if (options.exclusive === true) {
      // link() refuses to replace an existing name, unlike rename().
      await link(temporary, file);
    } else {
      await rename(temporary, file);
    }
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

/** Input of {@link resolveEncryptionKeys}; an empty string counts as not set. */
export type ResolveEncryptionKeysInput = {
  /** Value of `ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY`. */
  primaryKey?: string;
  /** Older primary keys still needed to decrypt, oldest first; added before the current one. */
  previousPrimaryKeys?: readonly string[];
  /** Value of `ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY`. */
  deterministicKey?: string;
  /** Value of `ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT`. */
  keyDerivationSalt?: string;
  /** Key file used when none of the three values is set (read, or written when generating). */
  keyFile?: string;
  /** Generate keys and write them to `keyFile` when neither values nor the file exist. */
  generateIfMissing?: boolean;
};

/** Result of {@link resolveEncryptionKeys}. */
export type ResolvedEncryptionKeys = {
  keys: EncryptionKeys;
  /**
   * Where the keys came from. `'generated'` means new keys were just written to `keyFile`: the
   * caller must tell the operator, loudly, to back that file up (losing it loses every secret).
   */
  source: 'env' | 'file' | 'generated';
  /** The key file read or written; null when the keys came from the values. */
  keyFile: string | null;
  /** Non-fatal findings for the log (loose key-file permissions, stray whitespace, …). */
  warnings: string[];
};

function isSet(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

function withPreviousKeys(
  primaryKey: string | readonly string[],
  previous: readonly string[] | undefined,
): string | readonly string[] {
  const current = typeof primaryKey === 'string' ? [primaryKey] : [...primaryKey];
  const older = (previous ?? []).filter((key) => key !== '' && !current.includes(key));
  const all = [...new Set([...older, ...current])];
  return all.length === 1 && all[0] !== undefined ? all[0] : all;
}

function checkKeys(keys: EncryptionKeys, warnings: string[]): void {
  const primaryKeys = typeof keys.primaryKey === 'string' ? [keys.primaryKey] : keys.primaryKey;
  const checks: Array<[EncryptionKeyName, string, number]> = [
    ...primaryKeys.map((key): [EncryptionKeyName, string, number] => [
      ENCRYPTION_KEY_NAMES.primaryKey,
      key,
      MIN_KEY_BYTES,
    ]),
    [ENCRYPTION_KEY_NAMES.deterministicKey, keys.deterministicKey, MIN_KEY_BYTES],
    [ENCRYPTION_KEY_NAMES.keyDerivationSalt, keys.keyDerivationSalt, MIN_SALT_BYTES],
  ];
  const tooShort: EncryptionKeyName[] = [];
  for (const [name, value, minimum] of checks) {
    if (Buffer.byteLength(value, 'utf8') < minimum && !tooShort.includes(name)) {
      tooShort.push(name);
    }
    if (value.trim() !== value) {
      warnings.push(
        `${name} has leading or trailing whitespace; it is used as is (part of the key)`,
      );
    }
  }
  const [first, ...rest] = tooShort;
  if (first !== undefined) {
    throw new EncryptionKeyError(
      [first, ...rest],
      `encryption key too short: ${tooShort.join(', ')} ` +
        `(keys need at least ${MIN_KEY_BYTES} bytes, the salt ${MIN_SALT_BYTES}; ` +
        'generate them like bin/rails db:encryption:init does)',
    );
  }
}

async function fileMode(file: string): Promise<number | null> {
  try {
    return (await stat(file)).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return null;
    }
    throw error;
  }
}

/**
 * Decides which encryption keys to use, in this order:
 * 1. all three values set → those (`source: 'env'`);
 * 2. some but not all set → error naming each missing variable (a partial set is always a
 *    mistake, never silently completed from a file);
 * 3. none set and `keyFile` exists → the file (`'file'`);
 * 4. none set, no file, `generateIfMissing` → new keys written to `keyFile` (`'generated'`);
 * 5. otherwise → error naming the three variables.
 *
 * `previousPrimaryKeys` are placed before the current primary key in every case. Keys shorter
 * than {@link MIN_KEY_BYTES} bytes and a salt shorter than {@link MIN_SALT_BYTES} are rejected.
 * Never reads `process.env`: the caller passes the values.
 *
 * @throws EncryptionKeyError naming the missing or too-short key(s).
 * @throws Error for an unreadable or invalid key file, or `generateIfMissing` without `keyFile`.
 */
export async function resolveEncryptionKeys(
  input: ResolveEncryptionKeysInput,
): Promise<ResolvedEncryptionKeys> {
  const warnings: string[] = [];
  const values: Array<[EncryptionKeyName, string | undefined]> = [
    [ENCRYPTION_KEY_NAMES.primaryKey, input.primaryKey],
    [ENCRYPTION_KEY_NAMES.deterministicKey, input.deterministicKey],
    [ENCRYPTION_KEY_NAMES.keyDerivationSalt, input.keyDerivationSalt],
  ];
  const missing = values.filter(([, value]) => !isSet(value)).map(([name]) => name);

  if (missing.length === 0) {
    const keys: EncryptionKeys = {
      primaryKey: withPreviousKeys(input.primaryKey as string, input.previousPrimaryKeys),
      deterministicKey: input.deterministicKey as string,
      keyDerivationSalt: input.keyDerivationSalt as string,
    };
    checkKeys(keys, warnings);
    if (input.keyFile !== undefined && (await fileMode(input.keyFile)) !== null) {
      warnings.push(
        `encryption keys come from the environment; the key file ${input.keyFile} is ignored`,
      );
    }
    return { keys, source: 'env', keyFile: null, warnings };
  }

  const [firstMissing, ...otherMissing] = missing;
  if (firstMissing !== undefined && missing.length < values.length) {
    throw new EncryptionKeyError(
      [firstMissing, ...otherMissing],
      `incomplete encryption keys: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} ` +
        'not set. Set all three keys, or none to use the key file.',
    );
  }

  const notConfigured = (detail: string) =>
    new EncryptionKeyError(
      [
        ENCRYPTION_KEY_NAMES.primaryKey,
        ENCRYPTION_KEY_NAMES.deterministicKey,
        ENCRYPTION_KEY_NAMES.keyDerivationSalt,
      ],
      `encryption keys are not configured: set ${ENCRYPTION_KEY_NAMES.primaryKey}, ` +
        `${ENCRYPTION_KEY_NAMES.deterministicKey} and ${ENCRYPTION_KEY_NAMES.keyDerivationSalt}, ${detail}`,
    );

  if (input.keyFile === undefined) {
    if (input.generateIfMissing === true) {
      throw new Error('generateIfMissing needs keyFile: generated keys must be saved somewhere');
    }
    throw notConfigured('or configure a key file');
  }

  const mode = await fileMode(input.keyFile);
  if (mode !== null) {
    const fromFile = await readKeyFile(input.keyFile);
    const keys: EncryptionKeys = {
      ...fromFile,
      primaryKey: withPreviousKeys(fromFile.primaryKey, input.previousPrimaryKeys),
    };
    checkKeys(keys, warnings);
    if ((mode & 0o077) !== 0) {
      warnings.push(
        `encryption key file ${input.keyFile} is accessible to other users ` +
          `(mode ${(mode & 0o777).toString(8)}); run chmod 600 on it`,
      );
    }
    return { keys, source: 'file', keyFile: input.keyFile, warnings };
  }

  if (input.generateIfMissing !== true) {
    throw notConfigured(`or provide the key file ${input.keyFile} (not found)`);
  }
  const generated = generateEncryptionKeys();
  try {
    await writeKeyFile(input.keyFile, generated, { exclusive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw error;
    }
    // Another process generated the keys first: use its file.
    return resolveEncryptionKeys({ ...input, generateIfMissing: false });
  }
  const keys: EncryptionKeys = {
    ...generated,
    primaryKey: withPreviousKeys(generated.primaryKey, input.previousPrimaryKeys),
  };
  return { keys, source: 'generated', keyFile: input.keyFile, warnings };
}
