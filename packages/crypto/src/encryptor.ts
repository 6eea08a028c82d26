import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  pbkdf2Sync,
  randomBytes,
} from 'node:crypto';

import { compress, compressFast, uncompress } from './compression.js';
import { ENCRYPTION_KEY_NAMES, EncryptionKeyError, MalformedMessageError } from './errors.js';
import {
  AUTH_TAG_LENGTH,
  decodeText,
  IV_LENGTH,
  parseMessage,
  serializeMessage,
} from './message.js';

/**
 * The three Active Record encryption secrets, as raw strings (never hex-decoded: Rails feeds the
 * strings themselves to PBKDF2).
 */
export type EncryptionKeys = {
  /**
   * `ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY`. A list for rotation: the **last** key encrypts,
   * every key decrypts.
   */
  primaryKey: string | readonly string[];
  /** `ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY`. Cannot be rotated (as in Rails). */
  deterministicKey: string;
  /** `ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT`. */
  keyDerivationSalt: string;
};

/** The PBKDF2 digest (Rails `hash_digest_class`). */
export type HashDigest = 'sha256' | 'sha1';

/** Options of {@link createEncryptor}; the defaults match a Rails 7.1+ application. */
export type EncryptorOptions = {
  /**
   * PBKDF2 digest used to derive the keys that encrypt. Default `'sha256'` (Rails
   * `load_defaults 7.1`+). Use `'sha1'` for data written by an app on older defaults when
   * deterministic lookups must match its ciphertexts.
   */
  hashDigest?: HashDigest;
  /**
   * When `hashDigest` is `'sha256'`, also try SHA-1-derived keys on read (Rails
   * `support_sha1_for_non_deterministic_encryption`; here applied to deterministic values too,
   * which only ever widens what can be read). Default `true`.
   */
  supportSha1?: boolean;
  /**
   * Write the `i` header (key reference: the first 4 hex digits of SHA-1 of the derived key) so
   * that decryption tries only the matching key. Default `false`, as in Rails. Messages that carry
   * `i` are always decrypted with the matching key only, whatever this option says.
   */
  storeKeyReferences?: boolean;
};

/** Options of {@link Encryptor.encrypt}. */
export type EncryptOptions = {
  /**
   * Deterministic mode: the same plaintext always gives the same message (IV = HMAC-SHA256 of the
   * payload under the deterministic key), so equality lookups work. Default `false` (random IV).
   */
  deterministic?: boolean;
};

/** Options of {@link Encryptor.decrypt}. */
export type DecryptOptions = {
  /**
   * What the caller knows about the value: `true` tries only the deterministic key, `false` only
   * the primary keys, and the error then names that key. Default (`undefined`): try the primary
   * keys, then the deterministic key; a failure names the primary key.
   */
  deterministic?: boolean;
};

/** How a message was decrypted (see {@link Encryptor.decryptWithInfo}). */
export type DecryptionInfo = {
  /** Decrypted with the deterministic key. */
  deterministic: boolean;
  /** Digest of the key that worked. */
  hashDigest: HashDigest;
  /** Index in the primary key list of the key that worked, null for deterministic values. */
  primaryKeyIndex: number | null;
  /**
   * Already written as {@link Encryptor.encrypt} would write it now: current primary key (or the
   * deterministic key), configured digest, key reference present exactly when configured. A key
   * rotation can skip values where this is true.
   */
  isCurrent: boolean;
};

/** Encrypts and decrypts strings in the Rails Active Record encryption format. */
export type Encryptor = {
  /**
   * Encrypts a string (as UTF-8; lone surrogates become U+FFFD) and returns the stored form,
   * `{"p":…,"h":{"iv":…,"at":…}}`. Plaintexts over 140 bytes are zlib-compressed first (`c`).
   * The empty string is encrypted too, as Rails does (payload `""`, IV and tag still present).
   */
  encrypt(plaintext: string, options?: EncryptOptions): string;
  /**
   * Decrypts a stored value with any configured key (SHA-256- then SHA-1-derived when allowed).
   *
   * @throws EncryptionKeyError when no key authenticates the value (wrong key, or an altered
   *   value), naming `ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY`, or
   *   `ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY` when called with `{ deterministic: true }`.
   * @throws MalformedMessageError when the value is not a well-formed message.
   */
  decrypt(message: string, options?: DecryptOptions): string;
  /** {@link Encryptor.decrypt}, also telling which key worked. Same errors. */
  decryptWithInfo(
    message: string,
    options?: DecryptOptions,
  ): { plaintext: string; info: DecryptionInfo };
  /**
   * Whether a value has the shape of an encrypted message (JSON with a strict-Base64 payload, a
   * 12-byte IV and a 16-byte tag). Checks no key: use it to tell stored plaintext from ciphertext.
   */
  isEncrypted(value: string): boolean;
};

