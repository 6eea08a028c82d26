// sprig's crypto.go, url.go, paths, OS and network functions. Functions that need keys,
// certificates or the host environment are defined (so templates parse as in Go) but report
// that this engine does not support them.

import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { scrypt } from '@noble/hashes/scrypt.js';
import { sha256 } from '@noble/hashes/sha2.js';

import { checkRange } from '../budget.js';
import { def, type FuncDef, GoError, GoPanic } from '../funcs.js';
import { base64Encode } from '../go/encoding.js';
import { quote } from '../go/strconv.js';
import {
  BOOL,
  type GoType,
  INT,
  MAP_STRING_IFACE,
  SLICE_IFACE,
  STRING,
  UINT32,
  type Val,
  val,
} from '../go/types.js';
import { utf8Decode, utf8Encode } from '../go/utf8.js';
import { num, str } from './util.js';

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) {
    s += b.toString(16).padStart(2, '0');
  }
  return s;
}

function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const x of data) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

const masterPasswordSeed = 'com.lyndir.masterpassword';
const passwordTypeTemplates: Record<string, string[]> = {
  maximum: ['anoxxxxxxxxxxxxxxxxx', 'axxxxxxxxxxxxxxxxxno'],
  long: [
    'CvcvnoCvcvCvcv',
    'CvcvCvcvnoCvcv',
    'CvcvCvcvCvcvno',
    'CvccnoCvcvCvcv',
    'CvccCvcvnoCvcv',
    'CvccCvcvCvcvno',
    'CvcvnoCvccCvcv',
    'CvcvCvccnoCvcv',
    'CvcvCvccCvcvno',
    'CvcvnoCvcvCvcc',
    'CvcvCvcvnoCvcc',
    'CvcvCvcvCvccno',
    'CvccnoCvccCvcv',
    'CvccCvccnoCvcv',
    'CvccCvccCvcvno',
    'CvcvnoCvccCvcc',
    'CvcvCvccnoCvcc',
    'CvcvCvccCvccno',
    'CvccnoCvcvCvcc',
    'CvccCvcvnoCvcc',
    'CvccCvcvCvccno',
  ],
  medium: ['CvcnoCvc', 'CvcCvcno'],
  short: ['Cvcn'],
  basic: ['aaanaaan', 'aannaaan', 'aaannaaa'],
  pin: ['nnnn'],
};
const templateCharacters: Record<string, string> = {
  V: 'AEIOU',
  C: 'BCDFGHJKLMNPQRSTVWXYZ',
  v: 'aeiou',
  c: 'bcdfghjklmnpqrstvwxyz',
  A: 'AEIOUBCDFGHJKLMNPQRSTVWXYZ',
  a: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz',
  n: '0123456789',
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()',
};

function u32be(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

function derivePassword(
  counter: number,
  passwordType: string,
  password: string,
  user: string,
  site: string,
): string {
  const templates = passwordTypeTemplates[passwordType];
  if (!templates) {
    return `cannot find password template ${passwordType}`;
  }
  const seed = utf8Encode(masterPasswordSeed);
  const userB = utf8Encode(user);
  const salt = Uint8Array.from([...seed, ...u32be(userB.length), ...userB]);
  const key = scrypt(utf8Encode(password), salt, {
    N: 32768,
    r: 8,
    p: 2,
    dkLen: 64,
    maxmem: 2 ** 26,
  });
  const siteB = utf8Encode(site);
  const msg = Uint8Array.from([...seed, ...u32be(siteB.length), ...siteB, ...u32be(counter)]);
  const mac = hmac(sha256, key, msg);
  const temp = templates[(mac[0] ?? 0) % templates.length] ?? '';
  let out = '';
  for (let i = 0; i < temp.length; i++) {
    const chars = templateCharacters[temp[i] ?? ''] ?? '';
    out += chars[(mac[i + 1] ?? 0) % chars.length];
  }
  return out;
}

function uuidv4(): string {
  if (typeof globalThis.crypto.randomUUID === 'function') {
    return globalThis.crypto.randomUUID();
  }
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = hex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function unsupported(name: string): () => Val {
  return () => {
    throw new GoError(`${name} is not supported by this template engine`);
  };
}

/** The certificate struct type returned by genCA & co. */
const CERTIFICATE: GoType = { kind: 'struct', name: 'sprig.certificate' };

// ---- paths (Go's path package) ----

/** path.Clean. */
export function cleanPath(p: string): string {
  if (p === '') {
    return '.';
  }
  const rooted = p[0] === '/';
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') {
      continue;
    }
    if (seg === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') {
        parts.pop();
      } else if (!rooted) {
        parts.push('..');
      }
      continue;
    }
    parts.push(seg);
  }
  const out = (rooted ? '/' : '') + parts.join('/');
  return out === '' ? '.' : out;
}

