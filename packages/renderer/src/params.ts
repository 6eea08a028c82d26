// The input-parameter schema (`params`): Commander's YAML list of fields and `{header}` separators
// (TEMPLATES.md; commander-product.md §2.5). Parsing checks the schema itself, so a template
// author sees every mistake with the item and the line, before any value is validated.

import { LineCounter, parseDocument } from 'yaml';

import { fieldValueSchema } from './field-schema.js';
import { patternProblem } from './pattern.js';
import { deepEqual, describeValue, isRecord, typeName } from './util.js';
import { lineOfPath, type YamlSource } from './yaml-source.js';

/** Value types a (non-catalog) field may declare. */
export const PARAM_TYPES = ['string', 'number', 'boolean'] as const;
/** A field's value type. */
export type ParamType = (typeof PARAM_TYPES)[number];

/** Formats a `type: string` field may declare (Commander's list plus `ipv4` from its catalog example). */
export const PARAM_FORMATS = [
  'password',
  'date-time',
  'url',
  'email',
  'uuid',
  'cuid',
  'cuid2',
  'ulid',
  'emoji',
  'ipv4',
] as const;
/** A string field's format. */
export type ParamFormat = (typeof PARAM_FORMATS)[number];

/**
 * Names the platform passes to every section (TEMPLATES.md). A field may not use one as its key:
 * the special value would silently replace the user's.
 */
export const SPECIAL_VARIABLE_NAMES = [
  'dc_sshPublicKey',
  'dc_sshPrivateKey',
  'dc_clusterUUID',
  'dc_domain',
  'dc_caBundle',
  'dc_registryImagesRepo',
  'dc_registryScheme',
  'dc_registryCA',
  'dc_registryDockerCfg',
  'dc_registryMode',
] as const;

/** The key a catalog record carries inside cluster values (commander-product.md §2.6). */
export const RECORD_ID_KEY = 'x-commander-record-id';

/** An enum value: a scalar. */
export type EnumValue = string | number | boolean;

/** One choice of a `select` field: the label shown and the value passed to the template. */
export type SelectOption = { text: string; value: unknown };

/**
 * Translations of a field's title and description, by language code (`ru`, `en`…). The plain
 * `title`/`description` stay the canonical text (the audit shows `title`); a form drawn in a
 * language uses its translation when there is one. A Commander extension: other tools ignore it.
 */
export type FieldTranslations = Record<string, { title?: string; description?: string }>;

/** Translations of a header's text, by language code. */
export type HeaderTranslations = Record<string, { header: string }>;

/** A `{header: "…"}` separator in the form. */
export type ParamHeader = {
  kind: 'header';
  /** Position in the params list. */
  index: number;
  header: string;
  i18n?: HeaderTranslations;
};

/**
 * An input field. Optional properties are absent when the schema does not set them; booleans and
 * `span` carry their defaults.
 */
export type ParamField = {
  kind: 'field';
  /** Position in the params list. */
  index: number;
  /** The name templates use: `{{ .key }}`. */
  key: string;
  /** Shown in the form and in the audit. */
  title: string;
  /** Absent for catalog fields and for untyped `enum`/`select` fields. */
  type?: ParamType;
  description?: string;
  /** Used when an optional field is left empty; always shown as the placeholder. */
  default?: unknown;
  format?: ParamFormat;
  /** Width in the 4-unit form row, 1–4 (default 1). */
  span: number;
  /** Empty values are allowed and not passed to the template (default false). */
  optional: boolean;
  /** Cannot change once it has a value (default false). */
  immutable: boolean;
  /** Not shown in the form; never required (default false). */
  hidden: boolean;
  /** Unique among the workspace's clusters, or within a catalog for record schemas (default false). */
  unique: boolean;
  /** For record schemas: whether the field is part of the record's one-line representation. */
  identifier?: boolean;
  enum?: EnumValue[];
  select?: SelectOption[];
  /** Catalog slug: the value is a record (or a list of records with minItems/maxItems). */
  catalog?: string;
  /** With maxItems, turns the field into a list. */
  minItems?: number;
  maxItems?: number;
  /** Catalog fields: pick unused records automatically (default false). */
  autoselect: boolean;
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  /** A JavaScript regular expression the whole value must match. */
  pattern?: string;
  /** Title and description in other languages. */
  i18n?: FieldTranslations;
};

/** One entry of the params list. */
export type ParamItem = ParamHeader | ParamField;

