// Go's regexp (RE2 syntax, Perl flags): the pattern is parsed with Go's rules (so Go's syntax
// errors and rejections, e.g. of backreferences and lookarounds, are reproduced) and matched by
// re2js, a port of RE2: linear time in the input, like Go (a JavaScript RegExp backtracks, and
// `(a+)+$` takes exponential time). Matching loops (FindAll, ReplaceAll, Split) follow Go's
// handling of empty matches.

import { RE2JS } from 're2js';

import { canBackquote, quote } from './strconv.js';
import { foldingRunes, unicodeSimpleFold } from './unicode.js';
import { isDigit, isLetter } from './utf8.js';

/** A regexp/syntax error; message is Go's `error parsing regexp: CODE: \`EXPR\``. */
export class RegexpSyntaxError extends Error {
  constructor(code: string, expr: string) {
    super(`error parsing regexp: ${code}: \`${expr}\``);
  }
}

type Range = [number, number];
const MAX_RUNE = 0x10ffff;

const PERL_GROUPS: Record<string, { neg: boolean; ranges: Range[] }> = {
  '\\d': { neg: false, ranges: [[0x30, 0x39]] },
  '\\D': { neg: true, ranges: [[0x30, 0x39]] },
  '\\s': {
    neg: false,
    ranges: [
      [0x09, 0x0a],
      [0x0c, 0x0d],
      [0x20, 0x20],
    ],
  },
  '\\S': {
    neg: true,
    ranges: [
      [0x09, 0x0a],
      [0x0c, 0x0d],
      [0x20, 0x20],
    ],
  },
  '\\w': {
    neg: false,
    ranges: [
      [0x30, 0x39],
      [0x41, 0x5a],
      [0x5f, 0x5f],
      [0x61, 0x7a],
    ],
  },
  '\\W': {
    neg: true,
    ranges: [
      [0x30, 0x39],
      [0x41, 0x5a],
      [0x5f, 0x5f],
      [0x61, 0x7a],
    ],
  },
};

const POSIX: Record<string, Range[]> = {
  alnum: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  alpha: [
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  ascii: [[0x00, 0x7f]],
  blank: [
    [0x09, 0x09],
    [0x20, 0x20],
  ],
  cntrl: [
    [0x00, 0x1f],
    [0x7f, 0x7f],
  ],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [
    [0x21, 0x2f],
    [0x3a, 0x40],
    [0x5b, 0x60],
    [0x7b, 0x7e],
  ],
  space: [
    [0x09, 0x0d],
    [0x20, 0x20],
  ],
  upper: [[0x41, 0x5a]],
  word: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
  xdigit: [
    [0x30, 0x39],
    [0x41, 0x46],
    [0x61, 0x66],
  ],
};

const CATEGORIES = new Set([
  'C',
  'Cc',
  'Cf',
  'Co',
  'Cs',
  'L',
  'Ll',
  'Lm',
  'Lo',
  'Lt',
  'Lu',
  'M',
  'Mc',
  'Me',
  'Mn',
  'N',
  'Nd',
  'Nl',
  'No',
  'P',
  'Pc',
  'Pd',
  'Pe',
  'Pf',
  'Pi',
  'Po',
  'Ps',
  'S',
  'Sc',
  'Sk',
  'Sm',
  'So',
  'Z',
  'Zl',
  'Zp',
  'Zs',
]);

function negate(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) {
      out.push([next, lo - 1]);
    }
    next = Math.max(next, hi + 1);
  }
  if (next <= MAX_RUNE) {
    out.push([next, MAX_RUNE]);
  }
  return out;
}

/** The case-fold orbit of a rune: Go's unicode.SimpleFold, followed round (Unicode 13). */
function foldOrbit(r: number): number[] {
  const out = [r];
  for (let f = unicodeSimpleFold(r); f !== r; f = unicodeSimpleFold(f)) {
    out.push(f);
  }
  return out;
}

/** Adds the fold orbits of every rune in the ranges (only runes that fold are visited). */
function foldRanges(ranges: Range[]): Range[] {
  const out: Range[] = [...ranges];
  const keys = foldingRunes();
  for (const [lo, hi] of ranges) {
    let i = lowerBound(keys, lo);
    for (; i < keys.length && (keys[i] ?? 0) <= hi; i++) {
      const r = keys[i] ?? 0;
      for (const f of foldOrbit(r)) {
        if (f < lo || f > hi) {
          out.push([f, f]);
        }
      }
    }
  }
  return out;
}

