// Go strings are byte sequences; JavaScript strings are UTF-16. The engine keeps strings as
// JavaScript strings and converts to UTF-8 only where Go's byte semantics show (len, index,
// slice, substr, trunc, %x, error columns).

import {
  unicodeIsDigit,
  unicodeIsGraphic,
  unicodeIsLetter,
  unicodeIsLower,
  unicodeIsNumber,
  unicodeIsPrint,
  unicodeIsPunct,
  unicodeIsSpace,
  unicodeIsTitle,
  unicodeIsUpper,
  unicodeToLower,
  unicodeToTitle,
  unicodeToUpper,
} from './unicode.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });
// eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL on purpose
const ASCII = /^[\x00-\x7f]*$/;

/** Reports whether every code unit of `s` is ASCII (so byte offsets equal string offsets). */
export function isAscii(s: string): boolean {
  return ASCII.test(s);
}

// Go strings may hold bytes that are not valid UTF-8 (b64dec of binary data, byte slicing). They
// are kept as lone low surrogates U+DC80..U+DCFF ("surrogateescape"), so that re-encoding gives
// the original bytes back; final output shows each such byte as U+FFFD, as Go's JSON would.
const ESCAPED_BYTE = /[\udc80-\udcff]/;

/** The UTF-8 bytes of `s` (escaped raw bytes are restored). */
export function utf8Encode(s: string): Uint8Array {
  if (!ESCAPED_BYTE.test(s)) {
    return encoder.encode(s);
  }
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc80 && c <= 0xdcff && !(i > 0 && isHighSurrogate(s.charCodeAt(i - 1)))) {
      out.push(c - 0xdc00);
      continue;
    }
    let j = i + 1;
    while (j < s.length) {
      const d = s.charCodeAt(j);
      if (d >= 0xdc80 && d <= 0xdcff && !isHighSurrogate(s.charCodeAt(j - 1))) {
        break;
      }
      j++;
    }
    for (const b of encoder.encode(s.slice(i, j))) {
      out.push(b);
    }
    i = j - 1;
  }
  return Uint8Array.from(out);
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** If `c` (a UTF-16 unit at `i` of `s`) stands for a raw byte, returns the byte, else -1. */
export function escapedByteAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xdc80 && c <= 0xdcff && !(i > 0 && isHighSurrogate(s.charCodeAt(i - 1)))) {
    return c - 0xdc00;
  }
  return -1;
}

let escapedCount = 0;

/** How many raw bytes utf8Decode has escaped so far (lets callers skip toDisplayString). */
export function escapedByteCount(): number {
  return escapedCount;
}

/** Replaces escaped raw bytes (and any other lone surrogate) with U+FFFD for display. */
export function toDisplayString(s: string): string {
  if (!/[\ud800-\udfff]/.test(s)) {
    return s;
  }
  return s.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
}

/**
 * Decodes UTF-8 bytes the way Go walks them: every byte that does not start a valid sequence
 * is kept as an escaped raw byte (see utf8Encode).
 */
export function utf8Decode(bytes: Uint8Array): string {
  let ascii = true;
  for (const b of bytes) {
    if (b >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    return decoder.decode(bytes);
  }
  let out = '';
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b0 = bytes[i] ?? 0;
    if (b0 < 0x80) {
      out += String.fromCharCode(b0);
      i++;
      continue;
    }
    const [r, size] = decodeRune(bytes, i);
    if (size === 1 && r === 0xfffd) {
      escapedCount++;
      out += String.fromCharCode(0xdc00 + b0);
    } else {
      out += String.fromCodePoint(r);
    }
    i += size;
  }
  return out;
}

function cont(b: number | undefined, lo = 0x80, hi = 0xbf): boolean {
  return b !== undefined && b >= lo && b <= hi;
}

/** Go's utf8.DecodeRune at offset i: [rune, size], (0xFFFD, 1) on invalid input. */
function decodeRune(p: Uint8Array, i: number): [number, number] {
  const b0 = p[i] ?? 0;
  if (b0 >= 0xc2 && b0 <= 0xdf && cont(p[i + 1])) {
    return [((b0 & 0x1f) << 6) | ((p[i + 1] ?? 0) & 0x3f), 2];
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    if (cont(p[i + 1], lo, hi) && cont(p[i + 2])) {
      return [((b0 & 0x0f) << 12) | (((p[i + 1] ?? 0) & 0x3f) << 6) | ((p[i + 2] ?? 0) & 0x3f), 3];
    }
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    if (cont(p[i + 1], lo, hi) && cont(p[i + 2]) && cont(p[i + 3])) {
      return [
        ((b0 & 0x07) << 18) |
          (((p[i + 1] ?? 0) & 0x3f) << 12) |
          (((p[i + 2] ?? 0) & 0x3f) << 6) |
          ((p[i + 3] ?? 0) & 0x3f),
        4,
      ];
    }
  }
  return [0xfffd, 1];
}

