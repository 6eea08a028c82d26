import { describe, expect, it } from 'vitest';

import baseEn from './locales/en.json';
import enAdministration from './locales/en-administration.json';
import enManage from './locales/en-manage.json';
import enOperator from './locales/en-operator.json';
import enRollouts from './locales/en-rollouts.json';
import enTemplates from './locales/en-templates.json';
import baseRu from './locales/ru.json';
import ruAdministration from './locales/ru-administration.json';
import ruManage from './locales/ru-manage.json';
import ruOperator from './locales/ru-operator.json';
import ruRollouts from './locales/ru-rollouts.json';
import ruTemplates from './locales/ru-templates.json';

const en = {
  ...baseEn,
  ...enTemplates,
  ...enManage,
  ...enOperator,
  ...enAdministration,
  ...enRollouts,
};
const ru = {
  ...baseRu,
  ...ruTemplates,
  ...ruManage,
  ...ruOperator,
  ...ruAdministration,
  ...ruRollouts,
};

const PLURAL = /_(zero|one|two|few|many|other)$/;

/** Leaf keys, with plural forms folded into their base key. */
function keys(tree: object, prefix = ''): Set<string> {
  const out = new Set<string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = `${prefix}${key}`;
    if (value !== null && typeof value === 'object') {
      for (const k of keys(value as object, `${path}.`)) {
        out.add(k);
      }
    } else {
      out.add(path.replace(PLURAL, ''));
    }
  }
  return out;
}

describe('translations', () => {
  it('feature files do not override top-level keys of the main file', () => {
    for (const key of Object.keys(enTemplates)) {
      expect(Object.keys(baseEn), key).not.toContain(key);
    }
    for (const key of Object.keys(enManage)) {
      expect([...Object.keys(baseEn), ...Object.keys(enTemplates)], key).not.toContain(key);
    }
    for (const key of Object.keys(enOperator)) {
      expect(
        [...Object.keys(baseEn), ...Object.keys(enTemplates), ...Object.keys(enManage)],
        key,
      ).not.toContain(key);
    }
  });

  it('the administration file does not override top-level keys of the others', () => {
    for (const key of Object.keys(enAdministration)) {
      expect(
        [
          ...Object.keys(baseEn),
          ...Object.keys(enTemplates),
          ...Object.keys(enManage),
          ...Object.keys(enOperator),
        ],
        key,
      ).not.toContain(key);
    }
  });

  it('the rollouts file does not override top-level keys of the others', () => {
    for (const key of Object.keys(enRollouts)) {
      expect(
        [
          ...Object.keys(baseEn),
          ...Object.keys(enTemplates),
          ...Object.keys(enManage),
          ...Object.keys(enOperator),
          ...Object.keys(enAdministration),
        ],
        key,
      ).not.toContain(key);
    }
  });

  it('Russian has every English key and no others', () => {
    expect([...keys(ru)].sort()).toEqual([...keys(en)].sort());
  });

  it('Russian plurals have the one/few/many/other forms', () => {
    const flat = JSON.stringify(ru);
    for (const match of flat.matchAll(/"([\w]+)_one"/g)) {
      const base = match[1];
      for (const form of ['few', 'many', 'other']) {
        expect(flat, `${base}_${form}`).toContain(`"${base}_${form}"`);
      }
    }
  });

  it('interpolations match between languages', () => {
    const vars = (s: string) => [...s.matchAll(/{{(\w+)}}/g)].map((m) => m[1]).sort();
    const walk = (a: object, b: object, path: string) => {
      for (const [key, value] of Object.entries(a)) {
        const other =
          (b as Record<string, unknown>)[key] ??
          (b as Record<string, unknown>)[key.replace(PLURAL, '_other')];
        if (typeof value === 'string' && typeof other === 'string') {
          expect(vars(other), `${path}${key}`).toEqual(vars(value));
        } else if (
          value !== null &&
          typeof value === 'object' &&
          other !== null &&
          typeof other === 'object'
        ) {
          walk(value as object, other, `${path}${key}.`);
        }
      }
    };
    walk(en, ru, '');
  });
});
