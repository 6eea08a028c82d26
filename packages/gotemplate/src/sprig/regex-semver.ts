// sprig's regex.go (Go RE2 semantics via go/regexp) and semver.go (Masterminds/semver v3).

import { def, type FuncDef, GoError, GoPanic } from '../funcs.js';
import { encodeString } from '../go/json.js';
import {
  compile,
  type GoRegexp,
  mustCompileMessage,
  quoteMeta,
  RegexpSyntaxError,
} from '../go/regexp.js';
import {
  BOOL,
  type GoMethod,
  type GoType,
  type GoValue,
  INT,
  ptrTo,
  registerStructZero,
  SLICE_STRING,
  STRING,
  UINT64,
  type Val,
  val,
} from '../go/types.js';
import { num, str } from './util.js';

// ---- regex ----

function must(expr: string): GoRegexp {
  try {
    return compile(expr);
  } catch (e) {
    if (e instanceof RegexpSyntaxError) {
      throw new GoPanic(mustCompileMessage(expr, e));
    }
    throw e;
  }
}

function compileOrError(expr: string): GoRegexp {
  try {
    return compile(expr);
  } catch (e) {
    if (e instanceof RegexpSyntaxError) {
      throw new GoError(e.message);
    }
    throw e;
  }
}

const s3 = (f: (a: string, b: string, c: string) => string, hasError = false): FuncDef =>
  def(
    [STRING, STRING, STRING],
    STRING,
    (a) => val(STRING, f(str(a[0] ?? null), str(a[1] ?? null), str(a[2] ?? null))),
    {
      hasError,
    },
  );

/** sprig's regex functions. */
export const regexFuncs: Record<string, FuncDef> = {
  regexMatch: def([STRING, STRING], BOOL, (a) => {
    try {
      return val(BOOL, compile(str(a[0] ?? null)).matchString(str(a[1] ?? null)));
    } catch (e) {
      if (e instanceof RegexpSyntaxError) {
        return val(BOOL, false);
      }
      throw e;
    }
  }),
  mustRegexMatch: def(
    [STRING, STRING],
    BOOL,
    (a) => val(BOOL, compileOrError(str(a[0] ?? null)).matchString(str(a[1] ?? null))),
    { hasError: true },
  ),
  regexFindAll: def([STRING, STRING, INT], SLICE_STRING, (a) =>
    val(SLICE_STRING, must(str(a[0] ?? null)).findAllString(str(a[1] ?? null), num(a[2] ?? null))),
  ),
  mustRegexFindAll: def(
    [STRING, STRING, INT],
    SLICE_STRING,
    (a) =>
      val(
        SLICE_STRING,
        compileOrError(str(a[0] ?? null)).findAllString(str(a[1] ?? null), num(a[2] ?? null)),
      ),
    { hasError: true },
  ),
  regexFind: def([STRING, STRING], STRING, (a) =>
    val(STRING, must(str(a[0] ?? null)).findString(str(a[1] ?? null))),
  ),
  mustRegexFind: def(
    [STRING, STRING],
    STRING,
    (a) => val(STRING, compileOrError(str(a[0] ?? null)).findString(str(a[1] ?? null))),
    { hasError: true },
  ),
  regexReplaceAll: s3((re, s, repl) => must(re).replaceAllString(s, repl)),
  mustRegexReplaceAll: s3((re, s, repl) => compileOrError(re).replaceAllString(s, repl), true),
  regexReplaceAllLiteral: s3((re, s, repl) => must(re).replaceAllLiteralString(s, repl)),
  mustRegexReplaceAllLiteral: s3(
    (re, s, repl) => compileOrError(re).replaceAllLiteralString(s, repl),
    true,
  ),
  regexSplit: def([STRING, STRING, INT], SLICE_STRING, (a) =>
    val(SLICE_STRING, must(str(a[0] ?? null)).split(str(a[1] ?? null), num(a[2] ?? null))),
  ),
  mustRegexSplit: def(
    [STRING, STRING, INT],
    SLICE_STRING,
    (a) =>
      val(
        SLICE_STRING,
        compileOrError(str(a[0] ?? null)).split(str(a[1] ?? null), num(a[2] ?? null)),
      ),
    { hasError: true },
  ),
  regexQuoteMeta: def([STRING], STRING, (a) => val(STRING, quoteMeta(str(a[0] ?? null)))),
};