/** A problem in the params schema itself. */
export type ParamsError = {
  /** Item position in the list; null for errors about the whole schema (YAML syntax, not a list). */
  index: number | null;
  /** The property at fault, when one is. */
  property: string | null;
  /** 1-based line in the YAML source; null for parsed-JSON input or when unknown. */
  line: number | null;
  message: string;
};

/** What {@link parseParams} returns: usable items (best effort) and every schema error. */
export type ParsedParams = {
  /**
   * Items that could be read. An item with errors is kept when its key (or header) is usable,
   * without the invalid properties, so a form can still be drawn while the author fixes it.
   */
  fields: ParamItem[];
  errors: ParamsError[];
};

const FIELD_PROPERTIES = new Set([
  'key',
  'type',
  'title',
  'description',
  'default',
  'format',
  'span',
  'optional',
  'immutable',
  'enum',
  'select',
  'catalog',
  'minItems',
  'maxItems',
  'autoselect',
  'min',
  'max',
  'minLength',
  'maxLength',
  'pattern',
  'identifier',
  'unique',
  'hidden',
  'i18n',
]);

const BOOLEAN_PROPERTIES = [
  'optional',
  'immutable',
  'hidden',
  'unique',
  'identifier',
  'autoselect',
] as const;

// Keys are used as `{{ .key }}`, so they must be usable as Go field names (hyphens are allowed
// for `index . "my-key"` access, as some templates do).
const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Parses and checks an input-parameter schema.
 *
 * Accepts the YAML text of the `params` section (errors then carry source lines) or the already
 * parsed list (as the API stores it). Checks: every item is a field or `{header}`; `key` and
 * `title` are present; keys are unique, well-formed and not special variable names; no unknown
 * properties; every property has the right type and range; contradictory combinations (`enum`
 * with `select`, `minItems` without `maxItems`, `type` on a catalog field, no `type` on a plain
 * field, string rules on numbers…); `pattern` compiles as an RE2 regex (no lookarounds or
 * backreferences); `default` satisfies
 * the field's own rules.
 *
 * An empty text (or a YAML `null`) is an empty schema.
 */
export function parseParams(input: string | unknown[]): ParsedParams {
  const errors: ParamsError[] = [];
  let list: unknown;
  let source: YamlSource | null = null;
  if (typeof input === 'string') {
    const lineCounter = new LineCounter();
    const doc = parseDocument(input, { lineCounter, prettyErrors: false });
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        errors.push({
          index: null,
          property: null,
          line: lineCounter.linePos(err.pos[0]).line,
          message: `YAML: ${err.message}`,
        });
      }
      return { fields: [], errors };
    }
    source = { doc, lineCounter };
    list = doc.toJS({ maxAliasCount: 100 }) as unknown;
  } else {
    list = input;
  }
  if (list === null || list === undefined) {
    return { fields: [], errors };
  }
  if (!Array.isArray(list)) {
    errors.push({
      index: null,
      property: null,
      line: source ? lineOfPath(source, []) : null,
      message: `params must be a list of fields and headers, got ${typeName(list)}`,
    });
    return { fields: [], errors };
  }

  const fields: ParamItem[] = [];
  const seenKeys = new Map<string, number>();
  list.forEach((raw: unknown, index) => {
    const itemErrors: ParamsError[] = [];
    const fail = (property: string | null, message: string): void => {
      const path = property === null ? [index] : [index, property];
      itemErrors.push({ index, property, line: source ? lineOfPath(source, path) : null, message });
    };
    const item = readItem(raw, index, fail, seenKeys);
    errors.push(...itemErrors);
    if (item !== null) {
      fields.push(item);
    }
  });
  return { fields, errors };
}

type Fail = (property: string | null, message: string) => void;

function readItem(
  raw: unknown,
  index: number,
  fail: Fail,
  seenKeys: Map<string, number>,
): ParamItem | null {
  if (!isRecord(raw)) {
    fail(
      null,
      `item ${index + 1} must be a mapping (a field or a {header: …}), got ${typeName(raw)}`,
    );
    return null;
  }
  if ('header' in raw) {
    return readHeader(raw, index, fail);
  }
  return readField(raw, index, fail, seenKeys);
}

// Language codes of translations: ISO 639-1, as the web UI's languages.
const LANGUAGE_PATTERN = /^[a-z]{2}$/;

/**
 * Reads an `i18n` mapping: language code → mapping of the allowed text properties. Returns null
 * (after reporting) when it is malformed.
 */
