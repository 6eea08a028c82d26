// Go 1.19's unicode package over the tables in unicode-tables.ts (generated from Go itself by
// scripts/generate-unicode-tables.sh), so rune classes and case mappings follow Unicode 13.0.0
// as Go's do, not the JavaScript runtime's newer Unicode data.

import * as T from './unicode-tables.js';

/** A decoded range table: sorted [lo, hi] pairs, flattened. */
type Ranges = Uint32Array;

function decodeRanges(s: string): Ranges {
  const parts = s.split(',');
  const out = new Uint32Array(parts.length);
  let end = 0;
  for (let i = 0; i < parts.length; i += 2) {
    const lo = end + parseInt(parts[i] ?? '0', 36);
    const hi = lo + parseInt(parts[i + 1] ?? '0', 36) - 1;
    out[i] = lo;
    out[i + 1] = hi;
    end = hi + 1;
  }
  return out;
}

function inRanges(t: Ranges, r: number): boolean {
  let lo = 0;
  let hi = t.length / 2 - 1;
  while (lo <= hi) {
    const m = (lo + hi) >> 1;
    if (r < (t[2 * m] ?? 0)) {
      hi = m - 1;
    } else if (r > (t[2 * m + 1] ?? 0)) {
      lo = m + 1;
    } else {
      return true;
    }
  }
  return false;
}

function decodeDeltas(s: string): Map<number, number> {
  const parts = s.split(',');
  const out = new Map<number, number>();
  let start = 0;
  for (let i = 0; i < parts.length; i += 4) {
    start += parseInt(parts[i] ?? '0', 36);
    const count = parseInt(parts[i + 1] ?? '0', 36);
    const stride = parseInt(parts[i + 2] ?? '0', 36);
    const delta = parseInt(parts[i + 3] ?? '0', 36);
    for (let k = 0; k < count; k++) {
      out.set(start + k * stride, delta);
    }
  }
  return out;
}

function decodeFold(s: string): Map<number, number> {
  const parts = s.split(',');
  const out = new Map<number, number>();
  let r = 0;
  for (let i = 0; i < parts.length; i += 2) {
    r += parseInt(parts[i] ?? '0', 36);
    out.set(r, r + parseInt(parts[i + 1] ?? '0', 36));
  }
  return out;
}

// Decoded on first use: most renders never leave ASCII.
function lazy<V>(make: () => V): () => V {
  let v: V | undefined;
  return () => (v ??= make());
}

const table = (s: string): (() => Ranges) => lazy(() => decodeRanges(s));
const PRINT = table(T.PRINT);
const GRAPHIC = table(T.GRAPHIC);
const LETTER = table(T.LETTER);
const DIGIT = table(T.DIGIT);
const NUMBER = table(T.NUMBER);
const SPACE = table(T.SPACE);
const UPPER = table(T.UPPER);
const LOWER = table(T.LOWER);
const TITLE = table(T.TITLE);
const PUNCT = table(T.PUNCT);
const SYMBOL = table(T.SYMBOL);
const MARK = table(T.MARK);
const CONTROL = table(T.CONTROL);
const TO_UPPER = lazy(() => decodeDeltas(T.TO_UPPER));
const TO_LOWER = lazy(() => decodeDeltas(T.TO_LOWER));
const TO_TITLE = lazy(() => decodeDeltas(T.TO_TITLE));
const FOLD = lazy(() => decodeFold(T.SIMPLE_FOLD));

/** The Unicode version of Go 1.19's tables. */
export const UNICODE_VERSION = T.UNICODE_VERSION;

export const unicodeIsPrint = (r: number): boolean => inRanges(PRINT(), r);
export const unicodeIsGraphic = (r: number): boolean => inRanges(GRAPHIC(), r);
export const unicodeIsLetter = (r: number): boolean => inRanges(LETTER(), r);
export const unicodeIsDigit = (r: number): boolean => inRanges(DIGIT(), r);
export const unicodeIsNumber = (r: number): boolean => inRanges(NUMBER(), r);
export const unicodeIsSpace = (r: number): boolean => inRanges(SPACE(), r);
export const unicodeIsUpper = (r: number): boolean => inRanges(UPPER(), r);
export const unicodeIsLower = (r: number): boolean => inRanges(LOWER(), r);
export const unicodeIsTitle = (r: number): boolean => inRanges(TITLE(), r);
export const unicodeIsPunct = (r: number): boolean => inRanges(PUNCT(), r);
export const unicodeIsSymbol = (r: number): boolean => inRanges(SYMBOL(), r);
export const unicodeIsMark = (r: number): boolean => inRanges(MARK(), r);
export const unicodeIsControl = (r: number): boolean => inRanges(CONTROL(), r);

/** unicode.ToUpper. */
export const unicodeToUpper = (r: number): number => r + (TO_UPPER().get(r) ?? 0);
/** unicode.ToLower. */
export const unicodeToLower = (r: number): number => r + (TO_LOWER().get(r) ?? 0);
/** unicode.ToTitle. */
export const unicodeToTitle = (r: number): number => r + (TO_TITLE().get(r) ?? 0);
/** unicode.SimpleFold: the next rune of r's case-folding orbit (r itself if none). */
export const unicodeSimpleFold = (r: number): number => FOLD().get(r) ?? r;

let foldKeys: number[] | undefined;

/** Every rune that has a case-folding orbit, ascending. */
export function foldingRunes(): number[] {
  return (foldKeys ??= [...FOLD().keys()].sort((a, b) => a - b));
}
