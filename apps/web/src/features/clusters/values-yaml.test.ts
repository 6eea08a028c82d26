import { describe, expect, it } from 'vitest';

import { parseValuesText, valuesSkeleton, valuesToYaml } from './values-yaml.js';

describe('parseValuesText', () => {
  it('accepts YAML and JSON mappings, and empty text as {}', () => {
    expect(parseValuesText('replicas: 3\nname: a')).toEqual({
      ok: true,
      values: { replicas: 3, name: 'a' },
    });
    expect(parseValuesText('{"replicas": 3}')).toEqual({ ok: true, values: { replicas: 3 } });
    expect(parseValuesText('  \n# only a comment\n')).toEqual({ ok: true, values: {} });
  });

  it('refuses lists, scalars and broken YAML', () => {
    expect(parseValuesText('- a\n- b')).toMatchObject({ ok: false, error: 'not_object' });
    expect(parseValuesText('42')).toMatchObject({ ok: false, error: 'not_object' });
    expect(parseValuesText('a: [1, 2')).toMatchObject({ ok: false, error: 'syntax' });
  });
});

describe('valuesSkeleton', () => {
  it('fills defaults and lists the other fields as comments', () => {
    const text = valuesSkeleton({
      params: [
        { header: 'Nodes' },
        { key: 'replicas', type: 'number', title: 'Replicas', default: 3 },
        { key: 'domain', type: 'string', title: 'Domain' },
        { key: 'debug', type: 'boolean', title: 'Debug', optional: true, default: false },
        { key: 'secret', type: 'string', title: 'Hidden', hidden: true },
      ],
    });
    expect(text).toBe(
      '# --- Nodes ---\n# Replicas (number, required)\nreplicas: 3\n# Domain (string, required)\n# domain:\n# Debug (boolean, optional)\ndebug: false\n',
    );
    expect(parseValuesText(text)).toEqual({ ok: true, values: { replicas: 3, debug: false } });
  });

  it('is empty without params', () => {
    expect(valuesSkeleton({ params: [] })).toBe('');
  });
});

describe('valuesToYaml', () => {
  it('prints values for reading', () => {
    expect(valuesToYaml({})).toBe('{}\n');
    expect(valuesToYaml({ a: 1, b: ['x'] })).toBe('a: 1\nb:\n  - x\n');
  });

  it('shows a stored secret as stored encrypted, not as null', () => {
    const text = valuesToYaml(
      { sshUser: 'ubuntu', sshPassword: null, apiKey: null },
      {
        stored: { sshPassword: { has_value: true }, apiKey: { has_value: false } },
        storedWord: '(stored encrypted)',
      },
    );
    expect(text).toContain('sshPassword: (stored encrypted)');
    expect(text).toContain('apiKey: null');
  });
});
