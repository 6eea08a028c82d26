/**
 * The names under which operators set the three Active Record encryption keys. Error messages use
 * these names so that an operator knows which variable (or key-file entry) to check.
 */
export const ENCRYPTION_KEY_NAMES = {
  primaryKey: 'ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY',
  deterministicKey: 'ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY',
  keyDerivationSalt: 'ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT',
} as const;

/** One of the values of {@link ENCRYPTION_KEY_NAMES}. */
export type EncryptionKeyName = (typeof ENCRYPTION_KEY_NAMES)[keyof typeof ENCRYPTION_KEY_NAMES];

/**
 * A key is missing, malformed, or is not the key a value was encrypted with.
 *
 * Thrown by decryption when no configured key authenticates a value (AES-GCM cannot tell a wrong
 * key from an altered value, so a tampered ciphertext or tag also lands here), by the key check
 * and by key resolution. Never accompanied by partial plaintext.
 */
export class EncryptionKeyError extends Error {
  /** The key the operator should check first, e.g. `ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY`. */
  readonly keyName: EncryptionKeyName;
  /** Every key involved, `keyName` first (for example all missing variables of a partial set). */
  readonly keyNames: readonly EncryptionKeyName[];

  /**
   * @param keyNames - The keys involved, most relevant first; at least one.
   * @param message - A sentence naming the key(s) and what to do.
   */
  constructor(
    keyNames: readonly [EncryptionKeyName, ...EncryptionKeyName[]],
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'EncryptionKeyError';
    this.keyName = keyNames[0];
    this.keyNames = keyNames;
  }
}

/**
 * A value is not a well-formed encrypted message: not JSON, no payload, bad Base64, an IV that is
 * not 12 bytes, an auth tag that is not 16 bytes, an unsupported header (`k`, envelope
 * encryption) or encoding. Distinct from {@link EncryptionKeyError}: the keys may be fine, the
 * stored value is not.
 */
export class MalformedMessageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MalformedMessageError';
  }
}
