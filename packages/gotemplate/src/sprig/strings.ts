// sprig's string functions (strings.go and the goutils/xstrings helpers it wraps).

import { checkRange } from '../budget.js';
import { def, type FuncDef } from '../funcs.js';
import { base32Decode, base32Encode, base64Decode, base64Encode } from '../go/encoding.js';
import { compareGoStrings, sprintf } from '../go/fmt.js';
import { quote as goQuote } from '../go/strconv.js';
import {
  byteIndex,
  hasBytePrefix,
  hasByteSuffix,
  repeat,
  replaceAll,
  sliceString,
  split,
  splitN,
  title,
  trimBytePrefix,
  trimByteSuffix,
  trimCutset,
  trimSpace,
} from '../go/strings.js';
import {
  BOOL,
  IFACE,
  INT,
  MAP_STRING_STRING,
  SLICE_STRING,
  STRING,
  type Val,
  val,
} from '../go/types.js';
import {
  byteLength,
  goRunes,
  goToLower,
  goToUpper,
  isLetter,
  isLower,
  isNumber,
  isPunct,
  isSpace,
  isTitle,
  isUpper,
  toLowerRune,
  toTitleRune,
  toUpperRune,
  utf8Decode,
  utf8Encode,
} from '../go/utf8.js';
import { isSliceKind, items, num, str, strval } from './util.js';

const s1 = (f: (a: string) => string): FuncDef =>
  def([STRING], STRING, (a) => val(STRING, f(str(a[0] ?? null))));
const s2 = (f: (a: string, b: string) => string): FuncDef =>
  def([STRING, STRING], STRING, (a) => val(STRING, f(str(a[0] ?? null), str(a[1] ?? null))));
const b2 = (f: (a: string, b: string) => boolean): FuncDef =>
  def([STRING, STRING], BOOL, (a) => val(BOOL, f(str(a[0] ?? null), str(a[1] ?? null))));

/** goutils.AbbreviateFull. Returns null for its error cases. */
function abbreviateFull(s: string, offset: number, maxWidth: number): string | null {
  if (s === '') {
    return '';
  }
  if (maxWidth < 4) {
    return null;
  }
  const len = byteLength(s);
  if (len <= maxWidth) {
    return s;
  }
  if (offset > len) {
    offset = len;
  }
  if (len - offset < maxWidth - 3) {
    offset = len - (maxWidth - 3);
  }
  const marker = '...';
  if (offset <= 4) {
    return sliceString(s, 0, maxWidth - 3) + marker;
  }
  if (maxWidth < 7) {
    return null;
  }
  if (offset + maxWidth - 3 < len) {
    const rest = abbreviateFull(sliceString(s, offset, len), 0, maxWidth - 3) ?? '';
    return marker + rest;
  }
  return marker + sliceString(s, len - (maxWidth - 3), len);
}

/** goutils.DeleteWhiteSpace: byte-wise, re-encoding each kept byte as a rune (Go's behaviour). */
function deleteWhiteSpace(s: string): string {
  if (s === '') {
    return s;
  }
  const bytes = utf8Encode(s);
  let out = '';
  let count = 0;
  for (const b of bytes) {
    if (!isSpace(b)) {
      out += String.fromCharCode(b);
      count++;
    }
  }
  return count === bytes.length ? s : out;
}

/** goutils.Initials (byte-wise, as Go's implementation is). */
function initials(s: string): string {
  if (s === '') {
    return s;
  }
  let out = '';
  let lastWasGap = true;
  for (const b of utf8Encode(s)) {
    if (isSpace(b)) {
      lastWasGap = true;
    } else if (lastWasGap) {
      out += String.fromCharCode(b);
      lastWasGap = false;
    }
  }
  return out;
}

function uncapitalize(s: string): string {
  if (s === '') {
    return s;
  }
  let out = '';
  let next = true;
  for (const r of goRunes(s)) {
    if (isSpace(r)) {
      next = true;
      out += String.fromCodePoint(r);
    } else if (next) {
      out += String.fromCodePoint(toLowerRune(r));
      next = false;
    } else {
      out += String.fromCodePoint(r);
    }
  }
  return out;
}

function swapCase(s: string): string {
  if (s === '') {
    return s;
  }
  let out = '';
  let whitespace = true;
  for (const r of goRunes(s)) {
    if (isUpper(r) || isTitle(r)) {
      out += String.fromCodePoint(toLowerRune(r));
      whitespace = false;
    } else if (isLower(r)) {
      if (whitespace) {
        out += String.fromCodePoint(toTitleRune(r));
        whitespace = false;
      } else {
        out += String.fromCodePoint(toUpperRune(r));
      }
    } else {
      whitespace = isSpace(r);
      out += String.fromCodePoint(r);
    }
  }
  return out;
}

