// Go's encoding/json for interface{} values: Marshal / MarshalIndent / Encoder (no HTML escaping)
// and Unmarshal with Go's syntax-error texts (a port of the scanner's state machine).

import { base64Encode } from './encoding.js';
import { sortedKeys } from './fmt.js';
import { formatFloat } from './ftoa.js';
import { quote } from './strconv.js';
import { fromJSON, IFACE, isFloatKind, isIntKind, isUintKind, type Val, val } from './types.js';
import { utf8Encode } from './utf8.js';

/** A json error (its message is Go's err.Error()). */
export class JSONError extends Error {}

// ---- scanner ----

type Step = (c: number) => boolean;

function quoteChar(c: number): string {
  if (c === 0x27) {
    return "'\\''";
  }
  if (c === 0x22) {
    return `'"'`;
  }
  const s = quote(String.fromCharCode(c));
  return "'" + s.slice(1, -1) + "'";
}

const PARSE_OBJECT_KEY = 0;
const PARSE_OBJECT_VALUE = 1;
const PARSE_ARRAY_VALUE = 2;
const MAX_DEPTH = 10000;

/** Go's json.checkValid: throws JSONError with the scanner's message. */
export function checkValid(data: Uint8Array): void {
  const stack: number[] = [];
  let endTop = false;
  let err: string | null = null;
  let step: Step;

  const error = (c: number, context: string): boolean => {
    err = `invalid character ${quoteChar(c)} ${context}`;
    step = () => false;
    return false;
  };
  const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
  const isHex = (c: number): boolean =>
    (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
  const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

  const push = (c: number, ps: number): boolean => {
    stack.push(ps);
    if (stack.length <= MAX_DEPTH) {
      return true;
    }
    return error(c, 'exceeded max depth');
  };
  const pop = (): void => {
    stack.pop();
    if (stack.length === 0) {
      step = stateEndTop;
      endTop = true;
    } else {
      step = stateEndValue;
    }
  };

  const stateEndTop: Step = (c) => {
    if (!isSpace(c)) {
      error(c, 'after top-level value');
      return false;
    }
    return true;
  };
  const stateEndValue: Step = (c) => {
    const n = stack.length;
    if (n === 0) {
      step = stateEndTop;
      endTop = true;
      return stateEndTop(c);
    }
    if (isSpace(c)) {
      step = stateEndValue;
      return true;
    }
    switch (stack[n - 1]) {
      case PARSE_OBJECT_KEY:
        if (c === 0x3a) {
          stack[n - 1] = PARSE_OBJECT_VALUE;
          step = stateBeginValue;
          return true;
        }
        return error(c, 'after object key');
      case PARSE_OBJECT_VALUE:
        if (c === 0x2c) {
          stack[n - 1] = PARSE_OBJECT_KEY;
          step = stateBeginString;
          return true;
        }
        if (c === 0x7d) {
          pop();
          return true;
        }
        return error(c, 'after object key:value pair');
      case PARSE_ARRAY_VALUE:
        if (c === 0x2c) {
          step = stateBeginValue;
          return true;
        }
        if (c === 0x5d) {
          pop();
          return true;
        }
        return error(c, 'after array element');
    }
    return error(c, '');
  };
  const lit =
    (expect: number, next: () => Step, context: string): Step =>
    (c) => {
      if (c === expect) {
        step = next();
        return true;
      }
      return error(c, context);
    };
  const stateInString: Step = (c) => {
    if (c === 0x22) {
      step = stateEndValue;
      return true;
    }
    if (c === 0x5c) {
      step = stateInStringEsc;
      return true;
    }
    if (c < 0x20) {
      return error(c, 'in string literal');
    }
    return true;
  };
  const hexStep =
    (next: () => Step): Step =>
    (c) => {
      if (isHex(c)) {
        step = next();
        return true;
      }
      return error(c, 'in \\u hexadecimal character escape');
    };
  const stateU4: Step = hexStep(() => stateInString);
  const stateU3: Step = hexStep(() => stateU4);
  const stateU2: Step = hexStep(() => stateU3);
  const stateU1: Step = hexStep(() => stateU2);
  const stateInStringEsc: Step = (c) => {
    if ('bfnrt\\/"'.includes(String.fromCharCode(c))) {
      step = stateInString;
      return true;
    }
    if (c === 0x75) {
      step = stateU1;
      return true;
    }
    return error(c, 'in string escape code');
  };
  const stateE0: Step = (c) => (isDigit(c) ? true : stateEndValue(c));
  const stateESign: Step = (c) => {
    if (isDigit(c)) {
      step = stateE0;
      return true;
    }
    return error(c, 'in exponent of numeric literal');
  };
  const stateE: Step = (c) => {
    if (c === 0x2b || c === 0x2d) {
      step = stateESign;
      return true;
    }
    return stateESign(c);
  };
  const stateDot0: Step = (c) => {
    if (isDigit(c)) {
      return true;
    }
    if (c === 0x65 || c === 0x45) {
      step = stateE;
      return true;
    }
    return stateEndValue(c);
  };
  const stateDot: Step = (c) => {
    if (isDigit(c)) {
      step = stateDot0;
      return true;
    }
    return error(c, 'after decimal point in numeric literal');
  };
  const state0: Step = (c) => {
    if (c === 0x2e) {
      step = stateDot;
      return true;
    }
    if (c === 0x65 || c === 0x45) {
      step = stateE;
      return true;
    }
    return stateEndValue(c);
  };
  const state1: Step = (c) => {
    if (isDigit(c)) {
      step = state1;
      return true;
    }
    return state0(c);
  };
  const stateNeg: Step = (c) => {
    if (c === 0x30) {
      step = state0;
      return true;
    }
    if (c >= 0x31 && c <= 0x39) {
      step = state1;
      return true;
    }
    return error(c, 'in numeric literal');
  };
  const stateTru = lit(0x65, () => stateEndValue, "in literal true (expecting 'e')");
  const stateTr = lit(0x75, () => stateTru, "in literal true (expecting 'u')");
  const stateT = lit(0x72, () => stateTr, "in literal true (expecting 'r')");
  const stateFals = lit(0x65, () => stateEndValue, "in literal false (expecting 'e')");
  const stateFal = lit(0x73, () => stateFals, "in literal false (expecting 's')");
  const stateFa = lit(0x6c, () => stateFal, "in literal false (expecting 'l')");
  const stateF = lit(0x61, () => stateFa, "in literal false (expecting 'a')");
  const stateNul = lit(0x6c, () => stateEndValue, "in literal null (expecting 'l')");
  const stateNu = lit(0x6c, () => stateNul, "in literal null (expecting 'l')");
  const stateN = lit(0x75, () => stateNu, "in literal null (expecting 'u')");

  const stateBeginValue: Step = (c) => {
    if (isSpace(c)) {
      return true;
    }
    switch (c) {
      case 0x7b:
        step = stateBeginStringOrEmpty;
        return push(c, PARSE_OBJECT_KEY);
      case 0x5b:
        step = stateBeginValueOrEmpty;
        return push(c, PARSE_ARRAY_VALUE);
      case 0x22:
        step = stateInString;
        return true;
      case 0x2d:
        step = stateNeg;
        return true;
      case 0x30:
        step = state0;
        return true;
      case 0x74:
        step = stateT;
        return true;
      case 0x66:
        step = stateF;
        return true;
      case 0x6e:
        step = stateN;
        return true;
    }
    if (c >= 0x31 && c <= 0x39) {
      step = state1;
      return true;
    }
    return error(c, 'looking for beginning of value');
  };
  const stateBeginValueOrEmpty: Step = (c) => {
    if (isSpace(c)) {
      return true;
    }
    if (c === 0x5d) {
      return stateEndValue(c);
    }
    return stateBeginValue(c);
  };
  const stateBeginString: Step = (c) => {
    if (isSpace(c)) {
      return true;
    }
    if (c === 0x22) {
      step = stateInString;
      return true;
    }
    return error(c, 'looking for beginning of object key string');
  };
  const stateBeginStringOrEmpty: Step = (c) => {
    if (isSpace(c)) {
      return true;
    }
    if (c === 0x7d) {
      stack[stack.length - 1] = PARSE_OBJECT_VALUE;
      return stateEndValue(c);
    }
    return stateBeginString(c);
  };

  step = stateBeginValue;
  for (const c of data) {
    if (!step(c)) {
      throw new JSONError(err ?? 'invalid JSON');
    }
  }
  if (endTop) {
    return;
  }
  step(0x20);
  if (endTop) {
    return;
  }
  throw new JSONError(err ?? 'unexpected end of JSON input');
}

/** The first number literal of (valid) JSON text that overflows float64, if any. */
function firstOverflowingNumber(text: string): string | null {
  const re = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const tok = m[0];
    if (tok[0] !== '"' && !Number.isFinite(Number(tok))) {
      return tok;
    }
  }
  return null;
}

