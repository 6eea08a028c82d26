// Small helpers shared by the params, values and document modules.

/** Structural equality for JSON-like values (objects, arrays, scalars); key order is ignored. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return false;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) {
      return false;
    }
    return a.every((item, i) => deepEqual(item, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra);
  if (ka.length !== Object.keys(rb).length) {
    return false;
  }
  return ka.every((k) => Object.hasOwn(rb, k) && deepEqual(ra[k], rb[k]));
}

/** A plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Commander's "empty" input value: absent, null or the empty string. An optional field with an
 * empty value is not passed to the template.
 */
export function isEmptyValue(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/** `a.b[0].c` for a path of keys and indexes. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') {
      out += `[${seg}]`;
    } else {
      const s = String(seg);
      out += out === '' ? s : `.${s}`;
    }
  }
  return out;
}

/** A short, quoted rendering of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  const json = JSON.stringify(value);
  if (json === undefined) {
    // Functions and symbols: nothing JSON can show.
    return typeof value;
  }
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

/** The JSON type name of a value, as error messages say it. */
export function typeName(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

/** Reads a nested value by path; undefined when any step is missing. */
export function getAtPath(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') {
      cur = cur[seg];
    } else if (isRecord(cur) && typeof seg === 'string') {
      cur = cur[seg];
    } else {
      return undefined;
    }
  }
  return cur;
}