function basePath(p: string): string {
  if (p === '') {
    return '.';
  }
  while (p.length > 0 && p[p.length - 1] === '/') {
    p = p.slice(0, -1);
  }
  const i = p.lastIndexOf('/');
  if (i >= 0) {
    p = p.slice(i + 1);
  }
  return p === '' ? '/' : p;
}

function dirPath(p: string): string {
  const i = p.lastIndexOf('/');
  return cleanPath(p.slice(0, i + 1));
}

function extPath(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) {
    if (p[i] === '.') {
      return p.slice(i);
    }
  }
  return '';
}

// ---- URLs ----

function shouldEscape(
  c: number,
  mode: 'path' | 'userinfo' | 'query' | 'fragment' | 'host',
): boolean {
  if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) {
    return false;
  }
  const ch = String.fromCharCode(c);
  if (mode === 'host') {
    return !'!$&\'()*+,;=:[]<>"-._~'.includes(ch);
  }
  if ('-_.~'.includes(ch)) {
    return false;
  }
  if ('$&+,/:;=?@'.includes(ch)) {
    switch (mode) {
      case 'path':
        return ch === '?';
      case 'userinfo':
        return ch === '@' || ch === '/' || ch === '?' || ch === ':';
      case 'query':
        return true;
      case 'fragment':
        return false;
    }
  }
  if (mode === 'fragment' && '!()*'.includes(ch)) {
    return false;
  }
  return true;
}

function escape(s: string, mode: 'path' | 'userinfo' | 'query' | 'fragment' | 'host'): string {
  let out = '';
  for (const b of utf8Encode(s)) {
    if (shouldEscape(b, mode)) {
      out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
    } else {
      out += String.fromCharCode(b);
    }
  }
  return out;
}

function unescape(s: string, orig: string): string {
  if (!s.includes('%')) {
    return s;
  }
  const bytes: number[] = [];
  const raw = utf8Encode(s);
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i] ?? 0;
    if (b === 0x25) {
      const h = i + 2 < raw.length ? String.fromCharCode(raw[i + 1] ?? 0, raw[i + 2] ?? 0) : '';
      if (/^[0-9a-fA-F]{2}$/.test(h)) {
        bytes.push(parseInt(h, 16));
        i += 2;
        continue;
      }
      // Go: EscapeError(s[i:i+3]), also for a % too close to the end.
      urlError(orig, `invalid URL escape ${quote(utf8Decode(raw.subarray(i, i + 3)))}`);
    }
    bytes.push(b);
  }
  return utf8Decode(Uint8Array.from(bytes));
}

type ParsedURL = {
  scheme: string;
  opaque: string;
  userinfo: string;
  host: string;
  path: string;
  rawQuery: string;
  fragment: string;
};

function urlError(raw: string, msg: string): never {
  throw new GoPanic(`unable to parse url: parse ${quote(raw)}: ${msg}`);
}

/** net/url's getScheme. */
function getScheme(raw: string, orig: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? '';
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      continue;
    }
    if ((c >= '0' && c <= '9') || c === '+' || c === '-' || c === '.') {
      if (i === 0) {
        return ['', raw];
      }
      continue;
    }
    if (c === ':') {
      if (i === 0) {
        urlError(orig, 'missing protocol scheme');
      }
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ['', raw];
  }
  return ['', raw];
}

/** url.Parse, reduced to the fields sprig's urlParse exposes. */
function parseURL(raw: string): ParsedURL {
  const hashAt = raw.indexOf('#');
  const u0 = hashAt >= 0 ? raw.slice(0, hashAt) : raw;
  const frag = hashAt >= 0 ? raw.slice(hashAt + 1) : '';
  for (const b of utf8Encode(u0)) {
    if (b < 0x20 || b === 0x7f) {
      urlError(u0, 'net/url: invalid control character in URL');
    }
  }
  const u: ParsedURL = {
    scheme: '',
    opaque: '',
    userinfo: '',
    host: '',
    path: '',
    rawQuery: '',
    fragment: '',
  };
  if (u0 === '*') {
    u.path = '*';
  } else {
    const [scheme, rest0] = getScheme(u0, u0);
    let rest = rest0;
    u.scheme = scheme.toLowerCase();
    if (rest.endsWith('?') && rest.split('?').length === 2) {
      rest = rest.slice(0, -1);
    } else {
      const q = rest.indexOf('?');
      if (q >= 0) {
        u.rawQuery = rest.slice(q + 1);
        rest = rest.slice(0, q);
      }
    }
    if (!rest.startsWith('/')) {
      if (u.scheme !== '') {
        u.opaque = rest;
        rest = '';
      } else {
        const segment = rest.split('/')[0] ?? '';
        if (segment.includes(':')) {
          urlError(u0, 'first path segment in URL cannot contain colon');
        }
      }
    }
    if (u.opaque === '') {
      if ((u.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
        let authority = rest.slice(2);
        rest = '';
        const slash = authority.indexOf('/');
        if (slash >= 0) {
          rest = authority.slice(slash);
          authority = authority.slice(0, slash);
        }
        const at = authority.lastIndexOf('@');
        if (at >= 0) {
          const ui = authority.slice(0, at);
          const colon = ui.indexOf(':');
          u.userinfo =
            colon >= 0
              ? `${escape(unescape(ui.slice(0, colon), u0), 'userinfo')}:${escape(unescape(ui.slice(colon + 1), u0), 'userinfo')}`
              : escape(unescape(ui, u0), 'userinfo');
          authority = authority.slice(at + 1);
        }
        const portAt = authority.lastIndexOf(':');
        if (portAt >= 0 && !authority.startsWith('[')) {
          const port = authority.slice(portAt);
          if (!/^:\d*$/.test(port)) {
            urlError(u0, `invalid port ${quote(port)} after host`);
          }
        }
        u.host = unescape(authority, u0);
      }
      u.path = unescape(rest, u0);
    }
  }
  if (frag !== '') {
    u.fragment = unescape(frag, raw);
  }
  return u;
}

function hostname(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end >= 0 ? host.slice(1, end) : host.slice(1);
  }
  const colon = host.lastIndexOf(':');
  return colon >= 0 ? host.slice(0, colon) : host;
}

