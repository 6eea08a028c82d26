// Go's strconv.FormatFloat for float64: shortest ('-1' precision) and fixed precision with
// exact round-half-even decimal rounding, in the e, E, f, g, G, b, x and X formats.

/** Decimal digits of a non-negative float: value = 0.d1d2d3… × 10^dp. `nd` = digits.length. */
type Digits = { d: string; dp: number };

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

function decompose(v: number): { neg: boolean; mant: bigint; exp: number } {
  f64[0] = v;
  const bits = u64[0] ?? 0n;
  const neg = bits >> 63n !== 0n;
  let exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (exp === 0) {
    exp++;
  } else {
    mant |= 1n << 52n;
  }
  exp += -1023;
  return { neg, mant, exp };
}

/** Shortest digits that round-trip (JavaScript's Number→string algorithm picks the same). */
function shortestDigits(abs: number): Digits {
  if (abs === 0) {
    return { d: '', dp: 0 };
  }
  const s = abs.toExponential();
  const e = s.indexOf('e');
  const mantissa = s.slice(0, e).replace('.', '');
  const exp = Number(s.slice(e + 1));
  return { d: mantissa.replace(/0+$/, ''), dp: exp + 1 };
}

/** The exact decimal expansion of |v|. */
function exactDigits(abs: number): Digits {
  if (abs === 0) {
    return { d: '', dp: 0 };
  }
  const { mant, exp } = decompose(abs);
  const e2 = exp - 52;
  let digits: string;
  let dp: number;
  if (e2 >= 0) {
    digits = (mant << BigInt(e2)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-e2)).toString();
    dp = digits.length + e2;
  }
  const trimmed = digits.replace(/0+$/, '');
  return { d: trimmed, dp };
}

/** Go's decimal.Round(nd) with round-half-even on the exact value. */
function roundDigits(x: Digits, nd: number): Digits {
  if (nd < 0 || nd >= x.d.length) {
    return x;
  }
  const next = x.d.charCodeAt(nd) - 48;
  let up: boolean;
  if (next === 5 && nd + 1 === x.d.length) {
    up = nd > 0 && (x.d.charCodeAt(nd - 1) - 48) % 2 !== 0;
  } else {
    up = next >= 5;
  }
  if (!up) {
    const d = x.d.slice(0, nd).replace(/0+$/, '');
    return { d, dp: d.length === 0 ? 0 : x.dp };
  }
  for (let i = nd - 1; i >= 0; i--) {
    const c = x.d.charCodeAt(i);
    if (c < 57) {
      return { d: x.d.slice(0, i) + String.fromCharCode(c + 1), dp: x.dp };
    }
  }
  return { d: '1', dp: x.dp + 1 };
}

function fmtE(neg: boolean, x: Digits, prec: number, fmt: string): string {
  let out = neg ? '-' : '';
  out += x.d.length > 0 ? x.d[0] : '0';
  if (prec > 0) {
    out += '.';
    const m = Math.min(x.d.length, prec + 1);
    out += x.d.slice(1, m);
    for (let i = Math.max(m, 1); i <= prec; i++) {
      out += '0';
    }
  }
  out += fmt;
  let exp = x.d.length === 0 ? 0 : x.dp - 1;
  if (exp < 0) {
    out += '-';
    exp = -exp;
  } else {
    out += '+';
  }
  out += exp < 10 ? '0' + String(exp) : String(exp);
  return out;
}

function fmtF(neg: boolean, x: Digits, prec: number): string {
  let out = neg ? '-' : '';
  if (x.dp > 0) {
    const m = Math.min(x.d.length, x.dp);
    out += x.d.slice(0, m);
    for (let i = m; i < x.dp; i++) {
      out += '0';
    }
  } else {
    out += '0';
  }
  if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) {
      const j = x.dp + i;
      out += j >= 0 && j < x.d.length ? x.d[j] : '0';
    }
  }
  return out;
}

