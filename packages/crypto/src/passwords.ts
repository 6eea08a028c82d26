import { type Algorithm, hash, parseOptions, verify } from '@node-rs/argon2';

// `Algorithm` is a const enum in the binding's typings, which isolatedModules cannot inline.
const ARGON2ID = 2 as Algorithm;

/**
 * Argon2id parameters, OWASP Password Storage Cheat Sheet's first option: 19 MiB of memory,
 * 2 passes, 1 lane (about 20-40 ms per hash on one core).
 */
export const PASSWORD_HASH_PARAMETERS = {
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/**
 * Hashes a password with argon2id ({@link PASSWORD_HASH_PARAMETERS}, random 16-byte salt) into a
 * PHC string `$argon2id$v=19$m=19456,t=2,p=1$…`. Runs on libuv's thread pool.
 *
 * @throws RangeError for an empty password.
 */
export async function hashPassword(password: string): Promise<string> {
  if (typeof password !== 'string' || password === '') {
    throw new RangeError('password must be a non-empty string');
  }
  return hash(password, { ...PASSWORD_HASH_PARAMETERS, algorithm: ARGON2ID });
}

/**
 * Checks a password against a stored argon2 PHC hash (whatever its parameters). An empty password
 * never matches.
 *
 * @throws Error when the stored hash is not a valid argon2 PHC string (a data problem that must
 *   not pass for a wrong password).
 */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  if (typeof password !== 'string' || password === '') {
    return false;
  }
  try {
    parseOptions(storedHash);
  } catch (error) {
    throw new Error('stored password hash is not a valid argon2 PHC string', { cause: error });
  }
  return verify(storedHash, password);
}

/**
 * Whether a stored hash was made with other parameters than {@link PASSWORD_HASH_PARAMETERS}
 * (or another algorithm), so it should be replaced by {@link hashPassword} at the next successful
 * login. An unreadable hash also needs rehashing.
 */
export function passwordNeedsRehash(storedHash: string): boolean {
  try {
    const options = parseOptions(storedHash);
    return (
      options.algorithm !== ARGON2ID ||
      options.memoryCost !== PASSWORD_HASH_PARAMETERS.memoryCost ||
      options.timeCost !== PASSWORD_HASH_PARAMETERS.timeCost ||
      options.parallelism !== PASSWORD_HASH_PARAMETERS.parallelism
    );
  } catch {
    return true;
  }
}
