import { describe, expect, it } from 'vitest';

import { createI18n } from '../../test/i18n.js';
import { AUDIT_ACTIONS, AUDITABLE_TYPES, auditActionWord, auditTypeWord } from './audit-words.js';

describe('audit words', () => {
  it('translate every known action and object type, in English and Russian', () => {
    for (const language of ['en', 'ru'] as const) {
      const { t } = createI18n(language);
      for (const action of AUDIT_ACTIONS) {
        expect(auditActionWord(action, t), `${language} ${action}`).not.toBe(action);
      }
      for (const type of AUDITABLE_TYPES) {
        expect(auditTypeWord(type, t), `${language} ${type}`).not.toMatch(/^auditWords\./);
      }
    }
    const ru = createI18n('ru').t;
    expect(auditActionWord('approve', ru)).toBe('Одобрение');
    expect(auditTypeWord('AuthToken', ru)).toBe('API-токен');
  });

  it('show what a newer API sends as it is', () => {
    const { t } = createI18n('en');
    expect(auditActionWord('teleport', t)).toBe('teleport');
    expect(auditTypeWord('Spaceship', t)).toBe('Spaceship');
  });
});
