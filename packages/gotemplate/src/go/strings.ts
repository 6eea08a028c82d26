// Go's strings package functions with their exact (rune- and byte-level) semantics.

import { checkString } from '../budget.js';
import { GoPanic } from '../funcs.js';
import {
  byteLength,
  goRunes,
  isAscii,
  isDigit,
  isLetter,
  isSpace,
  toTitleRune,
  utf8Decode,
  utf8Encode,
} from './utf8.js';

// Raw bytes (escaped as U+DC80..U+DCFF, see utf8.ts) can match part of a valid character's
// encoding ("\xd0" is a prefix of "Ж"), so with them around Go's byte-wise operations are done
// on bytes. (A valid pair's low half also matches the test: that only takes the slow path.)
const MAYBE_RAW = /[\udc80-\udcff]/;

/** Go's genSplit on bytes (sep not empty): at most n pieces (n < 0: all). */
function splitBytes(s: string, sep: string, n: number): string[] {
  const b = utf8Encode(s);
  const x = utf8Encode(sep);
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i + x.length <= b.length && (n < 0 || out.length < n - 1);) {
    let match = true;
    for (let k = 0; k < x.length; k++) {
      if (b[i + k] !== x[k]) {
        match = false;
        break;
      }
    }
    if (match) {
      out.push(utf8Decode(b.subarray(start, i)));
      i += x.length;
      start = i;
    } else {
      i++;
    }
  }
  out.push(utf8Decode(b.subarray(start)));
  return out;
}

/** strings.TrimSpace (Unicode white space). */
export function trimSpace(s: string): string {
  const cps = [...s];
  let a = 0;
  let b = cps.length;
  while (a < b && isSpace(cps[a]!.codePointAt(0) ?? 0)) {
    a++;
  }
  while (b > a && isSpace(cps[b - 1]!.codePointAt(0) ?? 0)) {
    b--;
  }
  return cps.slice(a, b).join('');
}

/** strings.Trim(s, cutset). */
export function trimCutset(s: string, cutset: string): string {
  if (s === '' || cutset === '') {
    return s;
  }
  // Go compares runes: an invalid byte is utf8.RuneError on both sides, so a cutset holding any
  // invalid byte (or U+FFFD) trims every invalid byte of s.
  const set = new Set(goRunes(cutset));
  const cps = [...s];
  const cut = (ch: string | undefined): boolean => set.has(goRunes(ch ?? '')[0] ?? -1);
  let a = 0;
  let b = cps.length;
  while (a < b && cut(cps[a])) {
    a++;
  }
  while (b > a && cut(cps[b - 1])) {
    b--;
  }
  return cps.slice(a, b).join('');
}

function isSeparator(r: number): boolean {
  if (r <= 0x7f) {
    if (
      (r >= 0x30 && r <= 0x39) ||
      (r >= 0x61 && r <= 0x7a) ||
      (r >= 0x41 && r <= 0x5a) ||
      r === 0x5f
    ) {
      return false;
    }
    return true;
  }
  if (isLetter(r) || isDigit(r)) {
    return false;
  }
  return isSpace(r);
}

/** strings.Title (deprecated in Go, still what sprig's `title` uses). */
export function title(s: string): string {
  let prev = 0x20;
  let out = '';
  for (const r of goRunes(s)) {
    if (isSeparator(prev)) {
      prev = r;
      out += String.fromCodePoint(toTitleRune(r));
    } else {
      prev = r;
      out += String.fromCodePoint(r);
    }
  }
  return out;
}

/** strings.Replace(s, old, new, -1). */
export function replaceAll(s: string, old: string, nw: string): string {
  if (old === '') {
    const cps = [...s];
    return nw + cps.map((c) => c + nw).join('');
  }
  if (MAYBE_RAW.test(s) || MAYBE_RAW.test(old)) {
    return splitBytes(s, old, -1).join(nw);
  }
  return s.split(old).join(nw);
}

/**
 * Go's strings explode: one string per rune (at most n, the last holding the rest as is); an
 * invalid byte becomes "\uFFFD", except in the last piece.
 */
function explode(s: string, n: number): string[] {
  const cps = [...s];
  if (n < 0 || n > cps.length) {
    n = cps.length;
  }
  const out: string[] = [];
  for (let i = 0; i < n - 1; i++) {
    const c = cps[i] ?? '';
    out.push(/^[\ud800-\udfff]$/.test(c) ? '\ufffd' : c);
  }
  if (n > 0) {
    out.push(cps.slice(n - 1).join(''));
  }
  return out;
}

/** strings.Split(s, sep). */
export function split(s: string, sep: string): string[] {
  if (sep === '') {
    return explode(s, -1);
  }
  if (MAYBE_RAW.test(s) || MAYBE_RAW.test(sep)) {
    return splitBytes(s, sep, -1);
  }
  return s.split(sep);
}