function readTranslations(
  raw: unknown,
  allowed: readonly string[],
  required: readonly string[],
  fail: (message: string) => void,
): Record<string, Record<string, string>> | null {
  if (!isRecord(raw)) {
    fail(`i18n must be a mapping of language codes (e.g. ru) to texts, got ${typeName(raw)}`);
    return null;
  }
  const out: Record<string, Record<string, string>> = {};
  let ok = true;
  for (const [language, texts] of Object.entries(raw)) {
    if (!LANGUAGE_PATTERN.test(language)) {
      fail(`i18n: "${language}" is not a two-letter language code such as ru or en`);
      ok = false;
      continue;
    }
    if (!isRecord(texts)) {
      fail(`i18n.${language} must be a mapping of ${allowed.join(', ')}, got ${typeName(texts)}`);
      ok = false;
      continue;
    }
    const entry: Record<string, string> = {};
    for (const [prop, text] of Object.entries(texts)) {
      if (!allowed.includes(prop)) {
        fail(`i18n.${language}: unknown property "${prop}" (allowed: ${allowed.join(', ')})`);
        ok = false;
      } else if (typeof text !== 'string' || text.trim() === '') {
        fail(`i18n.${language}.${prop} must be a non-empty string`);
        ok = false;
      } else {
        entry[prop] = text;
      }
    }
    for (const prop of required) {
      if (entry[prop] === undefined && isRecord(texts) && texts[prop] === undefined) {
        fail(`i18n.${language}.${prop} is required`);
        ok = false;
      }
    }
    out[language] = entry;
  }
  return ok ? out : null;
}

function readHeader(raw: Record<string, unknown>, index: number, fail: Fail): ParamHeader | null {
  for (const prop of Object.keys(raw)) {
    if (prop !== 'header' && prop !== 'i18n') {
      fail(prop, `header items take only "header" and "i18n"; unknown property "${prop}"`);
    }
  }
  if (typeof raw.header !== 'string' || raw.header.trim() === '') {
    fail('header', 'header must be a non-empty string');
    return null;
  }
  const header: ParamHeader = { kind: 'header', index, header: raw.header };
  if (raw.i18n !== undefined) {
    const translations = readTranslations(raw.i18n, ['header'], ['header'], (m) =>
      fail('i18n', `header "${raw.header as string}": ${m}`),
    );
    if (translations) {
      header.i18n = translations as HeaderTranslations;
    }
  }
  return header;
}

