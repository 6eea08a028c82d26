// A port of Go's fmt printing (Sprint, Sprintln, Sprintf) over the engine's Go value model.
// Arguments are interface{} contents: a concrete GoValue, or null for a nil interface.

import { checkString } from '../budget.js';
import { formatFloat } from './ftoa.js';
import { canBackquote, quote, quoteRune, quoteRuneToASCII, quoteToASCII } from './strconv.js';
import {
  type Complex,
  type GoValue,
  indexValue,
  isComplexKind,
  isFloatKind,
  isIntKind,
  isUintKind,
  lenOf,
  stringBytes,
  type Val,
  val,
} from './types.js';
import { isPrint, runeCount, utf8Decode, utf8Encode } from './utf8.js';

const ldigits = '0123456789abcdefx';
const udigits = '0123456789ABCDEFX';
const MASK64 = (1n << 64n) - 1n;

type Flags = {
  widPresent: boolean;
  precPresent: boolean;
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
};

function clearFlags(): Flags {
  return {
    widPresent: false,
    precPresent: false,
    minus: false,
    plus: false,
    sharp: false,
    space: false,
    zero: false,
    plusV: false,
    sharpV: false,
  };
}

/** Compares Go strings in byte (code point) order, as Go's sort does. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  if (/[\udc80-\udcff]/.test(a) || /[\udc80-\udcff]/.test(b)) {
    // Raw bytes (escaped, see utf8.ts) compare as the bytes they stand for.
    const x = utf8Encode(a);
    const y = utf8Encode(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      if (x[i] !== y[i]) {
        return (x[i] ?? 0) < (y[i] ?? 0) ? -1 : 1;
      }
    }
    return x.length < y.length ? -1 : x.length > y.length ? 1 : 0;
  }
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) {
      // Surrogates (supplementary code points) sort after all BMP code points in UTF-8.
      const sa = ca >= 0xd800 && ca <= 0xdfff;
      const sb = cb >= 0xd800 && cb <= 0xdfff;
      if (sa !== sb) {
        return sa ? 1 : -1;
      }
      return ca < cb ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Sorted keys of a Go map (fmtsort order for string keys). */
export function sortedKeys(m: Map<string, unknown>): string[] {
  return [...m.keys()].sort(compareGoStrings);
}

/** fmt's printer state (Go's pp + fmt). */
class Printer {
  buf = '';
  f: Flags = clearFlags();
  wid = 0;
  prec = 0;
  arg: Val = null;
  value: Val = null;
  erroring = false;
  reordered = false;
  goodArgNum = true;

  writePadding(n: number): void {
    if (n <= 0) {
      return;
    }
    checkString(this.buf.length + n);
    this.buf += (this.f.zero ? '0' : ' ').repeat(n);
  }

  pad(s: string): void {
    if (!this.f.widPresent || this.wid === 0) {
      this.buf += s;
      return;
    }
    const width = this.wid - runeCount(s);
    if (!this.f.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      this.writePadding(width);
    }
  }

  fmtBoolean(v: boolean): void {
    this.pad(v ? 'true' : 'false');
  }