// ---- semver ----

/** A Masterminds/semver Version. */
export type Version = {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: string;
  metadata: string;
  original: string;
};

const semVerRegex =
  'v?([0-9]+)(\\.[0-9]+)?(\\.[0-9]+)?' +
  '(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?' +
  '(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?';
const versionRegex = compile('^' + semVerRegex + '$');

const NUM = '0123456789';
const ALLOWED = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-' + NUM;

function containsOnly(s: string, comp: string): boolean {
  for (const c of s) {
    if (!comp.includes(c)) {
      return false;
    }
  }
  return true;
}

function validatePrerelease(p: string): void {
  for (const part of p.split('.')) {
    if (containsOnly(part, NUM)) {
      if (part.length > 1 && part[0] === '0') {
        throw new GoError('Version segment starts with 0');
      }
    } else if (!containsOnly(part, ALLOWED)) {
      throw new GoError('Invalid Prerelease string');
    }
  }
}

function validateMetadata(m: string): void {
  for (const part of m.split('.')) {
    if (!containsOnly(part, ALLOWED)) {
      throw new GoError('Invalid Metadata string');
    }
  }
}

function parseSegment(s: string): bigint {
  const n = BigInt(s);
  if (n > (1n << 64n) - 1n) {
    throw new GoError(
      `Error parsing version segment: strconv.ParseUint: parsing "${s}": value out of range`,
    );
  }
  return n;
}

/** semver.NewVersion. Throws GoError with the library's messages. */
export function newVersion(v: string): Version {
  const m = versionRegex.exec(v, 0);
  if (m === null) {
    throw new GoError('Invalid Semantic Version');
  }
  const sv: Version = {
    major: parseSegment(m[1] ?? '0'),
    minor: m[2] ? parseSegment(m[2].slice(1)) : 0n,
    patch: m[3] ? parseSegment(m[3].slice(1)) : 0n,
    pre: m[5] ?? '',
    metadata: m[8] ?? '',
    original: v,
  };
  if (sv.pre !== '') {
    validatePrerelease(sv.pre);
  }
  if (sv.metadata !== '') {
    validateMetadata(sv.metadata);
  }
  return sv;
}

/** Version.String(). */
export function versionString(v: Version): string {
  let s = `${v.major}.${v.minor}.${v.patch}`;
  if (v.pre !== '') {
    s += '-' + v.pre;
  }
  if (v.metadata !== '') {
    s += '+' + v.metadata;
  }
  return s;
}

function comparePrePart(s: string, o: string): number {
  if (s === o) {
    return 0;
  }
  if (s === '') {
    return o !== '' ? -1 : 1;
  }
  if (o === '') {
    return s !== '' ? 1 : -1;
  }
  const isNum = (x: string): boolean => /^\d+$/.test(x) && BigInt(x) < 1n << 64n;
  const on = isNum(o);
  const sn = isNum(s);
  if (!on && !sn) {
    return s > o ? 1 : -1;
  }
  if (!on) {
    return -1;
  }
  if (!sn) {
    return 1;
  }
  return BigInt(s) > BigInt(o) ? 1 : -1;
}

function comparePrerelease(v: string, o: string): number {
  const sp = v.split('.');
  const op = o.split('.');
  const l = Math.max(sp.length, op.length);
  for (let i = 0; i < l; i++) {
    const d = comparePrePart(sp[i] ?? '', op[i] ?? '');
    if (d !== 0) {
      return d;
    }
  }
  return 0;
}

/** Version.Compare. */
export function compareVersions(v: Version, o: Version): number {
  for (const k of ['major', 'minor', 'patch'] as const) {
    if (v[k] !== o[k]) {
      return v[k] < o[k] ? -1 : 1;
    }
  }
  if (v.pre === '' && o.pre === '') {
    return 0;
  }
  if (v.pre === '') {
    return 1;
  }
  if (o.pre === '') {
    return -1;
  }
  return comparePrerelease(v.pre, o.pre);
}

