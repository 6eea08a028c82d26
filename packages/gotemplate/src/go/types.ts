// A small model of Go's reflect: types and values, enough for text/template and sprig to behave
// as in Go. A value is `{ t, v }` (its Go type and the JavaScript data of that type):
//   bool → boolean; integer kinds → bigint; float kinds → number; complex → Complex;
//   string → string; slice → array of element data | null (nil slice);
//   map → Map<string, element data> | null (nil map); interface → GoValue | null (nil);
//   pointer → pointee data | null; struct → a JavaScript object owned by the type.
// `null` where a `Val` is expected is Go's invalid (zero) reflect.Value.

import { toDisplayString, utf8Encode } from './utf8.js';

/** Go's reflect.Kind, spelled as reflect.Kind.String() does in Go 1.19. */
export type Kind =
  | 'bool'
  | 'int'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'uintptr'
  | 'float32'
  | 'float64'
  | 'complex64'
  | 'complex128'
  | 'string'
  | 'slice'
  | 'array'
  | 'map'
  | 'interface'
  | 'ptr'
  | 'struct'
  | 'func'
  | 'chan';

/** A complex128 value. */
export type Complex = { re: number; im: number };

/** A method of a Go type, callable from templates (`.Major`, `.Format "2006"`). */
export type GoMethod = {
  /** Parameter types (after the receiver). */
  params: GoType[];
  variadic?: boolean;
  result: GoType;
  hasError?: boolean;
  call: (recv: GoValue, args: Val[]) => Val;
};

/** A Go type. Types are interned: compare with `===`. */
export type GoType = {
  readonly kind: Kind;
  /** Go's reflect.Type.String(), e.g. `map[string]interface {}`. */
  readonly name: string;
  readonly elem?: GoType;
  readonly key?: GoType;
  /** Methods callable on values of this type (for pointer types: pointer and value methods). */
  methods?: Map<string, GoMethod>;
  /** fmt.Stringer / error: the text fmt prints for `%v`/`%s`. */
  stringer?: (v: GoValue) => string;
  /** True if the type implements error (printing uses Error()). */
  isError?: boolean;
  /** JSON encoding override (json.Marshaler / TextMarshaler / struct encoding). */
  marshalJSON?: (v: GoValue) => string;
  /** Struct fields in declaration order (for fmt's `{a b}` printing). */
  fields?: (v: GoValue) => Val[];
};

/** A Go value with its type. */
export type GoValue = { readonly t: GoType; readonly v: unknown };

/** A reflect.Value: a GoValue or the invalid (zero) Value. */
export type Val = GoValue | null;

function basic(kind: Kind, name: string = kind): GoType {
  return { kind, name };
}

// The predeclared Go types (reflect.Type singletons; compare with ===).
/** Go's bool. */
export const BOOL = basic('bool');
/** Go's int. */
export const INT = basic('int');
/** Go's int8. */
export const INT8 = basic('int8');
/** Go's int16. */
export const INT16 = basic('int16');
/** Go's int32. */
export const INT32 = basic('int32');
/** Go's int64. */
export const INT64 = basic('int64');
/** Go's uint. */
export const UINT = basic('uint');
/** Go's uint8. */
export const UINT8 = basic('uint8');
/** Go's uint16. */
export const UINT16 = basic('uint16');
/** Go's uint32. */
export const UINT32 = basic('uint32');
/** Go's uint64. */
export const UINT64 = basic('uint64');
/** Go's uintptr. */
export const UINTPTR = basic('uintptr');
/** Go's float32. */
export const FLOAT32 = basic('float32');
/** Go's float64. */
export const FLOAT64 = basic('float64');
/** Go's complex64. */
export const COMPLEX64 = basic('complex64');
/** Go's complex128. */
export const COMPLEX128 = basic('complex128');
/** Go's string. */
export const STRING = basic('string');
/** The empty interface, `interface {}`. */
export const IFACE: GoType = { kind: 'interface', name: 'interface {}' };
/** The error interface type (only used as a declared type). */
export const ERROR_IFACE: GoType = { kind: 'interface', name: 'error' };
/** reflect.Value as a parameter/result type of builtins (passes Values through untouched). */
export const REFLECT_VALUE: GoType = { kind: 'struct', name: 'reflect.Value' };