type KeyRole = 'primary' | 'deterministic';

type DerivedKey = {
  secret: Buffer;
  /** Rails `Key#id`: SHA-1 hex of the derived secret, first 4 characters. */
  id: string;
  role: KeyRole;
  primaryKeyIndex: number | null;
  digest: HashDigest;
};

type RawDecryption = { bytes: Buffer; encoding: string | null; info: DecryptionInfo };

type EncryptorCore = {
  encryptBytes(bytes: Buffer, deterministic: boolean, encoding: string | null): string;
  decryptRaw(message: string, options: DecryptOptions): RawDecryption;
};

/** Rails `Encryptor::THRESHOLD_TO_JUSTIFY_COMPRESSION`; fixed, or deterministic lookups break. */
export const COMPRESSION_THRESHOLD_BYTES = 140;
/** ActiveSupport::KeyGenerator's iteration count (2**16). */
export const PBKDF2_ITERATIONS = 65_536;
const KEY_LENGTH = 32;

// Internals reachable by this package's helpers (reencrypt) but not part of the public object.
const cores = new WeakMap<Encryptor, EncryptorCore>();

function deriveKey(
  password: string,
  salt: string,
  digest: HashDigest,
  role: KeyRole,
  primaryKeyIndex: number | null,
): DerivedKey {
  const secret = pbkdf2Sync(password, salt, PBKDF2_ITERATIONS, KEY_LENGTH, digest);
  const id = createHash('sha1').update(secret).digest('hex').slice(0, 4);
  return { secret, id, role, primaryKeyIndex, digest };
}

function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

function validateKeys(keys: EncryptionKeys): string[] {
  const primaryKeys: readonly string[] =
    typeof keys.primaryKey === 'string' ? [keys.primaryKey] : keys.primaryKey;
  // Callers in plain JS (or with `as`) can pass anything: check what TypeScript promises.
  const isList: boolean = Array.isArray(primaryKeys);
  if (
    !isList ||
    primaryKeys.length === 0 ||
    primaryKeys.some((key) => typeof key !== 'string' || key === '')
  ) {
    throw new EncryptionKeyError(
      [ENCRYPTION_KEY_NAMES.primaryKey],
      `${ENCRYPTION_KEY_NAMES.primaryKey} is missing or empty`,
    );
  }
  if (Array.isArray(keys.deterministicKey)) {
    throw new EncryptionKeyError(
      [ENCRYPTION_KEY_NAMES.deterministicKey],
      `${ENCRYPTION_KEY_NAMES.deterministicKey} must be a single key: deterministic keys cannot be rotated`,
    );
  }
  if (typeof keys.deterministicKey !== 'string' || keys.deterministicKey === '') {
    throw new EncryptionKeyError(
      [ENCRYPTION_KEY_NAMES.deterministicKey],
      `${ENCRYPTION_KEY_NAMES.deterministicKey} is missing or empty`,
    );
  }
  if (typeof keys.keyDerivationSalt !== 'string' || keys.keyDerivationSalt === '') {
    throw new EncryptionKeyError(
      [ENCRYPTION_KEY_NAMES.keyDerivationSalt],
      `${ENCRYPTION_KEY_NAMES.keyDerivationSalt} is missing or empty`,
    );
  }
  return [...primaryKeys];
}

function wrongKeyError(role: KeyRole, unknownReference: string | null): EncryptionKeyError {
  const reference =
    unknownReference === null
      ? ''
      : `: it references key "${unknownReference}", which no configured key matches`;
  if (role === 'deterministic') {
    return new EncryptionKeyError(
      [ENCRYPTION_KEY_NAMES.deterministicKey, ENCRYPTION_KEY_NAMES.keyDerivationSalt],
      `cannot decrypt: the value was not encrypted with ${ENCRYPTION_KEY_NAMES.deterministicKey}${reference}. Check the key.`,
    );
  }
  return new EncryptionKeyError(
    [ENCRYPTION_KEY_NAMES.primaryKey, ENCRYPTION_KEY_NAMES.keyDerivationSalt],
    `cannot decrypt: the value was not encrypted with ${ENCRYPTION_KEY_NAMES.primaryKey} (or any previous primary key)${reference}. Check the key.`,
  );
}

