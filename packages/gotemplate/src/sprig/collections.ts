// sprig's list.go and dict.go.

import { def, type FuncDef, GoError, GoPanic } from '../funcs.js';
import {
  BOOL,
  type GoValue,
  IFACE,
  INT,
  MAP_STRING_IFACE,
  SLICE_IFACE,
  SLICE_STRING,
  sliceOf,
  STRING,
  type Val,
  val,
} from '../go/types.js';
import { castToInt64, deepEqual, empty, items, kindOf, num, str, strval } from './util.js';

type ListOp = (list: GoValue) => Val;

/** sprig's list helpers share one shape: check the kind, then work on the elements. */
function listFn(
  what: string,
  op: ListOp,
  result: typeof IFACE,
  mustForm: boolean,
  errFmt: (kind: string) => string = (k) => `Cannot find ${what} on type ${k}`,
): FuncDef {
  return def(
    [IFACE],
    result,
    (a) => {
      const list = a[0] ?? null;
      const k = kindOf(list);
      if (k !== 'slice' && k !== 'array') {
        const msg = errFmt(k);
        if (mustForm) {
          throw new GoError(msg);
        }
        throw new GoPanic(msg);
      }
      return op(list as GoValue);
    },
    { hasError: mustForm },
  );
}

const ifaces = (xs: Val[] | null): Val => val(SLICE_IFACE, xs);

const first: ListOp = (l) => {
  const xs = items(l);
  return xs.length === 0 ? null : (xs[0] ?? null);
};
const last: ListOp = (l) => {
  const xs = items(l);
  return xs.length === 0 ? null : (xs[xs.length - 1] ?? null);
};
const rest: ListOp = (l) => {
  const xs = items(l);
  return ifaces(xs.length === 0 ? null : xs.slice(1));
};
const initial: ListOp = (l) => {
  const xs = items(l);
  return ifaces(xs.length === 0 ? null : xs.slice(0, -1));
};
const reverse: ListOp = (l) => ifaces(items(l).reverse());
const compact: ListOp = (l) => ifaces(items(l).filter((x) => !empty(x)));
const uniq: ListOp = (l) => {
  const dest: Val[] = [];
  for (const x of items(l)) {
    if (!dest.some((d) => deepEqual(x, d))) {
      dest.push(x);
    }
  }
  return ifaces(dest);
};

function pushFn(mustForm: boolean, prepend: boolean): FuncDef {
  const what = prepend ? 'prepend' : 'push';
  return def(
    [IFACE, IFACE],
    SLICE_IFACE,
    (a) => {
      const list = a[0] ?? null;
      const k = kindOf(list);
      if (k !== 'slice' && k !== 'array') {
        const msg = `Cannot ${what} on type ${k}`;
        if (mustForm) {
          throw new GoError(msg);
        }
        throw new GoPanic(msg);
      }
      const xs = items(list as GoValue);
      return ifaces(prepend ? [a[1] ?? null, ...xs] : [...xs, a[1] ?? null]);
    },
    { hasError: mustForm },
  );
}

function withoutFn(mustForm: boolean): FuncDef {
  return def(
    [IFACE, IFACE],
    SLICE_IFACE,
    (a) => {
      const list = a[0] ?? null;
      const k = kindOf(list);
      if (k !== 'slice' && k !== 'array') {
        const msg = `Cannot find without on type ${k}`;
        if (mustForm) {
          throw new GoError(msg);
        }
        throw new GoPanic(msg);
      }
      const omit = a.slice(1);
      return ifaces(items(list as GoValue).filter((x) => !omit.some((o) => deepEqual(x, o))));
    },
    { variadic: true, hasError: mustForm },
  );
}

function hasFn(mustForm: boolean): FuncDef {
  return def(
    [IFACE, IFACE],
    BOOL,
    (a) => {
      const needle = a[0] ?? null;
      const haystack = a[1] ?? null;
      if (haystack === null) {
        return val(BOOL, false);
      }
      const k = haystack.t.kind;
      if (k !== 'slice' && k !== 'array') {
        const msg = `Cannot find has on type ${k}`;
        if (mustForm) {
          throw new GoError(msg);
        }
        throw new GoPanic(msg);
      }
      return val(
        BOOL,
        items(haystack).some((x) => deepEqual(needle, x)),
      );
    },
    { hasError: mustForm },
  );
}

