import { silentLogger } from '@commander/core';
import { describe, expect, it } from 'vitest';

import { isDatabaseUnavailable, whileDatabaseDown } from './db-retry.js';

describe('isDatabaseUnavailable', () => {
  it('recognises a restarting or unreachable PostgreSQL', () => {
    for (const error of [
      Object.assign(new Error('x'), { code: 'P1001' }),
      Object.assign(new Error('x'), { code: '57P01' }),
      Object.assign(new Error('x'), { code: '08006' }),
      new Error('Client has encountered a connection error and is not queryable'),
      new Error('Connection terminated unexpectedly'),
      new Error("Can't reach database server at 127.0.0.1:5432"),
      Object.assign(new Error('x'), {
        meta: { driverAdapterError: { cause: { originalCode: '57P03' } } },
      }),
    ]) {
      expect(isDatabaseUnavailable(error), error.message).toBe(true);
    }
  });

  it('not other errors', () => {
    expect(isDatabaseUnavailable(new Error('unique constraint'))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});

describe('whileDatabaseDown', () => {
  it('runs the step again until the database is back', async () => {
    let calls = 0;
    const value = await whileDatabaseDown(
      async () => {
        calls++;
        if (calls < 3) throw new Error('Connection terminated unexpectedly');
        return 'stored';
      },
      silentLogger,
      'test',
    );
    expect([value, calls]).toEqual(['stored', 3]);
  });

  it('throws other errors at once', async () => {
    let calls = 0;
    await expect(
      whileDatabaseDown(
        async () => {
          calls++;
          throw new Error('constraint');
        },
        silentLogger,
        'test',
      ),
    ).rejects.toThrow('constraint');
    expect(calls).toBe(1);
  });
});