function tryDecrypt(key: DerivedKey, payload: Buffer, iv: Buffer, tag: Buffer): Buffer | null {
  const decipher = createDecipheriv('aes-256-gcm', key.secret, iv, {
    authTagLength: AUTH_TAG_LENGTH,
  });
  decipher.setAuthTag(tag);
  try {
    // Nothing from update() is used unless final() authenticates the whole payload, so a wrong
    // key or an altered value never yields partial plaintext.
    return Buffer.concat([decipher.update(payload), decipher.final()]);
  } catch {
    return null;
  }
}

/**
 * Creates an encryptor for the Rails Active Record encryption format (AES-256-GCM, keys derived
 * with PBKDF2-HMAC, 65,536 iterations, 32 bytes, from the raw key strings and salt).
 *
 * Keys for the configured digest are derived here, once (≈14 ms each); SHA-1 fallback keys are
 * derived on first need and kept. Create one encryptor per process and reuse it.
 *
 * @param keys - The secrets; see {@link EncryptionKeys}.
 * @param options - See {@link EncryptorOptions}: `hashDigest` (default `'sha256'`),
 *   `supportSha1` (default `true`), `storeKeyReferences` (default `false`).
 * @throws EncryptionKeyError naming the key when a key is missing or empty, or when
 *   `deterministicKey` is a list.
 */
export function createEncryptor(keys: EncryptionKeys, options: EncryptorOptions = {}): Encryptor {
  const primaryPasswords = validateKeys(keys);
  const hashDigest = options.hashDigest ?? 'sha256';
  if (hashDigest !== 'sha256' && hashDigest !== 'sha1') {
    throw new TypeError(`hashDigest must be 'sha256' or 'sha1', got ${String(hashDigest)}`);
  }
  const supportSha1 = options.supportSha1 ?? true;
  const storeKeyReferences = options.storeKeyReferences ?? false;
  const salt = keys.keyDerivationSalt;
  const digests: HashDigest[] =
    hashDigest === 'sha256' && supportSha1 ? ['sha256', 'sha1'] : [hashDigest];

  const primaryKeys = digests.map((digest) =>
    primaryPasswords.map((password, index) =>
      lazy(() => deriveKey(password, salt, digest, 'primary', index)),
    ),
  );
  const deterministicKeys = digests.map((digest) =>
    lazy(() => deriveKey(keys.deterministicKey, salt, digest, 'deterministic', null)),
  );
  const currentPrimaryIndex = primaryPasswords.length - 1;
  // Fail fast and keep the cost at start-up: derive the keys of the configured digest now.
  const configuredPrimaryKeys = primaryKeys[0] ?? [];
  const encryptionKey = configuredPrimaryKeys[currentPrimaryIndex];
  const deterministicKey = deterministicKeys[0];
  if (encryptionKey === undefined || deterministicKey === undefined) {
    throw new Error('unreachable: no keys derived');
  }
  for (const key of configuredPrimaryKeys) {
    key();
  }
  deterministicKey();

  function candidates(options: DecryptOptions): Array<() => DerivedKey> {
    // Configured digest before the SHA-1 fallback, so current data never pays for deriving the
    // fallback keys; newest primary key first, since after a rotation most values use it.
    return digests.flatMap((_, digestIndex) => {
      const primary = [...(primaryKeys[digestIndex] ?? [])].reverse();
      const deterministic = deterministicKeys[digestIndex];
      if (options.deterministic === false || deterministic === undefined) {
        return primary;
      }
      return options.deterministic === true ? [deterministic] : [...primary, deterministic];
    });
  }

  const core: EncryptorCore = {
    encryptBytes(bytes, deterministic, encoding) {
      const key = deterministic ? deterministicKey() : encryptionKey();
      const isCompressed = bytes.length > COMPRESSION_THRESHOLD_BYTES;
      // Only a deterministic value's bytes must be Rails' own (equal plaintexts, equal
      // ciphertexts, for lookups); a random-IV value's compressed bytes may be any valid stream.
      const data = isCompressed ? (deterministic ? compress(bytes) : compressFast(bytes)) : bytes;
      // Rails hashes what it encrypts, i.e. the compressed bytes when compressed.
      const iv = deterministic
        ? createHmac('sha256', key.secret).update(data).digest().subarray(0, IV_LENGTH)
        : randomBytes(IV_LENGTH);
      const cipher = createCipheriv('aes-256-gcm', key.secret, iv, {
        authTagLength: AUTH_TAG_LENGTH,
      });
      const payload = Buffer.concat([cipher.update(data), cipher.final()]);
      return serializeMessage({
        payload,
        headers: {
          iv,
          at: cipher.getAuthTag(),
          e: encoding,
          i: storeKeyReferences ? key.id : null,
          c: isCompressed,
        },
      });
    },

    decryptRaw(text, options) {
      if (typeof text !== 'string') {
        throw new MalformedMessageError('malformed encrypted value: not a string');
      }
      const message = parseMessage(text);
      const reference = message.headers.i;
      let hasReferencedKey = false;
      for (const getKey of candidates(options)) {
        const key = getKey();
        if (reference !== null && key.id !== reference) {
          continue;
        }
        hasReferencedKey = true;
        const data = tryDecrypt(key, message.payload, message.headers.iv, message.headers.at);
        if (data === null) {
          continue;
        }
        const bytes = message.headers.c ? uncompress(data) : data;
        const isDeterministic = key.role === 'deterministic';
        return {
          bytes,
          encoding: message.headers.e,
          info: {
            deterministic: isDeterministic,
            hashDigest: key.digest,
            primaryKeyIndex: key.primaryKeyIndex,
            isCurrent:
              key.digest === hashDigest &&
              (isDeterministic || key.primaryKeyIndex === currentPrimaryIndex) &&
              (reference !== null) === storeKeyReferences,
          },
        };
      }
      throw wrongKeyError(
        options.deterministic === true ? 'deterministic' : 'primary',
        reference !== null && !hasReferencedKey ? reference : null,
      );
    },
  };

  const encryptor: Encryptor = {
    encrypt(plaintext, encryptOptions = {}) {
      if (typeof plaintext !== 'string') {
        throw new TypeError('encrypt() takes a string; use encryptJson() for other values');
      }
      return core.encryptBytes(
        Buffer.from(plaintext, 'utf8'),
        encryptOptions.deterministic === true,
        null,
      );
    },
    decrypt(message, decryptOptions = {}) {
      return encryptor.decryptWithInfo(message, decryptOptions).plaintext;
    },
    decryptWithInfo(message, decryptOptions = {}) {
      const { bytes, encoding, info } = core.decryptRaw(message, decryptOptions);
      return { plaintext: decodeText(bytes, encoding), info };
    },
    isEncrypted(value) {
      if (typeof value !== 'string') {
        return false;
      }
      try {
        parseMessage(value);
        return true;
      } catch {
        return false;
      }
    },
  };
  cores.set(encryptor, core);
  return Object.freeze(encryptor);
}