function toIntIndex(v: Val): number {
  return Number(BigInt.asIntN(64, castToInt64(v)));
}

function sliceFn(mustForm: boolean): FuncDef {
  return def(
    [IFACE, IFACE],
    IFACE,
    (a) => {
      const list = a[0] ?? null;
      const k = kindOf(list);
      if (k !== 'slice' && k !== 'array') {
        const msg = `list should be type of slice or array but ${k}`;
        if (mustForm) {
          throw new GoError(msg);
        }
        throw new GoPanic(msg);
      }
      const l = list as GoValue;
      const arr = (l.v as unknown[] | null) ?? [];
      const len = arr.length;
      if (len === 0) {
        return null;
      }
      const idx = a.slice(1);
      const start = idx.length > 0 ? toIntIndex(idx[0] ?? null) : 0;
      const end = idx.length < 2 ? len : toIntIndex(idx[1] ?? null);
      // reflect.Value.Slice panics outside 0 <= start <= end <= cap.
      if (start < 0 || end < start || end > len) {
        throw new GoPanic('reflect.Value.Slice: slice index out of bounds');
      }
      return val(l.t, arr.slice(start, end));
    },
    { variadic: true, hasError: mustForm },
  );
}

function chunkFn(mustForm: boolean): FuncDef {
  const SLICE_SLICE = sliceOf(SLICE_IFACE);
  return def(
    [INT, IFACE],
    SLICE_SLICE,
    (a) => {
      const size = num(a[0] ?? null);
      const list = a[1] ?? null;
      const k = kindOf(list);
      if (k !== 'slice' && k !== 'array') {
        const msg = `Cannot chunk type ${k}`;
        if (mustForm) {
          throw new GoError(msg);
        }
        throw new GoPanic(msg);
      }
      const xs = items(list as GoValue);
      const l = xs.length;
      const cs = Math.floor((l - 1) / size) + 1;
      if (!Number.isFinite(cs) || cs < 0) {
        throw new GoPanic('runtime error: makeslice: len out of range');
      }
      const out: Val[][] = [];
      for (let i = 0; i < cs; i++) {
        let clen = size;
        if (i === cs - 1) {
          clen = Math.floor(l % size);
          if (clen === 0) {
            clen = size;
          }
        }
        const chunk: Val[] = [];
        for (let j = 0; j < clen; j++) {
          const ix = i * size + j;
          if (ix >= l) {
            throw new GoPanic('reflect: slice index out of range');
          }
          chunk.push(xs[ix] ?? null);
        }
        out.push(chunk);
      }
      return val(SLICE_SLICE, out);
    },
    { hasError: mustForm },
  );
}

function concat(a: Val[]): Val {
  let res: Val[] | null = null;
  for (const list of a) {
    const k = kindOf(list);
    if (k !== 'slice' && k !== 'array') {
      throw new GoPanic(`Cannot concat type ${k} as list`);
    }
    for (const x of items(list as GoValue)) {
      res ??= [];
      res.push(x);
    }
  }
  return ifaces(res);
}

// ---- dicts ----

function dictArg(v: Val): Map<string, Val> | null {
  return (v?.v as Map<string, Val> | null | undefined) ?? null;
}

function assignNilMap(): never {
  throw new GoPanic('assignment to entry in nil map');
}

function dict(a: Val[]): Val {
  const m = new Map<string, Val>();
  for (let i = 0; i < a.length; i += 2) {
    const key = strval(a[i] ?? null);
    if (i + 1 >= a.length) {
      m.set(key, val(STRING, ''));
      continue;
    }
    m.set(key, a[i + 1] ?? null);
  }
  return val(MAP_STRING_IFACE, m);
}

function isMapStringIface(v: Val): boolean {
  return v !== null && v.t === MAP_STRING_IFACE;
}

function typeNameOf(v: Val): string {
  return v === null ? 'nil' : v.t.name;
}