  /** fmt.fmtInteger: u is the two's-complement uint64 bit pattern. */
  fmtInteger(u0: bigint, base: number, isSigned: boolean, verb: string, digits: string): void {
    const f = this.f;
    if (
      base === 10 &&
      !f.widPresent &&
      !f.precPresent &&
      !f.plus &&
      !f.space &&
      !f.sharp &&
      verb !== 'O'
    ) {
      // Fast path: plain decimal.
      this.buf += (isSigned ? BigInt.asIntN(64, u0) : BigInt.asUintN(64, u0)).toString();
      return;
    }
    let u = u0 & MASK64;
    const negative = isSigned && u >= 1n << 63n;
    if (negative) {
      u = (1n << 64n) - u;
    }
    let prec = 0;
    if (this.f.precPresent) {
      prec = this.prec;
      if (prec === 0 && u === 0n) {
        const oldZero = this.f.zero;
        this.f.zero = false;
        this.writePadding(this.wid);
        this.f.zero = oldZero;
        return;
      }
    } else if (this.f.zero && this.f.widPresent) {
      prec = this.wid;
      if (negative || this.f.plus || this.f.space) {
        prec--;
      }
    }
    let s = '';
    const b = BigInt(base);
    while (u >= b) {
      s = digits[Number(u % b)] + s;
      u /= b;
    }
    s = digits[Number(u)] + s;
    while (s.length < prec) {
      s = '0' + s;
    }
    if (this.f.sharp) {
      switch (base) {
        case 2:
          s = '0b' + s;
          break;
        case 8:
          if (s[0] !== '0') {
            s = '0' + s;
          }
          break;
        case 16:
          s = '0' + digits[16] + s;
          break;
      }
    }
    if (verb === 'O') {
      s = '0o' + s;
    }
    if (negative) {
      s = '-' + s;
    } else if (this.f.plus) {
      s = '+' + s;
    } else if (this.f.space) {
      s = ' ' + s;
    }
    const oldZero = this.f.zero;
    this.f.zero = false;
    this.pad(s);
    this.f.zero = oldZero;
  }

  truncateString(s: string): string {
    if (this.f.precPresent) {
      let n = this.prec;
      let i = 0;
      for (const ch of s) {
        n--;
        if (n < 0) {
          return s.slice(0, i);
        }
        i += ch.length;
      }
    }
    return s;
  }

  fmtS(s: string): void {
    this.pad(this.truncateString(s));
  }

  fmtSx(s: string, digits: string): void {
    const bytes = stringBytes(s);
    let length = bytes.length;
    if (this.f.precPresent && this.prec < length) {
      length = this.prec;
    }
    let width = 2 * length;
    if (width > 0) {
      if (this.f.space) {
        if (this.f.sharp) {
          width *= 2;
        }
        width += length - 1;
      } else if (this.f.sharp) {
        width += 2;
      }
    } else {
      if (this.f.widPresent) {
        this.writePadding(this.wid);
      }
      return;
    }
    if (this.f.widPresent && this.wid > width && !this.f.minus) {
      this.writePadding(this.wid - width);
    }
    let out = '';
    if (this.f.sharp) {
      out += '0' + digits[16];
    }
    for (let i = 0; i < length; i++) {
      if (this.f.space && i > 0) {
        out += ' ';
        if (this.f.sharp) {
          out += '0' + digits[16];
        }
      }
      const c = bytes[i] ?? 0;
      out += (digits[c >> 4] ?? '') + (digits[c & 0xf] ?? '');
    }
    this.buf += out;
    if (this.f.widPresent && this.wid > width && this.f.minus) {
      this.writePadding(this.wid - width);
    }
  }

  fmtQ(s: string): void {
    s = this.truncateString(s);
    if (this.f.sharp && canBackquote(s)) {
      this.pad('`' + s + '`');
      return;
    }
    this.pad(this.f.plus ? quoteToASCII(s) : quote(s));
  }

  fmtC(c: bigint): void {
    let r = Number(c);
    if (c > 0x10ffffn || c < 0n || (r >= 0xd800 && r <= 0xdfff)) {
      r = 0xfffd;
    }
    this.pad(String.fromCodePoint(r));
  }

  fmtQc(c: bigint): void {
    let r = Number(c);
    if (c > 0x10ffffn || c < 0n) {
      r = 0xfffd;
    }
    this.pad(this.f.plus ? quoteRuneToASCII(r) : quoteRune(r));
  }

  fmtUnicode(u0: bigint): void {
    const u = u0 & MASK64;
    let prec = 4;
    if (this.f.precPresent && this.prec > 4) {
      prec = this.prec;
    }
    let s = u.toString(16).toUpperCase();
    while (s.length < prec) {
      s = '0' + s;
    }
    s = 'U+' + s;
    if (this.f.sharp && u <= 0x10ffffn && isPrint(Number(u))) {
      s += " '" + String.fromCodePoint(Number(u)) + "'";
    }
    const oldZero = this.f.zero;
    this.f.zero = false;
    this.pad(s);
    this.f.zero = oldZero;
  }

