// sprig's numeric.go, the conversion functions and the shopspring/decimal arithmetic of addf & co.

import { checkRange } from '../budget.js';
import { def, type FuncDef, GoPanic } from '../funcs.js';
import { sprint } from '../go/fmt.js';
import { goPow } from '../go/math.js';
import { parseInt } from '../go/strconv.js';
import { FLOAT64, IFACE, INT, INT64, SLICE_INT, STRING, type Val, val } from '../go/types.js';
import { castToFloat64, castToInt64, num, str, wrapInt64 } from './util.js';

const i64 = (n: bigint): Val => val(INT64, wrapInt64(n));

function divide(a: bigint, b: bigint, op: 'div' | 'mod'): bigint {
  if (b === 0n) {
    throw new GoPanic('runtime error: integer divide by zero');
  }
  return op === 'div' ? a / b : a % b;
}

/** Lists longer than this are checked against the render budget while they grow. */
const LIST_CHECK_EVERY = 1024;

/** sprig's untilStep (within the render budget's list length). */
export function untilStep(start: number, stop: number, step: number): number[] {
  const v: number[] = [];
  if (stop < start) {
    if (step >= 0) {
      return v;
    }
    for (let i = start; i > stop; i += step) {
      v.push(i);
      if (v.length > LIST_CHECK_EVERY) {
        checkRange(v.length);
      }
    }
    checkRange(v.length);
    return v;
  }
  if (step <= 0) {
    return v;
  }
  for (let i = start; i < stop; i += step) {
    v.push(i);
    if (v.length > LIST_CHECK_EVERY) {
      checkRange(v.length);
    }
  }
  checkRange(v.length);
  return v;
}

function intsToString(xs: number[]): string {
  return xs.join(' ');
}

function seq(params: number[]): string {
  let increment = 1;
  switch (params.length) {
    case 0:
      return '';
    case 1: {
      const start = 1;
      const end = params[0] ?? 0;
      if (end < start) {
        increment = -1;
      }
      return intsToString(untilStep(start, end + increment, increment));
    }
    case 3: {
      const start = params[0] ?? 0;
      const end = params[2] ?? 0;
      const step = params[1] ?? 0;
      if (end < start) {
        increment = -1;
        if (step > 0) {
          return '';
        }
      }
      return intsToString(untilStep(start, end + increment, step));
    }
    case 2: {
      const start = params[0] ?? 0;
      const end = params[1] ?? 0;
      let step = 1;
      if (end < start) {
        step = -1;
      }
      return intsToString(untilStep(start, end + step, step));
    }
    default:
      return '';
  }
}

// ---- shopspring/decimal (value × 10^exp) ----

type Decimal = { v: bigint; e: number };

function fromFloat(f: number): Decimal {
  if (f === 0) {
    return { v: 0n, e: 0 };
  }
  if (!Number.isFinite(f)) {
    throw new GoPanic(`Cannot create a Decimal from ${sprint([val(FLOAT64, f)])}`);
  }
  const s = f.toExponential();
  const [mant = '0', expStr = '0'] = s.split('e');
  const digits = mant.replace('.', '').replace('-', '');
  const fracLen = (mant.split('.')[1] ?? '').length;
  const v = BigInt(digits) * (f < 0 ? -1n : 1n);
  return { v, e: Number(expStr) - fracLen };
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const e = Math.min(a.e, b.e);
  return [a.v * 10n ** BigInt(a.e - e), b.v * 10n ** BigInt(b.e - e), e];
}

const decAdd = (a: Decimal, b: Decimal): Decimal => {
  const [x, y, e] = align(a, b);
  return { v: x + y, e };
};
const decSub = (a: Decimal, b: Decimal): Decimal => {
  const [x, y, e] = align(a, b);
  return { v: x - y, e };
};
const decMul = (a: Decimal, b: Decimal): Decimal => ({ v: a.v * b.v, e: a.e + b.e });

/** decimal.Div: DivRound(d2, 16), rounding half away from zero. */
function decDiv(a: Decimal, b: Decimal): Decimal {
  if (b.v === 0n) {
    throw new GoPanic('decimal division by 0');
  }
  const precision = 16;
  // q = trunc(a / b) at scale 10^-precision; r = a - b*q.
  // a/b = (a.v/b.v) * 10^(a.e-b.e); want integer q with q*10^-p.
  const shift = a.e - b.e + precision;
  let num: bigint;
  let den: bigint;
  if (shift >= 0) {
    num = a.v * 10n ** BigInt(shift);
    den = b.v;
  } else {
    num = a.v;
    den = b.v * 10n ** BigInt(-shift);
  }
  const q = num / den;
  const r = num - q * den;
  const abs = (x: bigint): bigint => (x < 0n ? -x : x);
  if (abs(r) * 2n < abs(den)) {
    return { v: q, e: -precision };
  }
  const sign = a.v < 0n !== b.v < 0n ? -1n : 1n;
  return { v: q + sign, e: -precision };
}

function decFloat(d: Decimal): number {
  return Number(`${d.v}e${d.e}`);
}

function decimalOp(a: Val, rest: Val[], f: (x: Decimal, y: Decimal) => Decimal): number {
  let prt = fromFloat(castToFloat64(a));
  for (const x of rest) {
    prt = f(prt, fromFloat(castToFloat64(x)));
  }
  return decFloat(prt);
}

