import { describe, expect, it } from 'vitest';

import { hashPassword, passwordNeedsRehash, verifyPassword } from './passwords.js';

describe('passwords', () => {
  it('hashes with argon2id m=19456 t=2 p=1 and a random salt', async () => {
    const first = await hashPassword('correct horse battery staple');
    expect(first).toMatch(
      /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
    );
    expect(await hashPassword('correct horse battery staple')).not.toBe(first);
    expect(passwordNeedsRehash(first)).toBe(false);
  });

  it('verifies the right password only', async () => {
    const stored = await hashPassword('pässwörd ✓');
    expect(await verifyPassword(stored, 'pässwörd ✓')).toBe(true);
    expect(await verifyPassword(stored, 'passwörd ✓')).toBe(false);
    expect(await verifyPassword(stored, '')).toBe(false);
  });

  it('rejects empty passwords when hashing', async () => {
    await expect(hashPassword('')).rejects.toThrow(RangeError);
  });

  it('treats an invalid stored hash as an error, not as a wrong password', async () => {
    await expect(verifyPassword('not a hash', 'x')).rejects.toThrow(/not a valid argon2/);
    expect(passwordNeedsRehash('not a hash')).toBe(true);
  });

  it('verifies hashes made by the argon2 reference implementation', async () => {
    // `echo -n "correct horse" | argon2 commandersalt123 -id -t 2 -k 19456 -p 1 -e` (Debian argon2).
    const reference =
      '$argon2id$v=19$m=19456,t=2,p=1$Y29tbWFuZGVyc2FsdDEyMw$p0TxvwnPOMvjEV1dVW1M1x9XmS+MuFt7Z5N5mkS5Bns';
    expect(await verifyPassword(reference, 'correct horse')).toBe(true);
    expect(await verifyPassword(reference, 'correct horse!')).toBe(false);
    expect(passwordNeedsRehash(reference)).toBe(false);
  });

  it('verifies hashes made with other parameters and flags them for rehash', async () => {
    // `echo -n "password" | argon2 somesaltsomesalt -id -t 3 -m 12 -p 1 -e`.
    const older =
      '$argon2id$v=19$m=4096,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$BvuA7SfebsIC3f4gSy7/Ei1s6+hsEfaOuCZMbl/y/Sg';
    expect(await verifyPassword(older, 'password')).toBe(true);
    expect(passwordNeedsRehash(older)).toBe(true);
  });
});