/** semver.Version (the struct). */
export const VERSION: GoType = {
  kind: 'struct',
  name: 'semver.Version',
  stringer: (v) => versionString(v.v as Version),
  marshalJSON: (v) => encodeString(versionString(v.v as Version), true),
};
registerStructZero(VERSION, () => ({
  major: 0n,
  minor: 0n,
  patch: 0n,
  pre: '',
  metadata: '',
  original: '',
}));

/** *semver.Version. */
export const PTR_VERSION: GoType = ptrTo(VERSION);
PTR_VERSION.stringer = (v) => versionString(v.v as Version);
PTR_VERSION.marshalJSON = (v) => encodeString(versionString(v.v as Version), true);

function vprefix(v: Version): string {
  return v.original !== '' && v.original[0] === 'v' ? 'v' : '';
}

const ver = (r: GoValue): Version => r.v as Version;
const withOriginal = (base: Version, next: Version): GoValue => {
  next.original = vprefix(base) + versionString(next);
  return val(VERSION, next);
};

const valueMethods: [string, GoMethod][] = [
  ['String', { params: [], result: STRING, call: (r) => val(STRING, versionString(ver(r))) }],
  ['Major', { params: [], result: UINT64, call: (r) => val(UINT64, ver(r).major) }],
  ['Minor', { params: [], result: UINT64, call: (r) => val(UINT64, ver(r).minor) }],
  ['Patch', { params: [], result: UINT64, call: (r) => val(UINT64, ver(r).patch) }],
  ['Prerelease', { params: [], result: STRING, call: (r) => val(STRING, ver(r).pre) }],
  ['Metadata', { params: [], result: STRING, call: (r) => val(STRING, ver(r).metadata) }],
  [
    'IncPatch',
    {
      params: [],
      result: VERSION,
      call: (r) => {
        const v = ver(r);
        const next = { ...v, metadata: '', pre: '', patch: v.pre !== '' ? v.patch : v.patch + 1n };
        return withOriginal(v, next);
      },
    },
  ],
  [
    'IncMinor',
    {
      params: [],
      result: VERSION,
      call: (r) =>
        withOriginal(ver(r), {
          ...ver(r),
          metadata: '',
          pre: '',
          patch: 0n,
          minor: ver(r).minor + 1n,
        }),
    },
  ],
  [
    'IncMajor',
    {
      params: [],
      result: VERSION,
      call: (r) =>
        withOriginal(ver(r), {
          ...ver(r),
          metadata: '',
          pre: '',
          patch: 0n,
          minor: 0n,
          major: ver(r).major + 1n,
        }),
    },
  ],
  [
    'SetPrerelease',
    {
      params: [STRING],
      result: VERSION,
      hasError: true,
      call: (r, a) => {
        const p = str(a[0] ?? null);
        if (p.length > 0) {
          validatePrerelease(p);
        }
        return withOriginal(ver(r), { ...ver(r), pre: p });
      },
    },
  ],
  [
    'SetMetadata',
    {
      params: [STRING],
      result: VERSION,
      hasError: true,
      call: (r, a) => {
        const m = str(a[0] ?? null);
        if (m.length > 0) {
          validateMetadata(m);
        }
        return withOriginal(ver(r), { ...ver(r), metadata: m });
      },
    },
  ],
];

const otherVersion = (a: Val[]): Version => {
  const o = a[0] ?? null;
  if (o === null || o.v === null) {
    throw new GoPanic('runtime error: invalid memory address or nil pointer dereference');
  }
  return o.v as Version;
};

