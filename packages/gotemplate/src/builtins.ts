// Go's text/template builtin functions (funcs.go, Go 1.19).

import { isTrue } from './exec.js';
import { type FuncDef, GoError, GoPanic } from './funcs.js';
import { compareGoStrings, sprint, sprintf, sprintln } from './go/fmt.js';
import {
  assignableTo,
  BOOL,
  canBeNilKind,
  type GoType,
  type GoValue,
  IFACE,
  indexValue,
  indirect,
  indirectInterface,
  INT,
  isComplexKind,
  isFloatKind,
  isIntKind,
  isUintKind,
  lenOf,
  REFLECT_VALUE,
  STRING,
  type Val,
  val,
  zeroOf,
} from './go/types.js';
import { isPrint, utf8Encode } from './go/utf8.js';

function truth(v: Val): boolean {
  return isTrue(indirectInterface(v))[0];
}

function indexArg(index: Val, cap: number): number {
  let x: bigint;
  if (index === null) {
    throw new GoError('cannot index slice/array with nil');
  }
  if (isIntKind(index.t.kind) || isUintKind(index.t.kind)) {
    x = index.v as bigint;
  } else {
    throw new GoError(`cannot index slice/array with type ${index.t.name}`);
  }
  if (x < 0n || x > BigInt(cap)) {
    throw new GoError(`index out of range: ${x}`);
  }
  return Number(x);
}

function prepareArg(value: Val, argType: GoType): GoValue {
  if (value === null) {
    if (!canBeNilKind(argType)) {
      throw new GoError(`value is nil; should be of type ${argType.name}`);
    }
    return zeroOf(argType);
  }
  if (assignableTo(value.t, argType)) {
    return value;
  }
  throw new GoError(`value has type ${value.t.name}; should be ${argType.name}`);
}

function index(args: Val[]): Val {
  let item = indirectInterface(args[0] ?? null);
  if (item === null) {
    throw new GoError('index of untyped nil');
  }
  for (const raw of args.slice(1)) {
    const idx = indirectInterface(raw);
    const [it, isNil] = indirect(item);
    if (isNil || it === null) {
      throw new GoError('index of nil pointer');
    }
    item = it;
    switch (item.t.kind) {
      case 'array':
      case 'slice':
      case 'string': {
        const n = lenOf(item);
        const x = indexArg(idx, n);
        if (x >= n) {
          throw new GoPanic(
            item.t.kind === 'string'
              ? 'reflect: string index out of range'
              : 'reflect: slice index out of range',
          );
        }
        item = indexValue(item, x);
        break;
      }
      case 'map': {
        const key = prepareArg(idx, item.t.key ?? STRING);
        const m = item.v as Map<string, unknown> | null;
        const k = key.v as string;
        if (m !== null && m.has(k)) {
          item = val(item.t.elem ?? IFACE, m.get(k));
        } else {
          item = zeroOf(item.t.elem ?? IFACE);
        }
        break;
      }
      default:
        throw new GoError(`can't index item of type ${item.t.name}`);
    }
  }
  return item;
}

function length(args: Val[]): Val {
  const [item, isNil] = indirect(args[0] ?? null);
  if (isNil) {
    throw new GoError('len of nil pointer');
  }
  if (item === null) {
    throw new GoPanic('reflect: call of reflect.Value.Type on zero Value');
  }
  switch (item.t.kind) {
    case 'array':
    case 'chan':
    case 'map':
    case 'slice':
    case 'string':
      return val(INT, BigInt(lenOf(item)));
  }
  throw new GoError(`len of type ${item.t.name}`);
}

function call(args: Val[]): Val {
  const fn = indirectInterface(args[0] ?? null);
  if (fn === null) {
    throw new GoError('call of nil');
  }
  throw new GoError(`non-function of type ${fn.t.name}`);
}

// ---- comparison ----

type BasicKind = 'invalid' | 'bool' | 'complex' | 'int' | 'float' | 'string' | 'uint';

const errBadComparisonType = 'invalid type for comparison';
const errBadComparison = 'incompatible types for comparison';
const errNoComparison = 'missing argument for comparison';

function basicKind(v: Val): [BasicKind, boolean] {
  if (v === null) {
    return ['invalid', false];
  }
  const k = v.t.kind;
  if (k === 'bool') {
    return ['bool', true];
  }
  if (isIntKind(k)) {
    return ['int', true];
  }
  if (isUintKind(k)) {
    return ['uint', true];
  }
  if (isFloatKind(k)) {
    return ['float', true];
  }
  if (isComplexKind(k)) {
    return ['complex', true];
  }
  if (k === 'string') {
    return ['string', true];
  }
  return ['invalid', false];
}

function isNilV(v: Val): boolean {
  if (v === null) {
    return true;
  }
  switch (v.t.kind) {
    case 'chan':
    case 'func':
    case 'interface':
    case 'map':
    case 'ptr':
    case 'slice':
      return v.v === null;
  }
  return false;
}

function comparable(t: GoType): boolean {
  return !(t.kind === 'slice' || t.kind === 'map' || t.kind === 'func');
}