function lowerBound(a: number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if ((a[m] ?? 0) < x) {
      lo = m + 1;
    } else {
      hi = m;
    }
  }
  return lo;
}

function hexEsc(r: number): string {
  return `\\u{${r.toString(16)}}`;
}

function emitRanges(ranges: Range[]): string {
  return ranges
    .map(([lo, hi]) => (lo === hi ? hexEsc(lo) : `${hexEsc(lo)}-${hexEsc(hi)}`))
    .join('');
}

function emitLiteral(r: number, fold: boolean): string {
  if (fold) {
    const orbit = foldOrbit(r);
    if (orbit.length > 1) {
      return '[' + orbit.map(hexEsc).join('') + ']';
    }
  }
  if ((r >= 0x30 && r <= 0x39) || (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a)) {
    return String.fromCharCode(r);
  }
  return hexEsc(r);
}

function isalnum(c: string | undefined): boolean {
  return c !== undefined && /^[0-9A-Za-z]$/.test(c);
}

type Flags = { fold: boolean; multiLine: boolean; dotNL: boolean; nonGreedy: boolean };

type Frame = {
  flags: Flags;
  /** Index in `out` where the group's JS text starts (for quantifier wrapping). */
  start: number;
  /** True for a flags-only frame marker (never pushed; kept for clarity). */
  capture: boolean;
};

/** A compiled Go regexp. */
export class GoRegexp {
  readonly expr: string;
  readonly source: string;
  readonly numSubexp: number;
  readonly subexpNames: string[];
  private readonly re: RE2JS;

  constructor(expr: string) {
    this.expr = expr;
    // Go's parser first: its error texts and rejections are what templates see.
    const t = translate(expr);
    this.source = t.source;
    this.numSubexp = t.names.length - 1;
    this.subexpNames = t.names;
    try {
      this.re = RE2JS.compile(unnameGroups(expr));
    } catch {
      throw new RegexpSyntaxError('invalid or unsupported Perl syntax', expr);
    }
  }

  /**
   * Leftmost-first match at or after `pos` (the text before `pos` still counts for `^`, `\b`):
   * the matched text and groups (undefined = group not matched), with `index` at the start.
   */
  exec(s: string, pos: number): RegExpExecArray | null {
    if (pos > s.length) {
      return null;
    }
    const m = this.re.matcher(s);
    if (!m.find(pos)) {
      return null;
    }
    const groups: (string | undefined)[] = [];
    for (let i = 0; i <= this.numSubexp; i++) {
      groups.push(m.group(i) ?? undefined);
    }
    const result = groups as unknown as RegExpExecArray;
    result.index = m.start();
    result.input = s;
    return result;
  }

  /** regexp.MatchString. */
  matchString(s: string): boolean {
    return this.re.test(s);
  }

  /** All matches (Go's allMatches rules), at most n (n < 0: all). */
  allMatches(s: string, n: number): RegExpExecArray[] {
    const out: RegExpExecArray[] = [];
    const end = s.length;
    let pos = 0;
    let prevMatchEnd = -1;
    while ((n < 0 || out.length < n) && pos <= end) {
      const m = this.exec(s, pos);
      if (m === null) {
        break;
      }
      const mStart = m.index;
      const mEnd = m.index + (m[0]?.length ?? 0);
      let accept = true;
      if (mEnd === pos) {
        if (mStart === prevMatchEnd) {
          accept = false;
        }
        pos += pos < end ? width(s, pos) : 1;
      } else {
        pos = mEnd;
      }
      prevMatchEnd = mEnd;
      if (accept) {
        out.push(m);
      }
    }
    return out;
  }

  /** regexp.FindString. */
  findString(s: string): string {
    const m = this.exec(s, 0);
    return m === null ? '' : (m[0] ?? '');
  }

  /** regexp.FindAllString; null when there is no match (Go's nil). */
  findAllString(s: string, n: number): string[] | null {
    if (n === 0) {
      return null;
    }
    const ms = this.allMatches(s, n);
    if (ms.length === 0) {
      return null;
    }
    return ms.map((m) => m[0] ?? '');
  }