function readField(
  raw: Record<string, unknown>,
  index: number,
  fail: Fail,
  seenKeys: Map<string, number>,
): ParamField | null {
  let errorCount = 0;
  const label = typeof raw.key === 'string' ? `"${raw.key}"` : `item ${index + 1}`;
  const err = (property: string | null, message: string): void => {
    errorCount += 1;
    fail(property, `${label}: ${message}`);
  };

  for (const prop of Object.keys(raw)) {
    if (!FIELD_PROPERTIES.has(prop)) {
      err(prop, `unknown property "${prop}"`);
    }
  }

  // key
  let key: string | null = null;
  if (raw.key === undefined) {
    err(null, 'key is required');
  } else if (typeof raw.key !== 'string' || !KEY_PATTERN.test(raw.key)) {
    err(
      'key',
      `key must be a name of letters, digits, "_" or "-" starting with a letter or "_", got ${describeValue(raw.key)}`,
    );
  } else if ((SPECIAL_VARIABLE_NAMES as readonly string[]).includes(raw.key)) {
    err('key', `key "${raw.key}" is a special variable the platform sets; choose another key`);
  } else if (seenKeys.has(raw.key)) {
    err(
      'key',
      `duplicate key "${raw.key}" (first used by item ${(seenKeys.get(raw.key) ?? 0) + 1})`,
    );
  } else {
    key = raw.key;
    seenKeys.set(key, index);
  }

  // title
  let title = '';
  if (raw.title === undefined) {
    err(null, 'title is required');
  } else if (typeof raw.title !== 'string' || raw.title.trim() === '') {
    err('title', 'title must be a non-empty string');
  } else {
    title = raw.title;
  }

  const field: ParamField = {
    kind: 'field',
    index,
    key: key ?? '',
    title,
    span: 1,
    optional: false,
    immutable: false,
    hidden: false,
    unique: false,
    autoselect: false,
  };

  if (raw.description !== undefined) {
    if (typeof raw.description === 'string') {
      field.description = raw.description;
    } else {
      err('description', 'description must be a string');
    }
  }

  if (raw.i18n !== undefined) {
    const translations = readTranslations(raw.i18n, ['title', 'description'], [], (m) =>
      err('i18n', m),
    );
    if (translations) {
      field.i18n = translations;
    }
  }

  for (const prop of BOOLEAN_PROPERTIES) {
    const v = raw[prop];
    if (v === undefined) {
      continue;
    }
    if (typeof v !== 'boolean') {
      err(prop, `${prop} must be true or false, got ${describeValue(v)}`);
    } else {
      field[prop] = v;
    }
  }

  if (raw.span !== undefined) {
    if (
      typeof raw.span === 'number' &&
      Number.isInteger(raw.span) &&
      raw.span >= 1 &&
      raw.span <= 4
    ) {
      field.span = raw.span;
    } else {
      err('span', `span must be an integer from 1 to 4, got ${describeValue(raw.span)}`);
    }
  }

  if (raw.type !== undefined) {
    if ((PARAM_TYPES as readonly unknown[]).includes(raw.type)) {
      field.type = raw.type as ParamType;
    } else {
      err('type', `type must be one of string, number, boolean, got ${describeValue(raw.type)}`);
    }
  }

  if (raw.format !== undefined) {
    if ((PARAM_FORMATS as readonly unknown[]).includes(raw.format)) {
      field.format = raw.format as ParamFormat;
    } else {
      err(
        'format',
        `format must be one of ${PARAM_FORMATS.join(', ')}, got ${describeValue(raw.format)}`,
      );
    }
  }

  if (raw.catalog !== undefined) {
    if (typeof raw.catalog === 'string' && raw.catalog.trim() !== '') {
      field.catalog = raw.catalog;
    } else {
      err('catalog', 'catalog must be a catalog slug (a non-empty string)');
    }
  }

  if (raw.enum !== undefined) {
    const values = readEnum(raw.enum, field.type, (m) => err('enum', m));
    if (values) {
      field.enum = values;
    }
  }

  if (raw.select !== undefined) {
    const options = readSelect(raw.select, field.type, (m) => err('select', m));
    if (options) {
      field.select = options;
    }
  }

  for (const prop of ['min', 'max'] as const) {
    const v = raw[prop];
    if (v === undefined) {
      continue;
    }
    if (typeof v === 'number' && Number.isFinite(v)) {
      field[prop] = v;
    } else {
      err(prop, `${prop} must be a number, got ${describeValue(v)}`);
    }
  }
  for (const prop of ['minLength', 'maxLength', 'minItems', 'maxItems'] as const) {
    const v = raw[prop];
    if (v === undefined) {
      continue;
    }
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) {
      field[prop] = v;
    } else {
      err(prop, `${prop} must be a non-negative integer, got ${describeValue(v)}`);
    }
  }

  if (raw.pattern !== undefined) {
    if (typeof raw.pattern !== 'string' || raw.pattern === '') {
      err('pattern', 'pattern must be a non-empty string (an RE2 regular expression)');
    } else {
      const problem = patternProblem(raw.pattern);
      if (problem === null) {
        field.pattern = raw.pattern;
      } else {
        err('pattern', problem);
      }
    }
  }

  // Combinations. Checked on what was read, so one bad property gives one error, not a cascade.
  const isCatalog = field.catalog !== undefined;
  const hasChoices = field.enum !== undefined || field.select !== undefined;
  if (field.enum !== undefined && field.select !== undefined) {
    err('select', 'enum and select cannot be combined; use one of them');
  }
  if (isCatalog) {
    for (const prop of [
      'type',
      'enum',
      'select',
      'format',
      'min',
      'max',
      'minLength',
      'maxLength',
      'pattern',
      'default',
    ] as const) {
      if (raw[prop] !== undefined) {
        err(prop, `${prop} does not apply to a catalog field (its value is a record)`);
      }
    }
  } else if (raw.type === undefined && !hasChoices) {
    err(
      null,
      'type is required (string, number or boolean) unless the field is a catalog, enum or select',
    );
  }
  if (raw.autoselect !== undefined && !isCatalog) {
    err('autoselect', 'autoselect applies only to catalog fields');
  }
  if ((raw.minItems === undefined) !== (raw.maxItems === undefined)) {
    err(
      raw.minItems === undefined ? 'maxItems' : 'minItems',
      'minItems and maxItems must be set together (both turn the field into a list)',
    );
  } else if (raw.minItems !== undefined) {
    if (!isCatalog && !hasChoices) {
      err('minItems', 'minItems/maxItems apply only to catalog, enum or select fields');
    }
    if (field.minItems !== undefined && field.maxItems !== undefined) {
      if (field.maxItems < 1) {
        err('maxItems', 'maxItems must be at least 1');
      } else if (field.minItems > field.maxItems) {
        err(
          'minItems',
          `minItems (${field.minItems}) is greater than maxItems (${field.maxItems})`,
        );
      }
    }
  }
  if (!isCatalog) {
    for (const prop of ['min', 'max'] as const) {
      if (raw[prop] !== undefined && field.type !== 'number') {
        err(prop, `${prop} applies only to type: number`);
      }
    }
    for (const prop of ['minLength', 'maxLength', 'pattern', 'format'] as const) {
      if (raw[prop] !== undefined && field.type !== 'string') {
        err(prop, `${prop} applies only to type: string`);
      }
    }
  }
  if (field.min !== undefined && field.max !== undefined && field.min > field.max) {
    err('min', `min (${field.min}) is greater than max (${field.max})`);
  }
  if (
    field.minLength !== undefined &&
    field.maxLength !== undefined &&
    field.minLength > field.maxLength
  ) {
    err(
      'minLength',
      `minLength (${field.minLength}) is greater than maxLength (${field.maxLength})`,
    );
  }

  // The default must be a valid value of the field itself; checked last, on a sound field only.
  if (raw.default !== undefined && !isCatalog) {
    if (errorCount === 0) {
      const result = fieldValueSchema(field).safeParse(raw.default);
      if (result.success) {
        field.default = raw.default;
      } else {
        const reason = result.error.issues[0]?.message ?? 'invalid';
        err('default', `default ${describeValue(raw.default)} is not a valid value: ${reason}`);
      }
    }
  }

  return key === null ? null : field;
}

