import type { Encryptor, HashDigest } from './encryptor.js';
import { ENCRYPTION_KEY_NAMES, EncryptionKeyError, MalformedMessageError } from './errors.js';

const KEY_CHECK_KIND = 'commander-key-check';
const KEY_CHECK_TEXT = 'Commander encryption key check';

/** Result of {@link verifyKeyCheck}. */
export type KeyCheckResult = {
  /**
   * The check was written with the current primary key and digest. After a rotation, write a new
   * check with {@link createKeyCheck} once every value is re-encrypted.
   */
  isCurrent: boolean;
  /**
   * Digest of the keys the check was written with. When it differs from the configured
   * `hashDigest`, values still decrypt (SHA-1 fallback) but deterministic lookups of old values
   * will not match: configure the digest the data was written with.
   */
  hashDigest: HashDigest;
};

/**
 * Creates a key check value: a random-mode message (primary key) whose plaintext holds a
 * deterministic message (deterministic key). Store it next to the encrypted data (e.g. in a
 * settings row) and verify it at start-up and after a restore, so wrong keys are reported once,
 * by name, instead of as failures on each secret.
 */
export function createKeyCheck(encryptor: Encryptor): string {
  const inner = encryptor.encrypt(KEY_CHECK_TEXT, { deterministic: true });
  return encryptor.encrypt(JSON.stringify({ kind: KEY_CHECK_KIND, v: 1, deterministic: inner }));
}

/**
 * Verifies that the configured keys can read a value made by {@link createKeyCheck}.
 *
 * @throws EncryptionKeyError naming `ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY` (or the salt) when the
 *   primary keys cannot read it, `ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY` when only the
 *   deterministic key is wrong.
 * @throws MalformedMessageError when the value is not a key check.
 */
export function verifyKeyCheck(encryptor: Encryptor, keyCheck: string): KeyCheckResult {
  let outer: ReturnType<Encryptor['decryptWithInfo']>;
  try {
    outer = encryptor.decryptWithInfo(keyCheck, { deterministic: false });
  } catch (error) {
    if (error instanceof EncryptionKeyError) {
      throw new EncryptionKeyError(
        [ENCRYPTION_KEY_NAMES.primaryKey, ENCRYPTION_KEY_NAMES.keyDerivationSalt],
        `wrong encryption keys: the stored data was encrypted with a different ` +
          `${ENCRYPTION_KEY_NAMES.primaryKey} (or ${ENCRYPTION_KEY_NAMES.keyDerivationSalt}) ` +
          'than the one configured. Check the key.',
        { cause: error },
      );
    }
    throw error;
  }
  let payload: unknown;
  try {
    payload = JSON.parse(outer.plaintext);
  } catch {
    payload = null;
  }
  const record = typeof payload === 'object' && payload !== null ? payload : {};
  if (
    !('kind' in record) ||
    record.kind !== KEY_CHECK_KIND ||
    !('deterministic' in record) ||
    typeof record.deterministic !== 'string'
  ) {
    throw new MalformedMessageError('the value is not an encryption key check');
  }
  let inner: ReturnType<Encryptor['decryptWithInfo']>;
  try {
    inner = encryptor.decryptWithInfo(record.deterministic, { deterministic: true });
  } catch (error) {
    if (error instanceof EncryptionKeyError) {
      throw new EncryptionKeyError(
        [ENCRYPTION_KEY_NAMES.deterministicKey],
        `wrong encryption keys: the stored data was encrypted with a different ` +
          `${ENCRYPTION_KEY_NAMES.deterministicKey} than the one configured. Check the key.`,
        { cause: error },
      );
    }
    throw error;
  }
  if (inner.plaintext !== KEY_CHECK_TEXT) {
    throw new MalformedMessageError('the value is not an encryption key check');
  }
  return {
    isCurrent: outer.info.isCurrent && inner.info.isCurrent,
    hashDigest: inner.info.hashDigest,
  };
}