/**
 * json.Unmarshal into interface{}. Returns the concrete Go value (null for JSON null) and the
 * error Go reports alongside a (partial) value, e.g. for numbers that overflow float64.
 * Throws JSONError for syntax errors.
 */
export function unmarshalPartial(text: string): { value: Val; error: JSONError | null } {
  checkValid(utf8Encode(text));
  const parsed: unknown = JSON.parse(text, (_k, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v) ? null : v,
  );
  const overflow = firstOverflowingNumber(text);
  const error =
    overflow === null
      ? null
      : new JSONError(`json: cannot unmarshal number ${overflow} into Go value of type float64`);
  return { value: fromJSON(parsed), error };
}

/** json.Unmarshal into interface{}: the concrete Go value (null for JSON null). Throws JSONError. */
export function unmarshal(text: string): Val {
  const { value, error } = unmarshalPartial(text);
  if (error) {
    throw error;
  }
  return value;
}

// ---- encoder ----

const HEX = '0123456789abcdef';

/** Go's json string encoding. */
export function encodeString(s: string, escapeHTML: boolean): string {
  let out = '"';
  for (const ch of s) {
    const r = ch.codePointAt(0) ?? 0;
    if (r < 0x80) {
      const c = r;
      const htmlSafe =
        c >= 0x20 && c !== 0x22 && c !== 0x5c && c !== 0x3c && c !== 0x3e && c !== 0x26;
      const safe = c >= 0x20 && c !== 0x22 && c !== 0x5c;
      if (htmlSafe || (!escapeHTML && safe)) {
        out += ch;
        continue;
      }
      switch (c) {
        case 0x5c:
        case 0x22:
          out += '\\' + ch;
          break;
        case 0x0a:
          out += '\\n';
          break;
        case 0x0d:
          out += '\\r';
          break;
        case 0x09:
          out += '\\t';
          break;
        default:
          out += '\\u00' + HEX[c >> 4] + HEX[c & 0xf];
      }
      continue;
    }
    if (r >= 0xd800 && r <= 0xdfff) {
      out += '\\ufffd';
      continue;
    }
    if (r === 0x2028 || r === 0x2029) {
      out += '\\u202' + HEX[r & 0xf];
      continue;
    }
    out += ch;
  }
  return out + '"';
}