function readEnum(
  raw: unknown,
  type: ParamType | undefined,
  err: (message: string) => void,
): EnumValue[] | null {
  if (!Array.isArray(raw) || raw.length === 0) {
    err('enum must be a non-empty list of values');
    return null;
  }
  const values: EnumValue[] = [];
  let ok = true;
  raw.forEach((v: unknown, i) => {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      err(`enum value ${i + 1} must be a string, number or boolean, got ${typeName(v)}`);
      ok = false;
    } else if (type !== undefined && typeof v !== type) {
      err(`enum value ${describeValue(v)} is not a ${type} (the field's type)`);
      ok = false;
    } else if (values.includes(v)) {
      err(`enum value ${describeValue(v)} is listed twice`);
      ok = false;
    } else {
      values.push(v);
    }
  });
  return ok ? values : null;
}

function readSelect(
  raw: unknown,
  type: ParamType | undefined,
  err: (message: string) => void,
): SelectOption[] | null {
  if (!Array.isArray(raw) || raw.length === 0) {
    err('select must be a non-empty list of {text, value} options');
    return null;
  }
  const options: SelectOption[] = [];
  let ok = true;
  raw.forEach((o: unknown, i) => {
    const n = i + 1;
    if (!isRecord(o)) {
      err(`select option ${n} must be a mapping {text, value}`);
      ok = false;
      return;
    }
    const extra = Object.keys(o).filter((k) => k !== 'text' && k !== 'value');
    if (extra.length > 0) {
      err(`select option ${n} has unknown properties: ${extra.join(', ')}`);
      ok = false;
    }
    if (typeof o.text !== 'string' || o.text === '') {
      err(`select option ${n} needs a non-empty text`);
      ok = false;
    }
    if (o.value === undefined || o.value === null) {
      err(`select option ${n} needs a value`);
      ok = false;
    } else if (type !== undefined && typeof o.value !== type) {
      err(`select option ${n} value ${describeValue(o.value)} is not a ${type} (the field's type)`);
      ok = false;
    } else if (options.some((p) => deepEqual(p.value, o.value))) {
      err(`select option ${n} repeats the value ${describeValue(o.value)}`);
      ok = false;
    }
    if (ok) {
      options.push({ text: o.text as string, value: o.value });
    }
  });
  return ok ? options : null;
}

/** Whether the field holds a secret (`format: password`): encrypted at rest, masked in the API and UI. */
export function isSecretField(field: ParamItem): field is ParamField {
  return field.kind === 'field' && field.format === 'password';
}

/** Keys of the secret (`format: password`) fields, in schema order. */
export function secretKeys(items: readonly ParamItem[]): string[] {
  return items.filter(isSecretField).map((f) => f.key);
}

/** The fields of a params list, without headers. */
export function paramFields(items: readonly ParamItem[]): ParamField[] {
  return items.filter((i): i is ParamField => i.kind === 'field');
}

/** Whether the field's value is a list (`minItems`/`maxItems` set). */
export function isMultiValueField(field: ParamField): boolean {
  return field.minItems !== undefined || field.maxItems !== undefined;
}