  /** regexp.Split. */
  split(s: string, n: number): string[] | null {
    if (n === 0) {
      return null;
    }
    if (this.expr.length > 0 && s.length === 0) {
      return [''];
    }
    const matches = this.allMatches(s, n);
    const strings: string[] = [];
    let beg = 0;
    let end = 0;
    for (const m of matches) {
      if (n > 0 && strings.length === n - 1) {
        break;
      }
      end = m.index;
      const mEnd = m.index + (m[0]?.length ?? 0);
      if (mEnd !== 0) {
        strings.push(s.slice(beg, end));
      }
      beg = mEnd;
    }
    if (end !== s.length) {
      strings.push(s.slice(beg));
    }
    return strings;
  }

  /** Go's replaceAll driver; `repl` appends the replacement for one match. */
  private replaceAllWith(src: string, repl: (m: RegExpExecArray) => string): string {
    let out = '';
    let lastMatchEnd = 0;
    let searchPos = 0;
    const end = src.length;
    while (searchPos <= end) {
      const a = this.exec(src, searchPos);
      if (a === null) {
        break;
      }
      const a0 = a.index;
      const a1 = a.index + (a[0]?.length ?? 0);
      out += src.slice(lastMatchEnd, a0);
      if (a1 > lastMatchEnd || a0 === 0) {
        out += repl(a);
      }
      lastMatchEnd = a1;
      const w = searchPos < end ? width(src, searchPos) : 0;
      if (searchPos + w > a1) {
        searchPos += w;
      } else if (searchPos + 1 > a1) {
        searchPos++;
      } else {
        searchPos = a1;
      }
    }
    return out + src.slice(lastMatchEnd);
  }

  /** regexp.ReplaceAllString ($-expansion). */
  replaceAllString(src: string, template: string): string {
    return this.replaceAllWith(src, (m) => this.expand(template, m));
  }

  /** regexp.ReplaceAllLiteralString. */
  replaceAllLiteralString(src: string, repl: string): string {
    return this.replaceAllWith(src, () => repl);
  }

  private expand(template: string, m: RegExpExecArray): string {
    let dst = '';
    let t = template;
    for (;;) {
      const i = t.indexOf('$');
      if (i < 0) {
        break;
      }
      dst += t.slice(0, i);
      t = t.slice(i + 1);
      if (t !== '' && t[0] === '$') {
        dst += '$';
        t = t.slice(1);
        continue;
      }
      const ex = extract(t);
      if (!ex) {
        dst += '$';
        continue;
      }
      t = ex.rest;
      if (ex.num >= 0) {
        if (ex.num <= this.numSubexp) {
          dst += m[ex.num] ?? '';
        }
      } else {
        // The first group of that name that took part in the match (names may repeat).
        for (let idx = 1; idx < this.subexpNames.length; idx++) {
          if (this.subexpNames[idx] === ex.name && m[idx] !== undefined) {
            dst += m[idx];
            break;
          }
        }
      }
    }
    return dst + t;
  }
}

/**
 * `expr` (already accepted by Go's parser) with named groups made plain: Go allows a name twice,
 * re2js does not, and names are resolved here ({@link GoRegexp.subexpNames}) anyway.
 */
function unnameGroups(expr: string): string {
  if (!expr.includes('(?')) {
    return expr;
  }
  let out = '';
  let i = 0;
  let inClass = false;
  while (i < expr.length) {
    const c = expr[i] as string;
    if (c === '\\') {
      // \Q…\E quotes literally.
      if (expr[i + 1] === 'Q') {
        const e = expr.indexOf('\\E', i + 2);
        const stop = e < 0 ? expr.length : e + 2;
        out += expr.slice(i, stop);
        i = stop;
        continue;
      }
      out += expr.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === '[' && expr[i + 1] === ':') {
        const e = expr.indexOf(':]', i + 2);
        if (e >= 0) {
          out += expr.slice(i, e + 2);
          i = e + 2;
          continue;
        }
      }
      if (c === ']') {
        inClass = false;
      }
      out += c;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      i++;
      // A leading `]` (after an optional `^`) is a literal.
      if (expr[i] === '^') {
        out += '^';
        i++;
      }
      if (expr[i] === ']') {
        out += ']';
        i++;
      }
      continue;
    }
    if (c === '(' && expr[i + 1] === '?') {
      const named = expr.startsWith('(?P<', i) ? 4 : expr.startsWith('(?<', i) ? 3 : 0;
      if (named > 0) {
        const e = expr.indexOf('>', i + named);
        if (e >= 0) {
          out += '(';
          i = e + 1;
          continue;
        }
      }
    }
    out += c;
    i++;
  }
  return out;
}

