// Ports of the parts of Go's strconv package the template engine relies on: quoting, unquoting
// and number parsing with Go's exact acceptance rules.

import { escapedByteAt, isGraphic, isPrint, utf8Decode, utf8Encode } from './utf8.js';

const lowerhex = '0123456789abcdef';

/** strconv.ErrSyntax's text. */
export const ERR_SYNTAX = 'invalid syntax';

/** An error from strconv (its message is Go's `err.Error()`). */
export class StrconvError extends Error {}

function hex(n: number, width: number): string {
  let s = '';
  for (let shift = (width - 1) * 4; shift >= 0; shift -= 4) {
    s += lowerhex[Math.floor(n / 2 ** shift) & 0xf];
  }
  return s;
}

function appendEscapedRune(
  r: number,
  quote: number,
  asciiOnly: boolean,
  graphicOnly: boolean,
): string {
  if (r === quote || r === 0x5c) {
    return '\\' + String.fromCharCode(r);
  }
  if (asciiOnly) {
    if (r < 0x80 && isPrint(r)) {
      return String.fromCharCode(r);
    }
  } else if (isPrint(r) || (graphicOnly && isGraphic(r))) {
    return String.fromCodePoint(r);
  }
  switch (r) {
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    case 0x0c:
      return '\\f';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    case 0x0b:
      return '\\v';
  }
  if (r < 0x20 || r === 0x7f) {
    return '\\x' + hex(r, 2);
  }
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) {
    r = 0xfffd;
  }
  if (r < 0x10000) {
    return '\\u' + hex(r, 4);
  }
  return '\\U' + hex(r, 8);
}

function quoteWith(s: string, quote: number, asciiOnly: boolean, graphicOnly: boolean): string {
  let out = String.fromCharCode(quote);
  let i = 0;
  for (const ch of s) {
    const r = ch.codePointAt(0) ?? 0;
    const at = i;
    i += ch.length;
    if (r >= 0xd800 && r <= 0xdfff) {
      // A lone surrogate stands for a byte that was not valid UTF-8: Go quotes it as \xNN.
      const b = escapedByteAt(s, at);
      out += b >= 0 ? '\\x' + hex(b, 2) : '\\ufffd';
      continue;
    }
    out += appendEscapedRune(r, quote, asciiOnly, graphicOnly);
  }
  return out + String.fromCharCode(quote);
}

const PLAIN_QUOTABLE = /^[ !#-[\]-~]*$/;

/** strconv.Quote. */
export function quote(s: string): string {
  if (PLAIN_QUOTABLE.test(s)) {
    return '"' + s + '"';
  }
  return quoteWith(s, 0x22, false, false);
}

/** strconv.QuoteToASCII. */
export function quoteToASCII(s: string): string {
  return quoteWith(s, 0x22, true, false);
}

/** strconv.QuoteRune. */
export function quoteRune(r: number): string {
  if (r > 0x10ffff || r < 0 || (r >= 0xd800 && r <= 0xdfff)) {
    r = 0xfffd;
  }
  return "'" + appendEscapedRune(r, 0x27, false, false) + "'";
}

/** strconv.QuoteRuneToASCII. */
export function quoteRuneToASCII(r: number): string {
  if (r > 0x10ffff || r < 0 || (r >= 0xd800 && r <= 0xdfff)) {
    r = 0xfffd;
  }
  return "'" + appendEscapedRune(r, 0x27, true, false) + "'";
}

/** strconv.CanBackquote. */
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const r = ch.codePointAt(0) ?? 0;
    if (r === 0xfeff) {
      return false;
    }
    if ((r < 0x20 && r !== 0x09) || r === 0x60 || r === 0x7f) {
      return false;
    }
  }
  return true;
}

function unhex(c: string): number {
  const code = c.charCodeAt(0);
  if (code >= 0x30 && code <= 0x39) {
    return code - 0x30;
  }
  if (code >= 0x61 && code <= 0x66) {
    return code - 0x61 + 10;
  }
  if (code >= 0x41 && code <= 0x46) {
    return code - 0x41 + 10;
  }
  return -1;
}

/** Result of strconv.UnquoteChar: a rune or a raw byte. */
export type UnquotedChar = { value: number; isByte: boolean; tail: string };