function round(a: Val, p: number, rOpt: Val[]): number {
  let roundOn = 0.5;
  if (rOpt.length > 0) {
    roundOn = (rOpt[0]?.v as number | undefined) ?? 0.5;
  }
  const v = castToFloat64(a);
  const pow = goPow(10, p);
  const digit = pow * v;
  const div = digit - Math.trunc(digit);
  const r = div >= roundOn ? Math.ceil(digit) : Math.floor(digit);
  return r / pow;
}

function toDecimal(v: Val): bigint {
  try {
    return parseInt(sprint([v]), 8, 64);
  } catch {
    return 0n;
  }
}

function atoi(s: string): bigint {
  try {
    return parseInt(s, 10, 64);
  } catch {
    return 0n;
  }
}

const maxMin = (isMax: boolean): FuncDef =>
  def(
    [IFACE, IFACE],
    INT64,
    (a) => {
      let aa = castToInt64(a[0] ?? null);
      for (const b of a.slice(1)) {
        const bb = castToInt64(b);
        if (isMax ? bb > aa : bb < aa) {
          aa = bb;
        }
      }
      return val(INT64, aa);
    },
    { variadic: true },
  );

const maxMinF = (isMax: boolean): FuncDef =>
  def(
    [IFACE, IFACE],
    FLOAT64,
    (a) => {
      let aa = castToFloat64(a[0] ?? null);
      for (const b of a.slice(1)) {
        const bb = castToFloat64(b);
        aa = isMax ? Math.max(aa, bb) : Math.min(aa, bb);
      }
      return val(FLOAT64, aa);
    },
    { variadic: true },
  );

const decFn = (f: (x: Decimal, y: Decimal) => Decimal): FuncDef =>
  def([IFACE, IFACE], FLOAT64, (a) => val(FLOAT64, decimalOp(a[0] ?? null, a.slice(1), f)), {
    variadic: true,
  });

/** The numeric functions of sprig's map. */
export const numericFuncs: Record<string, FuncDef> = {
  atoi: def([STRING], INT, (a) => val(INT, atoi(str(a[0] ?? null)))),
  int64: def([IFACE], INT64, (a) => val(INT64, castToInt64(a[0] ?? null))),
  int: def([IFACE], INT, (a) => val(INT, castToInt64(a[0] ?? null))),
  float64: def([IFACE], FLOAT64, (a) => val(FLOAT64, castToFloat64(a[0] ?? null))),
  seq: def([INT], STRING, (a) => val(STRING, seq(a.map(num))), { variadic: true }),
  toDecimal: def([IFACE], INT64, (a) => val(INT64, toDecimal(a[0] ?? null))),
  until: def([INT], SLICE_INT, (a) => {
    const count = num(a[0] ?? null);
    const step = count < 0 ? -1 : 1;
    return val(
      SLICE_INT,
      untilStep(0, count, step).map((x) => BigInt(x)),
    );
  }),
  untilStep: def([INT, INT, INT], SLICE_INT, (a) =>
    val(
      SLICE_INT,
      untilStep(num(a[0] ?? null), num(a[1] ?? null), num(a[2] ?? null)).map((x) => BigInt(x)),
    ),
  ),
  add1: def([IFACE], INT64, (a) => i64(castToInt64(a[0] ?? null) + 1n)),
  add: def(
    [IFACE],
    INT64,
    (a) => {
      let s = 0n;
      for (const b of a) {
        s = wrapInt64(s + castToInt64(b));
      }
      return i64(s);
    },
    { variadic: true },
  ),
  sub: def([IFACE, IFACE], INT64, (a) =>
    i64(castToInt64(a[0] ?? null) - castToInt64(a[1] ?? null)),
  ),
  div: def([IFACE, IFACE], INT64, (a) =>
    i64(divide(castToInt64(a[0] ?? null), castToInt64(a[1] ?? null), 'div')),
  ),
  mod: def([IFACE, IFACE], INT64, (a) =>
    i64(divide(castToInt64(a[0] ?? null), castToInt64(a[1] ?? null), 'mod')),
  ),
  mul: def(
    [IFACE, IFACE],
    INT64,
    (a) => {
      let v = castToInt64(a[0] ?? null);
      for (const b of a.slice(1)) {
        v = wrapInt64(v * castToInt64(b));
      }
      return i64(v);
    },
    { variadic: true },
  ),
  randInt: def([INT, INT], INT, (a) => {
    const min = num(a[0] ?? null);
    const max = num(a[1] ?? null);
    if (max - min <= 0) {
      throw new GoPanic('invalid argument to Intn');
    }
    return val(INT, BigInt(min + Math.floor(Math.random() * (max - min))));
  }),
  add1f: def([IFACE], FLOAT64, (a) =>
    val(FLOAT64, decimalOp(a[0] ?? null, [val(INT, 1n)], decAdd)),
  ),
  addf: def([IFACE], FLOAT64, (a) => val(FLOAT64, decimalOp(val(FLOAT64, 0), a, decAdd)), {
    variadic: true,
  }),
  subf: decFn(decSub),
  divf: decFn(decDiv),
  mulf: decFn(decMul),
  biggest: maxMin(true),
  max: maxMin(true),
  min: maxMin(false),
  maxf: maxMinF(true),
  minf: maxMinF(false),
  ceil: def([IFACE], FLOAT64, (a) => val(FLOAT64, Math.ceil(castToFloat64(a[0] ?? null)))),
  floor: def([IFACE], FLOAT64, (a) => val(FLOAT64, Math.floor(castToFloat64(a[0] ?? null)))),
  round: def(
    [IFACE, INT, FLOAT64],
    FLOAT64,
    (a) => val(FLOAT64, round(a[0] ?? null, num(a[1] ?? null), a.slice(2))),
    { variadic: true },
  ),
};