/** Go's len(s): the number of UTF-8 bytes. */
export function byteLength(s: string): number {
  if (isAscii(s)) {
    return s.length;
  }
  return utf8Encode(s).length;
}

/** Go's s[start:end] on bytes. */
export function byteSlice(s: string, start: number, end?: number): string {
  if (isAscii(s)) {
    return s.slice(start, end);
  }
  return utf8Decode(utf8Encode(s).subarray(start, end));
}

/** Go's utf8.RuneCountInString. */
export function runeCount(s: string): number {
  if (isAscii(s)) {
    return s.length;
  }
  let n = 0;
  for (const _ of s) {
    n++;
  }
  return n;
}

/** Go's unicode.IsPrint / strconv.IsPrint (Go 1.19's Unicode 13 tables). */
export function isPrint(r: number): boolean {
  if (r < 0x80) {
    return r >= 0x20 && r < 0x7f;
  }
  return unicodeIsPrint(r);
}

/** Go's unicode.IsGraphic. */
export function isGraphic(r: number): boolean {
  return unicodeIsGraphic(r);
}

/** Go's unicode.IsLetter. */
export function isLetter(r: number): boolean {
  if (r < 0x80) {
    return (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a);
  }
  return unicodeIsLetter(r);
}

/** Go's unicode.IsDigit. */
export function isDigit(r: number): boolean {
  if (r < 0x80) {
    return r >= 0x30 && r <= 0x39;
  }
  return unicodeIsDigit(r);
}

/** Go's unicode.IsSpace. */
export function isSpace(r: number): boolean {
  if (r < 0x80) {
    return r === 0x20 || (r >= 0x09 && r <= 0x0d);
  }
  return unicodeIsSpace(r);
}

/** Go's unicode.IsUpper. */
export function isUpper(r: number): boolean {
  if (r < 0x80) {
    return r >= 0x41 && r <= 0x5a;
  }
  return unicodeIsUpper(r);
}

/** Go's unicode.IsLower. */
export function isLower(r: number): boolean {
  if (r < 0x80) {
    return r >= 0x61 && r <= 0x7a;
  }
  return unicodeIsLower(r);
}

/** Go's unicode.IsTitle. */
export function isTitle(r: number): boolean {
  return unicodeIsTitle(r);
}

/** Go's unicode.IsPunct. */
export function isPunct(r: number): boolean {
  return unicodeIsPunct(r);
}

/** Go's unicode.IsNumber. */
export function isNumber(r: number): boolean {
  return unicodeIsNumber(r);
}

/** Go's unicode.ToUpper. */
export function toUpperRune(r: number): number {
  return unicodeToUpper(r);
}

/** Go's unicode.ToLower. */
export function toLowerRune(r: number): number {
  return unicodeToLower(r);
}

/** Go's unicode.ToTitle. */
export function toTitleRune(r: number): number {
  return unicodeToTitle(r);
}

/**
 * The runes of `s` as Go's `for _, r := range s` yields them: an escaped raw byte (or any other
 * lone surrogate) is utf8.RuneError, U+FFFD.
 */
export function goRunes(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const r = ch.codePointAt(0) ?? 0;
    out.push(r >= 0xd800 && r <= 0xdfff ? 0xfffd : r);
  }
  return out;
}

/** Go's strings.Map for a mapping that never drops runes: invalid bytes become U+FFFD. */
function mapRunes(s: string, f: (r: number) => number): string {
  let out = '';
  for (const r of goRunes(s)) {
    out += String.fromCodePoint(f(r));
  }
  return out;
}

/** Go's strings.ToUpper: rune-wise mapping (no length-changing special casing). */
export function goToUpper(s: string): string {
  if (isAscii(s)) {
    return s.toUpperCase();
  }
  return mapRunes(s, toUpperRune);
}

/** Go's strings.ToLower: rune-wise mapping. */
export function goToLower(s: string): string {
  if (isAscii(s)) {
    return s.toLowerCase();
  }
  return mapRunes(s, toLowerRune);
}