/** Go's == on two comparable values of the same type (structs compared by their data). */
function goEqual(a: GoValue, b: GoValue): boolean {
  if (a.t !== b.t) {
    return false;
  }
  if (a.t.kind === 'interface') {
    const x = a.v as Val;
    const y = b.v as Val;
    if (x === null || y === null) {
      return x === y;
    }
    return goEqual(x, y);
  }
  if (a.t.kind === 'ptr') {
    // Pointers are equal only when they point to the same value.
    return a.v === b.v;
  }
  if (typeof a.v === 'object' && a.v !== null) {
    return (
      JSON.stringify(a.v, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ===
      JSON.stringify(b.v, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
    );
  }
  return a.v === b.v;
}

function eqImpl(arg1r: Val, rest: Val[]): boolean {
  const arg1 = indirectInterface(arg1r);
  if (rest.length === 0) {
    throw new GoError(errNoComparison);
  }
  const [k1] = basicKind(arg1);
  for (const argr of rest) {
    const arg = indirectInterface(argr);
    const [k2] = basicKind(arg);
    let t = false;
    if (k1 !== k2) {
      if (k1 === 'int' && k2 === 'uint') {
        t = (arg1?.v as bigint) >= 0n && (arg1?.v as bigint) === (arg?.v as bigint);
      } else if (k1 === 'uint' && k2 === 'int') {
        t = (arg?.v as bigint) >= 0n && (arg1?.v as bigint) === (arg?.v as bigint);
      } else if (arg1 !== null && arg !== null) {
        throw new GoError(errBadComparison);
      }
    } else {
      switch (k1) {
        case 'bool':
        case 'int':
        case 'uint':
        case 'string':
          t = arg1?.v === arg?.v;
          break;
        case 'float':
          t = (arg1?.v as number) === (arg?.v as number);
          break;
        case 'complex': {
          const a = arg1?.v as { re: number; im: number };
          const b = arg?.v as { re: number; im: number };
          t = a.re === b.re && a.im === b.im;
          break;
        }
        default: {
          const ka = arg1 === null ? 'invalid' : arg1.t.kind;
          const kb = arg === null ? 'invalid' : arg.t.kind;
          if (!(ka === kb || ka === 'invalid' || kb === 'invalid')) {
            throw new GoError(
              `non-comparable types ${sprintf('%s', [arg1])}: ${arg1?.t.name ?? '<nil>'}, ${arg?.t.name ?? '<nil>'}: ${sprintf('%v', [arg])}`,
            );
          }
          if (isNilV(arg1) || isNilV(arg)) {
            t = isNilV(arg) === isNilV(arg1);
          } else {
            const a = arg1 as GoValue;
            const b = arg as GoValue;
            if (!comparable(b.t)) {
              throw new GoError(`non-comparable type ${sprintf('%s', [b])}: ${b.t.name}`);
            }
            t = goEqual(a, b);
          }
        }
      }
    }
    if (t) {
      return true;
    }
  }
  return false;
}

function ltImpl(a1: Val, a2: Val): boolean {
  const arg1 = indirectInterface(a1);
  const [k1, ok1] = basicKind(arg1);
  if (!ok1) {
    throw new GoError(errBadComparisonType);
  }
  const arg2 = indirectInterface(a2);
  const [k2, ok2] = basicKind(arg2);
  if (!ok2) {
    throw new GoError(errBadComparisonType);
  }
  const x = (arg1 as GoValue).v;
  const y = (arg2 as GoValue).v;
  if (k1 !== k2) {
    if (k1 === 'int' && k2 === 'uint') {
      return (x as bigint) < 0n || (x as bigint) < (y as bigint);
    }
    if (k1 === 'uint' && k2 === 'int') {
      return (y as bigint) >= 0n && (x as bigint) < (y as bigint);
    }
    throw new GoError(errBadComparison);
  }
  switch (k1) {
    case 'bool':
    case 'complex':
      throw new GoError(errBadComparisonType);
    case 'float':
      return (x as number) < (y as number);
    case 'int':
    case 'uint':
      return (x as bigint) < (y as bigint);
    case 'string':
      return compareGoStrings(x as string, y as string) < 0;
    default:
      throw new GoPanic('invalid kind');
  }
}

function leImpl(a: Val, b: Val): boolean {
  if (ltImpl(a, b)) {
    return true;
  }
  return eqImpl(a, [b]);
}

// ---- escaping ----

function printableArg(arg: Val): Val {
  let v = arg;
  while (v !== null && v.t.kind === 'ptr' && v.v !== null) {
    v = val(v.t.elem ?? IFACE, v.v);
  }
  if (v === null) {
    return val(STRING, '<no value>');
  }
  return v;
}

/** text/template's evalArgs: fmt.Sprint with template printing rules. */
function evalArgs(args: Val[]): string {
  if (args.length === 1 && args[0] !== null && args[0]?.t === STRING) {
    return args[0].v as string;
  }
  return sprint(args.map(printableArg));
}

/** template.HTMLEscapeString. */
export function htmlEscapeString(s: string): string {
  if (!/['"&<>\0]/.test(s)) {
    return s;
  }
  let out = '';
  for (const ch of s) {
    switch (ch) {
      case '\0':
        out += '\uFFFD';
        break;
      case '"':
        out += '&#34;';
        break;
      case "'":
        out += '&#39;';
        break;
      case '&':
        out += '&amp;';
        break;
      case '<':
        out += '&lt;';
        break;
      case '>':
        out += '&gt;';
        break;
      default:
        out += ch;
    }
  }
  return out;
}

/** template.JSEscapeString. */
export function jsEscapeString(s: string): string {
  let out = '';
  for (const ch of s) {
    const r = ch.codePointAt(0) ?? 0;
    if (r < 0x80) {
      switch (ch) {
        case '\\':
          out += '\\\\';
          continue;
        case "'":
          out += "\\'";
          continue;
        case '"':
          out += '\\"';
          continue;
        case '<':
          out += '\\u003C';
          continue;
        case '>':
          out += '\\u003E';
          continue;
        case '&':
          out += '\\u0026';
          continue;
        case '=':
          out += '\\u003D';
          continue;
      }
      if (r < 0x20) {
        out += '\\u00' + r.toString(16).toUpperCase().padStart(2, '0');
        continue;
      }
      out += ch;
      continue;
    }
    // An invalid byte decodes as U+FFFD, which is printable: the byte is written as is.
    if (isPrint(r) || (r >= 0xd800 && r <= 0xdfff)) {
      out += ch;
    } else {
      out += '\\u' + r.toString(16).toUpperCase().padStart(4, '0');
    }
  }
  return out;
}

/** url.QueryEscape. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of utf8Encode(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) {
      out += c;
    } else if (c === ' ') {
      out += '+';
    } else {
      out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
    }
  }
  return out;
}

const RV = REFLECT_VALUE;

/** The builtin function map. */
export const builtins: Map<string, FuncDef> = new Map<string, FuncDef>([
  ['and', { params: [RV, RV], variadic: true, result: RV, impl: () => null }],
  ['or', { params: [RV, RV], variadic: true, result: RV, impl: () => null }],
  ['call', { params: [RV, RV], variadic: true, result: RV, hasError: true, impl: call }],
  [
    'html',
    {
      params: [IFACE],
      variadic: true,
      result: STRING,
      impl: (a) => val(STRING, htmlEscapeString(evalArgs(a))),
    },
  ],
  ['index', { params: [RV, RV], variadic: true, result: RV, hasError: true, impl: index }],
  ['slice', { params: [RV, RV], variadic: true, result: RV, hasError: true, impl: () => null }],
  [
    'js',
    {
      params: [IFACE],
      variadic: true,
      result: STRING,
      impl: (a) => val(STRING, jsEscapeString(evalArgs(a))),
    },
  ],
  ['len', { params: [RV], result: INT, hasError: true, impl: length }],
  ['not', { params: [RV], result: BOOL, impl: (a) => val(BOOL, !truth(a[0] ?? null)) }],
  [
    'print',
    { params: [IFACE], variadic: true, result: STRING, impl: (a) => val(STRING, sprint(a)) },
  ],
  [
    'printf',
    {
      params: [STRING, IFACE],
      variadic: true,
      result: STRING,
      impl: (a) => val(STRING, sprintf((a[0]?.v as string) ?? '', a.slice(1))),
    },
  ],
  [
    'println',
    { params: [IFACE], variadic: true, result: STRING, impl: (a) => val(STRING, sprintln(a)) },
  ],
  [
    'urlquery',
    {
      params: [IFACE],
      variadic: true,
      result: STRING,
      impl: (a) => val(STRING, queryEscape(evalArgs(a))),
    },
  ],
  [
    'eq',
    {
      params: [RV, RV],
      variadic: true,
      result: BOOL,
      hasError: true,
      impl: (a) => val(BOOL, eqImpl(a[0] ?? null, a.slice(1))),
    },
  ],
  [
    'ne',
    {
      params: [RV, RV],
      result: BOOL,
      hasError: true,
      impl: (a) => val(BOOL, !eqImpl(a[0] ?? null, [a[1] ?? null])),
    },
  ],
  [
    'lt',
    {
      params: [RV, RV],
      result: BOOL,
      hasError: true,
      impl: (a) => val(BOOL, ltImpl(a[0] ?? null, a[1] ?? null)),
    },
  ],
  [
    'le',
    {
      params: [RV, RV],
      result: BOOL,
      hasError: true,
      impl: (a) => val(BOOL, leImpl(a[0] ?? null, a[1] ?? null)),
    },
  ],
  [
    'gt',
    {
      params: [RV, RV],
      result: BOOL,
      hasError: true,
      impl: (a) => val(BOOL, !leImpl(a[0] ?? null, a[1] ?? null)),
    },
  ],
  [
    'ge',
    {
      params: [RV, RV],
      result: BOOL,
      hasError: true,
      impl: (a) => val(BOOL, !ltImpl(a[0] ?? null, a[1] ?? null)),
    },
  ],
]);
