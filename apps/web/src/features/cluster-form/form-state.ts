// The generated cluster form's state and what it turns into: values to send (PUT/POST), values to
// render the preview with, and the per-field problems shown as the user types. Pure functions,
// tested without React.

import {
  describeForm,
  fieldValueSchema,
  type FormDescription,
  type FormField,
  type ParamField,
  paramFields,
  type ParamItem,
  parseParams,
  RECORD_ID_KEY,
  secretPlaceholder,
} from '@commander/renderer';

/** What each input holds, by field key (see {@link emptyInput} for the shapes). */
export type FormState = Record<string, unknown>;

/** A record a catalog picker offers: its id, its values and its one-line label. */
export type RecordChoice = { id: string; label: string; values: Record<string, unknown> };

/** A cluster's stored configuration, as far as the form needs it (edit mode). */
export type StoredValues = {
  values: Record<string, unknown>;
  secret_values: Record<string, { has_value: boolean }>;
};

/** Facts about the cluster being edited that change how fields behave. */
export type FormContext = {
  /** Password fields with a stored value: left empty, they keep it. */
  storedSecrets: ReadonlySet<string>;
  /** Immutable fields that already have a value: read-only. */
  lockedKeys: ReadonlySet<string>;
};

/** A create form: nothing stored, nothing locked. */
export const NEW_CLUSTER_CONTEXT: FormContext = {
  storedSecrets: new Set(),
  lockedKeys: new Set(),
};

/** The parsed params of a version and its form, computed once per params list. */
export type ParsedForm = { items: ParamItem[]; fields: ParamField[]; form: FormDescription };

const parsedCache = new WeakMap<object, Map<string, ParsedForm>>();

/**
 * Parses a params list (as the API stores it) or YAML text into items and the form layout, with
 * the titles of `language` where the schema translates them (`i18n`). Cached per list object and
 * language, so the values schema the renderer caches per items array is reused.
 */
export function parseForm(
  params: readonly Record<string, unknown>[] | string,
  language?: string,
): ParsedForm {
  const byLanguage = typeof params === 'string' ? undefined : parsedCache.get(params);
  const cached = byLanguage?.get(language ?? '');
  if (cached) {
    return cached;
  }
  // The items (and so the values schema) are shared between the languages of one list.
  const items =
    byLanguage?.values().next().value?.items ??
    parseParams(typeof params === 'string' ? params : [...params]).fields;
  const parsed = { items, fields: paramFields(items), form: describeForm(items, { language }) };
  if (typeof params !== 'string') {
    const map = byLanguage ?? new Map<string, ParsedForm>();
    map.set(language ?? '', parsed);
    parsedCache.set(params, map);
  }
  return parsed;
}

/** Empty input of a widget: '' for text-like inputs, [] for lists, null for single choices. */
export function emptyInput(field: FormField): unknown {
  if (field.multiple) {
    return [];
  }
  switch (field.widget) {
    case 'switch':
      return false;
    case 'select':
    case 'catalog':
      return null;
    default:
      return '';
  }
}

/** Commander's "empty": nothing, null, '' or an empty list. */
export function isEmptyInput(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    (Array.isArray(value) && value.length === 0)
  );
}

function recordIdOf(value: unknown): string | null {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const id = (value as Record<string, unknown>)[RECORD_ID_KEY];
    return typeof id === 'string' ? id : null;
  }
  return null;
}

/** The input of a stored value (edit mode): record ids for catalogs, '' for masked secrets. */
function inputOfStored(field: FormField, value: unknown): unknown {
  if (value === undefined || value === null) {
    return emptyInput(field);
  }
  if (field.widget === 'catalog') {
    const ids = (Array.isArray(value) ? value : [value])
      .map(recordIdOf)
      .filter((id) => id !== null);
    return field.multiple ? ids : (ids[0] ?? null);
  }
  return value;
}

/**
 * A required field starts with its default: left empty it would be refused ("Required"), so
 * the default is the sensible start. Optional fields stay empty and show the default as the
 * placeholder, since the server fills it in.
 */
function requiredDefault(field: FormField): unknown {
  return field.required && !field.secret && field.defaultValue !== undefined
    ? structuredClone(field.defaultValue)
    : undefined;
}

