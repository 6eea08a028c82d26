import { describe, expect, it } from 'vitest';

import { createI18n } from '../../test/i18n.js';
import { roleDescription } from './role-description.js';

describe('role descriptions', () => {
  it('translate the built-in roles and keep custom ones as written', () => {
    const ru = createI18n('ru').t;
    const builtIn = { scope: 'workspace', is_built_in: true, description: 'Reads everything' };
    expect(roleDescription({ ...builtIn, name: 'viewer' }, ru)).toBe(
      'Читает всё внутри рабочего пространства, кроме секретов.',
    );
    expect(roleDescription({ ...builtIn, scope: 'global', name: 'admin' }, ru)).toMatch(
      /^Управляет установкой/,
    );
    expect(
      roleDescription(
        { name: 'auditor', scope: 'workspace', is_built_in: false, description: 'Custom words' },
        ru,
      ),
    ).toBe('Custom words');
  });
});
