import type { Encryptor } from '@commander/crypto';

/**
 * The stored form of a cluster's or record's password values: one encrypted JSON object, or
 * null when there are none.
 */
export function encryptSecretValues(
  encryptor: Encryptor,
  values: Record<string, unknown>,
): string | null {
  return Object.keys(values).length > 0 ? encryptor.encrypt(JSON.stringify(values)) : null;
}

/** The password values of {@link encryptSecretValues}' stored form (empty when null). */
export function decryptSecretValues(
  encryptor: Encryptor,
  message: string | null,
): Record<string, unknown> {
  return message === null || message === ''
    ? {}
    : (JSON.parse(encryptor.decrypt(message)) as Record<string, unknown>);
}