const composite = new Map<string, GoType>();

/** The slice type []elem. */
export function sliceOf(elem: GoType): GoType {
  const name = `[]${elem.name}`;
  let t = composite.get(name);
  if (!t) {
    t = { kind: 'slice', name, elem };
    composite.set(name, t);
  }
  return t;
}

/** The map type map[key]elem. */
export function mapOf(key: GoType, elem: GoType): GoType {
  const name = `map[${key.name}]${elem.name}`;
  let t = composite.get(name);
  if (!t) {
    t = { kind: 'map', name, key, elem };
    composite.set(name, t);
  }
  return t;
}

/** The pointer type *elem. */
export function ptrTo(elem: GoType): GoType {
  const name = `*${elem.name}`;
  let t = composite.get(name);
  if (!t) {
    t = { kind: 'ptr', name, elem };
    composite.set(name, t);
  }
  return t;
}

/** `[]interface {}` (JSON arrays, sprig lists). */
export const SLICE_IFACE = sliceOf(IFACE);
/** `[]string`. */
export const SLICE_STRING = sliceOf(STRING);
/** `[]int`. */
export const SLICE_INT = sliceOf(INT);
/** `map[string]interface {}` (JSON objects, sprig dicts). */
export const MAP_STRING_IFACE = mapOf(STRING, IFACE);
/** `map[string]string` (sprig split). */
export const MAP_STRING_STRING = mapOf(STRING, STRING);

/** Builds a value. */
export function val(t: GoType, v: unknown): GoValue {
  return { t, v };
}

/** The bool values. */
export const TRUE = val(BOOL, true);
/** See {@link TRUE}. */
export const FALSE = val(BOOL, false);

/** A Go bool value. */
export function boolVal(b: boolean): GoValue {
  return b ? TRUE : FALSE;
}

/** Kinds with integer semantics, signed. */
export function isIntKind(k: Kind): boolean {
  return k === 'int' || k === 'int8' || k === 'int16' || k === 'int32' || k === 'int64';
}

/** Kinds with integer semantics, unsigned. */
export function isUintKind(k: Kind): boolean {
  return (
    k === 'uint' ||
    k === 'uint8' ||
    k === 'uint16' ||
    k === 'uint32' ||
    k === 'uint64' ||
    k === 'uintptr'
  );
}

/** Float kinds. */
export function isFloatKind(k: Kind): boolean {
  return k === 'float32' || k === 'float64';
}

/** Complex kinds. */
export function isComplexKind(k: Kind): boolean {
  return k === 'complex64' || k === 'complex128';
}

/** Kinds that can hold nil. */
export function canBeNilKind(t: GoType): boolean {
  switch (t.kind) {
    case 'chan':
    case 'func':
    case 'interface':
    case 'map':
    case 'ptr':
    case 'slice':
      return true;
    case 'struct':
      return t === REFLECT_VALUE;
    default:
      return false;
  }
}

/** reflect.Value.IsNil for nil-able kinds (false otherwise). */
export function isNilValue(v: GoValue): boolean {
  switch (v.t.kind) {
    case 'chan':
    case 'func':
    case 'interface':
    case 'map':
    case 'ptr':
    case 'slice':
      return v.v === null;
    default:
      return false;
  }
}

/** reflect.Zero(t). */
export function zeroOf(t: GoType): GoValue {
  switch (t.kind) {
    case 'bool':
      return val(t, false);
    case 'string':
      return val(t, '');
    case 'float32':
    case 'float64':
      return val(t, 0);
    case 'complex64':
    case 'complex128':
      return val(t, { re: 0, im: 0 });
    case 'slice':
    case 'map':
    case 'interface':
    case 'ptr':
    case 'func':
    case 'chan':
      return val(t, null);
    case 'struct':
      if (t === REFLECT_VALUE) {
        return val(t, null);
      }
      return val(t, structZero.get(t)?.() ?? {});
    default:
      if (isIntKind(t.kind) || isUintKind(t.kind)) {
        return val(t, 0n);
      }
      return val(t, null);
  }
}

