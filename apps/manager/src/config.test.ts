import { DEFAULT_OPERATION_RETENTION } from '@commander/core';
import { describe, expect, it } from 'vitest';

import { loadConfig } from './config.js';

const base = { DATABASE_URL: 'postgresql://x/y' };

describe('manager configuration: operation retention', () => {
  it('defaults to in-sync checks 24 h, other checks 14 days, other operations 90 days', () => {
    expect(loadConfig(base).operationRetention).toEqual(DEFAULT_OPERATION_RETENTION);
    expect(DEFAULT_OPERATION_RETENTION).toMatchObject({
      inSyncChecksMs: 24 * 3600_000,
      checksMs: 14 * 86_400_000,
      othersMs: 90 * 86_400_000,
    });
  });

  it('reads the ages and the batch from the environment; 0 keeps a class', () => {
    const retention = loadConfig({
      ...base,
      OPERATION_RETENTION_IN_SYNC_CHECKS_HOURS: '0.5',
      OPERATION_RETENTION_CHECKS_DAYS: '0',
      OPERATION_RETENTION_DAYS: '365',
      OPERATION_RETENTION_BATCH: '250',
    }).operationRetention;
    expect(retention).toMatchObject({
      inSyncChecksMs: 1800_000,
      checksMs: 0,
      othersMs: 365 * 86_400_000,
      batchSize: 250,
    });
  });

  it('rejects negative, endless and absurd ages and a batch out of bounds', () => {
    for (const value of ['Infinity', '1e20', '36501']) {
      expect(() => loadConfig({ ...base, OPERATION_RETENTION_DAYS: value })).toThrow(
        /OPERATION_RETENTION_DAYS/,
      );
    }
    expect(() => loadConfig({ ...base, OPERATION_RETENTION_DAYS: '-1' })).toThrow(
      /OPERATION_RETENTION_DAYS/,
    );
    expect(() => loadConfig({ ...base, OPERATION_RETENTION_BATCH: '0' })).toThrow(
      /OPERATION_RETENTION_BATCH/,
    );
    expect(() => loadConfig({ ...base, OPERATION_RETENTION_CHECKS_DAYS: 'soon' })).toThrow(
      /OPERATION_RETENTION_CHECKS_DAYS/,
    );
  });
});