function dictGetOrEmpty(d: Map<string, Val> | null, key: string): string {
  const v = d?.get(key);
  if (v === undefined || d === null || !d.has(key)) {
    return '';
  }
  if (v === null) {
    throw new GoPanic('runtime error: invalid memory address or nil pointer dereference');
  }
  if (v.t.kind !== 'string') {
    throw new GoPanic(`unable to parse ${key} key, must be of type string, but ${v.t.kind} found`);
  }
  return v.v as string;
}

function urlJoin(d: Map<string, Val> | null): string {
  const scheme = dictGetOrEmpty(d, 'scheme');
  const host = dictGetOrEmpty(d, 'host');
  const path = dictGetOrEmpty(d, 'path');
  const query = dictGetOrEmpty(d, 'query');
  const opaque = dictGetOrEmpty(d, 'opaque');
  const fragment = dictGetOrEmpty(d, 'fragment');
  const userinfo = dictGetOrEmpty(d, 'userinfo');
  let out = '';
  if (scheme !== '') {
    out += scheme + ':';
  }
  if (opaque !== '') {
    out += opaque;
  } else {
    if (scheme !== '' || host !== '' || userinfo !== '') {
      if (host !== '' || path !== '' || userinfo !== '') {
        out += '//';
      }
      if (userinfo !== '') {
        const u = parseURL(`proto://${userinfo}@host`).userinfo;
        out += u + '@';
      }
      if (host !== '') {
        out += escape(host, 'host');
      }
    }
    let p = escape(path, 'path');
    if (p !== '' && p[0] !== '/' && host !== '') {
      p = '/' + p;
    }
    if (out === '') {
      const colon = p.indexOf(':');
      if (colon > -1 && !p.slice(0, colon).includes('/')) {
        p = './' + p;
      }
    }
    out += p;
  }
  if (query !== '') {
    out += '?' + query;
  }
  if (fragment !== '') {
    out += '#' + escape(fragment, 'fragment');
  }
  return out;
}

