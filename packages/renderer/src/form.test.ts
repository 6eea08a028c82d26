import { describe, expect, it } from 'vitest';

import { STATIC_PARAMS } from '../test/fixtures.js';
import { describeForm, type FormField, type FormRow, parseParams } from './index.js';

function form(items: unknown[] | string): ReturnType<typeof describeForm> {
  const { fields, errors } = parseParams(items);
  expect(errors).toEqual([]);
  return describeForm(fields);
}

function layout(rows: FormRow[]): string[][] {
  return rows.map((r) =>
    r.items.map((i) => (i.kind === 'header' ? `#${i.title}` : `${i.key}:${i.span}`)),
  );
}

function byKey(fields: FormField[], key: string): FormField {
  const f = fields.find((x) => x.key === key);
  if (!f) {
    throw new Error(`no ${key}`);
  }
  return f;
}

describe('describeForm: layout', () => {
  it('puts headers on their own row and flows fields into rows of 4 units', () => {
    const { rows } = form(STATIC_PARAMS);
    expect(layout(rows)).toEqual([
      ['#Cluster'],
      ['kubernetesVersion:1', 'podSubnetCIDR:1'],
      ['#SSH access'],
      ['sshUser:2', 'sshPort:1'],
      ['sshPrivateKey:4'],
      ['masterHosts:1'],
    ]);
  });

  it('starts a new row when a field does not fit', () => {
    const { rows } = form([
      { key: 'a', type: 'string', title: 'A', span: 3 },
      { key: 'b', type: 'string', title: 'B', span: 2 },
      { key: 'c', type: 'string', title: 'C', span: 2 },
      { key: 'd', type: 'string', title: 'D' },
      { key: 'e', type: 'string', title: 'E' },
    ]);
    expect(layout(rows)).toEqual([['a:3'], ['b:2', 'c:2'], ['d:1', 'e:1']]);
  });

  it('keeps hidden fields out of the rows but lists them', () => {
    const { rows, fields } = form([
      { key: 'a', type: 'string', title: 'A', span: 2 },
      { key: 'secretFlag', type: 'boolean', title: 'S', hidden: true, span: 4 },
      { key: 'b', type: 'string', title: 'B', span: 2 },
    ]);
    expect(layout(rows)).toEqual([['a:2', 'b:2']]);
    expect(fields.map((f) => [f.key, f.hidden, f.required])).toEqual([
      ['a', false, true],
      ['secretFlag', true, false],
      ['b', false, true],
    ]);
  });
});

