import { describe, expect, it } from 'vitest';

import { masterHost, STATIC_PARAMS, STATIC_VALUES } from '../test/fixtures.js';
import {
  compileValuesSchema,
  immutableKeys,
  immutableViolations,
  type ParamItem,
  parseParams,
  uniqueKeys,
  validateValues,
  type ValueError,
} from './index.js';

function schema(items: unknown[]): ParamItem[] {
  const { fields, errors } = parseParams(items);
  expect(errors).toEqual([]);
  return fields;
}

function one(field: Record<string, unknown>): ParamItem[] {
  return schema([{ key: 'v', title: 'V', ...field }]);
}

function errorsFor(items: ParamItem[], values: unknown): ValueError[] {
  const result = validateValues(items, values);
  return result.ok ? [] : result.errors;
}

function accepts(items: ParamItem[], value: unknown): boolean {
  return validateValues(items, { v: value }).ok;
}

const RECORD_ID = '0190a3c1-7b2e-4c1d-9f00-000000000001';

describe('validateValues: types', () => {
  it('checks string, number and boolean types', () => {
    expect(accepts(one({ type: 'string' }), 'x')).toBe(true);
    expect(errorsFor(one({ type: 'string' }), { v: 1 })).toEqual([
      { path: 'v', message: 'Must be a string' },
    ]);
    expect(accepts(one({ type: 'number' }), 2.5)).toBe(true);
    expect(errorsFor(one({ type: 'number' }), { v: '2' })).toEqual([
      { path: 'v', message: 'Must be a number' },
    ]);
    expect(accepts(one({ type: 'number' }), Number.NaN)).toBe(false);
    expect(accepts(one({ type: 'boolean' }), false)).toBe(true);
    expect(errorsFor(one({ type: 'boolean' }), { v: 'true' })).toEqual([
      { path: 'v', message: 'Must be true or false' },
    ]);
  });

  it('checks min/max and minLength/maxLength', () => {
    const n = one({ type: 'number', min: 1, max: 10 });
    expect(accepts(n, 1)).toBe(true);
    expect(accepts(n, 10)).toBe(true);
    expect(errorsFor(n, { v: 0 })).toEqual([{ path: 'v', message: 'Must be at least 1' }]);
    expect(errorsFor(n, { v: 11 })).toEqual([{ path: 'v', message: 'Must be at most 10' }]);
    const s = one({ type: 'string', minLength: 8, maxLength: 10 });
    expect(errorsFor(s, { v: 'short' })).toEqual([
      { path: 'v', message: 'Must be at least 8 characters' },
    ]);
    expect(errorsFor(s, { v: 'far too long' })).toEqual([
      { path: 'v', message: 'Must be at most 10 characters' },
    ]);
    expect(accepts(s, 'just-fine')).toBe(true);
  });

  it('applies pattern to the whole value, as a JavaScript regex', () => {
    const f = one({ type: 'string', pattern: '[a-z0-9.-]+' });
    expect(accepts(f, 'worker-1.example')).toBe(true);
    // A search would find "abc" inside; the pattern must match the whole value.
    expect(errorsFor(f, { v: 'ABC abc' })).toEqual([
      { path: 'v', message: 'Must match the pattern [a-z0-9.-]+' },
    ]);
    // Already-anchored patterns (Commander's examples) mean the same.
    expect(accepts(one({ type: 'string', pattern: '^[a-z]+$' }), 'abc')).toBe(true);
    // Alternation is grouped, not split by the anchors.
    const alt = one({ type: 'string', pattern: 'a|b' });
    expect(accepts(alt, 'b')).toBe(true);
    expect(accepts(alt, 'ab')).toBe(false);
  });
});