function width(s: string, pos: number): number {
  const c = s.charCodeAt(pos);
  return c >= 0xd800 && c <= 0xdbff && pos + 1 < s.length ? 2 : 1;
}

function extract(str0: string): { name: string; num: number; rest: string } | null {
  let str = str0;
  if (str === '') {
    return null;
  }
  let brace = false;
  if (str[0] === '{') {
    brace = true;
    str = str.slice(1);
  }
  let i = 0;
  while (i < str.length) {
    const r = str.codePointAt(i) ?? 0;
    if (!isLetter(r) && !isDigit(r) && r !== 0x5f) {
      break;
    }
    i += r > 0xffff ? 2 : 1;
  }
  if (i === 0) {
    return null;
  }
  const name = str.slice(0, i);
  if (brace) {
    if (i >= str.length || str[i] !== '}') {
      return null;
    }
    i++;
  }
  let num = 0;
  for (const c of name) {
    if (c < '0' || c > '9' || num >= 1e8) {
      num = -1;
      break;
    }
    num = num * 10 + (c.charCodeAt(0) - 48);
  }
  if (name[0] === '0' && name.length > 1) {
    num = -1;
  }
  return { name, num, rest: str.slice(i) };
}

/** regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** Translates a Go (RE2) pattern to JavaScript, enforcing Go's syntax rules. */
function translate(expr: string): { source: string; names: string[] } {
  const out: string[] = [];
  const names: string[] = [''];
  let flags: Flags = { fold: false, multiLine: false, dotNL: false, nonGreedy: false };
  const stack: Frame[] = [];
  // Index in `out` of the last atom (for quantifiers), null if there is none (start, after `(` or `|`).
  let lastAtom: number | null = null;
  let lastAtomIsAssertion = false;
  // Go lets a repetition apply to an already repeated atom when a flag group separates them,
  // e.g. `(x)?(?s)+`; JavaScript needs a group around the first repetition.
  let lastAtomQuantified = false;
  let lastRepeat = '';
  let t = expr;

  const pushAtom = (js: string, assertion = false): void => {
    lastAtom = out.length;
    lastAtomIsAssertion = assertion;
    lastAtomQuantified = false;
    out.push(js);
  };

  while (t !== '') {
    let repeat = '';
    const c = t[0] as string;
    switch (c) {
      case '(': {
        if (t.length >= 2 && t[1] === '?') {
          const r = parsePerlFlags(t, flags);
          if (r.kind === 'flags') {
            flags = r.flags;
            t = r.rest;
            break;
          }
          stack.push({ flags, start: out.length, capture: r.kind === 'named' });
          if (r.kind === 'named') {
            // Go allows duplicate names; JavaScript does not. Names are only needed for
            // expansion, which this module resolves itself, so emit a plain group.
            names.push(r.name);
            out.push('(');
          } else {
            out.push('(?:');
          }
          flags = r.flags;
          lastAtom = null;
          t = r.rest;
          break;
        }
        stack.push({ flags, start: out.length, capture: true });
        names.push('');
        out.push('(');
        lastAtom = null;
        t = t.slice(1);
        break;
      }
      case '|':
        out.push('|');
        lastAtom = null;
        t = t.slice(1);
        break;
      case ')': {
        const frame = stack.pop();
        if (!frame) {
          throw new RegexpSyntaxError('unexpected )', expr);
        }
        out.push(')');
        flags = frame.flags;
        // The whole group is now the last atom.
        lastAtom = frame.start;
        lastAtomIsAssertion = false;
        lastAtomQuantified = false;
        t = t.slice(1);
        break;
      }
      case '^':
        pushAtom(flags.multiLine ? '(?:^|(?<=\\n))' : '^', true);
        t = t.slice(1);
        break;
      case '$':
        pushAtom(flags.multiLine ? '(?:$|(?=\\n))' : '$', true);
        t = t.slice(1);
        break;
      case '.':
        pushAtom(flags.dotNL ? '[\\s\\S]' : '[^\\n]');
        t = t.slice(1);
        break;
      case '[': {
        const r = parseClass(t, flags);
        pushAtom(r.js);
        t = r.rest;
        break;
      }
      case '*':
      case '+':
      case '?': {
        const before = t;
        let after = t.slice(1);
        let lazy = flags.nonGreedy;
        if (after[0] === '?') {
          after = after.slice(1);
          lazy = !lazy;
        }
        if (lastRepeat !== '') {
          throw new RegexpSyntaxError(
            'invalid nested repetition operator',
            lastRepeat.slice(0, lastRepeat.length - after.length),
          );
        }
        if (lastAtom === null) {
          throw new RegexpSyntaxError(
            'missing argument to repetition operator',
            before.slice(0, before.length - after.length),
          );
        }
        applyQuantifier(
          out,
          lastAtom,
          lastAtomIsAssertion || lastAtomQuantified,
          c + (lazy ? '?' : ''),
        );
        lastAtomIsAssertion = false;
        lastAtomQuantified = true;
        repeat = before;
        t = after;
        break;
      }
      case '{': {
        const before = t;
        const rep = parseRepeat(t);
        if (!rep) {
          pushAtom(emitLiteral(0x7b, false));
          t = t.slice(1);
          break;
        }
        let after = rep.rest;
        if (
          rep.min < 0 ||
          rep.min > 1000 ||
          rep.max > 1000 ||
          (rep.max >= 0 && rep.min > rep.max)
        ) {
          throw new RegexpSyntaxError(
            'invalid repeat count',
            before.slice(0, before.length - after.length),
          );
        }
        let lazy = flags.nonGreedy;
        if (after[0] === '?') {
          after = after.slice(1);
          lazy = !lazy;
        }
        if (lastRepeat !== '') {
          throw new RegexpSyntaxError(
            'invalid nested repetition operator',
            lastRepeat.slice(0, lastRepeat.length - after.length),
          );
        }
        if (lastAtom === null) {
          throw new RegexpSyntaxError(
            'missing argument to repetition operator',
            before.slice(0, before.length - after.length),
          );
        }
        const q =
          rep.max === -1
            ? `{${rep.min},}`
            : rep.max === rep.min
              ? `{${rep.min}}`
              : `{${rep.min},${rep.max}}`;
        applyQuantifier(
          out,
          lastAtom,
          lastAtomIsAssertion || lastAtomQuantified,
          q + (lazy ? '?' : ''),
        );
        lastAtomIsAssertion = false;
        lastAtomQuantified = true;
        repeat = before;
        t = after;
        break;
      }
      case '\\': {
        const c1 = t[1];
        if (c1 === 'A') {
          pushAtom('^', true);
          t = t.slice(2);
          break;
        }
        if (c1 === 'b') {
          pushAtom('\\b', true);
          t = t.slice(2);
          break;
        }
        if (c1 === 'B') {
          pushAtom('\\B', true);
          t = t.slice(2);
          break;
        }
        if (c1 === 'C') {
          throw new RegexpSyntaxError('invalid escape sequence', t.slice(0, 2));
        }
        if (c1 === 'Q') {
          const rest = t.slice(2);
          const endQ = rest.indexOf('\\E');
          const lit = endQ < 0 ? rest : rest.slice(0, endQ);
          t = endQ < 0 ? '' : rest.slice(endQ + 2);
          for (const ch of lit) {
            pushAtom(emitLiteral(ch.codePointAt(0) ?? 0, flags.fold));
          }
          break;
        }
        if (c1 === 'z') {
          pushAtom('$', true);
          t = t.slice(2);
          break;
        }
        if (c1 === 'p' || c1 === 'P') {
          const u = parseUnicodeClass(t);
          if (u) {
            pushAtom(`[${u.js}]`);
            t = u.rest;
            break;
          }
        }
        const pg = PERL_GROUPS[t.slice(0, 2)];
        if (pg) {
          pushAtom(`[${emitRanges(pg.neg ? negate(pg.ranges) : pg.ranges)}]`);
          t = t.slice(2);
          break;
        }
        const e = parseEscape(t);
        pushAtom(emitLiteral(e.r, flags.fold));
        t = e.rest;
        break;
      }
      default: {
        const cp = t.codePointAt(0) ?? 0;
        pushAtom(emitLiteral(cp, flags.fold));
        t = t.slice(cp > 0xffff ? 2 : 1);
      }
    }
    lastRepeat = repeat;
  }
  if (stack.length > 0) {
    throw new RegexpSyntaxError('missing closing )', expr);
  }
  return { source: out.join(''), names };
}