const structZero = new Map<GoType, () => unknown>();

/** Registers the zero value of a struct type. */
export function registerStructZero(t: GoType, zero: () => unknown): void {
  structZero.set(t, zero);
}

/** reflect.Type.AssignableTo for the types this engine models. */
export function assignableTo(from: GoType, to: GoType): boolean {
  if (from === to) {
    return true;
  }
  if (to.kind === 'interface') {
    if (to === IFACE) {
      return true;
    }
    if (to === ERROR_IFACE) {
      return from.isError === true;
    }
  }
  return false;
}

/** The element at index i of a slice value, as a Value of the element type (reflect Index). */
export function indexValue(v: GoValue, i: number): GoValue {
  const t = v.t;
  if (t.kind === 'string') {
    return val(UINT8, BigInt(stringBytes(v.v as string)[i] ?? 0));
  }
  const arr = v.v as unknown[];
  return val(t.elem ?? IFACE, arr[i]);
}

/** reflect.Value.Len for slices, maps, strings. */
export function lenOf(v: GoValue): number {
  switch (v.t.kind) {
    case 'slice':
    case 'array':
      return v.v === null ? 0 : (v.v as unknown[]).length;
    case 'map':
      return v.v === null ? 0 : (v.v as Map<string, unknown>).size;
    case 'string':
      return stringBytes(v.v as string).length;
    default:
      return 0;
  }
}

const stringBytesCache = new Map<string, Uint8Array>();

/** The UTF-8 bytes of a Go string (memoised for repeated indexing). */
export function stringBytes(s: string): Uint8Array {
  let b = stringBytesCache.get(s);
  if (!b) {
    if (stringBytesCache.size > 256) {
      stringBytesCache.clear();
    }
    b = utf8Encode(s);
    stringBytesCache.set(s, b);
  }
  return b;
}

/** Go's reflect.ValueOf(x.Interface()): unwraps an interface-kind Value. */
export function indirectInterface(v: Val): Val {
  if (v === null || v.t.kind !== 'interface') {
    return v;
  }
  return v.v as Val;
}

/**
 * text/template's indirect: follows pointers and interfaces.
 * Returns the final value and whether a nil was met (then the value is the nil ptr/iface).
 */
export function indirect(v: Val): [Val, boolean] {
  while (v !== null && (v.t.kind === 'ptr' || v.t.kind === 'interface')) {
    if (v.v === null) {
      return [v, true];
    }
    if (v.t.kind === 'interface') {
      v = v.v as GoValue;
    } else {
      // A pointer's Elem() is addressable; the engine treats the pointee as the struct value.
      v = val(v.t.elem ?? IFACE, v.v);
    }
  }
  return [v, false];
}

/** Converts a decoded JSON value (as JSON.parse gives it) to Go's interface{} contents. */
export function fromJSON(x: unknown): Val {
  if (x === null || x === undefined) {
    return null;
  }
  switch (typeof x) {
    case 'string':
      return val(STRING, toDisplayString(x));
    case 'number':
      return val(FLOAT64, x);
    case 'boolean':
      return boolVal(x);
    case 'bigint':
      return val(FLOAT64, Number(x));
    case 'object': {
      if (Array.isArray(x)) {
        return val(
          SLICE_IFACE,
          x.map((e) => fromJSON(e)),
        );
      }
      const m = new Map<string, Val>();
      for (const [k, e] of Object.entries(x as Record<string, unknown>)) {
        m.set(toDisplayString(k), fromJSON(e));
      }
      return val(MAP_STRING_IFACE, m);
    }
    default:
      return null;
  }
}