const ptrMethods: [string, GoMethod][] = [
  ['Original', { params: [], result: STRING, call: (r) => val(STRING, ver(r).original) }],
  [
    'LessThan',
    {
      params: [PTR_VERSION],
      result: BOOL,
      call: (r, a) => val(BOOL, compareVersions(ver(r), otherVersion(a)) < 0),
    },
  ],
  [
    'GreaterThan',
    {
      params: [PTR_VERSION],
      result: BOOL,
      call: (r, a) => val(BOOL, compareVersions(ver(r), otherVersion(a)) > 0),
    },
  ],
  [
    'Equal',
    {
      params: [PTR_VERSION],
      result: BOOL,
      call: (r, a) => val(BOOL, compareVersions(ver(r), otherVersion(a)) === 0),
    },
  ],
  [
    'Compare',
    {
      params: [PTR_VERSION],
      result: INT,
      call: (r, a) => val(INT, BigInt(compareVersions(ver(r), otherVersion(a)))),
    },
  ],
];

VERSION.methods = new Map(valueMethods);
PTR_VERSION.methods = new Map([...valueMethods, ...ptrMethods]);

// ---- constraints ----

const cvRegex =
  'v?([0-9|x|X|\\*]+)(\\.[0-9|x|X|\\*]+)?(\\.[0-9|x|X|\\*]+)?' +
  '(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?' +
  '(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?';
const ops = '=||!=|>|<|>=|=>|<=|=<|~|~>|\\^';
const constraintRegex = compile(`^\\s*(${ops})\\s*(${cvRegex})\\s*$`);
const constraintRangeRegex = compile(`\\s*(${cvRegex})\\s+-\\s+(${cvRegex})\\s*`);
const findConstraintRegex = compile(`(${ops})\\s*(${cvRegex})`);
const validConstraintRegex = compile(
  `^(\\s*(${ops})\\s*(${cvRegex})\\s*)((?:\\s+|,\\s*)(${ops})\\s*(${cvRegex})\\s*)*$`,
);

type Constraint = {
  con: Version;
  orig: string;
  origfunc: string;
  minorDirty: boolean;
  dirty: boolean;
  patchDirty: boolean;
};

const isX = (x: string): boolean => x === 'x' || x === '*' || x === 'X';

function parseConstraint(c: string): Constraint {
  if (c.length > 0) {
    const m = constraintRegex.exec(c, 0);
    if (m === null) {
      throw new GoError(`improper constraint: ${c}`);
    }
    const m3 = m[3] ?? '';
    const m4 = m[4] ?? '';
    const m5 = m[5] ?? '';
    const m6 = m[6] ?? '';
    let verStr = m[2] ?? '';
    let minorDirty = false;
    let patchDirty = false;
    let dirty = false;
    if (isX(m3) || m3 === '') {
      verStr = `0.0.0${m6}`;
      dirty = true;
    } else if (isX(m4.replace(/^\./, '')) || m4 === '') {
      minorDirty = true;
      dirty = true;
      verStr = `${m3}.0.0${m6}`;
    } else if (isX(m5.replace(/^\./, '')) || m5 === '') {
      dirty = true;
      patchDirty = true;
      verStr = `${m3}${m4}.0${m6}`;
    }
    let con: Version;
    try {
      con = newVersion(verStr);
    } catch {
      throw new GoError('constraint Parser Error');
    }
    return { con, orig: m[2] ?? '', origfunc: m[1] ?? '', minorDirty, dirty, patchDirty };
  }
  return {
    con: { major: 0n, minor: 0n, patch: 0n, pre: '', metadata: '', original: '0.0.0' },
    orig: c,
    origfunc: '',
    minorDirty: false,
    dirty: true,
    patchDirty: false,
  };
}

function rewriteRange(i: string): string {
  const ms = constraintRangeRegex.allMatches(i, -1);
  if (ms.length === 0) {
    return i;
  }
  let o = i;
  for (const m of ms) {
    const t = `>= ${m[1] ?? ''}, <= ${m[11] ?? ''}`;
    const idx = o.indexOf(m[0] ?? '');
    if (idx >= 0) {
      o = o.slice(0, idx) + t + o.slice(idx + (m[0]?.length ?? 0));
    }
  }
  return o;
}