function applyQuantifier(out: string[], atomIndex: number, mustWrap: boolean, q: string): void {
  if (mustWrap) {
    // JavaScript cannot quantify assertions or repeat a repetition directly; Go can.
    out[atomIndex] = `(?:${out[atomIndex] ?? ''}`;
    out.push(')');
  } else if (
    atomIndex < out.length - 1 &&
    out[atomIndex] !== '(' &&
    !out[atomIndex]?.startsWith('(?')
  ) {
    // Several pieces form the atom (should not happen); group them.
    out[atomIndex] = `(?:${out[atomIndex] ?? ''}`;
    out.push(')');
  }
  out.push(q);
}

type PerlFlagsResult =
  | { kind: 'flags'; flags: Flags; rest: string }
  | { kind: 'group'; flags: Flags; rest: string }
  | { kind: 'named'; flags: Flags; rest: string; name: string };

function parsePerlFlags(s: string, cur: Flags): PerlFlagsResult {
  let t = s;
  if (t.length > 4 && t[2] === 'P' && t[3] === '<') {
    const end = t.indexOf('>');
    if (end < 0) {
      throw new RegexpSyntaxError('invalid named capture', s);
    }
    const capture = t.slice(0, end + 1);
    const name = t.slice(4, end);
    if (name === '' || !/^[A-Za-z0-9_]+$/.test(name)) {
      throw new RegexpSyntaxError('invalid named capture', capture);
    }
    return { kind: 'named', flags: cur, rest: t.slice(end + 1), name };
  }
  t = t.slice(2);
  const flags = { ...cur };
  let negateFlags = false;
  let sawFlag = false;
  while (t !== '') {
    const c = t[0];
    t = t.slice(1);
    const set = (name: keyof Flags, on: boolean): void => {
      flags[name] = negateFlags ? !on : on;
      sawFlag = true;
    };
    switch (c) {
      case 'i':
        set('fold', true);
        continue;
      case 'm':
        set('multiLine', true);
        continue;
      case 's':
        set('dotNL', true);
        continue;
      case 'U':
        set('nonGreedy', true);
        continue;
      case '-':
        if (negateFlags) {
          break;
        }
        negateFlags = true;
        sawFlag = false;
        continue;
      case ':':
      case ')':
        if (negateFlags && !sawFlag) {
          break;
        }
        return { kind: c === ':' ? 'group' : 'flags', flags, rest: t };
    }
    break;
  }
  throw new RegexpSyntaxError(
    'invalid or unsupported Perl syntax',
    s.slice(0, s.length - t.length),
  );
}