/**
 * The form's starting state: the cluster's values when editing (secrets empty: "unchanged"),
 * otherwise each field's initial value (defaults of switches, selects and required fields) or
 * empty.
 */
export function initialFormState(form: FormDescription, stored?: StoredValues | null): FormState {
  const state: FormState = {};
  for (const field of form.fields) {
    if (field.secret) {
      state[field.key] = '';
    } else if (stored && Object.hasOwn(stored.values, field.key)) {
      state[field.key] = inputOfStored(field, stored.values[field.key]);
    } else {
      state[field.key] = field.initialValue ?? requiredDefault(field) ?? emptyInput(field);
    }
  }
  return state;
}

/**
 * The state for another version of the form: inputs of keys both versions have are kept (what
 * the user typed survives a version switch), the others start as {@link initialFormState} does.
 */
export function carryOverState(
  form: FormDescription,
  previous: FormState,
  stored?: StoredValues | null,
): FormState {
  const initial = initialFormState(form, stored);
  for (const field of form.fields) {
    if (Object.hasOwn(previous, field.key)) {
      const value = previous[field.key];
      // An emptied input takes the new version's initial value (its default, for selects).
      if (!isEmptyInput(value) && field.multiple === Array.isArray(value)) {
        initial[field.key] = value;
      }
    }
  }
  return initial;
}

/** The edit-mode context of a cluster's stored configuration. */
export function formContextOf(form: FormDescription, stored: StoredValues | null): FormContext {
  if (!stored) {
    return NEW_CLUSTER_CONTEXT;
  }
  const storedSecrets = new Set(
    Object.entries(stored.secret_values)
      .filter(([, s]) => s.has_value)
      .map(([key]) => key),
  );
  const lockedKeys = new Set(
    form.fields
      .filter((f) => f.immutable)
      .filter((f) =>
        f.secret ? storedSecrets.has(f.key) : !isEmptyInput(stored.values[f.key] ?? null),
      )
      .map((f) => f.key),
  );
  return { storedSecrets, lockedKeys };
}

/** Whether an empty field is fine: optional, hidden, a stored secret, or an autoselect picker. */
export function mayBeEmpty(field: FormField, context: FormContext): boolean {
  return (
    !field.required ||
    (field.secret && context.storedSecrets.has(field.key)) ||
    (field.widget === 'catalog' && field.catalog?.autoselect === true)
  );
}

/** Sentinel for "this required field is empty" (the view translates it). */
export const REQUIRED = 'required';

/**
 * The problem with one input, as the user types: {@link REQUIRED}, the values schema's message
 * ("Must be at least 8 characters", "Must match the pattern …"), or null when it is fine.
 */
export function fieldProblem(
  param: ParamField,
  field: FormField,
  input: unknown,
  context: FormContext,
): string | null {
  if (isEmptyInput(input)) {
    return mayBeEmpty(field, context) ? null : REQUIRED;
  }
  if (field.widget === 'number' && typeof input !== 'number') {
    return 'Must be a number';
  }
  let value = input;
  if (field.widget === 'catalog') {
    // Record ids stand for the records: the schema checks counts and repeats.
    const ids = Array.isArray(input) ? (input as unknown[]) : [input];
    const records = ids.map((id) => ({ [RECORD_ID_KEY]: id }));
    value = field.multiple ? records : records[0];
  }
  const result = fieldValueSchema(param).safeParse(value);
  return result.success ? null : (result.error.issues[0]?.message ?? 'Invalid value');
}

/** Problems of every visible input, by key. */
export function formProblems(
  parsed: ParsedForm,
  state: FormState,
  context: FormContext,
): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const param of parsed.fields) {
    const field = parsed.form.fields.find((f) => f.key === param.key);
    if (!field || field.hidden) {
      continue;
    }
    const problem = fieldProblem(param, field, state[param.key], context);
    if (problem !== null) {
      problems[param.key] = problem;
    }
  }
  return problems;
}

function recordValue(id: string, records: ReadonlyMap<string, RecordChoice>): unknown {
  const record = records.get(id);
  return { ...(record?.values ?? {}), [RECORD_ID_KEY]: id };
}

/**
 * The values to send: empty inputs left out (a stored secret left empty is sent as null, which
 * keeps it), numbers as numbers, catalog choices as records (`{…values, x-commander-record-id}`).
 * Hidden fields are sent as stored (edit) or left to their defaults (create).
 */