  fmtFloatRaw(v: number, verb: string, prec0: number): void {
    const prec = this.f.precPresent ? this.prec : prec0;
    let num = formatFloat(v, verb, prec);
    if (num[0] === '-' || num[0] === '+') {
      // keep sign
    } else {
      num = '+' + num;
    }
    if (this.f.space && num[0] === '+' && !this.f.plus) {
      num = ' ' + num.slice(1);
    }
    if (num[1] === 'I' || num[1] === 'N') {
      const oldZero = this.f.zero;
      this.f.zero = false;
      if (num[1] === 'N' && !this.f.space && !this.f.plus) {
        num = num.slice(1);
      }
      this.pad(num);
      this.f.zero = oldZero;
      return;
    }
    if (this.f.sharp && verb !== 'b') {
      let digits = 0;
      switch (verb) {
        case 'v':
        case 'g':
        case 'G':
        case 'x':
          digits = prec;
          if (digits === -1) {
            digits = 6;
          }
      }
      let tail = '';
      let body = num;
      let hasDecimalPoint = false;
      let sawNonzeroDigit = false;
      for (let i = 1; i < body.length; i++) {
        const c = body[i];
        if (c === '.') {
          hasDecimalPoint = true;
        } else if (c === 'p' || c === 'P') {
          tail = body.slice(i);
          body = body.slice(0, i);
          break;
        } else if ((c === 'e' || c === 'E') && verb !== 'x' && verb !== 'X') {
          tail = body.slice(i);
          body = body.slice(0, i);
          break;
        } else {
          if (c !== '0') {
            sawNonzeroDigit = true;
          }
          if (sawNonzeroDigit) {
            digits--;
          }
        }
      }
      if (!hasDecimalPoint) {
        if (body.length === 2 && body[1] === '0') {
          digits--;
        }
        body += '.';
      }
      while (digits > 0) {
        body += '0';
        digits--;
      }
      num = body + tail;
    }
    if (this.f.plus || num[0] !== '+') {
      if (this.f.zero && this.f.widPresent && this.wid > num.length) {
        this.buf += num[0];
        this.writePadding(this.wid - num.length);
        this.buf += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  // ---- pp level ----

  badVerb(verb: string): void {
    this.erroring = true;
    this.buf += '%!' + verb + '(';
    if (this.arg !== null) {
      this.buf += this.arg.t.name + '=';
      this.printArg(this.arg, 'v');
    } else if (this.value !== null) {
      this.buf += this.value.t.name + '=';
      this.printValue(this.value, 'v', 0);
    } else {
      this.buf += '<nil>';
    }
    this.buf += ')';
    this.erroring = false;
  }

  fmtBool(v: boolean, verb: string): void {
    if (verb === 't' || verb === 'v') {
      this.fmtBoolean(v);
    } else {
      this.badVerb(verb);
    }
  }

  fmtIntegerVerb(v: bigint, isSigned: boolean, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV && !isSigned) {
          const sharp = this.f.sharp;
          this.f.sharp = true;
          this.fmtInteger(v, 16, false, 'v', ldigits);
          this.f.sharp = sharp;
        } else {
          this.fmtInteger(v, 10, isSigned, verb, ldigits);
        }
        break;
      case 'd':
        this.fmtInteger(v, 10, isSigned, verb, ldigits);
        break;
      case 'b':
        this.fmtInteger(v, 2, isSigned, verb, ldigits);
        break;
      case 'o':
      case 'O':
        this.fmtInteger(v, 8, isSigned, verb, ldigits);
        break;
      case 'x':
        this.fmtInteger(v, 16, isSigned, verb, ldigits);
        break;
      case 'X':
        this.fmtInteger(v, 16, isSigned, verb, udigits);
        break;
      case 'c':
        this.fmtC(v);
        break;
      case 'q':
        this.fmtQc(v);
        break;
      case 'U':
        this.fmtUnicode(v);
        break;
      default:
        this.badVerb(verb);
    }
  }

  fmtFloat(v: number, verb: string): void {
    switch (verb) {
      case 'v':
        this.fmtFloatRaw(v, 'g', -1);
        break;
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        this.fmtFloatRaw(v, verb, -1);
        break;
      case 'f':
      case 'e':
      case 'E':
        this.fmtFloatRaw(v, verb, 6);
        break;
      case 'F':
        this.fmtFloatRaw(v, 'f', 6);
        break;
      default:
        this.badVerb(verb);
    }
  }

  fmtComplex(v: Complex, verb: string): void {
    switch (verb) {
      case 'v':
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
      case 'f':
      case 'F':
      case 'e':
      case 'E': {
        const oldPlus = this.f.plus;
        this.buf += '(';
        this.fmtFloat(v.re, verb);
        this.f.plus = true;
        this.fmtFloat(v.im, verb);
        this.buf += 'i)';
        this.f.plus = oldPlus;
        break;
      }
      default:
        this.badVerb(verb);
    }
  }

  fmtString(v: string, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV) {
          this.fmtQ(v);
        } else {
          this.fmtS(v);
        }
        break;
      case 's':
        this.fmtS(v);
        break;
      case 'x':
        this.fmtSx(v, ldigits);
        break;
      case 'X':
        this.fmtSx(v, udigits);
        break;
      case 'q':
        this.fmtQ(v);
        break;
      default:
        this.badVerb(verb);
    }
  }

  handleMethods(verb: string): boolean {
    if (this.erroring) {
      return false;
    }
    const arg = this.arg;
    if (arg === null) {
      return false;
    }
    const t = arg.t;
    if (this.f.sharpV) {
      return false;
    }
    switch (verb) {
      case 'v':
      case 's':
      case 'x':
      case 'X':
      case 'q':
        if (t.stringer) {
          if (t.kind === 'ptr' && arg.v === null) {
            // A nil pointer receiver panics in the method; fmt prints <nil>.
            this.buf += '<nil>';
            return true;
          }
          this.fmtString(t.stringer(arg), verb);
          return true;
        }
    }
    return false;
  }

  printArg(arg: Val, verb: string): void {
    this.arg = arg;
    this.value = null;
    if (arg === null) {
      if (verb === 'T' || verb === 'v') {
        this.pad('<nil>');
      } else {
        this.badVerb(verb);
      }
      return;
    }
    if (verb === 'T') {
      this.fmtS(arg.t.name);
      return;
    }
    if (verb === 'p') {
      this.fmtPointer(arg, 'p');
      return;
    }
    const t = arg.t;
    if (!t.stringer) {
      const k = t.kind;
      if (k === 'bool') {
        this.fmtBool(arg.v as boolean, verb);
        return;
      }
      if (isFloatKind(k)) {
        this.fmtFloat(arg.v as number, verb);
        return;
      }
      if (isComplexKind(k)) {
        this.fmtComplex(arg.v as Complex, verb);
        return;
      }
      if (isIntKind(k)) {
        this.fmtIntegerVerb(arg.v as bigint, true, verb);
        return;
      }
      if (isUintKind(k)) {
        this.fmtIntegerVerb(arg.v as bigint, false, verb);
        return;
      }
      if (k === 'string') {
        this.fmtString(arg.v as string, verb);
        return;
      }
    }
    if (!this.handleMethods(verb)) {
      this.printValue(arg, verb, 0);
    }
  }

  fmtPointer(value: GoValue, verb: string): void {
    switch (value.t.kind) {
      case 'chan':
      case 'func':
      case 'map':
      case 'ptr':
      case 'slice':
        break;
      default:
        this.badVerb(verb);
        return;
    }
    // Addresses are not reproducible; print a stable placeholder (0x0 for nil).
    const isNil = value.v === null;
    if (verb === 'v') {
      if (isNil) {
        this.pad('<nil>');
      } else {
        this.pad('0xc000010000');
      }
    } else if (verb === 'p') {
      this.pad(isNil ? '0x0' : '0xc000010000');
    } else {
      this.badVerb(verb);
    }
  }

  printValue(value: Val, verb: string, depth: number): void {
    if (depth > 0 && value !== null) {
      if (value.t.kind === 'interface') {
        const inner = value.v as Val;
        if (inner === null) {
          this.buf += this.f.sharpV ? value.t.name + '(nil)' : '<nil>';
          return;
        }
        this.printValue(inner, verb, depth + 1);
        return;
      }
      this.arg = value;
      if (this.handleMethods(verb)) {
        return;
      }
    }
    this.arg = null;
    this.value = value;
    if (value === null) {
      if (depth === 0) {
        this.buf += '<invalid reflect.Value>';
      } else if (verb === 'v') {
        this.buf += '<nil>';
      } else {
        this.badVerb(verb);
      }
      return;
    }
    const t = value.t;
    const k = t.kind;
    if (k === 'bool') {
      this.fmtBool(value.v as boolean, verb);
    } else if (isIntKind(k)) {
      this.fmtIntegerVerb(value.v as bigint, true, verb);
    } else if (isUintKind(k)) {
      this.fmtIntegerVerb(value.v as bigint, false, verb);
    } else if (isFloatKind(k)) {
      this.fmtFloat(value.v as number, verb);
    } else if (isComplexKind(k)) {
      this.fmtComplex(value.v as Complex, verb);
    } else if (k === 'string') {
      this.fmtString(value.v as string, verb);
    } else if (k === 'map') {
      const m = value.v as Map<string, unknown> | null;
      if (this.f.sharpV) {
        this.buf += t.name;
        if (m === null) {
          this.buf += '(nil)';
          return;
        }
        this.buf += '{';
      } else {
        this.buf += 'map[';
      }
      if (m !== null) {
        const keys = sortedKeys(m);
        const keyType = t.key ?? t;
        const elemType = t.elem ?? t;
        keys.forEach((key, i) => {
          if (i > 0) {
            this.buf += this.f.sharpV ? ', ' : ' ';
          }
          this.printValue(val(keyType, key), verb, depth + 1);
          this.buf += ':';
          this.printValue(val(elemType, m.get(key)), verb, depth + 1);
        });
      }
      this.buf += this.f.sharpV ? '}' : ']';
    } else if (k === 'struct') {
      if (this.f.sharpV) {
        this.buf += t.name;
      }
      this.buf += '{';
      const fields = t.fields ? t.fields(value) : [];
      fields.forEach((fv, i) => {
        if (i > 0) {
          this.buf += this.f.sharpV ? ', ' : ' ';
        }
        this.printValue(fv, verb, depth + 1);
      });
      this.buf += '}';
    } else if (k === 'interface') {
      const inner = value.v as Val;
      if (inner === null) {
        if (this.f.sharpV) {
          this.buf += t.name + '(nil)';
        } else {
          this.buf += '<nil>';
        }
      } else {
        this.printValue(inner, verb, depth + 1);
      }
    } else if (k === 'slice' || k === 'array') {
      if (
        (verb === 's' || verb === 'q' || verb === 'x' || verb === 'X') &&
        t.elem?.kind === 'uint8'
      ) {
        const arr = (value.v as bigint[] | null) ?? [];
        const s = utf8Decode(Uint8Array.from(arr.map((b) => Number(b))));
        this.fmtString(s, verb === 's' ? 's' : verb);
        return;
      }
      const n = lenOf(value);
      if (this.f.sharpV) {
        this.buf += t.name;
        if (value.v === null) {
          this.buf += '(nil)';
          return;
        }
        this.buf += '{';
        for (let i = 0; i < n; i++) {
          if (i > 0) {
            this.buf += ', ';
          }
          this.printValue(indexValue(value, i), verb, depth + 1);
        }
        this.buf += '}';
      } else {
        this.buf += '[';
        for (let i = 0; i < n; i++) {
          if (i > 0) {
            this.buf += ' ';
          }
          this.printValue(indexValue(value, i), verb, depth + 1);
        }
        this.buf += ']';
      }
    } else if (k === 'ptr') {
      if (depth === 0 && value.v !== null) {
        const elem = t.elem;
        if (elem && (elem.kind === 'struct' || elem.kind === 'slice' || elem.kind === 'map')) {
          this.buf += '&';
          this.printValue(val(elem, value.v), verb, depth + 1);
          return;
        }
      }
      this.fmtPointer(value, verb);
    } else {
      this.fmtPointer(value, verb);
    }
  }

  doPrint(args: Val[]): void {
    let prevString = false;
    args.forEach((arg, argNum) => {
      const isString = arg !== null && arg.t.kind === 'string';
      if (argNum > 0 && !isString && !prevString) {
        this.buf += ' ';
      }
      this.printArg(arg, 'v');
      prevString = isString;
    });
  }

  doPrintln(args: Val[]): void {
    args.forEach((arg, argNum) => {
      if (argNum > 0) {
        this.buf += ' ';
      }
      this.printArg(arg, 'v');
    });
    this.buf += '\n';
  }

  doPrintf(format: string, a: Val[]): void {
    const end = format.length;
    let argNum = 0;
    let afterIndex = false;
    this.reordered = false;
    let i = 0;
    formatLoop: while (i < end) {
      this.goodArgNum = true;
      const lasti = i;
      while (i < end && format[i] !== '%') {
        i++;
      }
      if (i > lasti) {
        this.buf += format.slice(lasti, i);
      }
      if (i >= end) {
        break;
      }
      i++;
      this.f = clearFlags();
      simpleFormat: for (; i < end; i++) {
        const c = format[i] ?? '';
        switch (c) {
          case '#':
            this.f.sharp = true;
            break;
          case '0':
            this.f.zero = !this.f.minus;
            break;
          case '+':
            this.f.plus = true;
            break;
          case '-':
            this.f.minus = true;
            this.f.zero = false;
            break;
          case ' ':
            this.f.space = true;
            break;
          default:
            if (c >= 'a' && c <= 'z' && argNum < a.length) {
              if (c === 'v') {
                this.f.sharpV = this.f.sharp;
                this.f.sharp = false;
                this.f.plusV = this.f.plus;
                this.f.plus = false;
              }
              this.printArg(a[argNum] ?? null, c);
              argNum++;
              i++;
              continue formatLoop;
            }
            break simpleFormat;
        }
      }
      [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);
      if (i < end && format[i] === '*') {
        i++;
        [this.wid, this.f.widPresent, argNum] = intFromArg(a, argNum);
        if (!this.f.widPresent) {
          this.buf += '%!(BADWIDTH)';
        }
        if (this.wid < 0) {
          this.wid = -this.wid;
          this.f.minus = true;
          this.f.zero = false;
        }
        afterIndex = false;
      } else {
        [this.wid, this.f.widPresent, i] = parsenum(format, i, end);
        if (afterIndex && this.f.widPresent) {
          this.goodArgNum = false;
        }
      }
      if (i + 1 < end && format[i] === '.') {
        i++;
        if (afterIndex) {
          this.goodArgNum = false;
        }
        [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);
        if (i < end && format[i] === '*') {
          i++;
          [this.prec, this.f.precPresent, argNum] = intFromArg(a, argNum);
          if (this.prec < 0) {
            this.prec = 0;
            this.f.precPresent = false;
          }
          if (!this.f.precPresent) {
            this.buf += '%!(BADPREC)';
          }
          afterIndex = false;
        } else {
          [this.prec, this.f.precPresent, i] = parsenum(format, i, end);
          if (!this.f.precPresent) {
            this.prec = 0;
            this.f.precPresent = true;
          }
        }
      }
      if (!afterIndex) {
        [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);
      }
      if (i >= end) {
        this.buf += '%!(NOVERB)';
        break;
      }
      const cp = format.codePointAt(i) ?? 0;
      const verb = String.fromCodePoint(cp);
      i += verb.length;
      if (verb === '%') {
        this.buf += '%';
      } else if (!this.goodArgNum) {
        this.buf += '%!' + verb + '(BADINDEX)';
      } else if (argNum >= a.length) {
        this.buf += '%!' + verb + '(MISSING)';
      } else {
        if (verb === 'v') {
          this.f.sharpV = this.f.sharp;
          this.f.sharp = false;
          this.f.plusV = this.f.plus;
          this.f.plus = false;
        }
        this.printArg(a[argNum] ?? null, verb);
        argNum++;
      }
    }
    if (!this.reordered && argNum < a.length) {
      this.f = clearFlags();
      this.buf += '%!(EXTRA ';
      a.slice(argNum).forEach((arg, idx) => {
        if (idx > 0) {
          this.buf += ', ';
        }
        if (arg === null) {
          this.buf += '<nil>';
        } else {
          this.buf += arg.t.name + '=';
          this.printArg(arg, 'v');
        }
      });
      this.buf += ')';
    }
  }

  argNumber(argNum: number, format: string, i: number, numArgs: number): [number, number, boolean] {
    if (format.length <= i || format[i] !== '[') {
      return [argNum, i, false];
    }
    this.reordered = true;
    const [index, wid, ok] = parseArgNumber(format.slice(i));
    if (ok && index >= 0 && index < numArgs) {
      return [index, i + wid, true];
    }
    this.goodArgNum = false;
    return [argNum, i + wid, ok];
  }
}