/**
 * mergo.Merge / MergeWithOverwrite of map[string]interface{} values, as sprig calls them:
 * nested maps merge recursively in place; slices and maps never replace a non-empty value
 * unless overwriting; nil sources only count when overwriting.
 */
function mergeInto(dst: Map<string, Val>, src: Map<string, Val>, overwrite: boolean): void {
  for (const [k, s] of src) {
    if (s === null) {
      if (overwrite) {
        dst.set(k, null);
      }
      continue;
    }
    const has = dst.has(k);
    const d = dst.get(k) ?? null;
    const sk = s.t.kind;
    if (sk === 'map') {
      if (has && d !== null && d.t.kind === 'map' && d.v !== null && s.v !== null) {
        mergeInto(d.v as Map<string, Val>, s.v as Map<string, Val>, overwrite);
      }
      if (has && !empty(d)) {
        continue;
      }
      dst.set(k, s);
      continue;
    }
    if (sk === 'slice' || sk === 'array') {
      if (has && !empty(d)) {
        dst.set(k, overwrite ? s : d);
        continue;
      }
      dst.set(k, s);
      continue;
    }
    if (overwrite || !has || empty(d)) {
      dst.set(k, s);
    }
  }
}

function mergeFn(overwrite: boolean, mustForm: boolean): FuncDef {
  return def(
    [MAP_STRING_IFACE, MAP_STRING_IFACE],
    IFACE,
    (a) => {
      let dst = dictArg(a[0] ?? null);
      for (const srcV of a.slice(1)) {
        const src = dictArg(srcV);
        if (src === null) {
          continue;
        }
        dst ??= new Map<string, Val>();
        mergeInto(dst, src, overwrite);
      }
      return val(MAP_STRING_IFACE, dst);
    },
    { variadic: true, hasError: mustForm },
  );
}

function digFromDict(dict: Map<string, Val> | null, d: Val, ks: string[]): Val {
  const [k, ...ns] = ks;
  if (dict === null || k === undefined || !dict.has(k)) {
    return d;
  }
  const step = dict.get(k) ?? null;
  if (ns.length === 0) {
    return step;
  }
  if (!isMapStringIface(step)) {
    throw new GoPanic(
      `interface conversion: interface {} is ${typeNameOf(step)}, not map[string]interface {}`,
    );
  }
  return digFromDict((step as GoValue).v as Map<string, Val> | null, d, ns);
}