function expandEnv(s: string): string {
  // No environment is visible to templates here: every variable expands to "".
  return s.replace(/\$(\{[^}]*\}|[A-Za-z0-9_]+|[*#$@!?-]|[0-9])/g, '').replace(/\$\{[^}]*$/, '');
}

/** sprig's crypto, URL, path, OS and network functions. */
export const miscFuncs: Record<string, FuncDef> = {
  sha1sum: def([STRING], STRING, (a) => val(STRING, hex(sha1(utf8Encode(str(a[0] ?? null)))))),
  sha256sum: def([STRING], STRING, (a) => val(STRING, hex(sha256(utf8Encode(str(a[0] ?? null)))))),
  adler32sum: def([STRING], STRING, (a) =>
    val(STRING, String(adler32(utf8Encode(str(a[0] ?? null))))),
  ),
  bcrypt: def([STRING], STRING, unsupported('bcrypt')),
  htpasswd: def([STRING, STRING], STRING, (a) => {
    const user = str(a[0] ?? null);
    if (user.includes(':')) {
      return val(STRING, `invalid username: ${user}`);
    }
    return unsupported('htpasswd')();
  }),
  genPrivateKey: def([STRING], STRING, unsupported('genPrivateKey')),
  derivePassword: def([UINT32, STRING, STRING, STRING, STRING], STRING, (a) =>
    val(
      STRING,
      derivePassword(
        Number((a[0]?.v as bigint | undefined) ?? 0n),
        str(a[1] ?? null),
        str(a[2] ?? null),
        str(a[3] ?? null),
        str(a[4] ?? null),
      ),
    ),
  ),
  buildCustomCert: def([STRING, STRING], CERTIFICATE, unsupported('buildCustomCert'), {
    hasError: true,
  }),
  genCA: def([STRING, INT], CERTIFICATE, unsupported('genCA'), { hasError: true }),
  genCAWithKey: def([STRING, INT, STRING], CERTIFICATE, unsupported('genCAWithKey'), {
    hasError: true,
  }),
  genSelfSignedCert: def(
    [STRING, SLICE_IFACE, SLICE_IFACE, INT],
    CERTIFICATE,
    unsupported('genSelfSignedCert'),
    {
      hasError: true,
    },
  ),
  genSelfSignedCertWithKey: def(
    [STRING, SLICE_IFACE, SLICE_IFACE, INT, STRING],
    CERTIFICATE,
    unsupported('genSelfSignedCertWithKey'),
    { hasError: true },
  ),
  genSignedCert: def(
    [STRING, SLICE_IFACE, SLICE_IFACE, INT, CERTIFICATE],
    CERTIFICATE,
    unsupported('genSignedCert'),
    {
      hasError: true,
    },
  ),
  genSignedCertWithKey: def(
    [STRING, SLICE_IFACE, SLICE_IFACE, INT, CERTIFICATE, STRING],
    CERTIFICATE,
    unsupported('genSignedCertWithKey'),
    { hasError: true },
  ),
  encryptAES: def(
    [STRING, STRING],
    STRING,
    (a) => (str(a[1] ?? null) === '' ? val(STRING, '') : unsupported('encryptAES')()),
    {
      hasError: true,
    },
  ),
  decryptAES: def(
    [STRING, STRING],
    STRING,
    (a) => (str(a[1] ?? null) === '' ? val(STRING, '') : unsupported('decryptAES')()),
    {
      hasError: true,
    },
  ),
  randBytes: def(
    [INT],
    STRING,
    (a) => {
      const n = num(a[0] ?? null);
      if (n < 0) {
        throw new GoPanic('runtime error: makeslice: len out of range');
      }
      checkRange(n);
      const b = new Uint8Array(n);
      globalThis.crypto.getRandomValues(b);
      return val(STRING, base64Encode(b));
    },
    { hasError: true },
  ),
  uuidv4: def([], STRING, () => val(STRING, uuidv4())),

  urlParse: def([STRING], MAP_STRING_IFACE, (a) => {
    const u = parseURL(str(a[0] ?? null));
    const m = new Map<string, Val>([
      ['scheme', val(STRING, u.scheme)],
      ['host', val(STRING, u.host)],
      ['hostname', val(STRING, hostname(u.host))],
      ['path', val(STRING, u.path)],
      ['query', val(STRING, u.rawQuery)],
      ['opaque', val(STRING, u.opaque)],
      ['fragment', val(STRING, u.fragment)],
      ['userinfo', val(STRING, u.userinfo)],
    ]);
    return val(MAP_STRING_IFACE, m);
  }),
  urlJoin: def([MAP_STRING_IFACE], STRING, (a) =>
    val(STRING, urlJoin((a[0]?.v as Map<string, Val> | null | undefined) ?? null)),
  ),

  base: def([STRING], STRING, (a) => val(STRING, basePath(str(a[0] ?? null)))),
  dir: def([STRING], STRING, (a) => val(STRING, dirPath(str(a[0] ?? null)))),
  clean: def([STRING], STRING, (a) => val(STRING, cleanPath(str(a[0] ?? null)))),
  ext: def([STRING], STRING, (a) => val(STRING, extPath(str(a[0] ?? null)))),
  isAbs: def([STRING], BOOL, (a) => val(BOOL, str(a[0] ?? null).startsWith('/'))),
  osBase: def([STRING], STRING, (a) => val(STRING, basePath(str(a[0] ?? null)))),
  osClean: def([STRING], STRING, (a) => val(STRING, cleanPath(str(a[0] ?? null)))),
  osDir: def([STRING], STRING, (a) => val(STRING, dirPath(str(a[0] ?? null)))),
  osExt: def([STRING], STRING, (a) => val(STRING, extPath(str(a[0] ?? null)))),
  osIsAbs: def([STRING], BOOL, (a) => val(BOOL, str(a[0] ?? null).startsWith('/'))),

  env: def([STRING], STRING, () => val(STRING, '')),
  expandenv: def([STRING], STRING, (a) => val(STRING, expandEnv(str(a[0] ?? null)))),
  getHostByName: def([STRING], STRING, () => {
    throw new GoPanic('runtime error: index out of range [0] with length 0');
  }),
};
