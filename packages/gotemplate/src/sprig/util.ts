// Helpers shared by the sprig ports: reading Go arguments, spf13/cast conversions, sprig's strval.

import { GoPanic, nilDeref } from '../funcs.js';
import { formatV } from '../go/fmt.js';
import { parseFloat, parseInt } from '../go/strconv.js';
import {
  type GoValue,
  IFACE,
  indexValue,
  isFloatKind,
  isIntKind,
  isUintKind,
  lenOf,
  type Val,
  val,
} from '../go/types.js';
import { utf8Decode } from '../go/utf8.js';

/** The string data of a string-typed argument. */
export function str(v: Val): string {
  return (v?.v as string | undefined) ?? '';
}

/** The integer data of an int-typed argument, as a JavaScript number. */
export function num(v: Val): number {
  return Number((v?.v as bigint | undefined) ?? 0n);
}

/** The integer data of an int-typed argument. */
export function big(v: Val): bigint {
  return (v?.v as bigint | undefined) ?? 0n;
}

/** The bool data of a bool-typed argument. */
export function bool(v: Val): boolean {
  return (v?.v as boolean | undefined) ?? false;
}

/** Go's reflect.TypeOf(x).Kind() with a nil x panicking like a nil method receiver. */
export function kindOf(v: Val): string {
  if (v === null) {
    return nilDeref();
  }
  return v.t.kind;
}

/** The elements of a slice/array value as interface{} contents (Index(i).Interface()). */
export function items(v: GoValue): Val[] {
  const n = lenOf(v);
  const out: Val[] = [];
  for (let i = 0; i < n; i++) {
    out.push(toInterface(indexValue(v, i)));
  }
  return out;
}

/** value.Interface(): the concrete contents of an interface-kind value, else the value itself. */
export function toInterface(v: Val): Val {
  if (v !== null && v.t.kind === 'interface') {
    return v.v as Val;
  }
  return v;
}

/** Wraps a Go value to satisfy an interface{} parameter: returns the concrete value. */
export function isSliceKind(v: Val): v is GoValue {
  return v !== null && (v.t.kind === 'slice' || v.t.kind === 'array');
}

/** Go's int64(f) conversion as amd64 performs it (out of range → MinInt64). */
export function floatToInt64(f: number): bigint {
  if (!Number.isFinite(f) || f >= 2 ** 63 || f < -(2 ** 63)) {
    return -(1n << 63n);
  }
  return BigInt(Math.trunc(f));
}

/** Wraps a bigint to int64 range (two's complement). */
export function wrapInt64(n: bigint): bigint {
  return BigInt.asIntN(64, n);
}

function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    switch (s[i - 1]) {
      case '.':
        if (foundZero) {
          return s.slice(0, i - 1);
        }
        break;
      case '0':
        foundZero = true;
        break;
      default:
        return s;
    }
  }
  return s;
}

/** spf13/cast.ToInt64 (errors yield 0). */
export function castToInt64(v: Val): bigint {
  if (v === null) {
    return 0n;
  }
  const k = v.t.kind;
  if (v.t.name !== k) {
    // cast's type switch only matches the predeclared types; named types fail (→ 0).
    return 0n;
  }
  if (isIntKind(k)) {
    return wrapInt64(v.v as bigint);
  }
  if (isUintKind(k)) {
    return wrapInt64(v.v as bigint);
  }
  if (isFloatKind(k)) {
    return floatToInt64(v.v as number);
  }
  if (k === 'string') {
    try {
      return parseInt(trimZeroDecimal(v.v as string), 0, 64);
    } catch {
      return 0n;
    }
  }
  if (k === 'bool') {
    return (v.v as boolean) ? 1n : 0n;
  }
  return 0n;
}

/** spf13/cast.ToFloat64 (errors yield 0). */
export function castToFloat64(v: Val): number {
  if (v === null) {
    return 0;
  }
  const k = v.t.kind;
  if (v.t.name !== k) {
    return 0;
  }
  if (isIntKind(k) || isUintKind(k)) {
    return Number(v.v);
  }
  if (isFloatKind(k)) {
    return v.v as number;
  }
  if (k === 'string') {
    try {
      return parseFloat(v.v as string);
    } catch {
      return 0;
    }
  }
  if (k === 'bool') {
    return (v.v as boolean) ? 1 : 0;
  }
  return 0;
}

/** sprig's strval: strings as is, Stringers/errors by their text, else fmt %v. */
export function strval(v: Val): string {
  if (v === null) {
    return '<nil>';
  }
  if (v.t.kind === 'string' && !v.t.stringer) {
    return v.v as string;
  }
  if (v.t.kind === 'slice' && v.t.elem?.kind === 'uint8') {
    const arr = (v.v as bigint[] | null) ?? [];
    return utf8Decode(Uint8Array.from(arr.map((b) => Number(b))));
  }
  return formatV(v);
}

/** sprig's empty(): zero values are empty. */
export function empty(v: Val): boolean {
  if (v === null) {
    return true;
  }
  const k = v.t.kind;
  switch (k) {
    case 'array':
    case 'slice':
    case 'map':
    case 'string':
      return lenOf(v) === 0;
    case 'bool':
      return !(v.v as boolean);
    case 'struct':
      return false;
  }
  if (isIntKind(k) || isUintKind(k)) {
    return (v.v as bigint) === 0n;
  }
  if (isFloatKind(k)) {
    return (v.v as number) === 0;
  }
  if (k === 'complex64' || k === 'complex128') {
    const c = v.v as { re: number; im: number };
    return c.re === 0 && c.im === 0;
  }
  return v.v === null;
}

/** reflect.DeepEqual on interface{} contents. */
export function deepEqual(a: Val, b: Val): boolean {
  if (a === null || b === null) {
    return a === b;
  }
  if (a.t !== b.t) {
    return false;
  }
  const k = a.t.kind;
  if (k === 'interface') {
    return deepEqual(a.v as Val, b.v as Val);
  }
  if (k === 'slice' || k === 'array') {
    const x = a.v as unknown[] | null;
    const y = b.v as unknown[] | null;
    if (x === null || y === null) {
      return x === y;
    }
    if (x.length !== y.length) {
      return false;
    }
    const et = a.t.elem ?? IFACE;
    return x.every((e, i) => deepEqual(val(et, e), val(et, y[i])));
  }
  if (k === 'map') {
    const x = a.v as Map<string, unknown> | null;
    const y = b.v as Map<string, unknown> | null;
    if (x === null || y === null) {
      return x === y;
    }
    if (x.size !== y.size) {
      return false;
    }
    const et = a.t.elem ?? IFACE;
    for (const [key, e] of x) {
      if (!y.has(key) || !deepEqual(val(et, e), val(et, y.get(key)))) {
        return false;
      }
    }
    return true;
  }
  if (k === 'float32' || k === 'float64') {
    return (a.v as number) === (b.v as number);
  }
  if (typeof a.v === 'object' && a.v !== null) {
    if (a.t.marshalJSON) {
      return a.t.marshalJSON(a) === b.t.marshalJSON?.(b);
    }
    return a.v === b.v;
  }
  return a.v === b.v;
}

/** Throws a Go panic with a formatted message. */
export function panic(msg: string): never {
  throw new GoPanic(msg);
}