/** strconv.UnquoteChar. Throws StrconvError("invalid syntax"). */
export function unquoteChar(s: string, quoteChar: string): UnquotedChar {
  if (s.length === 0) {
    throw new StrconvError(ERR_SYNTAX);
  }
  const c = s[0] ?? '';
  if (c === quoteChar && (quoteChar === "'" || quoteChar === '"')) {
    throw new StrconvError(ERR_SYNTAX);
  }
  if (c !== '\\') {
    const r = s.codePointAt(0) ?? 0;
    const w = r > 0xffff ? 2 : 1;
    return { value: r, isByte: false, tail: s.slice(w) };
  }
  if (s.length <= 1) {
    throw new StrconvError(ERR_SYNTAX);
  }
  const e = s[1] ?? '';
  s = s.slice(2);
  let value: number;
  switch (e) {
    case 'a':
      value = 7;
      break;
    case 'b':
      value = 8;
      break;
    case 'f':
      value = 12;
      break;
    case 'n':
      value = 10;
      break;
    case 'r':
      value = 13;
      break;
    case 't':
      value = 9;
      break;
    case 'v':
      value = 11;
      break;
    case 'x':
    case 'u':
    case 'U': {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      if (s.length < n) {
        throw new StrconvError(ERR_SYNTAX);
      }
      let v = 0;
      for (let j = 0; j < n; j++) {
        const x = unhex(s[j] ?? '');
        if (x < 0) {
          throw new StrconvError(ERR_SYNTAX);
        }
        v = v * 16 + x;
      }
      s = s.slice(n);
      if (e === 'x') {
        return { value: v, isByte: true, tail: s };
      }
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
        throw new StrconvError(ERR_SYNTAX);
      }
      value = v;
      break;
    }
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7': {
      let v = e.charCodeAt(0) - 0x30;
      if (s.length < 2) {
        throw new StrconvError(ERR_SYNTAX);
      }
      for (let j = 0; j < 2; j++) {
        const x = (s.charCodeAt(j) || 0) - 0x30;
        if (x < 0 || x > 7) {
          throw new StrconvError(ERR_SYNTAX);
        }
        v = (v << 3) | x;
      }
      s = s.slice(2);
      if (v > 255) {
        throw new StrconvError(ERR_SYNTAX);
      }
      return { value: v, isByte: true, tail: s };
    }
    case '\\':
      value = 0x5c;
      break;
    case "'":
    case '"':
      if (e !== quoteChar) {
        throw new StrconvError(ERR_SYNTAX);
      }
      value = e.charCodeAt(0);
      break;
    default:
      throw new StrconvError(ERR_SYNTAX);
  }
  return { value, isByte: false, tail: s };
}

/** strconv.Unquote for "…", `…` and '…' literals. Throws StrconvError("invalid syntax"). */
export function unquote(s: string): string {
  const n = s.length;
  if (n < 2) {
    throw new StrconvError(ERR_SYNTAX);
  }
  const q = s[0];
  if (q !== s[n - 1]) {
    throw new StrconvError(ERR_SYNTAX);
  }
  const body = s.slice(1, n - 1);
  if (q === '`') {
    if (body.includes('`')) {
      throw new StrconvError(ERR_SYNTAX);
    }
    return body.includes('\r') ? body.replaceAll('\r', '') : body;
  }
  if (q !== '"' && q !== "'") {
    throw new StrconvError(ERR_SYNTAX);
  }
  if (body.includes('\n')) {
    throw new StrconvError(ERR_SYNTAX);
  }
  if (!body.includes('\\') && !body.includes(q)) {
    if (q === '"') {
      return body;
    }
    if ([...body].length === 1) {
      return body;
    }
  }
  // Collect bytes so that \x escapes combine into UTF-8 sequences as in Go.
  const bytes: number[] = [];
  let rest = body;
  let count = 0;
  while (rest.length > 0) {
    const { value, isByte, tail } = unquoteChar(rest, q);
    rest = tail;
    count++;
    if (isByte || value < 0x80) {
      bytes.push(value);
    } else {
      for (const b of utf8Encode(String.fromCodePoint(value))) {
        bytes.push(b);
      }
    }
    if (q === "'" && count > 1) {
      throw new StrconvError(ERR_SYNTAX);
    }
  }
  if (q === "'" && count !== 1) {
    throw new StrconvError(ERR_SYNTAX);
  }
  return utf8Decode(Uint8Array.from(bytes));
}

function lower(c: string): string {
  return c.toLowerCase();
}

/** strconv's underscoreOK: underscores only between digits (base-0 parsing). */
export function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) {
    s = s.slice(1);
  }
  let isHex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes(lower(s[1] ?? ''))) {
    i = 2;
    saw = '0';
    isHex = lower(s[1] ?? '') === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i] ?? '';
    if ((c >= '0' && c <= '9') || (isHex && lower(c) >= 'a' && lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') {
        return false;
      }
      saw = '_';
      continue;
    }
    if (saw === '_') {
      return false;
    }
    saw = '!';
  }
  return saw !== '_';
}

const MAX_UINT64 = (1n << 64n) - 1n;

/**
 * strconv.ParseUint(s, base, 64) for base 0 (prefix-driven) or 2..36.
 * Throws StrconvError with Go's message text.
 */