/** goutils.WrapCustom (byte offsets, like Go). */
function wrapCustom(
  s: string,
  wrapLength: number,
  newLineStr: string,
  wrapLongWords: boolean,
): string {
  if (s === '') {
    return '';
  }
  if (newLineStr === '') {
    newLineStr = '\n';
  }
  if (wrapLength < 1) {
    wrapLength = 1;
  }
  const b = utf8Encode(s);
  const nl = utf8Encode(newLineStr);
  const len = b.length;
  let offset = 0;
  const out: number[] = [];
  const push = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      out.push(b[i] ?? 0);
    }
  };
  const lastIndexSpace = (from: number, to: number): number => {
    for (let i = Math.min(to, len) - 1; i >= from; i--) {
      if (b[i] === 0x20) {
        return i - from;
      }
    }
    return -1;
  };
  while (len - offset > wrapLength) {
    if (b[offset] === 0x20) {
      offset++;
      continue;
    }
    const end = wrapLength + offset + 1;
    let spaceToWrapAt = lastIndexSpace(offset, end) + offset;
    if (spaceToWrapAt >= offset) {
      push(offset, spaceToWrapAt);
      out.push(...nl);
      offset = spaceToWrapAt + 1;
    } else if (wrapLongWords) {
      push(offset, wrapLength + offset);
      out.push(...nl);
      offset += wrapLength;
    } else {
      const e = wrapLength + offset;
      let index = -1;
      for (let i = e; i < len; i++) {
        if (b[i] === 0x20) {
          index = i - e;
          break;
        }
      }
      if (index === -1) {
        push(offset, len);
        offset = len;
      } else {
        spaceToWrapAt = index + e;
        push(offset, spaceToWrapAt);
        out.push(...nl);
        offset = spaceToWrapAt + 1;
      }
    }
  }
  push(offset, len);
  return utf8Decode(Uint8Array.from(out));
}

// ---- xstrings case conversions ----

const WORD = {
  invalid: 0,
  number: 1,
  upper: 2,
  alphabet: 3,
  connector: 4,
  punct: 5,
  other: 6,
} as const;
type WordType = (typeof WORD)[keyof typeof WORD];

function isConnector(r: number): boolean {
  return r === 0x2d || r === 0x5f || isSpace(r);
}

function isAlphabet(r: number): boolean {
  if (!isLetter(r)) {
    return false;
  }
  // xstrings (Debian's golang-github-huandu-xstrings-dev, as the oracle links it) count.go.
  if (r < 0x3400) {
    return true;
  }
  if (r >= 0x4e00 && r <= 0x9fcc) {
    return false;
  }
  if (r >= 0x3400 && r <= 0x4d85) {
    return false;
  }
  if (r >= 0x20000 && r <= 0x2b81d) {
    return false;
  }
  return true;
}

// xstrings works on UTF-8 bytes and skips invalid runes (utf8.RuneError, which includes a literal
// U+FFFD) while it classifies words. Here the string is a list of units: code points, with raw
// bytes as escaped lone surrogates (see utf8.ts); a raw unit is one invalid rune.
function units(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    out.push(ch.codePointAt(0) ?? 0);
  }
  return out;
}

function isRuneError(u: number): boolean {
  return u === 0xfffd || (u >= 0xd800 && u <= 0xdfff);
}

/** xstrings nextValidRune: the first valid rune and the units up to and including it. */
function nextValidRune(s: number[], from: number, prev: number): [number, number] {
  let size = 0;
  for (let i = from; i < s.length; i++) {
    size++;
    const u = s[i] ?? 0;
    if (!isRuneError(u)) {
      return [u, size];
    }
  }
  return [prev, size];
}

