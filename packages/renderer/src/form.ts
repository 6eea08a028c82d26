// The form a params schema describes, laid out as Commander draws it: rows 4 units wide, headers
// on their own row. The web UI draws this without knowing the schema rules.

import type { EnumValue, ParamField, ParamFormat, ParamItem } from './params.js';

/** Width of a form row in span units. */
export const FORM_ROW_UNITS = 4;

/** How a field is edited. */
export type FormWidget =
  'text' | 'textarea' | 'password' | 'number' | 'switch' | 'select' | 'catalog' | 'date-time';

/** One choice of a select widget; `value` is what the field's value becomes. */
export type FormOption = { label: string; value: unknown };

/** A header row. */
export type FormHeader = { kind: 'header'; title: string; span: typeof FORM_ROW_UNITS };

/** A field as the form shows it. */
export type FormField = {
  kind: 'field';
  key: string;
  widget: FormWidget;
  label: string;
  description?: string;
  /** The default, as text, for the input's placeholder. */
  placeholder?: string;
  /** The field's default value (applied when an optional field is left empty). */
  defaultValue?: unknown;
  /**
   * What the input starts with: the default for switches and selects (a placeholder cannot show
   * them; switches start at false without one), nothing for text-like inputs, whose placeholder
   * shows the default instead.
   */
  initialValue?: unknown;
  /** The user must fill it (not optional, not hidden). */
  required: boolean;
  /** 1–4 units of the row. */
  span: number;
  hidden: boolean;
  /** Cannot change once set: disable the input when editing a cluster whose value is set. */
  immutable: boolean;
  /** A `format: password` value: mask it, never echo it. */
  secret: boolean;
  /** The value is a list (multi-select, multi-record catalog picker). */
  multiple: boolean;
  minItems?: number;
  maxItems?: number;
  /** For `select` widgets. */
  options?: FormOption[];
  /** For `catalog` widgets. */
  catalog?: { slug: string; autoselect: boolean };
  /** Input hints for text-like widgets (url, email, ipv4…); validation is the values schema's. */
  format?: ParamFormat;
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
};

/** A row of the form; its items' spans add up to at most {@link FORM_ROW_UNITS}. */
export type FormRow = { items: (FormHeader | FormField)[] };

/** What {@link describeForm} returns. */
export type FormDescription = {
  /** Visible items laid out in rows. Hidden fields take no space and are not in any row. */
  rows: FormRow[];
  /** Every field, hidden ones included, in schema order. */
  fields: FormField[];
};

// Text fields whose key names a key, certificate or document get a multi-line input (an SSH
// private key cannot be typed into a one-line box); so do fields whose default is multi-line.
const MULTILINE_KEY = /(key|cert|certificate|ca|bundle|json|yaml|script)$/i;

function widgetOf(field: ParamField): FormWidget {
  if (field.catalog !== undefined) {
    return 'catalog';
  }
  if (field.enum !== undefined || field.select !== undefined) {
    return 'select';
  }
  switch (field.type) {
    case 'number':
      return 'number';
    case 'boolean':
      return 'switch';
    default:
      break;
  }
  if (field.format === 'password') {
    return 'password';
  }
  if (field.format === 'date-time') {
    return 'date-time';
  }
  const multilineDefault = typeof field.default === 'string' && field.default.includes('\n');
  if (
    field.format === undefined &&
    field.pattern === undefined &&
    (multilineDefault || MULTILINE_KEY.test(field.key))
  ) {
    return 'textarea';
  }
  return 'text';
}

function placeholderOf(value: unknown): string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function optionsOf(field: ParamField): FormOption[] | undefined {
  if (field.enum !== undefined) {
    return field.enum.map((v: EnumValue) => ({ label: String(v), value: v }));
  }
  if (field.select !== undefined) {
    return field.select.map((o) => ({ label: o.text, value: o.value }));
  }
  return undefined;
}

/** Options of {@link describeForm}. */
export type FormOptions = {
  /**
   * Language of the form (`ru`, `en`…): titles, descriptions and headers use the schema's
   * `i18n` translation for it when there is one, the plain text otherwise.
   */
  language?: string;
};

/** The base language code of a locale (`ru-RU` → `ru`). */
function baseLanguage(language: string | undefined): string | undefined {
  return language?.toLowerCase().split(/[-_]/)[0];
}

function describeField(field: ParamField, language: string | undefined): FormField {
  const widget = widgetOf(field);
  const multiple = field.minItems !== undefined || field.maxItems !== undefined;
  const translation = language === undefined ? undefined : field.i18n?.[language];
  const out: FormField = {
    kind: 'field',
    key: field.key,
    widget,
    label: translation?.title ?? field.title,
    required: !field.optional && !field.hidden,
    span: field.span,
    hidden: field.hidden,
    immutable: field.immutable,
    secret: field.format === 'password',
    multiple,
  };
  const description = translation?.description ?? field.description;
  if (description !== undefined) {
    out.description = description;
  }
  if (field.default !== undefined) {
    out.defaultValue = field.default;
    // A secret's default is not echoed into the page as a placeholder.
    if (field.format !== 'password') {
      const placeholder = placeholderOf(field.default);
      if (placeholder !== undefined) {
        out.placeholder = placeholder;
      }
    }
  }
  if (widget === 'switch') {
    out.initialValue = field.default ?? false;
  } else if (widget === 'select' && field.default !== undefined) {
    out.initialValue = field.default;
  }
  const options = optionsOf(field);
  if (options !== undefined) {
    out.options = options;
  }
  if (field.catalog !== undefined) {
    out.catalog = { slug: field.catalog, autoselect: field.autoselect };
  }
  for (const prop of ['minItems', 'maxItems', 'min', 'max', 'minLength', 'maxLength'] as const) {
    const v = field[prop];
    if (v !== undefined) {
      out[prop] = v;
    }
  }
  if (field.format !== undefined) {
    out.format = field.format;
  }
  if (field.pattern !== undefined) {
    out.pattern = field.pattern;
  }
  return out;
}

/**
 * Describes the form of a params schema: each field's widget (catalog picker, select for
 * `enum`/`select`, switch, number, password, date-time, textarea or text), label, description,
 * placeholder (the default), required flag and constraints, laid out in rows of 4 units.
 * A header fills a row; a field that does not fit in what is left of the row starts a new one.
 * With `options.language`, texts come from the schema's `i18n` translations where present.
 */
export function describeForm(
  items: readonly ParamItem[],
  options: FormOptions = {},
): FormDescription {
  const language = baseLanguage(options.language);
  const rows: FormRow[] = [];
  const fields: FormField[] = [];
  let current: FormRow | null = null;
  let used = 0;
  for (const item of items) {
    if (item.kind === 'header') {
      const title =
        (language === undefined ? undefined : item.i18n?.[language]?.header) ?? item.header;
      rows.push({ items: [{ kind: 'header', title, span: FORM_ROW_UNITS }] });
      current = null;
      continue;
    }
    const field = describeField(item, language);
    fields.push(field);
    if (field.hidden) {
      continue;
    }
    if (current === null || used + field.span > FORM_ROW_UNITS) {
      current = { items: [] };
      rows.push(current);
      used = 0;
    }
    current.items.push(field);
    used += field.span;
  }
  return { rows, fields };
}