function parseInt1000(s: string): [number, string] | null {
  if (s === '' || s[0]! < '0' || s[0]! > '9') {
    return null;
  }
  if (s.length >= 2 && s[0] === '0' && s[1]! >= '0' && s[1]! <= '9') {
    return null;
  }
  let i = 0;
  while (i < s.length && s[i]! >= '0' && s[i]! <= '9') {
    i++;
  }
  const digits = s.slice(0, i);
  const n = digits.length >= 8 ? -1 : Number(digits);
  return [n, s.slice(i)];
}

function parseRepeat(s0: string): { min: number; max: number; rest: string } | null {
  if (s0 === '' || s0[0] !== '{') {
    return null;
  }
  let s = s0.slice(1);
  const a = parseInt1000(s);
  if (!a) {
    return null;
  }
  let min = a[0];
  let max: number;
  s = a[1];
  if (s === '') {
    return null;
  }
  if (s[0] !== ',') {
    max = min;
  } else {
    s = s.slice(1);
    if (s === '') {
      return null;
    }
    if (s[0] === '}') {
      max = -1;
    } else {
      const b = parseInt1000(s);
      if (!b) {
        return null;
      }
      max = b[0];
      s = b[1];
      if (max < 0) {
        min = -1;
      }
    }
  }
  if (s === '' || s[0] !== '}') {
    return null;
  }
  return { min, max, rest: s.slice(1) };
}

