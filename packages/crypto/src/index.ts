/**
 * `@commander/crypto`: server-only cryptography for Commander.
 *
 * - Encryption at rest in the Rails Active Record encryption format, byte-compatible with Rails
 *   (`createEncryptor`, `reencrypt`, `encryptJson`, key resolution and key checks).
 * - Tokens (`generateToken`, `hashToken`), passwords (argon2id), SSH key pairs (ed25519).
 *
 * Never reads `process.env`: callers pass key material in. See README.md for the format.
 */
export {
  COMPRESSION_THRESHOLD_BYTES,
  createEncryptor,
  type DecryptionInfo,
  decryptJson,
  type DecryptOptions,
  type EncryptionKeys,
  encryptJson,
  type EncryptOptions,
  type Encryptor,
  type EncryptorOptions,
  type HashDigest,
  PBKDF2_ITERATIONS,
  reencrypt,
} from './encryptor.js';
export {
  ENCRYPTION_KEY_NAMES,
  EncryptionKeyError,
  type EncryptionKeyName,
  MalformedMessageError,
} from './errors.js';
export { createKeyCheck, type KeyCheckResult, verifyKeyCheck } from './key-check.js';
export {
  generateEncryptionKeys,
  MIN_KEY_BYTES,
  MIN_SALT_BYTES,
  readKeyFile,
  type ResolvedEncryptionKeys,
  resolveEncryptionKeys,
  type ResolveEncryptionKeysInput,
  withNewPrimaryKey,
  withoutPreviousPrimaryKeys,
  writeKeyFile,
  type WriteKeyFileOptions,
} from './keys.js';
export {
  hashPassword,
  PASSWORD_HASH_PARAMETERS,
  passwordNeedsRehash,
  verifyPassword,
} from './passwords.js';
export { generateSshKeyPair, type SshKeyPair } from './ssh.js';
export {
  generateToken,
  hashToken,
  timingSafeEqualHex,
  TOKEN_PREFIXES,
  type TokenKind,
  tokenPrefix,
} from './tokens.js';