/** xstrings nextWord over units: [type, word, remaining]. */
function nextWord(str: number[]): [WordType, number[], number[]] {
  if (str.length === 0) {
    return [WORD.invalid, [], []];
  }
  let [r, size] = nextValidRune(str, 0, 0xfffd);
  let offset = size;
  if (r === 0xfffd) {
    return [WORD.invalid, str.slice(0, offset), str.slice(offset)];
  }
  let wt: WordType;
  // Consumes runes while `keep` holds for the next valid one.
  const consume = (keep: (r: number) => boolean): void => {
    while (offset < str.length) {
      [r, size] = nextValidRune(str, offset, r);
      if (!keep(r)) {
        break;
      }
      offset += size;
    }
  };
  if (isConnector(r)) {
    wt = WORD.connector;
    consume(isConnector);
  } else if (isPunct(r)) {
    wt = WORD.punct;
    consume(isPunct);
  } else if (isUpper(r)) {
    wt = WORD.upper;
    if (offset < str.length) {
      [r, size] = nextValidRune(str, offset, r);
      if (isUpper(r)) {
        let prevSize = size;
        offset += size;
        while (offset < str.length) {
          [r, size] = nextValidRune(str, offset, r);
          if (!isUpper(r)) {
            break;
          }
          prevSize = size;
          offset += size;
        }
        // "HTTPStatus": the S starts the next word.
        if (offset < str.length && isAlphabet(r)) {
          offset -= prevSize;
        }
      } else if (isAlphabet(r)) {
        offset += size;
        consume((c) => isAlphabet(c) && !isUpper(c));
      }
    }
  } else if (isAlphabet(r)) {
    wt = WORD.alphabet;
    consume((c) => isAlphabet(c) && !isUpper(c));
  } else if (isNumber(r)) {
    wt = WORD.number;
    consume(isNumber);
  } else {
    wt = WORD.other;
    consume((c) => !(isConnector(c) || isAlphabet(c) || isNumber(c) || isPunct(c)));
  }
  return [wt, str.slice(0, offset), str.slice(offset)];
}

function toLowerWord(buf: number[], wt: WordType, word: number[], connector: number): void {
  if (wt !== WORD.upper && wt !== WORD.connector) {
    // Written as is (raw bytes stay raw).
    buf.push(...word);
    return;
  }
  for (const u of word) {
    const r = isRuneError(u) ? 0xfffd : u;
    if (isConnector(r)) {
      buf.push(connector);
    } else if (isUpper(r)) {
      buf.push(toLowerRune(r));
    } else {
      buf.push(r);
    }
  }
}

function camelCaseToLowerCase(str0: string, connector: number): string {
  if (str0 === '') {
    return '';
  }
  const buf: number[] = [];
  let [wt, word, remaining] = nextWord(units(str0));
  while (remaining.length > 0) {
    if (wt !== WORD.connector) {
      toLowerWord(buf, wt, word, connector);
    }
    const prev = wt;
    const last = word;
    [wt, word, remaining] = nextWord(remaining);
    switch (prev) {
      case WORD.number:
        while (wt === WORD.alphabet || wt === WORD.number) {
          toLowerWord(buf, wt, word, connector);
          [wt, word, remaining] = nextWord(remaining);
        }
        if (wt !== WORD.invalid && wt !== WORD.punct && wt !== WORD.connector) {
          buf.push(connector);
        }
        break;
      case WORD.connector:
        toLowerWord(buf, prev, last, connector);
        break;
      case WORD.punct:
        break;
      default: {
        if (wt !== WORD.number) {
          if (wt !== WORD.connector && wt !== WORD.punct) {
            buf.push(connector);
          }
          break;
        }
        if (remaining.length === 0) {
          break;
        }
        const lastN = word;
        [wt, word, remaining] = nextWord(remaining);
        if (wt !== WORD.alphabet) {
          toLowerWord(buf, WORD.number, lastN, connector);
          if (wt !== WORD.connector && wt !== WORD.punct) {
            buf.push(connector);
          }
          break;
        }
        buf.push(connector);
        toLowerWord(buf, WORD.number, lastN, connector);
        while (wt === WORD.alphabet || wt === WORD.number) {
          toLowerWord(buf, wt, word, connector);
          [wt, word, remaining] = nextWord(remaining);
        }
        if (wt !== WORD.invalid && wt !== WORD.connector && wt !== WORD.punct) {
          buf.push(connector);
        }
      }
    }
  }
  toLowerWord(buf, wt, word, connector);
  return String.fromCodePoint(...buf);
}

function toCamelCase(s: string): string {
  if (s === '') {
    return '';
  }
  const cps = goRunes(s);
  let out = '';
  let idx = 0;
  let r0 = 0;
  while (idx < cps.length) {
    r0 = cps[idx++] ?? 0;
    if (!isConnector(r0)) {
      r0 = toUpperRune(r0);
      break;
    }
    out += String.fromCodePoint(r0);
  }
  if (idx >= cps.length) {
    // As in xstrings, the last rune read is written again (even a connector).
    out += String.fromCodePoint(r0);
    return out;
  }
  while (idx < cps.length) {
    const r1 = r0;
    r0 = cps[idx++] ?? 0;
    if (isConnector(r0) && isConnector(r1)) {
      out += String.fromCodePoint(r1);
      continue;
    }
    if (isConnector(r1)) {
      r0 = toUpperRune(r0);
    } else {
      r0 = toLowerRune(r0);
      out += String.fromCodePoint(r1);
    }
  }
  out += String.fromCodePoint(r0);
  return out;
}

