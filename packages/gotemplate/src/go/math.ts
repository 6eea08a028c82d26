// Go's math.Pow (pure Go on amd64: repeated squaring on the mantissa), whose last bit differs from
// JavaScript's Math.pow for some arguments (Go: math.Pow(10, 97) * 1e3 / ... gives 1000 where
// Math.pow gives 999.9999999999999 in sprig's round).

const view = new DataView(new ArrayBuffer(8));
const SMALLEST_NORMAL = 2.2250738585072014e-308;

function bits(x: number): bigint {
  view.setFloat64(0, x);
  return view.getBigUint64(0);
}

function fromBits(b: bigint): number {
  view.setBigUint64(0, b);
  return view.getFloat64(0);
}

const MASK = 0x7ffn;
const SHIFT = 52n;
const BIAS = 1023;

/** math.Frexp: frac in [0.5, 1) and exp with x = frac × 2^exp. */
export function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) {
    return [x, 0];
  }
  let exp = 0;
  if (Math.abs(x) < SMALLEST_NORMAL) {
    x *= 2 ** 52;
    exp = -52;
  }
  const b = bits(x);
  exp += Number((b >> SHIFT) & MASK) - BIAS + 1;
  const frac = fromBits((b & ~(MASK << SHIFT)) | (BigInt(-1 + BIAS) << SHIFT));
  return [frac, exp];
}

/** math.Ldexp: frac × 2^exp, with Go's rounding of denormals. */
export function ldexp(frac: number, exp: number): number {
  if (frac === 0 || !Number.isFinite(frac)) {
    return frac;
  }
  if (Math.abs(frac) < SMALLEST_NORMAL) {
    frac *= 2 ** 52;
    exp -= 52;
  }
  let b = bits(frac);
  exp += Number((b >> SHIFT) & MASK) - BIAS;
  if (exp < -1075) {
    return frac < 0 ? -0 : 0;
  }
  if (exp > 1023) {
    return frac < 0 ? -Infinity : Infinity;
  }
  let m = 1;
  if (exp < -1022) {
    exp += 53;
    m = 2 ** -53;
  }
  b &= ~(MASK << SHIFT);
  b |= BigInt(exp + BIAS) << SHIFT;
  return m * fromBits(b);
}

/** math.Pow. */
export function goPow(x: number, y: number): number {
  if (y === 0 || x === 1) {
    return 1;
  }
  if (y === 1) {
    return x;
  }
  if (Number.isNaN(x) || Number.isNaN(y)) {
    return NaN;
  }
  if (!Number.isFinite(y) && x === -1) {
    return 1; // Go: Pow(-1, ±Inf) = 1 (JavaScript: NaN)
  }
  if (x === 0 || !Number.isFinite(x) || !Number.isFinite(y)) {
    // Go's other special cases agree with JavaScript's.
    return Math.pow(x, y);
  }
  if (y === 0.5) {
    return Math.sqrt(x);
  }
  if (y === -0.5) {
    return 1 / Math.sqrt(x);
  }
  const ay = Math.abs(y);
  let yi = Math.trunc(ay);
  let yf = ay - yi;
  if (yf !== 0 && x < 0) {
    return NaN;
  }
  if (yi >= 2 ** 63) {
    // Go: x^yi over/underflows (or is ±1): its result equals JavaScript's.
    return Math.pow(x, y);
  }
  let a1 = 1;
  let ae = 0;
  if (yf !== 0) {
    if (yf > 0.5) {
      yf--;
      yi++;
    }
    a1 = Math.exp(yf * Math.log(x));
  }
  let [x1, xe] = frexp(x);
  for (let i = yi; i !== 0; i = Math.floor(i / 2)) {
    if (xe < -(1 << 12) || 1 << 12 < xe) {
      ae += xe;
      break;
    }
    if (i % 2 === 1) {
      a1 *= x1;
      ae += xe;
    }
    x1 *= x1;
    xe <<= 1;
    if (x1 < 0.5) {
      x1 += x1;
      xe--;
    }
  }
  if (y < 0) {
    a1 = 1 / a1;
    ae = -ae;
  }
  return ldexp(a1, ae);
}