function encodeFloat(f: number): string {
  if (!Number.isFinite(f)) {
    throw new JSONError(`json: unsupported value: ${formatFloat(f, 'g', -1)}`);
  }
  const abs = Math.abs(f);
  let fmt = 'f';
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    fmt = 'e';
  }
  let b = formatFloat(f, fmt, -1);
  if (fmt === 'e') {
    const n = b.length;
    if (n >= 4 && b[n - 4] === 'e' && b[n - 3] === '-' && b[n - 2] === '0') {
      b = b.slice(0, n - 2) + b[n - 1];
    }
  }
  return b;
}

type EncOpts = { escapeHTML: boolean; indent: string | null };

function encodeValue(v: Val, opts: EncOpts, depth: number): string {
  if (v === null) {
    return 'null';
  }
  if (depth > 1000) {
    throw new JSONError('json: unsupported value: encountered a cycle');
  }
  const t = v.t;
  if (t.marshalJSON) {
    return t.marshalJSON(v);
  }
  const k = t.kind;
  if (k === 'bool') {
    return (v.v as boolean) ? 'true' : 'false';
  }
  if (isIntKind(k) || isUintKind(k)) {
    return (v.v as bigint).toString();
  }
  if (isFloatKind(k)) {
    return encodeFloat(v.v as number);
  }
  if (k === 'string') {
    return encodeString(v.v as string, opts.escapeHTML);
  }
  if (k === 'interface') {
    return encodeValue(v.v as Val, opts, depth);
  }
  const nl = opts.indent === null ? '' : '\n' + opts.indent.repeat(depth + 1);
  const nlEnd = opts.indent === null ? '' : '\n' + opts.indent.repeat(depth);
  const colon = opts.indent === null ? ':' : ': ';
  if (k === 'slice' || k === 'array') {
    const arr = v.v as unknown[] | null;
    if (arr === null) {
      return 'null';
    }
    if (t.elem?.kind === 'uint8') {
      return '"' + base64Encode(Uint8Array.from((arr as bigint[]).map((b) => Number(b)))) + '"';
    }
    if (arr.length === 0) {
      return '[]';
    }
    const et = t.elem ?? IFACE;
    return (
      '[' +
      nl +
      arr.map((e) => encodeValue(val(et, e), opts, depth + 1)).join(',' + nl) +
      nlEnd +
      ']'
    );
  }
  if (k === 'map') {
    const m = v.v as Map<string, unknown> | null;
    if (m === null) {
      return 'null';
    }
    if (m.size === 0) {
      return '{}';
    }
    const et = t.elem ?? IFACE;
    const parts = sortedKeys(m).map(
      (key) =>
        encodeString(key, opts.escapeHTML) +
        colon +
        encodeValue(val(et, m.get(key)), opts, depth + 1),
    );
    return '{' + nl + parts.join(',' + nl) + nlEnd + '}';
  }
  if (k === 'ptr') {
    if (v.v === null) {
      return 'null';
    }
    return encodeValue(val(t.elem ?? IFACE, v.v), opts, depth);
  }
  if (k === 'struct') {
    return '{}';
  }
  throw new JSONError(`json: unsupported type: ${t.name}`);
}

/** json.Marshal. Throws JSONError. */
export function marshal(v: Val): string {
  return encodeValue(v, { escapeHTML: true, indent: null }, 0);
}

/** json.MarshalIndent(v, "", indent). Throws JSONError. */
export function marshalIndent(v: Val, indent: string): string {
  return encodeValue(v, { escapeHTML: true, indent }, 0);
}

/** json.Encoder with SetEscapeHTML(false), without the trailing newline. */
export function marshalNoEscape(v: Val): string {
  return encodeValue(v, { escapeHTML: false, indent: null }, 0);
}