// ---- random strings ----

function randomFrom(alphabet: string, count: number): string {
  if (count <= 0) {
    return '';
  }
  checkRange(count);
  const bytes = new Uint32Array(count);
  globalThis.crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) {
    out += alphabet[b % alphabet.length];
  }
  return out;
}

const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const NUMERIC = '0123456789';
const ASCII_PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

function shuffle(s: string): string {
  const cps = [...s];
  for (let i = cps.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    const t = cps[i] as string;
    cps[i] = cps[j] as string;
    cps[j] = t;
  }
  return cps.join('');
}

// ---- lists of strings ----

/** sprig's strslice. Returns null for a nil []string passed through. */
export function strslice(v: Val): string[] | null {
  if (v === null) {
    return [];
  }
  if (v.t === SLICE_STRING) {
    return v.v as string[] | null;
  }
  if (isSliceKind(v)) {
    return items(v)
      .filter((x) => x !== null)
      .map(strval);
  }
  return [strval(v)];
}

function splitMap(parts: string[] | null): Val {
  const m = new Map<string, string>();
  (parts ?? []).forEach((p, i) => m.set(`_${i}`, p));
  return val(MAP_STRING_STRING, m);
}

function trunc(c: number, s: string): string {
  const len = byteLength(s);
  if (c < 0 && len + c > 0) {
    return sliceString(s, len + c);
  }
  if (c >= 0 && len > c) {
    return sliceString(s, 0, c);
  }
  return s;
}

function substring(start: number, end: number, s: string): string {
  if (start < 0) {
    return sliceString(s, 0, end);
  }
  if (end < 0 || end > byteLength(s)) {
    return sliceString(s, start);
  }
  return sliceString(s, start, end);
}

function indent(spaces: number, v: string): string {
  const pad = repeat(' ', spaces);
  return pad + v.split('\n').join('\n' + pad);
}