function unhex(c: string | undefined): number {
  if (c === undefined) {
    return -1;
  }
  if (c >= '0' && c <= '9') {
    return c.charCodeAt(0) - 48;
  }
  if (c >= 'a' && c <= 'f') {
    return c.charCodeAt(0) - 87;
  }
  if (c >= 'A' && c <= 'F') {
    return c.charCodeAt(0) - 55;
  }
  return -1;
}

/** Go's parseEscape: one escaped rune. */
function parseEscape(s: string): { r: number; rest: string } {
  let t = s.slice(1);
  if (t === '') {
    throw new RegexpSyntaxError('trailing backslash at end of expression', '');
  }
  const cp = t.codePointAt(0) ?? 0;
  const c = String.fromCodePoint(cp);
  t = t.slice(c.length);
  const fail = (): never => {
    throw new RegexpSyntaxError('invalid escape sequence', s.slice(0, s.length - t.length));
  };
  if (cp < 0x80 && !isalnum(c)) {
    return { r: cp, rest: t };
  }
  if (c >= '1' && c <= '7') {
    if (t === '' || t[0]! < '0' || t[0]! > '7') {
      return fail();
    }
  }
  if (c >= '0' && c <= '7') {
    let r = cp - 48;
    for (let i = 1; i < 3; i++) {
      if (t === '' || t[0]! < '0' || t[0]! > '7') {
        break;
      }
      r = r * 8 + (t.charCodeAt(0) - 48);
      t = t.slice(1);
    }
    return { r, rest: t };
  }
  switch (c) {
    case 'x': {
      if (t === '') {
        return fail();
      }
      const c2 = t[0];
      t = t.slice(1);
      if (c2 === '{') {
        let nhex = 0;
        let r = 0;
        for (;;) {
          if (t === '') {
            return fail();
          }
          const d = t[0];
          t = t.slice(1);
          if (d === '}') {
            break;
          }
          const v = unhex(d);
          if (v < 0) {
            return fail();
          }
          r = r * 16 + v;
          if (r > MAX_RUNE) {
            return fail();
          }
          nhex++;
        }
        if (nhex === 0) {
          return fail();
        }
        return { r, rest: t };
      }
      const x = unhex(c2);
      const c3 = t[0];
      t = t.slice(c3 === undefined ? 0 : 1);
      const y = unhex(c3);
      if (x < 0 || y < 0) {
        return fail();
      }
      return { r: x * 16 + y, rest: t };
    }
    case 'a':
      return { r: 7, rest: t };
    case 'f':
      return { r: 12, rest: t };
    case 'n':
      return { r: 10, rest: t };
    case 'r':
      return { r: 13, rest: t };
    case 't':
      return { r: 9, rest: t };
    case 'v':
      return { r: 11, rest: t };
  }
  return fail();
}

/** \p{…} / \pL: returns the JavaScript class body, or null if not a Unicode class. */
function parseUnicodeClass(s: string): { js: string; rest: string } | null {
  if (s.length < 2 || s[0] !== '\\' || (s[1] !== 'p' && s[1] !== 'P')) {
    return null;
  }
  let neg = s[1] === 'P';
  let t = s.slice(2);
  if (t === '') {
    throw new RegexpSyntaxError('invalid character class range', s);
  }
  const cp = t.codePointAt(0) ?? 0;
  const c = String.fromCodePoint(cp);
  t = t.slice(c.length);
  let seq: string;
  let name: string;
  if (c !== '{') {
    seq = s.slice(0, s.length - t.length);
    name = seq.slice(2);
  } else {
    const end = s.indexOf('}');
    if (end < 0) {
      throw new RegexpSyntaxError('invalid character class range', s);
    }
    seq = s.slice(0, end + 1);
    t = s.slice(end + 1);
    name = s.slice(3, end);
  }
  if (name !== '' && name[0] === '^') {
    neg = !neg;
    name = name.slice(1);
  }
  let js: string;
  if (name === 'Any') {
    js = neg ? '' : emitRanges([[0, MAX_RUNE]]);
    if (neg) {
      // An empty class body matches nothing, like Go's negated Any.
      return { js: '', rest: t };
    }
    return { js, rest: t };
  }
  if (CATEGORIES.has(name)) {
    js = `\\${neg ? 'P' : 'p'}{${name}}`;
  } else if (/^[A-Z][A-Za-z_]*$/.test(name)) {
    js = `\\${neg ? 'P' : 'p'}{Script=${name}}`;
    try {
      new RegExp(`[${js}]`, 'u');
    } catch {
      throw new RegexpSyntaxError('invalid character class range', seq);
    }
  } else {
    throw new RegexpSyntaxError('invalid character class range', seq);
  }
  return { js, rest: t };
}