export function parseUint(s0: string, base: number, bitSize = 64, fn = 'ParseUint'): bigint {
  const fail = (msg: string): never => {
    throw new StrconvError(`strconv.${fn}: parsing ${quote(s0)}: ${msg}`);
  };
  if (s0 === '') {
    fail(ERR_SYNTAX);
  }
  const base0 = base === 0;
  let s = s0;
  if (base === 0) {
    base = 10;
    if (s[0] === '0') {
      if (s.length >= 3 && lower(s[1] ?? '') === 'b') {
        base = 2;
        s = s.slice(2);
      } else if (s.length >= 3 && lower(s[1] ?? '') === 'o') {
        base = 8;
        s = s.slice(2);
      } else if (s.length >= 3 && lower(s[1] ?? '') === 'x') {
        base = 16;
        s = s.slice(2);
      } else {
        base = 8;
        s = s.slice(1);
      }
    }
  }
  const max = bitSize >= 64 ? MAX_UINT64 : (1n << BigInt(bitSize)) - 1n;
  let n = 0n;
  let underscores = false;
  const b = BigInt(base);
  for (const c of s) {
    let d: number;
    if (c === '_' && base0) {
      underscores = true;
      continue;
    } else if (c >= '0' && c <= '9') {
      d = c.charCodeAt(0) - 0x30;
    } else if (lower(c) >= 'a' && lower(c) <= 'z') {
      d = lower(c).charCodeAt(0) - 0x61 + 10;
    } else {
      return fail(ERR_SYNTAX);
    }
    if (d >= base) {
      return fail(ERR_SYNTAX);
    }
    n = n * b + BigInt(d);
    if (n > max) {
      // Keep scanning for syntax errors like Go does? Go returns range error at once.
      return fail('value out of range');
    }
  }
  if (underscores && !underscoreOK(s0)) {
    return fail(ERR_SYNTAX);
  }
  return n;
}

/** strconv.ParseInt(s, base, bitSize). Throws StrconvError with Go's message text. */
export function parseInt(s0: string, base: number, bitSize = 64): bigint {
  if (s0 === '') {
    throw new StrconvError(`strconv.ParseInt: parsing ${quote(s0)}: ${ERR_SYNTAX}`);
  }
  let s = s0;
  let neg = false;
  if (s[0] === '+') {
    s = s.slice(1);
  } else if (s[0] === '-') {
    neg = true;
    s = s.slice(1);
  }
  let un: bigint;
  try {
    un = parseUint(s, base, bitSize, 'ParseInt');
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const reason = msg.endsWith('value out of range') ? 'value out of range' : ERR_SYNTAX;
    throw new StrconvError(`strconv.ParseInt: parsing ${quote(s0)}: ${reason}`);
  }
  const cutoff = 1n << BigInt(bitSize - 1);
  if (!neg && un >= cutoff) {
    throw new StrconvError(`strconv.ParseInt: parsing ${quote(s0)}: value out of range`);
  }
  if (neg && un > cutoff) {
    throw new StrconvError(`strconv.ParseInt: parsing ${quote(s0)}: value out of range`);
  }
  return neg ? -un : un;
}

const DECIMAL_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/;
const SPECIAL_FLOAT = /^([+-]?)(inf|infinity|nan)$/i;

/**
 * strconv.ParseFloat(s, 64). Throws StrconvError with Go's message (syntax or range error).
 */
export function parseFloat(s0: string): number {
  const fail = (msg: string): never => {
    throw new StrconvError(`strconv.ParseFloat: parsing ${quote(s0)}: ${msg}`);
  };
  let s = s0;
  const special = SPECIAL_FLOAT.exec(s);
  if (special) {
    if ((special[2] ?? '').toLowerCase() === 'nan') {
      return Number.NaN;
    }
    return special[1] === '-' ? -Infinity : Infinity;
  }
  if (s.includes('_')) {
    if (!underscoreOK(s)) {
      return fail(ERR_SYNTAX);
    }
    s = s.replaceAll('_', '');
  }
  let v: number;
  const hexMatch = HEX_FLOAT.exec(s);
  if (hexMatch) {
    const intPart = hexMatch[2] ?? '';
    const frac = hexMatch[3] ?? '';
    if (intPart === '' && frac === '') {
      return fail(ERR_SYNTAX);
    }
    const mant = BigInt('0x' + (intPart + frac || '0'));
    const exp = Number(hexMatch[4]) - 4 * frac.length;
    v = scaleBigByPow2(mant, exp);
    if (hexMatch[1] === '-') {
      v = -v;
    }
  } else if (DECIMAL_FLOAT.test(s)) {
    v = Number(s);
  } else {
    return fail(ERR_SYNTAX);
  }
  if (!Number.isFinite(v)) {
    return fail('value out of range');
  }
  return v;
}

/** mant * 2^exp rounded to the nearest float64 (ties to even). */
function scaleBigByPow2(mant: bigint, exp: number): number {
  if (mant === 0n) {
    return 0;
  }
  // Normalise to 64 significant bits plus a sticky bit, then let the FPU round once.
  const bits = mant.toString(2).length;
  if (bits > 64) {
    const shift = bits - 64;
    const sticky = (mant & ((1n << BigInt(shift)) - 1n)) !== 0n ? 1n : 0n;
    mant = (mant >> BigInt(shift)) | sticky;
    exp += shift;
  }
  // Number(mant) for mant < 2^64 rounds to 53 bits (ties-even, sticky folded in the low bit).
  const m = Number(mant);
  return m * 2 ** exp;
}