describe('validateValues: formats', () => {
  const cases: [string, string[], string[]][] = [
    ['email', ['ops@example.com'], ['ops', 'ops@', '@example.com']],
    ['url', ['https://example.com/path', 'http://10.0.0.1:8080'], ['example.com', 'not a url']],
    [
      'uuid',
      ['123e4567-e89b-12d3-a456-426614174000', RECORD_ID],
      ['123e4567e89b12d3a456426614174000', 'x'],
    ],
    [
      'date-time',
      ['2024-05-01T10:00:00Z', '2024-05-01T10:00:00.123+03:00'],
      ['2024-05-01', '2024-05-01 10:00:00', '2024-05-01T10:00Z'],
    ],
    [
      'ipv4',
      ['192.0.2.10', '0.0.0.0', '255.255.255.255'],
      ['256.0.0.1', '01.2.3.4', '1.2.3', '::1', '1.2.3.4/24'],
    ],
    ['cuid', ['cjld2cjxh0000qzrmn831i7rn'], ['not-a-cuid!']],
    ['cuid2', ['tz4a98xxat96iws9zmbrgj3a'], ['Not_Valid!']],
    ['ulid', ['01ARZ3NDEKTSV4RRFFQ69G5FAV'], ['01ARZ3NDEKTSV4RRFFQ69G5FA', 'not-a-ulid']],
    ['emoji', ['🚀', '👍🏽'], ['rocket']],
    ['password', ['anything goes: !@#'], []],
  ];
  for (const [format, good, bad] of cases) {
    it(`checks format ${format}`, () => {
      const f = one({ type: 'string', format });
      for (const v of good) {
        expect(accepts(f, v), `${format} ${v}`).toBe(true);
      }
      for (const v of bad) {
        expect(accepts(f, v), `${format} ${v}`).toBe(false);
      }
    });
  }
});

describe('validateValues: enum and select', () => {
  it('accepts only enum values, strictly', () => {
    const f = one({ enum: ['Automatic', '1.33'] });
    expect(accepts(f, '1.33')).toBe(true);
    expect(errorsFor(f, { v: 1.33 })).toEqual([
      { path: 'v', message: 'Must be one of: "Automatic", "1.33"' },
    ]);
    expect(accepts(one({ type: 'number', enum: [1, 3] }), 3)).toBe(true);
    expect(accepts(one({ type: 'number', enum: [1, 3] }), 2)).toBe(false);
  });

  it('accepts a select value that deep-equals an option value', () => {
    const f = one({
      select: [
        { text: '1.25', value: { version: '1.25.8', isSupported: true } },
        { text: '1.28', value: { version: '1.28.0', isSupported: false } },
      ],
    });
    expect(accepts(f, { isSupported: false, version: '1.28.0' })).toBe(true);
    expect(errorsFor(f, { v: { version: '1.28.0' } })).toEqual([
      { path: 'v', message: 'Must be one of the options: 1.25, 1.28' },
    ]);
    expect(accepts(f, '1.28')).toBe(false);
  });

  it('supports multi-select of enum values', () => {
    const f = one({ enum: ['a', 'b', 'c'], minItems: 1, maxItems: 2 });
    expect(accepts(f, ['a', 'c'])).toBe(true);
    expect(errorsFor(f, { v: ['a', 'd'] })).toEqual([
      { path: 'v', message: 'Item 2: Must be one of: "a", "b", "c"' },
    ]);
    expect(errorsFor(f, { v: ['a', 'a'] })).toEqual([
      { path: 'v', message: 'Items must not repeat' },
    ]);
  });
});