/** Go's parseClass: returns the JavaScript class and the rest of the pattern. */
function parseClass(s: string, flags: Flags): { js: string; rest: string } {
  let t = s.slice(1);
  let neg = false;
  if (t !== '' && t[0] === '^') {
    neg = true;
    t = t.slice(1);
  }
  const ranges: Range[] = [];
  const extra: string[] = [];
  let first = true;
  while (t === '' || t[0] !== ']' || first) {
    first = false;
    if (t.length > 2 && t[0] === '[' && t[1] === ':') {
      const i = t.indexOf(':]', 2);
      if (i >= 0) {
        const nameSeq = t.slice(0, i + 2);
        let name = t.slice(2, i);
        let pneg = false;
        if (name.startsWith('^')) {
          pneg = true;
          name = name.slice(1);
        }
        const g = POSIX[name];
        if (!g) {
          throw new RegexpSyntaxError('invalid character class range', nameSeq);
        }
        const base = flags.fold ? foldRanges(g) : g;
        ranges.push(...(pneg ? negate(base) : base));
        t = t.slice(i + 2);
        continue;
      }
    }
    const u = parseUnicodeClass(t);
    if (u) {
      extra.push(u.js);
      t = u.rest;
      continue;
    }
    const pg = PERL_GROUPS[t.slice(0, 2)];
    if (pg && t[0] === '\\') {
      ranges.push(...(pg.neg ? negate(pg.ranges) : pg.ranges));
      t = t.slice(2);
      continue;
    }
    const rng = t;
    const a = parseClassChar(t, s);
    const lo = a.r;
    let hi = lo;
    t = a.rest;
    if (t.length >= 2 && t[0] === '-' && t[1] !== ']') {
      t = t.slice(1);
      const b = parseClassChar(t, s);
      hi = b.r;
      t = b.rest;
      if (hi < lo) {
        throw new RegexpSyntaxError(
          'invalid character class range',
          rng.slice(0, rng.length - t.length),
        );
      }
    }
    if (flags.fold) {
      ranges.push(...foldRanges([[lo, hi]]));
    } else {
      ranges.push([lo, hi]);
    }
  }
  t = t.slice(1);
  const body = emitRanges(ranges) + extra.join('');
  if (body === '') {
    // Go: an empty class matches nothing; its negation matches everything.
    return { js: neg ? '[\\s\\S]' : '[]', rest: t };
  }
  return { js: `[${neg ? '^' : ''}${body}]`, rest: t };
}

function parseClassChar(s: string, wholeClass: string): { r: number; rest: string } {
  if (s === '') {
    throw new RegexpSyntaxError('missing closing ]', wholeClass);
  }
  if (s[0] === '\\') {
    return parseEscape(s);
  }
  const cp = s.codePointAt(0) ?? 0;
  return { r: cp, rest: s.slice(cp > 0xffff ? 2 : 1) };
}

const cache = new Map<string, GoRegexp>();

/** regexp.Compile (cached). Throws RegexpSyntaxError. */
export function compile(expr: string): GoRegexp {
  let re = cache.get(expr);
  if (!re) {
    re = new GoRegexp(expr);
    if (cache.size > 500) {
      cache.clear();
    }
    cache.set(expr, re);
  }
  return re;
}

/** regexp.MustCompile's panic text for a failed compile. */
export function mustCompileMessage(expr: string, err: Error): string {
  const q = canBackquote(expr) ? '`' + expr + '`' : quote(expr);
  return `regexp: Compile(${q}): ${err.message}`;
}