export function submitValues(
  form: FormDescription,
  state: FormState,
  context: FormContext,
  records: ReadonlyMap<string, RecordChoice>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of form.fields) {
    const input = state[field.key];
    if (isEmptyInput(input)) {
      if (field.secret && context.storedSecrets.has(field.key)) {
        values[field.key] = null;
      }
      continue;
    }
    if (field.widget === 'catalog') {
      values[field.key] = Array.isArray(input)
        ? input.map((id) => recordValue(String(id), records))
        : recordValue(String(input), records);
      continue;
    }
    values[field.key] = input;
  }
  return values;
}

/**
 * The values the live preview renders with: as sent, then with what the server would fill in —
 * defaults of empty optional and hidden fields, free records for empty `autoselect` pickers (the
 * first ones, as Commander picks the oldest free records), a placeholder (`<secret:key>`, as the server shows it) for stored secrets.
 */
export function previewValues(
  parsed: ParsedForm,
  state: FormState,
  context: FormContext,
  records: ReadonlyMap<string, RecordChoice>,
  autoselectPool: (catalogSlug: string) => readonly RecordChoice[],
): Record<string, unknown> {
  const values = submitValues(parsed.form, state, context, records);
  for (const param of parsed.fields) {
    const key = param.key;
    if (values[key] === null && context.storedSecrets.has(key)) {
      values[key] = secretPlaceholder(key);
      continue;
    }
    if (values[key] !== undefined) {
      continue;
    }
    if (param.catalog !== undefined && param.autoselect) {
      const count = Math.max(1, param.minItems ?? 1);
      const chosen = autoselectPool(param.catalog)
        .slice(0, count)
        .map((r) => recordValue(r.id, records.has(r.id) ? records : new Map([[r.id, r]])));
      const multiple = param.minItems !== undefined || param.maxItems !== undefined;
      if (chosen.length > 0) {
        values[key] = multiple ? chosen : chosen[0];
      }
      continue;
    }
    if (param.default !== undefined && (param.optional || param.hidden)) {
      values[key] = structuredClone(param.default);
    }
  }
  return values;
}

/** A value as one line of text: strings as they are, anything else as JSON. */
export function displayValue(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  return JSON.stringify(value) ?? '';
}

/**
 * A record's one-line label (Commander's `identifier` rule): the fields marked `identifier: true`
 * when any is; otherwise every field but those marked `identifier: false`. Passwords never show.
 */
export function recordLabel(schema: readonly ParamItem[], values: Record<string, unknown>): string {
  const fields = paramFields(schema).filter((f) => f.format !== 'password');
  const marked = fields.filter((f) => f.identifier === true);
  const shown = marked.length > 0 ? marked : fields.filter((f) => f.identifier !== false);
  const parts = shown
    .map((f) => values[f.key])
    .filter((v) => v !== undefined && v !== null && v !== '')
    .map(displayValue);
  if (parts.length > 0) {
    return parts.join(', ');
  }
  // A record that matches no field of the schema (imported without checks): show its values.
  const raw = Object.entries(values)
    .filter(([k]) => k !== RECORD_ID_KEY)
    .map(([, v]) => displayValue(v));
  return raw.join(', ');
}

/** Structural equality of JSON-like values (select options whose values are objects). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return false;
  }
  if (Array.isArray(a) !== Array.isArray(b)) {
    return false;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every(
      (k) =>
        Object.hasOwn(b, k) &&
        sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}

/** Server 422 details (`[{path, message}]`) by field key; problems without a known key under ''. */
export function serverProblems(
  details: unknown,
  keys: ReadonlySet<string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  const list = Array.isArray(details) ? (details as unknown[]) : [];
  for (const item of list) {
    const { path, message } = (item ?? {}) as { path?: unknown; message?: unknown };
    if (typeof message !== 'string') {
      continue;
    }
    const key = typeof path === 'string' ? (path.split(/[.[]/)[0] ?? '') : '';
    const slot = keys.has(key) ? key : '';
    const text = slot === '' && key !== '' ? `${key}: ${message}` : message;
    out[slot] = out[slot] ? `${out[slot]}\n${text}` : text;
  }
  return out;
}
