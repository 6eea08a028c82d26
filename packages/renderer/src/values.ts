// Input values against the params schema: what the API checks before saving a cluster (422 with
// per-field details) and what the form checks as the user types.

import { z } from 'zod';

import { fieldValueSchema } from './field-schema.js';
import { type ParamField, paramFields, type ParamItem } from './params.js';
import { deepEqual, formatPath, isEmptyValue, isRecord } from './util.js';

/** Options of {@link compileValuesSchema}. */
export type ValuesSchemaOptions = {
  /**
   * Let required `format: password` fields be empty: the server passes this when the client
   * omitted a secret it already stores (secrets come back masked as null). Default false.
   */
  allowMissingSecrets?: boolean;
};

/** One invalid value: `path` is the field key, `message` a sentence for the form or API. */
export type ValueError = { path: string; message: string };

/** What {@link validateValues} returns. */
export type ValuesValidation =
  { ok: true; values: Record<string, unknown> } | { ok: false; errors: ValueError[] };

function isMulti(field: ParamField): boolean {
  return field.minItems !== undefined || field.maxItems !== undefined;
}

function isEmptyFor(field: ParamField, value: unknown): boolean {
  // An empty list counts as "left empty" for an optional list field, as an empty text does.
  return isEmptyValue(value) || (isMulti(field) && Array.isArray(value) && value.length === 0);
}

/**
 * Compiles the params schema into a zod schema for the whole `values` object.
 *
 * Rules:
 * - each field's value follows {@link fieldValueSchema} (types, formats, bounds, pattern as a
 *   full-match JavaScript regex, enum, select, catalog records and lists);
 * - empty means absent, `null` or `""` (and `[]` for list fields). A required field may not be
 *   empty ("Required"); an optional one may, and is then left out of the output, or set to its
 *   `default` when it has one ("used when the field is optional", as Commander documents);
 * - `hidden` fields are never required (the form does not show them): empty ones get their
 *   default or are left out, given ones are validated like any other;
 * - keys that are not fields are rejected ("Unknown parameter").
 *
 * The parsed output is the values to store and pass to the template. Every issue's path is
 * `[fieldKey]`, and its message names the item or property for nested problems
 * ("Item 2: x-commander-record-id must be a record id (a UUID)").
 *
 * Schemas are cached per `items` array: do not mutate a params list after compiling it.
 */
export function compileValuesSchema(
  items: readonly ParamItem[],
  options: ValuesSchemaOptions = {},
): z.ZodType<Record<string, unknown>, unknown> {
  // Building zod schemas costs far more than running them, and the form validates on every
  // keystroke with the same parsed params: cache by the params array (treated as immutable).
  const variant = options.allowMissingSecrets === true ? 'secrets-optional' : 'strict';
  let byVariant = schemaCache.get(items);
  if (byVariant === undefined) {
    byVariant = new Map();
    schemaCache.set(items, byVariant);
  }
  const cached = byVariant.get(variant);
  if (cached !== undefined) {
    return cached;
  }
  const schema = buildValuesSchema(items, options);
  byVariant.set(variant, schema);
  return schema;
}

type ValuesSchema = z.ZodType<Record<string, unknown>, unknown>;

const schemaCache = new WeakMap<readonly ParamItem[], Map<string, ValuesSchema>>();

function buildValuesSchema(
  items: readonly ParamItem[],
  options: ValuesSchemaOptions,
): ValuesSchema {
  const fields = paramFields(items);
  const compiled = fields.map((field) => ({ field, schema: fieldValueSchema(field) }));
  const known = new Set(fields.map((f) => f.key));

  return z
    .record(z.string(), z.unknown(), { error: 'Values must be an object of field values' })
    .transform((input, ctx) => {
      const out: Record<string, unknown> = {};
      for (const { field, schema } of compiled) {
        const value = input[field.key];
        if (isEmptyFor(field, value)) {
          const mayBeEmpty =
            field.optional ||
            field.hidden ||
            (options.allowMissingSecrets === true && field.format === 'password');
          if (!mayBeEmpty) {
            ctx.addIssue({ code: 'custom', path: [field.key], message: 'Required', input: value });
          } else if (field.default !== undefined && (field.optional || field.hidden)) {
            out[field.key] = structuredClone(field.default);
          }
          continue;
        }
        const result = schema.safeParse(value);
        if (result.success) {
          out[field.key] = result.data;
          continue;
        }
        for (const issue of result.error.issues) {
          ctx.addIssue({
            code: 'custom',
            path: [field.key],
            message: nestedMessage(issue.path, issue.message),
            input: value,
          });
        }
      }
      for (const key of Object.keys(input)) {
        if (!known.has(key)) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: "Unknown parameter: the template's input schema has no such field",
            input: input[key],
          });
        }
      }
      return out;
    });
}

function nestedMessage(path: readonly PropertyKey[], message: string): string {
  // Messages about the record id already name it; avoid "x-commander-record-id: x-commander-…".
  const prefixed = (where: string, text: string): string =>
    where === '' || text.startsWith(where) ? text : `${where}: ${text}`;
  const [first, ...rest] = path;
  if (typeof first === 'number') {
    return `Item ${first + 1}: ${prefixed(formatPath(rest), message)}`;
  }
  return prefixed(formatPath(path), message);
}

/**
 * Validates `values` against the params schema (see {@link compileValuesSchema} for the rules).
 * On success returns the values to store and render (empty optional fields dropped, defaults
 * applied); on failure one error per problem, `path` being the field key (or the unknown key).
 */
export function validateValues(
  items: readonly ParamItem[],
  values: unknown,
  options: ValuesSchemaOptions = {},
): ValuesValidation {
  const result = compileValuesSchema(items, options).safeParse(values);
  if (result.success) {
    return { ok: true, values: result.data };
  }
  return {
    ok: false,
    errors: result.error.issues.map((issue) => ({
      path: formatPath(issue.path),
      message: issue.message,
    })),
  };
}

/** Keys of `unique` fields: the server checks them against the workspace's other clusters. */
export function uniqueKeys(items: readonly ParamItem[]): string[] {
  return paramFields(items)
    .filter((f) => f.unique)
    .map((f) => f.key);
}

/** Keys of `immutable` fields: see {@link immutableViolations}. */
export function immutableKeys(items: readonly ParamItem[]): string[] {
  return paramFields(items)
    .filter((f) => f.immutable)
    .map((f) => f.key);
}

/**
 * Changes to immutable fields between the stored values (`before`) and new ones (`after`).
 * A field that had no value before may be filled ("filled only once when it appears in the
 * input parameters": immutability follows the parameter's life in the form, not the cluster's);
 * one that had a value may not change or be emptied. Values are compared structurally.
 */
export function immutableViolations(
  items: readonly ParamItem[],
  before: unknown,
  after: unknown,
): ValueError[] {
  const prev = isRecord(before) ? before : {};
  const next = isRecord(after) ? after : {};
  const errors: ValueError[] = [];
  for (const field of paramFields(items)) {
    if (!field.immutable) {
      continue;
    }
    const old = prev[field.key];
    if (isEmptyFor(field, old)) {
      continue;
    }
    if (!deepEqual(old, next[field.key])) {
      errors.push({
        path: field.key,
        message: `"${field.title}" is immutable: it cannot change once set`,
      });
    }
  }
  return errors;
}
