import { CreateClusterBodySchema } from '@commander/contracts';
import { describe, expect, it } from 'vitest';

import { createI18n } from '../test/i18n.js';
import { fieldRule, validationIssuesByField } from './validation.js';

describe('validation helpers', () => {
  it('validates a field with the contract schema and a translated message', () => {
    const i18n = createI18n('en');
    const rule = fieldRule(CreateClusterBodySchema.shape.name, i18n.t);
    expect(rule('')).toBe('Required');
    expect(rule('a/b')).toBe('Must not start with a space or contain slashes');
    expect(rule('x'.repeat(101))).toBe('At most 100 characters');
    expect(rule('prod-1')).toBeNull();
    const ru = createI18n('ru');
    expect(fieldRule(CreateClusterBodySchema.shape.name, ru.t)('')).toBe('Обязательное поле');
  });

  it('maps API validation issues to fields', () => {
    expect(
      validationIssuesByField({
        issues: [
          { path: 'body.name', message: 'bad name' },
          { path: 'body.name', message: 'second' },
          { path: 'values.replicas', message: 'too many' },
          { path: 7, message: 'ignored' },
        ],
      }),
    ).toEqual({ name: 'bad name', values: 'too many' });
    expect(validationIssuesByField(undefined)).toEqual({});
  });
});