describe('validateValues: catalog fields', () => {
  it('takes one record with x-commander-record-id and its values', () => {
    const f = one({ catalog: 'slots' });
    const record = {
      'x-commander-record-id': RECORD_ID,
      zone: 'ru-central1-a',
      cidr: '10.0.0.0/24',
    };
    const result = validateValues(f, { v: record });
    expect(result).toEqual({ ok: true, values: { v: record } });
    expect(errorsFor(f, { v: { zone: 'a' } })).toEqual([
      { path: 'v', message: 'x-commander-record-id must be a record id (a UUID)' },
    ]);
    expect(errorsFor(f, { v: 'slot-1' })).toEqual([
      {
        path: 'v',
        message: 'Must be a record of the catalog "slots" (an object with x-commander-record-id)',
      },
    ]);
  });

  it('takes a list of records within minItems/maxItems', () => {
    const f = one({ catalog: 'hosts', minItems: 2, maxItems: 3 });
    expect(accepts(f, [masterHost(1), masterHost(2)])).toBe(true);
    expect(accepts(f, [masterHost(1), masterHost(2), masterHost(3)])).toBe(true);
    expect(errorsFor(f, { v: [masterHost(1)] })).toEqual([
      { path: 'v', message: 'Choose at least 2 items' },
    ]);
    expect(errorsFor(f, { v: [1, 2, 3, 4].map(masterHost) })).toEqual([
      { path: 'v', message: 'Choose at most 3 items' },
    ]);
    expect(errorsFor(f, { v: masterHost(1) })).toEqual([{ path: 'v', message: 'Must be a list' }]);
    expect(errorsFor(f, { v: [masterHost(1), { hostname: 'x' }] })).toEqual([
      { path: 'v', message: 'Item 2: x-commander-record-id must be a record id (a UUID)' },
    ]);
    // The same record twice, even with different values.
    expect(errorsFor(f, { v: [masterHost(1), { ...masterHost(1), hostname: 'other' }] })).toEqual([
      { path: 'v', message: 'Items must not repeat' },
    ]);
  });
});

describe('validateValues: required, optional and defaults', () => {
  const items = schema([
    { key: 'name', type: 'string', title: 'Name' },
    { key: 'zone', type: 'string', title: 'Zone', optional: true },
    { key: 'replicas', type: 'number', title: 'Replicas', optional: true, default: 3 },
    { key: 'channel', title: 'Channel', enum: ['Stable', 'Alpha'], default: 'Stable' },
    { key: 'hosts', title: 'Hosts', catalog: 'hosts', minItems: 0, maxItems: 3, optional: true },
  ]);

  it('requires non-optional fields: absent, null and "" are all empty', () => {
    for (const name of [undefined, null, '']) {
      expect(errorsFor(items, { name, channel: 'Stable' })).toEqual([
        { path: 'name', message: 'Required' },
      ]);
    }
  });

  it('does not apply the default of a required field (it is a placeholder only)', () => {
    expect(errorsFor(items, { name: 'a' })).toEqual([{ path: 'channel', message: 'Required' }]);
  });

  it('drops empty optional fields and applies defaults', () => {
    const result = validateValues(items, {
      name: 'a',
      channel: 'Alpha',
      zone: '',
      replicas: null,
      hosts: [],
    });
    expect(result).toEqual({ ok: true, values: { name: 'a', channel: 'Alpha', replicas: 3 } });
    if (result.ok) {
      expect(Object.keys(result.values)).not.toContain('zone');
    }
  });

  it('keeps given optional values', () => {
    expect(validateValues(items, { name: 'a', channel: 'Stable', zone: 'b', replicas: 5 })).toEqual(
      {
        ok: true,
        values: { name: 'a', channel: 'Stable', zone: 'b', replicas: 5 },
      },
    );
  });

  it('still validates given optional values', () => {
    expect(errorsFor(items, { name: 'a', channel: 'Stable', replicas: 'five' })).toEqual([
      { path: 'replicas', message: 'Must be a number' },
    ]);
  });

  it('lets the server omit stored secrets with allowMissingSecrets', () => {
    const secret = schema([
      { key: 'password', type: 'string', format: 'password', title: 'Password' },
    ]);
    expect(errorsFor(secret, { password: null })).toEqual([
      { path: 'password', message: 'Required' },
    ]);
    expect(validateValues(secret, { password: null }, { allowMissingSecrets: true })).toEqual({
      ok: true,
      values: {},
    });
  });
});