function b64dec(s: string): string {
  try {
    return utf8Decode(base64Decode(utf8Encode(s)));
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function b32dec(s: string): string {
  try {
    return utf8Decode(base32Decode(utf8Encode(s)));
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** The string functions of sprig's map. */
export const stringFuncs: Record<string, FuncDef> = {
  hello: def([], STRING, () => val(STRING, 'Hello!')),
  abbrev: def([INT, STRING], STRING, (a) => {
    const w = num(a[0] ?? null);
    const s = str(a[1] ?? null);
    if (w < 4) {
      return val(STRING, s);
    }
    return val(STRING, abbreviateFull(s, 0, w) ?? '');
  }),
  abbrevboth: def([INT, INT, STRING], STRING, (a) => {
    const left = num(a[0] ?? null);
    const right = num(a[1] ?? null);
    const s = str(a[2] ?? null);
    if (right < 4 || (left > 0 && right < 7)) {
      return val(STRING, s);
    }
    return val(STRING, abbreviateFull(s, left, right) ?? '');
  }),
  trunc: def([INT, STRING], STRING, (a) =>
    val(STRING, trunc(num(a[0] ?? null), str(a[1] ?? null))),
  ),
  trim: s1(trimSpace),
  upper: s1(goToUpper),
  lower: s1(goToLower),
  title: s1(title),
  untitle: s1(uncapitalize),
  substr: def([INT, INT, STRING], STRING, (a) =>
    val(STRING, substring(num(a[0] ?? null), num(a[1] ?? null), str(a[2] ?? null))),
  ),
  repeat: def([INT, STRING], STRING, (a) => {
    const count = num(a[0] ?? null);
    checkRange(count);
    return val(STRING, repeat(str(a[1] ?? null), count));
  }),
  trimall: s2((cut, s) => trimCutset(s, cut)),
  trimAll: s2((cut, s) => trimCutset(s, cut)),
  trimSuffix: s2((suffix, s) => trimByteSuffix(s, suffix)),
  trimPrefix: s2((prefix, s) => trimBytePrefix(s, prefix)),
  nospace: s1(deleteWhiteSpace),
  initials: s1(initials),
  randAlphaNum: def([INT], STRING, (a) =>
    val(STRING, randomFrom(ALPHA + NUMERIC, num(a[0] ?? null))),
  ),
  randAlpha: def([INT], STRING, (a) => val(STRING, randomFrom(ALPHA, num(a[0] ?? null)))),
  randAscii: def([INT], STRING, (a) => val(STRING, randomFrom(ASCII_PRINTABLE, num(a[0] ?? null)))),
  randNumeric: def([INT], STRING, (a) => val(STRING, randomFrom(NUMERIC, num(a[0] ?? null)))),
  swapcase: s1(swapCase),
  shuffle: s1(shuffle),
  snakecase: s1((s) => camelCaseToLowerCase(s, 0x5f)),
  camelcase: s1(toCamelCase),
  kebabcase: s1((s) => camelCaseToLowerCase(s, 0x2d)),
  wrap: def([INT, STRING], STRING, (a) =>
    val(STRING, wrapCustom(str(a[1] ?? null), num(a[0] ?? null), '', false)),
  ),
  wrapWith: def([INT, STRING, STRING], STRING, (a) =>
    val(STRING, wrapCustom(str(a[2] ?? null), num(a[0] ?? null), str(a[1] ?? null), true)),
  ),
  contains: b2((sub, s) => byteIndex(s, sub) >= 0),
  hasPrefix: b2((p, s) => hasBytePrefix(s, p)),
  hasSuffix: b2((p, s) => hasByteSuffix(s, p)),
  quote: def(
    [IFACE],
    STRING,
    (a) =>
      val(
        STRING,
        a
          .filter((x) => x !== null)
          .map((x) => goQuote(strval(x)))
          .join(' '),
      ),
    { variadic: true },
  ),
  squote: def(
    [IFACE],
    STRING,
    (a) =>
      val(
        STRING,
        a
          .filter((x) => x !== null)
          .map((x) => sprintf("'%v'", [x]))
          .join(' '),
      ),
    { variadic: true },
  ),
  cat: def(
    [IFACE],
    STRING,
    (a) => {
      const v = a.filter((x) => x !== null);
      const format = trimSpace('%v '.repeat(v.length));
      return val(STRING, sprintf(format, v));
    },
    { variadic: true },
  ),
  indent: def([INT, STRING], STRING, (a) =>
    val(STRING, indent(num(a[0] ?? null), str(a[1] ?? null))),
  ),
  nindent: def([INT, STRING], STRING, (a) =>
    val(STRING, '\n' + indent(num(a[0] ?? null), str(a[1] ?? null))),
  ),
  replace: def([STRING, STRING, STRING], STRING, (a) =>
    val(STRING, replaceAll(str(a[2] ?? null), str(a[0] ?? null), str(a[1] ?? null))),
  ),
  plural: def([STRING, STRING, INT], STRING, (a) =>
    val(STRING, num(a[2] ?? null) === 1 ? str(a[0] ?? null) : str(a[1] ?? null)),
  ),
  toString: def([IFACE], STRING, (a) => val(STRING, strval(a[0] ?? null))),
  splitList: def([STRING, STRING], SLICE_STRING, (a) =>
    val(SLICE_STRING, split(str(a[1] ?? null), str(a[0] ?? null))),
  ),
  split: def([STRING, STRING], MAP_STRING_STRING, (a) =>
    splitMap(split(str(a[1] ?? null), str(a[0] ?? null))),
  ),
  splitn: def([STRING, INT, STRING], MAP_STRING_STRING, (a) =>
    splitMap(splitN(str(a[2] ?? null), str(a[0] ?? null), num(a[1] ?? null))),
  ),
  toStrings: def([IFACE], SLICE_STRING, (a) => val(SLICE_STRING, strslice(a[0] ?? null))),
  join: def([STRING, IFACE], STRING, (a) =>
    val(STRING, (strslice(a[1] ?? null) ?? []).join(str(a[0] ?? null))),
  ),
  sortAlpha: def([IFACE], SLICE_STRING, (a) => {
    const v = a[0] ?? null;
    if (isSliceKind(v)) {
      const list = [...(strslice(v) ?? [])];
      list.sort(compareGoStrings);
      return val(SLICE_STRING, v.t === SLICE_STRING && v.v === null ? null : list);
    }
    return val(SLICE_STRING, [strval(v)]);
  }),
  b64enc: s1((s) => base64Encode(utf8Encode(s))),
  b64dec: s1(b64dec),
  b32enc: s1((s) => base32Encode(utf8Encode(s))),
  b32dec: s1(b32dec),
};