function fmtB(neg: boolean, mant: bigint, exp: number): string {
  const e = exp - 52;
  return (neg ? '-' : '') + mant.toString() + 'p' + (e >= 0 ? '+' : '') + String(e);
}

function fmtX(neg: boolean, mant0: bigint, exp0: number, prec: number, fmt: string): string {
  let mant = mant0;
  let exp = exp0;
  if (mant === 0n) {
    exp = 0;
  }
  const one60 = 1n << 60n;
  const mask64 = (1n << 64n) - 1n;
  mant = (mant << 8n) & mask64; // 60 - 52 mantissa bits
  while (mant !== 0n && (mant & one60) === 0n) {
    mant = (mant << 1n) & mask64;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & (one60 - 1n);
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) {
      mant++;
    }
    mant = (mant << (60n - shift)) & mask64;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const hexd = fmt === 'X' ? '0123456789ABCDEF' : '0123456789abcdef';
  let out = neg ? '-' : '';
  out += '0' + fmt + String(Number((mant >> 60n) & 1n));
  mant = (mant << 4n) & mask64;
  if (prec < 0 && mant !== 0n) {
    out += '.';
    while (mant !== 0n) {
      out += hexd[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & mask64;
    }
  } else if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) {
      out += hexd[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & mask64;
    }
  }
  out += fmt === 'X' ? 'P' : 'p';
  if (exp < 0) {
    out += '-';
    exp = -exp;
  } else {
    out += '+';
  }
  out += exp < 10 ? '0' + String(exp) : String(exp);
  return out;
}

/** strconv.FormatFloat(v, fmt, prec, 64). */
export function formatFloat(v: number, fmt: string, prec: number): string {
  if (Number.isNaN(v)) {
    return 'NaN';
  }
  if (v === Infinity) {
    return '+Inf';
  }
  if (v === -Infinity) {
    return '-Inf';
  }
  const neg = v < 0 || Object.is(v, -0);
  const abs = Math.abs(v);
  if (fmt === 'b') {
    const { mant, exp } = decompose(abs);
    return fmtB(neg, mant, exp);
  }
  if (fmt === 'x' || fmt === 'X') {
    const { mant, exp } = decompose(abs);
    return fmtX(neg, mant, exp, prec, fmt);
  }
  const shortest = prec < 0;
  let digs: Digits;
  if (shortest) {
    digs = shortestDigits(abs);
    switch (fmt) {
      case 'e':
      case 'E':
        prec = Math.max(digs.d.length - 1, 0);
        break;
      case 'f':
        prec = Math.max(digs.d.length - digs.dp, 0);
        break;
      case 'g':
      case 'G':
        prec = digs.d.length;
        break;
    }
  } else {
    const exact = exactDigits(abs);
    switch (fmt) {
      case 'e':
      case 'E':
        digs = roundDigits(exact, prec + 1);
        break;
      case 'f':
        digs = roundDigits(exact, exact.dp + prec);
        break;
      case 'g':
      case 'G':
        if (prec === 0) {
          prec = 1;
        }
        digs = roundDigits(exact, prec);
        break;
      default:
        digs = roundDigits(exact, 1);
    }
  }
  switch (fmt) {
    case 'e':
    case 'E':
      return fmtE(neg, digs, prec, fmt);
    case 'f':
      return fmtF(neg, digs, prec);
    case 'g':
    case 'G': {
      let eprec = prec;
      const nd = digs.d.length;
      if (eprec > nd && nd >= digs.dp) {
        eprec = nd;
      }
      if (shortest) {
        eprec = 6;
      }
      const exp = digs.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (prec > nd) {
          prec = nd;
        }
        return fmtE(neg, digs, prec - 1, fmt === 'g' ? 'e' : 'E');
      }
      if (prec > digs.dp) {
        prec = nd;
      }
      return fmtF(neg, digs, Math.max(prec - digs.dp, 0));
    }
  }
  return '%' + fmt;
}
