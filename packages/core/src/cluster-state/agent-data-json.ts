import type { Cluster as ClusterDto } from '@commander/contracts';

/**
 * JSON text a response serializer writes as it is (`fastClusterListSerializer` in the API),
 * instead of serializing a value. `toJSON` parses it, so any other serializer
 * (`JSON.stringify`) still writes the same value.
 */
export class RawJson {
  readonly json: string;

  constructor(json: string) {
    this.json = json;
  }

  toJSON(): unknown {
    return JSON.parse(this.json) as unknown;
  }
}

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;

/** Whitespace PostgreSQL's jsonb output puts between tokens (only spaces, but all four are JSON's). */
function isSpace(ch: number): boolean {
  return ch === 32 || ch === 10 || ch === 13 || ch === 9;
}

/** Index of the quote closing the string whose opening quote is at `at` (-1: unterminated). */
function stringEnd(t: string, at: number): number {
  let j = t.indexOf('"', at + 1);
  while (j !== -1) {
    let backslashes = 0;
    for (let k = j - 1; t.charCodeAt(k) === BACKSLASH; k--) {
      backslashes++;
    }
    if (backslashes % 2 === 0) {
      return j;
    }
    j = t.indexOf('"', j + 1);
  }
  return -1;
}

function isDigit(ch: number): boolean {
  return ch >= 48 && ch <= 57;
}

/**
 * The end of the number starting at `at`, or -1 when JavaScript would write it otherwise than
 * its text: `String(Number(text)) !== text` (`1.50`, `1e400`, 17 digits, `-0`). An integer of
 * at most 15 digits without a leading zero is written as it is (checked without converting).
 */
function numberEnd(t: string, at: number): number {
  let i = at;
  if (t.charCodeAt(i) === 45) {
    i++;
  }
  const digitsFrom = i;
  while (isDigit(t.charCodeAt(i))) {
    i++;
  }
  const digits = i - digitsFrom;
  const next = t.charCodeAt(i);
  if (next !== 46 && next !== 101 && next !== 69) {
    // An integer: exact below 2^53 (any 15 digits), as written unless "-0" or a leading zero.
    const leadingZero = t.charCodeAt(digitsFrom) === 48;
    if (digits > 0 && digits <= 15 && !(leadingZero && (digits > 1 || digitsFrom > at))) {
      return i;
    }
  }
  // 0-9 . - + e E
  while (
    isDigit(t.charCodeAt(i)) ||
    t.charCodeAt(i) === 46 ||
    t.charCodeAt(i) === 45 ||
    t.charCodeAt(i) === 43 ||
    t.charCodeAt(i) === 101 ||
    t.charCodeAt(i) === 69
  ) {
    i++;
  }
  const token = t.slice(at, i);
  return String(Number(token)) === token ? i : -1;
}

/**
 * One JSON value of `t` starting at `at` (no leading whitespace), without its whitespace: the
 * text `JSON.stringify(JSON.parse(value))` writes, and the index after the value. Null when that
 * text could differ from the value's text without whitespace: a number JavaScript writes
 * otherwise (see numberEnd), or an object key that is a digit string (JavaScript orders
 * array-index keys first, jsonb orders keys by length). Strings are copied: PostgreSQL escapes
 * exactly what `JSON.stringify` escapes (`"`, `\`, `\b\f\n\r\t` and other control characters
 * as `\u00xx`), and jsonb holds no lone surrogate or NUL.
 */
function compactValue(t: string, at: number): { text: string; end: number } | null {
  const first = t.charCodeAt(at);
  if (first === QUOTE) {
    const end = stringEnd(t, at);
    return end === -1 ? null : { text: t.slice(at, end + 1), end: end + 1 };
  }
  if (first === 45 || isDigit(first)) {
    const end = numberEnd(t, at);
    return end === -1 ? null : { text: t.slice(at, end), end };
  }
  if (first !== 123 && first !== 91) {
    // true, false, null
    let i = at;
    while (t.charCodeAt(i) >= 97 && t.charCodeAt(i) <= 122) {
      i++;
    }
    return i === at ? null : { text: t.slice(at, i), end: i };
  }
  // An object or an array: copied up to its closing bracket, whitespace between tokens cut.
  let out = '';
  let from = at;
  let depth = 0;
  let i = at;
  const len = t.length;
  while (i < len) {
    const ch = t.charCodeAt(i);
    if (ch === QUOTE) {
      const end = stringEnd(t, i);
      if (end === -1) {
        return null;
      }
      if (t.charCodeAt(end + 1) === COLON && isDigit(t.charCodeAt(i + 1))) {
        return null;
      }
      i = end + 1;
    } else if (isSpace(ch)) {
      out += t.slice(from, i);
      i++;
      while (isSpace(t.charCodeAt(i))) {
        i++;
      }
      from = i;
    } else if (ch === 123 || ch === 91) {
      depth++;
      i++;
    } else if (ch === 125 || ch === 93) {
      depth--;
      i++;
      if (depth === 0) {
        return { text: out + t.slice(from, i), end: i };
      }
    } else if (ch === 45 || isDigit(ch)) {
      i = numberEnd(t, i);
      if (i === -1) {
        return null;
      }
    } else {
      // , : and the letters of true, false, null
      i++;
    }
  }
  return null;
}

