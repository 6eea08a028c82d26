// sprig's defaults.go and reflect.go: default, empty, coalesce, all, any, JSON, ternary,
// deepCopy, typeOf/kindOf and friends.

import { def, type FuncDef, GoError, GoPanic } from '../funcs.js';
import { sprintf } from '../go/fmt.js';
import {
  JSONError,
  marshal,
  marshalIndent,
  marshalNoEscape,
  unmarshal,
  unmarshalPartial,
} from '../go/json.js';
import { BOOL, IFACE, STRING, type Val, val, zeroOf } from '../go/types.js';
import { PTR_VERSION, VERSION } from './regex-semver.js';
import { bool, deepEqual, empty, str } from './util.js';

function jsonOrEmpty(f: () => string): Val {
  try {
    return val(STRING, f());
  } catch (e) {
    if (e instanceof JSONError) {
      return val(STRING, '');
    }
    throw e;
  }
}

function jsonOrError(f: () => string): Val {
  try {
    return val(STRING, f());
  } catch (e) {
    if (e instanceof JSONError) {
      throw new GoError(e.message);
    }
    throw e;
  }
}

/** A deep copy of interface{} contents (copystructure.Copy for JSON-like data). */
export function deepCopyValue(v: Val): Val {
  if (v === null) {
    return null;
  }
  const t = v.t;
  if (t.kind === 'interface') {
    return val(t, deepCopyValue(v.v as Val));
  }
  if (t.kind === 'slice' || t.kind === 'array') {
    const arr = v.v as unknown[] | null;
    if (arr === null) {
      return v;
    }
    if (t.elem?.kind === 'interface') {
      return val(
        t,
        arr.map((e) => deepCopyValue(e as Val)),
      );
    }
    return val(t, [...arr]);
  }
  if (t === PTR_VERSION || t === VERSION) {
    // copystructure cannot see semver.Version's unexported fields: the copy is a zero Version.
    return val(t, zeroOf(VERSION).v);
  }
  if (t.kind === 'map') {
    const m = v.v as Map<string, unknown> | null;
    if (m === null) {
      return v;
    }
    const out = new Map<string, unknown>();
    for (const [k, e] of m) {
      out.set(k, t.elem?.kind === 'interface' ? deepCopyValue(e as Val) : e);
    }
    return val(t, out);
  }
  return v;
}

/** copystructure panics on a nil interface (reflect on the zero Value). */
function nonNil(v: Val): Val {
  if (v === null) {
    throw new GoPanic('reflect: call of reflect.Value.Type on zero Value');
  }
  return v;
}

function kindString(v: Val): string {
  return v === null ? 'invalid' : v.t.kind;
}

function typeString(v: Val): string {
  return sprintf('%T', [v]);
}

/** The defaults/JSON/reflection functions of sprig's map. */
export const defaultFuncs: Record<string, FuncDef> = {
  default: def(
    [IFACE, IFACE],
    IFACE,
    (a) => {
      const d = a[0] ?? null;
      const given = a.slice(1);
      if (given.length === 0 || empty(given[0] ?? null)) {
        return d;
      }
      return given[0] ?? null;
    },
    { variadic: true },
  ),
  empty: def([IFACE], BOOL, (a) => val(BOOL, empty(a[0] ?? null))),
  coalesce: def(
    [IFACE],
    IFACE,
    (a) => {
      for (const v of a) {
        if (!empty(v)) {
          return v;
        }
      }
      return null;
    },
    { variadic: true },
  ),
  all: def(
    [IFACE],
    BOOL,
    (a) =>
      val(
        BOOL,
        a.every((v) => !empty(v)),
      ),
    { variadic: true },
  ),
  any: def(
    [IFACE],
    BOOL,
    (a) =>
      val(
        BOOL,
        a.some((v) => !empty(v)),
      ),
    { variadic: true },
  ),
  fromJson: def([STRING], IFACE, (a) => {
    try {
      // Errors are ignored; a partially decoded value is still returned, as in Go.
      return unmarshalPartial(str(a[0] ?? null)).value;
    } catch (e) {
      if (e instanceof JSONError) {
        return null;
      }
      throw e;
    }
  }),
  mustFromJson: def(
    [STRING],
    IFACE,
    (a) => {
      try {
        return unmarshal(str(a[0] ?? null));
      } catch (e) {
        if (e instanceof JSONError) {
          throw new GoError(e.message);
        }
        throw e;
      }
    },
    { hasError: true },
  ),
  toJson: def([IFACE], STRING, (a) => jsonOrEmpty(() => marshal(a[0] ?? null))),
  toPrettyJson: def([IFACE], STRING, (a) => jsonOrEmpty(() => marshalIndent(a[0] ?? null, '  '))),
  toRawJson: def([IFACE], STRING, (a) => {
    try {
      return val(STRING, marshalNoEscape(a[0] ?? null));
    } catch (e) {
      if (e instanceof JSONError) {
        throw new GoPanic(e.message);
      }
      throw e;
    }
  }),
  mustToJson: def([IFACE], STRING, (a) => jsonOrError(() => marshal(a[0] ?? null)), {
    hasError: true,
  }),
  mustToPrettyJson: def(
    [IFACE],
    STRING,
    (a) => jsonOrError(() => marshalIndent(a[0] ?? null, '  ')),
    {
      hasError: true,
    },
  ),
  mustToRawJson: def([IFACE], STRING, (a) => jsonOrError(() => marshalNoEscape(a[0] ?? null)), {
    hasError: true,
  }),
  ternary: def([IFACE, IFACE, BOOL], IFACE, (a) =>
    bool(a[2] ?? null) ? (a[0] ?? null) : (a[1] ?? null),
  ),
  deepCopy: def([IFACE], IFACE, (a) => deepCopyValue(nonNil(a[0] ?? null))),
  mustDeepCopy: def([IFACE], IFACE, (a) => deepCopyValue(nonNil(a[0] ?? null)), { hasError: true }),
  typeOf: def([IFACE], STRING, (a) => val(STRING, typeString(a[0] ?? null))),
  typeIs: def([STRING, IFACE], BOOL, (a) =>
    val(BOOL, str(a[0] ?? null) === typeString(a[1] ?? null)),
  ),
  typeIsLike: def([STRING, IFACE], BOOL, (a) => {
    const t = typeString(a[1] ?? null);
    const target = str(a[0] ?? null);
    return val(BOOL, target === t || '*' + target === t);
  }),
  kindOf: def([IFACE], STRING, (a) => val(STRING, kindString(a[0] ?? null))),
  kindIs: def([STRING, IFACE], BOOL, (a) =>
    val(BOOL, str(a[0] ?? null) === kindString(a[1] ?? null)),
  ),
  deepEqual: def([IFACE, IFACE], BOOL, (a) => val(BOOL, deepEqual(a[0] ?? null, a[1] ?? null))),
};