describe('describeForm: widgets and properties', () => {
  it('chooses a widget for each kind of field', () => {
    const { fields } = form([
      { key: 'name', type: 'string', title: 'Name' },
      { key: 'password', type: 'string', format: 'password', title: 'Password' },
      { key: 'replicas', type: 'number', title: 'Replicas', min: 1, max: 5 },
      { key: 'enabled', type: 'boolean', title: 'Enabled' },
      { key: 'channel', title: 'Channel', enum: ['Stable', 'Alpha'], default: 'Stable' },
      { key: 'version', title: 'Version', select: [{ text: '1.28', value: { v: '1.28.0' } }] },
      { key: 'expires', type: 'string', format: 'date-time', title: 'Expires' },
      { key: 'sshPrivateKey', type: 'string', title: 'Key' },
      {
        key: 'script',
        type: 'string',
        title: 'Bootstrap',
        default: 'line 1\nline 2',
        optional: true,
      },
      { key: 'host', type: 'string', format: 'ipv4', title: 'Host' },
      { key: 'slot', title: 'Slot', catalog: 'slots', autoselect: true },
      { key: 'ips', title: 'IPs', catalog: 'ips', minItems: 1, maxItems: 3 },
    ]);
    expect(fields.map((f) => [f.key, f.widget, f.multiple])).toEqual([
      ['name', 'text', false],
      ['password', 'password', false],
      ['replicas', 'number', false],
      ['enabled', 'switch', false],
      ['channel', 'select', false],
      ['version', 'select', false],
      ['expires', 'date-time', false],
      ['sshPrivateKey', 'textarea', false],
      ['script', 'textarea', false],
      ['host', 'text', false],
      ['slot', 'catalog', false],
      ['ips', 'catalog', true],
    ]);
    expect(byKey(fields, 'slot').catalog).toEqual({ slug: 'slots', autoselect: true });
    expect(byKey(fields, 'ips')).toMatchObject({
      minItems: 1,
      maxItems: 3,
      catalog: { slug: 'ips', autoselect: false },
    });
    expect(byKey(fields, 'replicas')).toMatchObject({ min: 1, max: 5 });
    expect(byKey(fields, 'host').format).toBe('ipv4');
    expect(byKey(fields, 'password').secret).toBe(true);
  });

  it('gives select options, labels, descriptions, placeholders and initial values', () => {
    const { fields } = form([
      {
        key: 'channel',
        title: 'Update channel',
        description: 'Where updates come from',
        enum: ['Stable', 'Alpha'],
        default: 'Stable',
      },
      {
        key: 'version',
        title: 'Version',
        select: [{ text: '1.28 (beta)', value: { v: '1.28.0' } }],
      },
      { key: 'cidr', type: 'string', title: 'CIDR', default: '10.0.0.0/16', optional: true },
      { key: 'port', type: 'number', title: 'Port', default: 22, optional: true },
      { key: 'enabled', type: 'boolean', title: 'Enabled' },
      { key: 'debug', type: 'boolean', title: 'Debug', default: true },
      {
        key: 'pw',
        type: 'string',
        format: 'password',
        title: 'PW',
        default: 'changeme',
        optional: true,
      },
    ]);
    expect(byKey(fields, 'channel')).toMatchObject({
      label: 'Update channel',
      description: 'Where updates come from',
      options: [
        { label: 'Stable', value: 'Stable' },
        { label: 'Alpha', value: 'Alpha' },
      ],
      placeholder: 'Stable',
      initialValue: 'Stable',
      required: true,
    });
    expect(byKey(fields, 'version').options).toEqual([
      { label: '1.28 (beta)', value: { v: '1.28.0' } },
    ]);
    expect(byKey(fields, 'cidr')).toMatchObject({
      placeholder: '10.0.0.0/16',
      defaultValue: '10.0.0.0/16',
      required: false,
    });
    expect(byKey(fields, 'cidr').initialValue).toBeUndefined();
    expect(byKey(fields, 'port')).toMatchObject({ placeholder: '22', defaultValue: 22 });
    expect(byKey(fields, 'enabled').initialValue).toBe(false);
    expect(byKey(fields, 'debug').initialValue).toBe(true);
    // A secret default is never echoed as a placeholder.
    expect(byKey(fields, 'pw').placeholder).toBeUndefined();
  });

  it('marks immutable fields', () => {
    const { fields } = form([{ key: 'slot', title: 'Slot', catalog: 'slots', immutable: true }]);
    expect(byKey(fields, 'slot').immutable).toBe(true);
  });
});

describe('describeForm in a language', () => {
  const items = [
    { header: 'Masters', i18n: { ru: { header: 'Master-узлы' } } },
    {
      key: 'cores',
      type: 'number',
      title: 'CPU cores',
      description: 'Per master.',
      i18n: { ru: { title: 'Ядра CPU', description: 'На каждый master-узел.' } },
    },
    { key: 'image', type: 'string', title: 'Image', description: 'An image ID.' },
  ];

  it('uses the translations of the language and falls back to the plain texts', () => {
    const { fields } = parseParams(items);
    const ru = describeForm(fields, { language: 'ru-RU' });
    expect(ru.rows[0]?.items[0]).toMatchObject({ kind: 'header', title: 'Master-узлы' });
    expect(byKey(ru.fields, 'cores')).toMatchObject({
      label: 'Ядра CPU',
      description: 'На каждый master-узел.',
    });
    expect(byKey(ru.fields, 'image')).toMatchObject({
      label: 'Image',
      description: 'An image ID.',
    });
    const en = describeForm(fields, { language: 'en' });
    expect(en.rows[0]?.items[0]).toMatchObject({ title: 'Masters' });
    expect(byKey(en.fields, 'cores').label).toBe('CPU cores');
  });
});