function skipSpace(t: string, i: number): number {
  while (i < t.length && isSpace(t.charCodeAt(i))) {
    i++;
  }
  return i;
}

/**
 * `cluster_agent_data` as the API writes it, straight from the snapshot's jsonb text
 * (`agent_data::text`): each element's `source` and `data` only (an allowlist: other keys are
 * left out), in that order, without whitespace — byte for byte what parsing the text and
 * serializing the parsed value through the response schema writes. Null when the text is not
 * an array of objects each with a string `source` and a `data`, or holds something JavaScript
 * would write differently (see compactValue): the caller then parses it.
 */
export function projectAgentDataJson(t: string): string | null {
  let i = skipSpace(t, 0);
  if (t.charCodeAt(i) !== 91) {
    return null;
  }
  i = skipSpace(t, i + 1);
  const items: string[] = [];
  if (t.charCodeAt(i) === 93) {
    return skipSpace(t, i + 1) === t.length ? '[]' : null;
  }
  for (;;) {
    if (t.charCodeAt(i) !== 123) {
      return null;
    }
    i = skipSpace(t, i + 1);
    let source: string | null = null;
    let data: string | null = null;
    if (t.charCodeAt(i) !== 125) {
      for (;;) {
        if (t.charCodeAt(i) !== QUOTE) {
          return null;
        }
        const keyEnd = stringEnd(t, i);
        if (keyEnd === -1) {
          return null;
        }
        const key = t.slice(i + 1, keyEnd);
        i = skipSpace(t, keyEnd + 1);
        if (t.charCodeAt(i) !== COLON) {
          return null;
        }
        i = skipSpace(t, i + 1);
        const value = compactValue(t, i);
        if (!value) {
          return null;
        }
        // jsonb has no duplicate keys; a key spelled with escapes is output unescaped.
        if (key === 'source') {
          if (t.charCodeAt(i) !== QUOTE) {
            return null;
          }
          source = value.text;
        } else if (key === 'data') {
          data = value.text;
        }
        i = skipSpace(t, value.end);
        const ch = t.charCodeAt(i);
        if (ch === 44) {
          i = skipSpace(t, i + 1);
        } else if (ch === 125) {
          break;
        } else {
          return null;
        }
      }
    }
    if (source === null || data === null) {
      return null;
    }
    items.push(`{"source":${source},"data":${data}}`);
    i = skipSpace(t, i + 1);
    const ch = t.charCodeAt(i);
    if (ch === 44) {
      i = skipSpace(t, i + 1);
    } else if (ch === 93) {
      return skipSpace(t, i + 1) === t.length ? `[${items.join(',')}]` : null;
    } else {
      return null;
    }
  }
}

/**
 * Projections by snapshot text: a snapshot changes with its agent's telemetry (every 30 s) while
 * a page of 100 is listed many times in between; a hit costs a hash and a compare of the text
 * instead of a scan. Keyed by the whole text, so an entry is only ever its own text's projection
 * (nothing to invalidate, nothing shared across clusters but equal content). Bounded by the
 * characters it holds: cleared when full.
 */
const projections = new Map<string, string | null>();
let projectedChars = 0;
const MAX_PROJECTED_CHARS = 8_000_000;

/**
 * A list row's `cluster_agent_data` from the snapshot's jsonb text: the projected text to write
 * as it is, or (text the projection does not take) the parsed value, as the detail view has it.
 * A cluster without a snapshot (SQL or JSON null) has none (`[]`).
 */
export function agentDataFromJson(text: string | null): ClusterDto['cluster_agent_data'] | RawJson {
  if (text === null) {
    return [];
  }
  let projected = projections.get(text);
  if (projected === undefined) {
    projected = projectAgentDataJson(text);
    if (projectedChars + text.length > MAX_PROJECTED_CHARS) {
      projections.clear();
      projectedChars = 0;
    }
    projections.set(text, projected);
    projectedChars += text.length + (projected?.length ?? 0);
  }
  if (projected !== null) {
    return new RawJson(projected);
  }
  return (JSON.parse(text) as ClusterDto['cluster_agent_data'] | null) ?? [];
}
