import { RECORD_ID_KEY } from '@commander/renderer';
import { describe, expect, it } from 'vitest';

import {
  carryOverState,
  fieldProblem,
  formContextOf,
  formProblems,
  initialFormState,
  NEW_CLUSTER_CONTEXT,
  parseForm,
  previewValues,
  type RecordChoice,
  recordLabel,
  REQUIRED,
  serverProblems,
  submitValues,
} from './form-state.js';

const HOST_A = '00000000-0000-4000-8000-00000000a001';
const HOST_B = '00000000-0000-4000-8000-00000000a002';

const params = [
  { header: 'Cluster' },
  { key: 'name', type: 'string', title: 'Name', pattern: '^[a-z]+$', span: 2 },
  { key: 'replicas', type: 'number', title: 'Replicas', default: 3, min: 1, max: 5 },
  { key: 'prefix', type: 'string', title: 'Prefix', default: 'dev', optional: true },
  { key: 'ha', type: 'boolean', title: 'HA' },
  { key: 'channel', type: 'string', title: 'Channel', enum: ['Stable', 'Beta'], default: 'Stable' },
  {
    key: 'size',
    title: 'Size',
    select: [
      { text: 'Small', value: { cpu: 2 } },
      { text: 'Large', value: { cpu: 8 } },
    ],
  },
  { key: 'password', type: 'string', format: 'password', title: 'Password', minLength: 8 },
  { key: 'kind', type: 'string', title: 'Kind', default: 'Static', hidden: true },
  { key: 'host', title: 'Host', catalog: 'hosts', autoselect: true },
  {
    key: 'extra',
    title: 'Extra hosts',
    catalog: 'hosts',
    minItems: 1,
    maxItems: 2,
    optional: true,
  },
  { key: 'subnet', type: 'string', title: 'Subnet', immutable: true, optional: true },
];

const parsed = parseForm(params);
const field = (key: string) => {
  const param = parsed.fields.find((f) => f.key === key);
  const form = parsed.form.fields.find((f) => f.key === key);
  if (!param || !form) {
    throw new Error(key);
  }
  return { param, form };
};

const records = new Map<string, RecordChoice>([
  [HOST_A, { id: HOST_A, label: '10.0.0.1, a', values: { host: '10.0.0.1', name: 'a' } }],
  [HOST_B, { id: HOST_B, label: '10.0.0.2, b', values: { host: '10.0.0.2', name: 'b' } }],
]);

describe('initial state', () => {
  it('starts with defaults of switches, selects and required fields; optional ones stay empty', () => {
    expect(initialFormState(parsed.form)).toEqual({
      name: '',
      replicas: 3,
      prefix: '',
      ha: false,
      channel: 'Stable',
      size: null,
      password: '',
      // Hidden fields are not shown: left empty, the server fills in their default.
      kind: '',
      host: null,
      extra: [],
      subnet: '',
    });
  });

  it('prefills a cluster being edited: record ids for catalogs, secrets empty', () => {
    const state = initialFormState(parsed.form, {
      values: {
        name: 'prod',
        replicas: 4,
        size: { cpu: 8 },
        password: null,
        host: { host: '10.0.0.1', [RECORD_ID_KEY]: HOST_A },
        extra: [{ [RECORD_ID_KEY]: HOST_B }],
      },
      secret_values: { password: { has_value: true } },
    });
    expect(state).toMatchObject({
      name: 'prod',
      replicas: 4,
      size: { cpu: 8 },
      password: '',
      host: HOST_A,
      extra: [HOST_B],
    });
  });

  it('keeps what the user typed for keys another version also has', () => {
    const next = parseForm([
      { key: 'name', type: 'string', title: 'Name' },
      { key: 'zone', type: 'string', title: 'Zone', enum: ['a', 'b'], default: 'b' },
    ]);
    expect(carryOverState(next.form, { name: 'typed', replicas: 2 })).toEqual({
      name: 'typed',
      zone: 'b',
    });
  });
});

describe('edit context', () => {
  it('marks stored secrets and immutable fields that have a value', () => {
    const context = formContextOf(parsed.form, {
      values: { subnet: '10.0.0.0/24', password: null },
      secret_values: { password: { has_value: true } },
    });
    expect([...context.storedSecrets]).toEqual(['password']);
    expect([...context.lockedKeys]).toEqual(['subnet']);
  });
});