/** semver.NewConstraint. */
export function newConstraint(c0: string): Constraint[][] {
  const c = rewriteRange(c0);
  return c.split('||').map((v) => {
    if (!validConstraintRegex.matchString(v)) {
      throw new GoError(`improper constraint: ${v}`);
    }
    let cs = findConstraintRegex.findAllString(v, -1);
    if (cs === null) {
      cs = [v];
    }
    return cs.map(parseConstraint);
  });
}

function tilde(v: Version, c: Constraint): boolean {
  if (v.pre !== '' && c.con.pre === '') {
    return false;
  }
  if (compareVersions(v, c.con) < 0) {
    return false;
  }
  if (
    c.con.major === 0n &&
    c.con.minor === 0n &&
    c.con.patch === 0n &&
    !c.minorDirty &&
    !c.patchDirty
  ) {
    return true;
  }
  if (v.major !== c.con.major) {
    return false;
  }
  if (v.minor !== c.con.minor && !c.minorDirty) {
    return false;
  }
  return true;
}

function check(v: Version, c: Constraint): boolean {
  const preBlocked = v.pre !== '' && c.con.pre === '';
  switch (c.origfunc) {
    case '':
    case '=':
      if (preBlocked) {
        return false;
      }
      if (c.dirty) {
        return tilde(v, c);
      }
      return compareVersions(v, c.con) === 0;
    case '!=':
      if (c.dirty) {
        if (preBlocked) {
          return false;
        }
        if (c.con.major !== v.major) {
          return true;
        }
        if (c.con.minor !== v.minor && !c.minorDirty) {
          return true;
        } else if (c.minorDirty) {
          return false;
        } else if (c.con.patch !== v.patch && !c.patchDirty) {
          return true;
        } else if (c.patchDirty) {
          if (v.pre !== '' || c.con.pre !== '') {
            return comparePrerelease(v.pre, c.con.pre) !== 0;
          }
          return false;
        }
      }
      return compareVersions(v, c.con) !== 0;
    case '>':
      if (preBlocked) {
        return false;
      }
      if (!c.dirty) {
        return compareVersions(v, c.con) === 1;
      }
      if (v.major > c.con.major) {
        return true;
      } else if (v.major < c.con.major) {
        return false;
      } else if (c.minorDirty) {
        return false;
      } else if (c.patchDirty) {
        return v.minor > c.con.minor;
      }
      return compareVersions(v, c.con) === 1;
    case '<':
      if (preBlocked) {
        return false;
      }
      return compareVersions(v, c.con) < 0;
    case '>=':
    case '=>':
      if (preBlocked) {
        return false;
      }
      return compareVersions(v, c.con) >= 0;
    case '<=':
    case '=<':
      if (preBlocked) {
        return false;
      }
      if (!c.dirty) {
        return compareVersions(v, c.con) <= 0;
      }
      if (v.major > c.con.major) {
        return false;
      } else if (v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty) {
        return false;
      }
      return true;
    case '~':
    case '~>':
      return tilde(v, c);
    case '^':
      if (preBlocked) {
        return false;
      }
      if (compareVersions(v, c.con) < 0) {
        return false;
      }
      if (c.con.major > 0n || c.minorDirty) {
        return v.major === c.con.major;
      }
      if (c.con.major === 0n && v.major > 0n) {
        return false;
      }
      if (c.con.minor > 0n || c.patchDirty) {
        return v.minor === c.con.minor;
      }
      if (c.con.minor === 0n && v.minor > 0n) {
        return false;
      }
      return c.con.patch === v.patch;
  }
  return false;
}

/** Constraints.Check. */
export function checkConstraints(cs: Constraint[][], v: Version): boolean {
  return cs.some((and) => and.every((c) => check(v, c)));
}

/** sprig's semver functions. */
export const semverFuncs: Record<string, FuncDef> = {
  semver: def([STRING], PTR_VERSION, (a) => val(PTR_VERSION, newVersion(str(a[0] ?? null))), {
    hasError: true,
  }),
  semverCompare: def(
    [STRING, STRING],
    BOOL,
    (a) => {
      const c = newConstraint(str(a[0] ?? null));
      const v = newVersion(str(a[1] ?? null));
      return val(BOOL, checkConstraints(c, v));
    },
    { hasError: true },
  ),
};
