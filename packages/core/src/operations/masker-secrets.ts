import { createHash } from 'node:crypto';

import type { Encryptor } from '../context.js';

/**
 * The digest of the two render ciphertexts (desired, applied) a list of rendered secrets was
 * found in: the list stored with it applies while both columns still hold these exact
 * ciphertexts. Any write of either column (a new render, an install, a key rotation) changes
 * the digest, so a stale list is never used: the masker then parses the YAML again.
 */
export function renderedSecretsKey(
  desiredRenderedEncrypted: string | null,
  appliedRenderedEncrypted: string | null,
): string {
  const hash = createHash('sha256');
  for (const part of [desiredRenderedEncrypted, appliedRenderedEncrypted]) {
    // Length-prefixed, so no two different pairs hash the same text.
    hash.update(part === null ? '-1:' : `${part.length}:${part}`);
  }
  return hash.digest('base64');
}

type StoredMaskerSecrets = { v: 1; key: string; secrets: string[] };

/**
 * The `masker_secrets_encrypted` value: the secret strings found in the rendered configurations
 * whose ciphertexts digest to `key`, encrypted like every other secret (they are secrets).
 */
export function encryptMaskerSecrets(
  encryptor: Encryptor,
  key: string,
  secrets: readonly string[],
): string {
  const stored: StoredMaskerSecrets = { v: 1, key, secrets: [...new Set(secrets)] };
  return encryptor.encrypt(JSON.stringify(stored));
}

/**
 * The rendered secrets stored for the renders that digest to `key`; null when none are stored,
 * they were found in other renders (a newer render, an install since) or cannot be read: the
 * caller parses the rendered YAML instead.
 */
export function readMaskerSecrets(
  encryptor: Encryptor,
  stored: string | null,
  key: string,
): string[] | null {
  if (stored === null) {
    return null;
  }
  try {
    const value = JSON.parse(encryptor.decrypt(stored)) as Partial<StoredMaskerSecrets>;
    return value.v === 1 &&
      value.key === key &&
      Array.isArray(value.secrets) &&
      value.secrets.every((s) => typeof s === 'string')
      ? value.secrets
      : null;
  } catch {
    return null;
  }
}