/**
 * Re-encrypts a stored value for a key rotation: decrypts it with any key `from` knows and
 * encrypts it again with `to`'s current primary key. A deterministic value stays deterministic
 * (re-encrypted with `to`'s deterministic key). The plaintext bytes and the `e` header are carried
 * over unchanged, so even a non-UTF-8 value written by Rails survives byte for byte.
 *
 * Pass the same encryptor twice when its primary key list already ends with the new key.
 *
 * @throws EncryptionKeyError / MalformedMessageError as {@link Encryptor.decrypt}.
 * @throws TypeError when an encryptor was not made by {@link createEncryptor}.
 */
export function reencrypt(from: Encryptor, to: Encryptor, message: string): string {
  const source = cores.get(from);
  const target = cores.get(to);
  if (source === undefined || target === undefined) {
    throw new TypeError('reencrypt() needs encryptors made by createEncryptor()');
  }
  const { bytes, encoding, info } = source.decryptRaw(message, {});
  return target.encryptBytes(bytes, info.deterministic, encoding);
}

/**
 * Encrypts any JSON-serializable value (`JSON.stringify`, then {@link Encryptor.encrypt}).
 *
 * @throws TypeError when the value has no JSON form (`undefined`, a function).
 */
export function encryptJson(
  encryptor: Encryptor,
  value: unknown,
  options?: EncryptOptions,
): string {
  const json: unknown = JSON.stringify(value);
  if (typeof json !== 'string') {
    throw new TypeError('encryptJson(): the value has no JSON representation');
  }
  return encryptor.encrypt(json, options);
}

/**
 * Decrypts a value written by {@link encryptJson} and parses it. Returns `unknown`: validate it
 * (for example with zod) before use.
 *
 * @throws EncryptionKeyError / MalformedMessageError as {@link Encryptor.decrypt}, and
 *   MalformedMessageError when the plaintext is not JSON.
 */
export function decryptJson(
  encryptor: Encryptor,
  message: string,
  options?: DecryptOptions,
): unknown {
  const text = encryptor.decrypt(message, options);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new MalformedMessageError('malformed encrypted value: the plaintext is not JSON', {
      cause: error,
    });
  }
}