function tooLarge(x: number): boolean {
  return x > 1e6 || x < -1e6;
}

function parsenum(s: string, start: number, end: number): [number, boolean, number] {
  if (start >= end) {
    return [0, false, end];
  }
  let num = 0;
  let isnum = false;
  let newi = start;
  for (; newi < end && s[newi]! >= '0' && s[newi]! <= '9'; newi++) {
    if (tooLarge(num)) {
      return [0, false, end];
    }
    num = num * 10 + (s.charCodeAt(newi) - 48);
    isnum = true;
  }
  return [num, isnum, newi];
}

function parseArgNumber(format: string): [number, number, boolean] {
  if (format.length < 3) {
    return [0, 1, false];
  }
  for (let i = 1; i < format.length; i++) {
    if (format[i] === ']') {
      const [width, ok, newi] = parsenum(format, 1, i);
      if (!ok || newi !== i) {
        return [0, i + 1, false];
      }
      return [width - 1, i + 1, true];
    }
  }
  return [0, 1, false];
}

function intFromArg(a: Val[], argNum: number): [number, boolean, number] {
  let num = 0;
  let isInt = false;
  let newArgNum = argNum;
  if (argNum < a.length) {
    const arg = a[argNum] ?? null;
    if (arg !== null && (isIntKind(arg.t.kind) || isUintKind(arg.t.kind))) {
      const n = arg.v as bigint;
      if (n >= -(1n << 63n) && n < 1n << 63n) {
        num = Number(n);
        isInt = true;
      }
    }
    newArgNum = argNum + 1;
    if (tooLarge(num)) {
      num = 0;
      isInt = false;
    }
  }
  return [num, isInt, newArgNum];
}

/** fmt.Sprint. */
export function sprint(args: Val[]): string {
  const p = new Printer();
  p.doPrint(args);
  return p.buf;
}

/** fmt.Sprintln. */
export function sprintln(args: Val[]): string {
  const p = new Printer();
  p.doPrintln(args);
  return p.buf;
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: Val[]): string {
  const p = new Printer();
  p.doPrintf(format, args);
  return p.buf;
}

/** fmt.Sprintf("%v", x) for one interface argument. */
export function formatV(x: Val): string {
  if (x !== null && x.t.kind === 'string') {
    return x.v as string;
  }
  const p = new Printer();
  p.printArg(x, 'v');
  return p.buf;
}

/** fmt.Sprint of a reflect.Value as `%v` (Errorf("%v", value) in exec errors). */
export function formatReflectValue(x: Val): string {
  const p = new Printer();
  if (x === null) {
    return '<invalid reflect.Value>';
  }
  p.arg = x;
  if (p.handleMethods('v')) {
    return p.buf;
  }
  p.printValue(x, 'v', 0);
  return p.buf;
}