/** The list and dict functions of sprig's map. */
export const collectionFuncs: Record<string, FuncDef> = {
  list: def([IFACE], SLICE_IFACE, (a) => ifaces(a), { variadic: true }),
  tuple: def([IFACE], SLICE_IFACE, (a) => ifaces(a), { variadic: true }),
  append: pushFn(false, false),
  push: pushFn(false, false),
  mustAppend: pushFn(true, false),
  mustPush: pushFn(true, false),
  prepend: pushFn(false, true),
  mustPrepend: pushFn(true, true),
  first: listFn('first', first, IFACE, false),
  mustFirst: listFn('first', first, IFACE, true),
  last: listFn('last', last, IFACE, false),
  mustLast: listFn('last', last, IFACE, true),
  rest: listFn('rest', rest, SLICE_IFACE, false),
  mustRest: listFn('rest', rest, SLICE_IFACE, true),
  initial: listFn('initial', initial, SLICE_IFACE, false),
  mustInitial: listFn('initial', initial, SLICE_IFACE, true),
  reverse: listFn('reverse', reverse, SLICE_IFACE, false),
  mustReverse: listFn('reverse', reverse, SLICE_IFACE, true),
  uniq: listFn('uniq', uniq, SLICE_IFACE, false),
  mustUniq: listFn('uniq', uniq, SLICE_IFACE, true),
  compact: listFn('compact', compact, SLICE_IFACE, false, (k) => `Cannot compact on type ${k}`),
  mustCompact: listFn('compact', compact, SLICE_IFACE, true, (k) => `Cannot compact on type ${k}`),
  without: withoutFn(false),
  mustWithout: withoutFn(true),
  has: hasFn(false),
  mustHas: hasFn(true),
  slice: sliceFn(false),
  mustSlice: sliceFn(true),
  concat: def([IFACE], IFACE, concat, { variadic: true }),
  chunk: chunkFn(false),
  mustChunk: chunkFn(true),

  dict: def([IFACE], MAP_STRING_IFACE, dict, { variadic: true }),
  get: def([MAP_STRING_IFACE, STRING], IFACE, (a) => {
    const m = dictArg(a[0] ?? null);
    const k = str(a[1] ?? null);
    if (m !== null && m.has(k)) {
      return m.get(k) ?? null;
    }
    return val(STRING, '');
  }),
  set: def([MAP_STRING_IFACE, STRING, IFACE], MAP_STRING_IFACE, (a) => {
    const m = dictArg(a[0] ?? null);
    if (m === null) {
      assignNilMap();
    }
    m.set(str(a[1] ?? null), a[2] ?? null);
    return a[0] ?? null;
  }),
  unset: def([MAP_STRING_IFACE, STRING], MAP_STRING_IFACE, (a) => {
    dictArg(a[0] ?? null)?.delete(str(a[1] ?? null));
    return a[0] ?? null;
  }),
  hasKey: def([MAP_STRING_IFACE, STRING], BOOL, (a) =>
    val(BOOL, dictArg(a[0] ?? null)?.has(str(a[1] ?? null)) ?? false),
  ),
  pluck: def(
    [STRING, MAP_STRING_IFACE],
    SLICE_IFACE,
    (a) => {
      const key = str(a[0] ?? null);
      const res: Val[] = [];
      for (const d of a.slice(1)) {
        const m = dictArg(d);
        if (m?.has(key)) {
          res.push(m.get(key) ?? null);
        }
      }
      return ifaces(res);
    },
    { variadic: true },
  ),
  keys: def(
    [MAP_STRING_IFACE],
    SLICE_STRING,
    (a) => {
      const k: string[] = [];
      for (const d of a) {
        for (const key of dictArg(d)?.keys() ?? []) {
          k.push(key);
        }
      }
      return val(SLICE_STRING, k);
    },
    { variadic: true },
  ),
  pick: def(
    [MAP_STRING_IFACE, STRING],
    MAP_STRING_IFACE,
    (a) => {
      const m = dictArg(a[0] ?? null);
      const res = new Map<string, Val>();
      for (const kv of a.slice(1)) {
        const k = str(kv);
        if (m?.has(k)) {
          res.set(k, m.get(k) ?? null);
        }
      }
      return val(MAP_STRING_IFACE, res);
    },
    { variadic: true },
  ),
  omit: def(
    [MAP_STRING_IFACE, STRING],
    MAP_STRING_IFACE,
    (a) => {
      const m = dictArg(a[0] ?? null);
      const omitSet = new Set(a.slice(1).map(str));
      const res = new Map<string, Val>();
      for (const [k, v] of m ?? []) {
        if (!omitSet.has(k)) {
          res.set(k, v);
        }
      }
      return val(MAP_STRING_IFACE, res);
    },
    { variadic: true },
  ),
  merge: mergeFn(false, false),
  mergeOverwrite: mergeFn(true, false),
  mustMerge: mergeFn(false, true),
  mustMergeOverwrite: mergeFn(true, true),
  values: def([MAP_STRING_IFACE], SLICE_IFACE, (a) =>
    ifaces([...(dictArg(a[0] ?? null)?.values() ?? [])]),
  ),
  dig: def(
    [IFACE],
    IFACE,
    (a) => {
      if (a.length < 3) {
        throw new GoPanic('dig needs at least three arguments');
      }
      const dictV = a[a.length - 1] ?? null;
      if (!isMapStringIface(dictV)) {
        throw new GoPanic(
          `interface conversion: interface {} is ${typeNameOf(dictV)}, not map[string]interface {}`,
        );
      }
      const d = a[a.length - 2] ?? null;
      const ks = a.slice(0, -2).map((k) => {
        if (k === null || k.t !== STRING) {
          throw new GoPanic(
            `interface conversion: interface {} is ${k === null ? 'nil' : k.t.name}, not string`,
          );
        }
        return k.v as string;
      });
      return digFromDict((dictV as GoValue).v as Map<string, Val> | null, d, ks);
    },
    { variadic: true, hasError: true },
  ),
};