/** strings.SplitN(s, sep, n). Returns null for n == 0 (Go's nil). */
export function splitN(s: string, sep: string, n: number): string[] | null {
  if (n === 0) {
    return null;
  }
  if (n < 0) {
    return split(s, sep);
  }
  if (sep === '') {
    return explode(s, n);
  }
  if (MAYBE_RAW.test(s) || MAYBE_RAW.test(sep)) {
    return splitBytes(s, sep, n);
  }
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) {
      break;
    }
    out.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  out.push(rest);
  return out;
}

/** strings.Repeat (panics on a negative count like Go). */
export function repeat(s: string, count: number): string {
  if (count < 0) {
    throw new GoPanic('strings: negative Repeat count');
  }
  if (count > 0 && s.length * count > 1 << 28) {
    throw new GoPanic('strings: Repeat output length overflow');
  }
  checkString(s.length * count);
  return s.repeat(count);
}

/** An int as Go prints it (ints beyond 2^53, like int(NaN) = -2^63, in full). */
function d(n: number): string {
  return Number.isSafeInteger(n) || !Number.isFinite(n) ? String(n) : BigInt(n).toString();
}

/** Go's s[low:high] on a string (byte offsets), panicking like the runtime when out of range. */
export function sliceString(s: string, low: number, high?: number): string {
  const len = byteLength(s);
  if (high === undefined) {
    if (low < 0) {
      throw new GoPanic(`runtime error: slice bounds out of range [${d(low)}:]`);
    }
    if (low > len) {
      throw new GoPanic(`runtime error: slice bounds out of range [${d(low)}:${d(len)}]`);
    }
  } else {
    if (high < 0) {
      throw new GoPanic(`runtime error: slice bounds out of range [:${d(high)}]`);
    }
    if (high > len) {
      throw new GoPanic(
        `runtime error: slice bounds out of range [:${d(high)}] with length ${d(len)}`,
      );
    }
    if (low < 0) {
      throw new GoPanic(`runtime error: slice bounds out of range [${d(low)}:]`);
    }
    if (low > high) {
      throw new GoPanic(`runtime error: slice bounds out of range [${d(low)}:${d(high)}]`);
    }
  }
  if (isAscii(s)) {
    return s.slice(low, high);
  }
  return utf8Decode(utf8Encode(s).subarray(low, high));
}

function bytesStartWith(s: Uint8Array, p: Uint8Array, at: number): boolean {
  if (at < 0 || at + p.length > s.length) {
    return false;
  }
  for (let i = 0; i < p.length; i++) {
    if (s[at + i] !== p[i]) {
      return false;
    }
  }
  return true;
}

/** strings.HasPrefix. */
export function hasBytePrefix(s: string, prefix: string): boolean {
  if (!MAYBE_RAW.test(s) && !MAYBE_RAW.test(prefix)) {
    return s.startsWith(prefix);
  }
  return bytesStartWith(utf8Encode(s), utf8Encode(prefix), 0);
}

/** strings.HasSuffix. */
export function hasByteSuffix(s: string, suffix: string): boolean {
  if (!MAYBE_RAW.test(s) && !MAYBE_RAW.test(suffix)) {
    return s.endsWith(suffix);
  }
  const b = utf8Encode(s);
  const x = utf8Encode(suffix);
  return bytesStartWith(b, x, b.length - x.length);
}

/** Whether strings.Index(s, sub) >= 0 (the index is in bytes only on the byte path). */
export function byteIndex(s: string, sub: string): number {
  if (!MAYBE_RAW.test(s) && !MAYBE_RAW.test(sub)) {
    return s.indexOf(sub);
  }
  const b = utf8Encode(s);
  const x = utf8Encode(sub);
  for (let i = 0; i + x.length <= b.length; i++) {
    if (bytesStartWith(b, x, i)) {
      return i;
    }
  }
  return -1;
}

/** strings.TrimPrefix. */
export function trimBytePrefix(s: string, prefix: string): string {
  if (!MAYBE_RAW.test(s) && !MAYBE_RAW.test(prefix)) {
    return s.startsWith(prefix) ? s.slice(prefix.length) : s;
  }
  const b = utf8Encode(s);
  const p = utf8Encode(prefix);
  return bytesStartWith(b, p, 0) ? utf8Decode(b.subarray(p.length)) : s;
}

/** strings.TrimSuffix. */
export function trimByteSuffix(s: string, suffix: string): string {
  if (!MAYBE_RAW.test(s) && !MAYBE_RAW.test(suffix)) {
    return suffix !== '' && s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s;
  }
  const b = utf8Encode(s);
  const x = utf8Encode(suffix);
  return bytesStartWith(b, x, b.length - x.length)
    ? utf8Decode(b.subarray(0, b.length - x.length))
    : s;
}
