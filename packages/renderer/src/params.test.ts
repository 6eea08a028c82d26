import { describe, expect, it } from 'vitest';

import { STATIC_PARAMS } from '../test/fixtures.js';
import {
  isSecretField,
  type ParamField,
  type ParamsError,
  parseParams,
  secretKeys,
} from './index.js';

// Commander's documented example (commander-product.md §2.5), verbatim.
const DOCS_EXAMPLE = `- header: Access to container images
- key: password
  type: string
  format: password
  minLength: 8
  span: 2
  title: Password
  description: |
    Create a good password.
- key: kubeVersion
  title: Kubernetes Version
  select:
    - text: 1.25 (EOL in March)
      value: { version: 1.25.8, isSupported: true }
    - text: 1.28 (experimental support)
      value: { version: 1.28.0, isSupported: false }
- key: publicAddressesForFrontendNodes
  title: Public addresses
  catalog: public-ip-addresses
  minItems: 3
  maxItems: 3
  autoselect: true
- key: subnetCIDR
  type: string
  title: Subnet CIDR
  unique: true
`;

// The same kind of schema as Commander's API returns it (JSON).
const API_EXAMPLE: unknown[] = [
  { header: 'Cluster Parameters' },
  {
    key: 'slot',
    span: 4,
    title: 'Slot for cluster in Yandex Cloud',
    catalog: 'yandex-cloud-slot',
    immutable: true,
  },
  {
    key: 'releaseChannel',
    enum: ['Alpha', 'Beta', 'EarlyAccess', 'Stable', 'RockSolid'],
    span: 1,
    title: 'Update channel',
    default: 'EarlyAccess',
  },
  {
    key: 'kubeVersion',
    enum: ['Automatic', '1.25', '1.26', '1.27', '1.28', '1.29'],
    span: 1,
    title: 'Kubernetes version',
    default: 'Automatic',
  },
];

function field(items: ReturnType<typeof parseParams>['fields'], key: string): ParamField {
  const found = items.find((i) => i.kind === 'field' && i.key === key);
  if (found?.kind !== 'field') {
    throw new Error(`no field ${key}`);
  }
  return found;
}

/** Parses a one-item YAML schema and returns its errors. */
function errorsOf(yaml: string): ParamsError[] {
  return parseParams(yaml).errors;
}

describe('parseParams: valid schemas', () => {
  it("reads Commander's documented example with every property", () => {
    const { fields, errors } = parseParams(DOCS_EXAMPLE);
    expect(errors).toEqual([]);
    expect(fields.map((f) => (f.kind === 'header' ? `#${f.header}` : f.key))).toEqual([
      '#Access to container images',
      'password',
      'kubeVersion',
      'publicAddressesForFrontendNodes',
      'subnetCIDR',
    ]);
    expect(field(fields, 'password')).toMatchObject({
      type: 'string',
      format: 'password',
      minLength: 8,
      span: 2,
      title: 'Password',
      description: 'Create a good password.\n',
      optional: false,
      index: 1,
    });
    expect(field(fields, 'kubeVersion').select).toEqual([
      { text: '1.25 (EOL in March)', value: { version: '1.25.8', isSupported: true } },
      { text: '1.28 (experimental support)', value: { version: '1.28.0', isSupported: false } },
    ]);
    expect(field(fields, 'kubeVersion').type).toBeUndefined();
    expect(field(fields, 'publicAddressesForFrontendNodes')).toMatchObject({
      catalog: 'public-ip-addresses',
      minItems: 3,
      maxItems: 3,
      autoselect: true,
    });
    expect(field(fields, 'subnetCIDR')).toMatchObject({ unique: true, span: 1, hidden: false });
  });

  it("reads the API's JSON form (enum fields without type, catalog with immutable)", () => {
    const { fields, errors } = parseParams(API_EXAMPLE);
    expect(errors).toEqual([]);
    expect(field(fields, 'slot')).toMatchObject({
      catalog: 'yandex-cloud-slot',
      immutable: true,
      span: 4,
    });
    expect(field(fields, 'releaseChannel')).toMatchObject({
      default: 'EarlyAccess',
      enum: ['Alpha', 'Beta', 'EarlyAccess', 'Stable', 'RockSolid'],
    });
  });

  it('reads the remaining properties: min/max, pattern, identifier, hidden, date-time', () => {
    const { fields, errors } = parseParams([
      {
        key: 'replicas',
        type: 'number',
        title: 'Replicas',
        min: 1,
        max: 5,
        default: 3,
        optional: true,
      },
      {
        key: 'hostname',
        type: 'string',
        title: 'Host',
        pattern: '[a-z0-9.-]+',
        identifier: true,
        maxLength: 63,
      },
      { key: 'internal', type: 'boolean', title: 'Internal', hidden: true, default: false },
      { key: 'expires', type: 'string', format: 'date-time', title: 'Expires', optional: true },
    ]);
    expect(errors).toEqual([]);
    expect(field(fields, 'replicas')).toMatchObject({ min: 1, max: 5, default: 3 });
    expect(field(fields, 'hostname')).toMatchObject({
      pattern: '[a-z0-9.-]+',
      identifier: true,
      maxLength: 63,
    });
    expect(field(fields, 'internal')).toMatchObject({ hidden: true, default: false });
  });

  it('treats an empty text as an empty schema', () => {
    expect(parseParams('')).toEqual({ fields: [], errors: [] });
    expect(parseParams('# nothing yet\n')).toEqual({ fields: [], errors: [] });
  });

  it('finds secret fields', () => {
    const { fields } = parseParams(STATIC_PARAMS);
    expect(secretKeys(fields)).toEqual(['sshPrivateKey']);
    expect(isSecretField(field(fields, 'sshPrivateKey'))).toBe(true);
    expect(isSecretField(field(fields, 'sshUser'))).toBe(false);
  });
});

