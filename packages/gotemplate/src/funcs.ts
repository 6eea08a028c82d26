// How template functions are described: Go signatures (so argument checking, conversion and the
// resulting error texts match reflect-based calls) plus a JavaScript implementation.

import type { GoType, Val } from './go/types.js';

/**
 * A template function. `params` are the Go parameter types; with `variadic`, the last entry is the
 * element type of the `...` parameter. The implementation receives one Val per argument:
 * for `interface{}` parameters the concrete value held (or null for nil), for `reflect.Value`
 * parameters the raw Value (null = invalid), otherwise a value of the parameter type.
 * It returns a value of `result` (for `interface{}` results: the concrete value or null).
 * It throws {@link GoError} for a returned error and {@link GoPanic} for a panic.
 */
export type FuncDef = {
  params: GoType[];
  variadic?: boolean;
  result: GoType;
  hasError?: boolean;
  impl: (args: Val[]) => Val;
};

/** An error returned by a Go function (`(T, error)` results). */
export class GoError extends Error {}

/** A Go panic inside a function; text.template turns it into an error with the panic text. */
export class GoPanic extends Error {}

/** Go's runtime panic for a nil pointer dereference. */
export function nilDeref(): never {
  throw new GoPanic('runtime error: invalid memory address or nil pointer dereference');
}

/** Defines a function (see {@link FuncDef}). */
export function def(
  params: GoType[],
  result: GoType,
  impl: (args: Val[]) => Val,
  opts: { variadic?: boolean; hasError?: boolean } = {},
): FuncDef {
  return { params, result, impl, ...opts };
}
