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

function isNumberChar(ch: number): boolean {
  // 0-9 . - + e E
  return (ch >= 48 && ch <= 57) || ch === 46 || ch === 45 || ch === 43 || ch === 101 || ch === 69;
}

/**
 * One JSON value of `t` starting at `at` (no leading whitespace), without its whitespace: the
 * text `JSON.stringify(JSON.parse(value))` writes, and the index after the value. Null when that
 * text could differ from the value's text without whitespace: a number JavaScript writes
 * otherwise (`1.50`, `1e400`, 17 digits, `-0`), or an object key that is an array index
 * (JavaScript objects order those first, jsonb orders keys by length). Strings are copied:
 * PostgreSQL escapes exactly what `JSON.stringify` escapes (`"`, `\`, `\b\f\n\r\t` and other
 * control characters as `\u00xx`), and jsonb holds no lone surrogate.
 */
function compactValue(t: string, at: number): { text: string; end: number } | null {
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
      // An object key that is a digit string: JavaScript would move it (array index keys first).
      if (t.charCodeAt(end + 1) === COLON) {
        const first = t.charCodeAt(i + 1);
        if (first >= 48 && first <= 57) {
          return null;
        }
      }
      i = end + 1;
    } else if (ch === 123 || ch === 91) {
      // { [
      depth++;
      i++;
    } else if (ch === 125 || ch === 93) {
      // } ]
      if (depth === 0) {
        break;
      }
      depth--;
      i++;
    } else if (isSpace(ch)) {
      if (depth === 0) {
        break;
      }
      out += t.slice(from, i);
      i++;
      while (i < len && isSpace(t.charCodeAt(i))) {
        i++;
      }
      from = i;
      continue;
    } else if (ch === 44) {
      // ,
      if (depth === 0) {
        break;
      }
      i++;
    } else if (ch === 45 || (ch >= 48 && ch <= 57)) {
      let j = i + 1;
      while (j < len && isNumberChar(t.charCodeAt(j))) {
        j++;
      }
      const token = t.slice(i, j);
      if (String(Number(token)) !== token) {
        return null;
      }
      i = j;
    } else {
      // true, false, null: letters
      i++;
    }
    if (depth === 0) {
      // A complete scalar or a closed container at the top: the value ends here, unless the
      // scalar goes on (letters or digits of a literal).
      const next = t.charCodeAt(i);
      if (
        ch === QUOTE ||
        ch === 125 ||
        ch === 93 ||
        Number.isNaN(next) ||
        isSpace(next) ||
        next === 44 ||
        next === 125 ||
        next === 93
      ) {
        break;
      }
    }
  }
  if (i === at) {
    return null;
  }
  return { text: out + t.slice(from, i), end: i };
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
 * A list row's `cluster_agent_data` from the snapshot's jsonb text: the projected text to write
 * as it is, or (text the projection does not take) the parsed value, as the detail view has it.
 * A cluster without a snapshot (SQL or JSON null) has none (`[]`).
 */
export function agentDataFromJson(text: string | null): ClusterDto['cluster_agent_data'] | RawJson {
  if (text === null) {
    return [];
  }
  const projected = projectAgentDataJson(text);
  if (projected !== null) {
    return new RawJson(projected);
  }
  return (JSON.parse(text) as ClusterDto['cluster_agent_data'] | null) ?? [];
}