describe('validateValues: strict keys and hidden fields', () => {
  const items = schema([
    { key: 'name', type: 'string', title: 'Name' },
    { key: 'internalFlag', type: 'boolean', title: 'Flag', hidden: true, default: true },
    { key: 'internalNote', type: 'string', title: 'Note', hidden: true },
  ]);

  it('rejects keys that are not fields, one error each', () => {
    expect(errorsFor(items, { name: 'a', nmae: 'typo', extra: 1 })).toEqual([
      { path: 'nmae', message: "Unknown parameter: the template's input schema has no such field" },
      {
        path: 'extra',
        message: "Unknown parameter: the template's input schema has no such field",
      },
    ]);
  });

  it('allows hidden fields: not required, default applied, given values validated', () => {
    expect(validateValues(items, { name: 'a' })).toEqual({
      ok: true,
      values: { name: 'a', internalFlag: true },
    });
    expect(validateValues(items, { name: 'a', internalFlag: false, internalNote: 'n' })).toEqual({
      ok: true,
      values: { name: 'a', internalFlag: false, internalNote: 'n' },
    });
    expect(errorsFor(items, { name: 'a', internalFlag: 'no' })).toEqual([
      { path: 'internalFlag', message: 'Must be true or false' },
    ]);
  });

  it('rejects values that are not an object', () => {
    expect(errorsFor(items, ['a'])).toEqual([
      { path: '', message: 'Values must be an object of field values' },
    ]);
  });

  it('reports errors of several fields at once', () => {
    expect(errorsFor(items, { internalFlag: 1 }).map((e) => e.path)).toEqual([
      'name',
      'internalFlag',
    ]);
  });
});

describe('compileValuesSchema', () => {
  it('is a zod schema whose output is the values to render', () => {
    const { fields } = parseParams(STATIC_PARAMS);
    const parsed = compileValuesSchema(fields).parse(STATIC_VALUES);
    expect(parsed).toEqual({ ...STATIC_VALUES, sshPort: 22, podSubnetCIDR: '10.111.0.0/16' });
    const failed = compileValuesSchema(fields).safeParse({ ...STATIC_VALUES, sshPort: 0 });
    expect(failed.success).toBe(false);
    expect(failed.error?.issues.map((i) => [i.path, i.message])).toEqual([
      [['sshPort'], 'Must be at least 1'],
    ]);
  });

  it('does not mutate defaults between parses', () => {
    const items = one({
      select: [{ text: 'A', value: { a: [1] } }],
      default: { a: [1] },
      optional: true,
    });
    const first = validateValues(items, {});
    if (!first.ok) {
      throw new Error('expected success');
    }
    (first.values.v as { a: number[] }).a.push(2);
    expect(validateValues(items, {})).toEqual({ ok: true, values: { v: { a: [1] } } });
  });
});

describe('unique and immutable helpers', () => {
  const items = schema([
    { key: 'subnet', type: 'string', title: 'Subnet', unique: true },
    { key: 'slot', title: 'Slot', catalog: 'slots', immutable: true },
    { key: 'region', type: 'string', title: 'Region', immutable: true, optional: true },
    { key: 'size', type: 'number', title: 'Size' },
  ]);

  it('lists unique and immutable keys', () => {
    expect(uniqueKeys(items)).toEqual(['subnet']);
    expect(immutableKeys(items)).toEqual(['slot', 'region']);
  });

  it('reports changed or emptied immutable values, allows first fills', () => {
    const slot = { 'x-commander-record-id': RECORD_ID, zone: 'a' };
    const before = { subnet: '10.0.0.0/24', slot, size: 1 };
    expect(
      immutableViolations(items, before, { ...before, size: 2, subnet: '10.1.0.0/24' }),
    ).toEqual([]);
    // region had no value before: filling it is allowed.
    expect(immutableViolations(items, before, { ...before, region: 'eu' })).toEqual([]);
    // Key order does not matter.
    expect(
      immutableViolations(items, before, {
        ...before,
        slot: { zone: 'a', 'x-commander-record-id': RECORD_ID },
      }),
    ).toEqual([]);
    expect(
      immutableViolations(
        items,
        { ...before, region: 'eu' },
        {
          ...before,
          slot: { ...slot, 'x-commander-record-id': '0190a3c1-7b2e-4c1d-9f00-000000000002' },
        },
      ),
    ).toEqual([
      { path: 'slot', message: '"Slot" is immutable: it cannot change once set' },
      { path: 'region', message: '"Region" is immutable: it cannot change once set' },
    ]);
  });
});
