import { createUser, type ServiceContext } from '@commander/core';
import * as crypto from '@commander/crypto';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { useTestApp } from './helpers.js';

// Count argon2 verifications (behaviour, not timing): every sign-in attempt spends exactly one.
vi.mock('@commander/crypto', async (importOriginal) => {
  const original = await importOriginal<typeof crypto>();
  return { ...original, verifyPassword: vi.fn(original.verifyPassword) };
});

describe('sign-in spends one argon2 verification whatever the account', () => {
  const t = useTestApp();
  const verify = vi.mocked(crypto.verifyPassword);
  let address = 0;

  beforeAll(async () => {
    const ctx: ServiceContext = {
      ...t.systemContext(),
      permissions: new Set(['users:write']),
    };
    const disabled = await createUser(ctx, {
      email: 'disabled@login.test',
      name: 'Disabled',
      password: 'disabled-password-1234',
    });
    await t.db.user.update({ where: { id: disabled.id }, data: { isDisabled: true } });
  });

  beforeEach(() => verify.mockClear());

  const login = (email: string, password: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
      remoteAddress: `10.55.0.${++address}`,
    });

  it('an unknown email', async () => {
    const res = await login('nobody@login.test', 'some password');
    expect(res.statusCode).toBe(401);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(verify.mock.calls[0]![0]).toMatch(/^\$argon2id\$/);
  });

  it('a disabled account, with its right password', async () => {
    const res = await login('disabled@login.test', 'disabled-password-1234');
    expect(res.statusCode).toBe(401);
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('a known email with a wrong password, and the right one', async () => {
    expect((await login(t.adminEmail, 'wrong password')).statusCode).toBe(401);
    expect(verify).toHaveBeenCalledTimes(1);
    expect((await login(t.adminEmail, t.adminPassword)).statusCode).toBe(200);
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('the same answer for an unknown email and a wrong password', async () => {
    const unknown = await login('nobody@login.test', 'x');
    const wrong = await login(t.adminEmail, 'x');
    expect(unknown.body).toBe(wrong.body);
  });
});