describe('parseParams: schema errors carry the item and the line', () => {
  it('reports YAML syntax errors with their line', () => {
    const errors = errorsOf('- key: a\n  title: [unclosed\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ index: null });
    expect(errors[0]?.line).toBeGreaterThanOrEqual(2);
    expect(errors[0]?.message).toMatch(/^YAML: /);
  });

  it('rejects a schema that is not a list, and items that are not mappings', () => {
    expect(errorsOf('key: a\ntitle: A\n')[0]).toMatchObject({
      index: null,
      line: 1,
      message: expect.stringMatching(/must be a list/) as string,
    });
    expect(errorsOf('- key: a\n  type: string\n  title: A\n- just text\n')).toEqual([
      {
        index: 1,
        property: null,
        line: 4,
        message: expect.stringMatching(/item 2 must be a mapping/) as string,
      },
    ]);
  });

  it('requires key and title', () => {
    const errors = errorsOf('- type: string\n  title: No key\n- key: noTitle\n  type: string\n');
    expect(errors).toEqual([
      { index: 0, property: null, line: 1, message: 'item 1: key is required' },
      { index: 1, property: null, line: 3, message: '"noTitle": title is required' },
    ]);
  });

  it('rejects duplicate keys at the second one', () => {
    const errors = errorsOf(
      '- key: a\n  type: string\n  title: A\n- key: a\n  type: number\n  title: Again\n',
    );
    expect(errors).toEqual([
      {
        index: 1,
        property: 'key',
        line: 4,
        message: '"a": duplicate key "a" (first used by item 1)',
      },
    ]);
    // The duplicate is not kept.
    expect(
      parseParams(
        '- key: a\n  type: string\n  title: A\n- key: a\n  type: number\n  title: Again\n',
      ).fields,
    ).toHaveLength(1);
  });

  it('rejects malformed keys and special variable names', () => {
    expect(errorsOf('- key: my key\n  type: string\n  title: A\n')[0]).toMatchObject({
      property: 'key',
      line: 1,
    });
    expect(errorsOf('- key: dc_domain\n  type: string\n  title: A\n')[0]?.message).toMatch(
      /special variable/,
    );
  });

  it('rejects unknown properties with the line of the property', () => {
    const errors = errorsOf('- key: a\n  type: string\n  title: A\n  tittle: typo\n');
    expect(errors).toEqual([
      { index: 0, property: 'tittle', line: 4, message: '"a": unknown property "tittle"' },
    ]);
    expect(errorsOf('- header: H\n  span: 2\n')[0]).toMatchObject({ property: 'span', line: 2 });
  });

  it('requires type on plain fields but not on catalog, enum or select fields', () => {
    expect(errorsOf('- key: a\n  title: A\n')[0]?.message).toMatch(/type is required/);
    expect(errorsOf('- key: a\n  title: A\n  enum: [x, y]\n')).toEqual([]);
    expect(errorsOf('- key: a\n  title: A\n  catalog: hosts\n')).toEqual([]);
  });

  it('rejects enum together with select', () => {
    const errors = errorsOf(
      '- key: a\n  title: A\n  enum: [x]\n  select:\n    - {text: X, value: {v: 1}}\n',
    );
    expect(errors).toEqual([
      {
        index: 0,
        property: 'select',
        line: 4,
        message: '"a": enum and select cannot be combined; use one of them',
      },
    ]);
  });

  it('requires minItems and maxItems together, in order, on list-capable fields', () => {
    expect(errorsOf('- key: a\n  title: A\n  catalog: c\n  minItems: 1\n')).toEqual([
      {
        index: 0,
        property: 'minItems',
        line: 4,
        message: expect.stringMatching(/must be set together/) as string,
      },
    ]);
    expect(
      errorsOf('- key: a\n  title: A\n  catalog: c\n  minItems: 3\n  maxItems: 2\n')[0]?.message,
    ).toMatch(/minItems \(3\) is greater than maxItems \(2\)/);
    expect(
      errorsOf('- key: a\n  title: A\n  type: string\n  minItems: 1\n  maxItems: 2\n')[0]?.message,
    ).toMatch(/apply only to catalog, enum or select/);
  });

  it('rejects properties that do not apply to a catalog field', () => {
    const errors = errorsOf('- key: a\n  title: A\n  catalog: c\n  type: string\n  default: x\n');
    expect(errors.map((e) => [e.property, e.line])).toEqual([
      ['type', 4],
      ['default', 5],
    ]);
  });

  it('rejects string rules on non-strings, number rules on non-numbers, autoselect without catalog', () => {
    expect(errorsOf('- key: a\n  title: A\n  type: number\n  pattern: x\n')[0]).toMatchObject({
      property: 'pattern',
      line: 4,
    });
    expect(errorsOf('- key: a\n  title: A\n  type: string\n  min: 1\n')[0]).toMatchObject({
      property: 'min',
      line: 4,
    });
    expect(errorsOf('- key: a\n  title: A\n  type: boolean\n  format: email\n')[0]).toMatchObject({
      property: 'format',
    });
    expect(errorsOf('- key: a\n  title: A\n  type: string\n  autoselect: true\n')[0]).toMatchObject(
      { property: 'autoselect' },
    );
  });

  it('checks property types and ranges', () => {
    expect(errorsOf('- key: a\n  title: A\n  type: text\n')[0]).toMatchObject({
      property: 'type',
      line: 3,
    });
    expect(errorsOf('- key: a\n  title: A\n  type: string\n  format: phone\n')[0]).toMatchObject({
      property: 'format',
    });
    expect(errorsOf('- key: a\n  title: A\n  type: string\n  span: 5\n')[0]).toMatchObject({
      property: 'span',
      line: 4,
    });
    expect(errorsOf('- key: a\n  title: A\n  type: string\n  optional: "yes"\n')[0]).toMatchObject({
      property: 'optional',
    });
    expect(
      errorsOf('- key: a\n  title: A\n  type: number\n  min: 5\n  max: 1\n')[0]?.message,
    ).toMatch(/min \(5\) is greater than max \(1\)/);
    expect(errorsOf('- key: a\n  title: A\n  type: string\n  minLength: -1\n')[0]).toMatchObject({
      property: 'minLength',
    });
  });

  it('rejects a pattern that is not a valid regular expression', () => {
    const errors = errorsOf('- key: a\n  title: A\n  type: string\n  pattern: "([a-z"\n');
    expect(errors).toEqual([
      {
        index: 0,
        property: 'pattern',
        line: 4,
        message: expect.stringMatching(/not a valid regular expression/) as string,
      },
    ]);
  });

  it('checks enum and select lists', () => {
    expect(errorsOf('- key: a\n  title: A\n  enum: []\n')[0]?.message).toMatch(/non-empty list/);
    expect(
      errorsOf('- key: a\n  title: A\n  type: number\n  enum: [1, "2"]\n')[0]?.message,
    ).toMatch(/"2" is not a number/);
    expect(errorsOf('- key: a\n  title: A\n  enum: [x, x]\n')[0]?.message).toMatch(/listed twice/);
    expect(errorsOf('- key: a\n  title: A\n  select: [{text: X}]\n')[0]?.message).toMatch(
      /needs a value/,
    );
    expect(
      errorsOf('- key: a\n  title: A\n  select: [{text: X, value: 1, extra: 2}]\n')[0]?.message,
    ).toMatch(/unknown properties: extra/);
  });

  it('rejects a default that does not match the type, enum, select or rules', () => {
    const cases: [string, RegExp][] = [
      ['  type: number\n  default: "3"\n', /Must be a number/],
      ['  type: boolean\n  default: 1\n', /Must be true or false/],
      ['  enum: [a, b]\n  default: c\n', /Must be one of: "a", "b"/],
      [
        '  select: [{text: X, value: {v: 1}}]\n  default: {v: 2}\n',
        /Must be one of the options: X/,
      ],
      ['  type: string\n  format: ipv4\n  default: 10.0.0.256\n', /IPv4/],
      ['  type: number\n  min: 10\n  default: 5\n', /at least 10/],
      ['  type: string\n  pattern: "[a-z]+"\n  default: ABC\n', /pattern/],
    ];
    for (const [props, message] of cases) {
      const errors = errorsOf(`- key: a\n  title: A\n${props}`);
      expect(errors, props).toHaveLength(1);
      expect(errors[0], props).toMatchObject({
        property: 'default',
        message: expect.stringMatching(message) as string,
      });
      expect(errors[0]?.line, props).toBe(3 + props.split('\n').length - 2);
    }
  });

  it('reports every error of an item, and keeps the item without the bad properties', () => {
    const { fields, errors } = parseParams(
      '- key: a\n  title: A\n  type: string\n  span: 9\n  bogus: 1\n',
    );
    expect(errors.map((e) => e.property)).toEqual(['bogus', 'span']);
    expect(field(fields, 'a')).toMatchObject({ type: 'string', span: 1 });
  });

  it('has no lines for parsed JSON input', () => {
    expect(parseParams([{ key: 'a', title: 'A' }]).errors).toEqual([
      {
        index: 0,
        property: null,
        line: null,
        message: expect.stringMatching(/type is required/) as string,
      },
    ]);
  });
});

describe('parseParams: i18n', () => {
  it('reads translations of fields and headers', () => {
    const { fields, errors } = parseParams([
      { header: 'Masters', i18n: { ru: { header: 'Master-узлы' } } },
      { key: 'a', type: 'string', title: 'A', i18n: { ru: { title: 'А', description: 'Б' } } },
    ]);
    expect(errors).toEqual([]);
    expect(fields[0]).toMatchObject({ kind: 'header', i18n: { ru: { header: 'Master-узлы' } } });
    expect(fields[1]).toMatchObject({ i18n: { ru: { title: 'А', description: 'Б' } } });
  });

  it('reports malformed translations', () => {
    const { errors } = parseParams([
      { header: 'H', i18n: { ru: {} } },
      { key: 'a', type: 'string', title: 'A', i18n: { russian: { title: 'А' } } },
      { key: 'b', type: 'string', title: 'B', i18n: { ru: { label: 'Б' } } },
      { key: 'c', type: 'string', title: 'C', i18n: 'ru' },
    ]);
    expect(errors.map((e) => [e.index, e.property, e.message])).toEqual([
      [0, 'i18n', 'header "H": i18n.ru.header is required'],
      [1, 'i18n', '"a": i18n: "russian" is not a two-letter language code such as ru or en'],
      [2, 'i18n', '"b": i18n.ru: unknown property "label" (allowed: title, description)'],
      [3, 'i18n', '"c": i18n must be a mapping of language codes (e.g. ru) to texts, got a string'],
    ]);
  });
});