describe('problems as the user types', () => {
  it('requires required fields, except autoselect pickers and stored secrets', () => {
    expect(fieldProblem(field('name').param, field('name').form, '', NEW_CLUSTER_CONTEXT)).toBe(
      REQUIRED,
    );
    expect(fieldProblem(field('host').param, field('host').form, null, NEW_CLUSTER_CONTEXT)).toBe(
      null,
    );
    const edit = { storedSecrets: new Set(['password']), lockedKeys: new Set<string>() };
    expect(fieldProblem(field('password').param, field('password').form, '', edit)).toBe(null);
    expect(
      fieldProblem(field('password').param, field('password').form, '', NEW_CLUSTER_CONTEXT),
    ).toBe(REQUIRED);
  });

  it("reports the values schema's messages", () => {
    const ctx = NEW_CLUSTER_CONTEXT;
    expect(fieldProblem(field('name').param, field('name').form, 'Prod', ctx)).toBe(
      'Must match the pattern ^[a-z]+$',
    );
    expect(fieldProblem(field('replicas').param, field('replicas').form, 9, ctx)).toBe(
      'Must be at most 5',
    );
    expect(fieldProblem(field('replicas').param, field('replicas').form, '-', ctx)).toBe(
      'Must be a number',
    );
    expect(fieldProblem(field('password').param, field('password').form, 'short', ctx)).toBe(
      'Must be at least 8 characters',
    );
    expect(
      fieldProblem(field('extra').param, field('extra').form, [HOST_A, HOST_B, HOST_A], ctx),
    ).toMatch(/at most 2/);
  });

  it('lists the problems of every visible field', () => {
    const state = { ...initialFormState(parsed.form), name: 'ok', password: 'long-enough' };
    expect(formProblems(parsed, state, NEW_CLUSTER_CONTEXT)).toEqual({ size: REQUIRED });
  });
});

describe('values', () => {
  const state = {
    ...initialFormState(parsed.form),
    name: 'prod',
    size: { cpu: 2 },
    password: 'secret-password',
    host: HOST_A,
  };

  it('sends numbers, select values and records; leaves empty inputs out', () => {
    expect(submitValues(parsed.form, state, NEW_CLUSTER_CONTEXT, records)).toEqual({
      name: 'prod',
      replicas: 3,
      ha: false,
      channel: 'Stable',
      size: { cpu: 2 },
      password: 'secret-password',
      host: { host: '10.0.0.1', name: 'a', [RECORD_ID_KEY]: HOST_A },
    });
  });

  it('sends null for a stored secret left empty (keep it), the typed value to replace it', () => {
    const edit = { storedSecrets: new Set(['password']), lockedKeys: new Set<string>() };
    expect(submitValues(parsed.form, { ...state, password: '' }, edit, records).password).toBe(
      null,
    );
    expect(
      submitValues(parsed.form, { ...state, password: 'new-one!!' }, edit, records).password,
    ).toBe('new-one!!');
  });

  it('previews with defaults, the records autoselect would pick and placeholders for secrets', () => {
    const edit = { storedSecrets: new Set(['password']), lockedKeys: new Set<string>() };
    const preview = previewValues(
      parsed,
      { ...state, password: '', host: null },
      edit,
      records,
      () => [...records.values()],
    );
    expect(preview.prefix).toBe('dev');
    expect(preview.kind).toBe('Static');
    expect(preview.password).toBe('<secret:password>');
    expect(preview.host).toEqual({ host: '10.0.0.1', name: 'a', [RECORD_ID_KEY]: HOST_A });
    expect(preview.extra).toBeUndefined();
  });
});

describe('helpers', () => {
  it('labels records by their identifier fields, never by passwords', () => {
    const schema = parseForm([
      { key: 'ip', type: 'string', title: 'IP', identifier: true },
      { key: 'name', type: 'string', title: 'Name', identifier: true },
      { key: 'rack', type: 'string', title: 'Rack' },
    ]).items;
    expect(recordLabel(schema, { ip: '10.0.0.1', name: 'a', rack: 'r1' })).toBe('10.0.0.1, a');
    const unmarked = parseForm([
      { key: 'login', type: 'string', title: 'Login' },
      { key: 'password', type: 'string', title: 'Password', format: 'password' },
      { key: 'age', type: 'number', title: 'Age' },
      { key: 'note', type: 'string', title: 'Note', identifier: false },
    ]).items;
    expect(recordLabel(unmarked, { login: 'John', password: 'x', age: 42, note: 'n' })).toBe(
      'John, 42',
    );
  });

  it('maps 422 details to fields, and the rest to the form', () => {
    expect(
      serverProblems(
        [
          { path: 'name', message: 'Already used by cluster "a"' },
          { path: 'host', message: 'Record is used by another cluster' },
          { path: 'gone', message: 'Unknown parameter' },
        ],
        new Set(['name', 'host']),
      ),
    ).toEqual({
      name: 'Already used by cluster "a"',
      host: 'Record is used by another cluster',
      '': 'gone: Unknown parameter',
    });
  });
});

describe('parseForm in a language', () => {
  const params = [
    { header: 'Masters', i18n: { ru: { header: 'Master-узлы' } } },
    { key: 'cores', type: 'number', title: 'CPU cores', i18n: { ru: { title: 'Ядра CPU' } } },
  ];

  it('labels the form in the language and shares the parsed items between languages', () => {
    const en = parseForm(params, 'en');
    const ru = parseForm(params, 'ru');
    expect(en.form.fields[0]?.label).toBe('CPU cores');
    expect(ru.form.fields[0]?.label).toBe('Ядра CPU');
    expect(ru.form.rows[0]?.items[0]).toMatchObject({ kind: 'header', title: 'Master-узлы' });
    expect(ru.items).toBe(en.items);
    expect(parseForm(params, 'ru')).toBe(ru);
  });
});
