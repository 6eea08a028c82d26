// A subset of Go's time package: Time (UTC, Local = UTC, fixed zones, IANA zones via Intl),
// Format / Parse with Go layouts, Duration formatting and parsing.

import { utf8Encode } from './utf8.js';
import { hasZone, zoneAbbrev } from './zones.js';

/** A location: UTC, Local (treated as UTC, as on Commander's servers), fixed offset or IANA. */
export type Loc =
  | { kind: 'utc' }
  | { kind: 'local' }
  | { kind: 'fixed'; name: string; offset: number }
  | { kind: 'iana'; name: string };

/** time.Time: seconds since the Unix epoch, nanoseconds, location. */
export type GoTime = { sec: number; nsec: number; loc: Loc; mono?: number };

/** time.UTC. */
export const UTC: Loc = { kind: 'utc' };
/** time.Local (UTC here). */
export const LOCAL: Loc = { kind: 'local' };

/** An error from time parsing (message is Go's). */
export class TimeError extends Error {}

const longDayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const shortDayNames = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const shortMonthNames = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];
const longMonthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** time.Month.String(). */
export function monthName(m: number): string {
  return longMonthNames[m - 1] ?? `%!Month(${m})`;
}

/** time.Weekday.String(). */
export function weekdayName(d: number): string {
  return longDayNames[d] ?? `%!Weekday(${d})`;
}

const offsetCache = new Map<string, Intl.DateTimeFormat>();

function formatter(name: string): Intl.DateTimeFormat {
  let f = offsetCache.get(name);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetCache.set(name, f);
  }
  return f;
}

function ianaParts(name: string, sec: number): { offset: number; abbr: string } {
  const date = new Date(sec * 1000);
  const parts = formatter(name).formatToParts(date);
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  // Date.UTC maps years 0–99 to 1900–1999: set the full year separately.
  const civil = new Date(Date.UTC(2000, 0, 1, get('hour') % 24, get('minute'), get('second')));
  const bc = parts.find((p) => p.type === 'era')?.value === 'BC';
  civil.setUTCFullYear(bc ? 1 - get('year') : get('year'), get('month') - 1, get('day'));
  const asUTC = civil.getTime();
  const offset = Math.round((asUTC - sec * 1000) / 1000);
  // Go prints the tz database's abbreviation (embedded from the system tzdata Go reads);
  // the offset comes from Intl.
  return { offset, abbr: zoneAbbrev(name, sec, offset) ?? formatOffsetAbbr(offset) };
}

function formatOffsetAbbr(offset: number): string {
  const sign = offset < 0 ? '-' : '+';
  const a = Math.abs(offset);
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  return sign + String(h).padStart(2, '0') + (m !== 0 ? String(m).padStart(2, '0') : '');
}

/** time.LoadLocation. Returns null when unknown. */
export function loadLocation(name: string): Loc | null {
  if (name === '' || name === 'UTC') {
    return UTC;
  }
  if (name === 'Local') {
    return LOCAL;
  }
  if (!hasZone(name)) {
    // Go only knows the zones of the system tz database (file names, case-sensitive).
    return null;
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return { kind: 'iana', name };
  } catch {
    return null;
  }
}

/** The zone name and offset (seconds east of UTC) in effect at `sec`. */
export function zoneAt(loc: Loc, sec: number): { name: string; offset: number } {
  switch (loc.kind) {
    case 'utc':
    case 'local':
      return { name: 'UTC', offset: 0 };
    case 'fixed':
      return { name: loc.name, offset: loc.offset };
    case 'iana': {
      const p = ianaParts(loc.name, sec);
      return { name: p.abbr, offset: p.offset };
    }
  }
}

type Civil = {
  year: number;
  month: number;
  day: number;
  hour: number;
  min: number;
  sec: number;
  wday: number;
  yday: number;
};

function civil(t: GoTime): Civil & { zone: { name: string; offset: number } } {
  const zone = zoneAt(t.loc, t.sec);
  const local = t.sec + zone.offset;
  const days = Math.floor(local / 86400);
  const rem = local - days * 86400;
  const d = new Date(days * 86400000);
  const year = d.getUTCFullYear();
  const start = new Date(0);
  start.setUTCFullYear(year, 0, 1);
  start.setUTCHours(0, 0, 0, 0);
  const yday = Math.floor((d.getTime() - start.getTime()) / 86400000) + 1;
  return {
    year,
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: Math.floor(rem / 3600),
    min: Math.floor((rem % 3600) / 60),
    sec: rem % 60,
    wday: d.getUTCDay(),
    yday,
    zone,
  };
}

/** Unix seconds of a civil date-time in UTC (month may overflow like Go's Date). */
export function dateToUnix(
  year: number,
  month: number,
  day: number,
  hour: number,
  min: number,
  sec: number,
): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, min, sec, 0);
  return Math.floor(d.getTime() / 1000);
}

/** The zero Time (January 1, year 1, 00:00:00 UTC). */
export const ZERO_TIME: GoTime = { sec: dateToUnix(1, 1, 1, 0, 0, 0), nsec: 0, loc: UTC };

/** Time accessors used as template methods. */
export function timeFields(t: GoTime): Civil {
  return civil(t);
}

// ---- layouts ----

const std = {
  none: 0,
  longMonth: 1,
  month: 2,
  numMonth: 3,
  zeroMonth: 4,
  longWeekDay: 5,
  weekDay: 6,
  day: 7,
  underDay: 8,
  zeroDay: 9,
  underYearDay: 10,
  zeroYearDay: 11,
  hour: 12,
  hour12: 13,
  zeroHour12: 14,
  minute: 15,
  zeroMinute: 16,
  second: 17,
  zeroSecond: 18,
  longYear: 19,
  year: 20,
  pm: 21,
  pmLower: 22,
  tz: 23,
  iso8601TZ: 24,
  iso8601SecondsTZ: 25,
  iso8601ShortTZ: 26,
  iso8601ColonTZ: 27,
  iso8601ColonSecondsTZ: 28,
  numTZ: 29,
  numSecondsTz: 30,
  numShortTZ: 31,
  numColonTZ: 32,
  numColonSecondsTZ: 33,
  fracSecond0: 34,
  fracSecond9: 35,
} as const;

type Chunk = { prefix: string; std: number; digits: number; sep: string; suffix: string };

function startsWithLowerCase(s: string): boolean {
  return s.length > 0 && s[0]! >= 'a' && s[0]! <= 'z';
}

function isDigitAt(s: string, i: number): boolean {
  return i < s.length && s[i]! >= '0' && s[i]! <= '9';
}

const std0x = [
  std.zeroMonth,
  std.zeroDay,
  std.zeroHour12,
  std.zeroMinute,
  std.zeroSecond,
  std.year,
];

function nextStdChunk(layout: string): Chunk {
  const ret = (i: number, s: number, len: number, digits = 0, sep = ''): Chunk => ({
    prefix: layout.slice(0, i),
    std: s,
    digits,
    sep,
    suffix: layout.slice(i + len),
  });
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i];
    const at = (n: number): string => layout.slice(i, i + n);
    switch (c) {
      case 'J':
        if (at(3) === 'Jan') {
          if (at(7) === 'January') {
            return ret(i, std.longMonth, 7);
          }
          if (!startsWithLowerCase(layout.slice(i + 3))) {
            return ret(i, std.month, 3);
          }
        }
        break;
      case 'M':
        if (layout.length >= i + 3) {
          if (at(3) === 'Mon') {
            if (at(6) === 'Monday') {
              return ret(i, std.longWeekDay, 6);
            }
            if (!startsWithLowerCase(layout.slice(i + 3))) {
              return ret(i, std.weekDay, 3);
            }
          }
          if (at(3) === 'MST') {
            return ret(i, std.tz, 3);
          }
        }
        break;
      case '0':
        if (layout.length >= i + 2 && layout[i + 1]! >= '1' && layout[i + 1]! <= '6') {
          return ret(i, std0x[layout.charCodeAt(i + 1) - 49] ?? 0, 2);
        }
        if (at(3) === '002') {
          return ret(i, std.zeroYearDay, 3);
        }
        break;
      case '1':
        if (layout[i + 1] === '5') {
          return ret(i, std.hour, 2);
        }
        return ret(i, std.numMonth, 1);
      case '2':
        if (at(4) === '2006') {
          return ret(i, std.longYear, 4);
        }
        return ret(i, std.day, 1);
      case '_':
        if (layout[i + 1] === '2') {
          if (layout.slice(i + 1, i + 5) === '2006') {
            return {
              prefix: layout.slice(0, i + 1),
              std: std.longYear,
              digits: 0,
              sep: '',
              suffix: layout.slice(i + 5),
            };
          }
          return ret(i, std.underDay, 2);
        }
        if (at(3) === '__2') {
          return ret(i, std.underYearDay, 3);
        }
        break;
      case '3':
        return ret(i, std.hour12, 1);
      case '4':
        return ret(i, std.minute, 1);
      case '5':
        return ret(i, std.second, 1);
      case 'P':
        if (layout[i + 1] === 'M') {
          return ret(i, std.pm, 2);
        }
        break;
      case 'p':
        if (layout[i + 1] === 'm') {
          return ret(i, std.pmLower, 2);
        }
        break;
      case '-':
        if (at(7) === '-070000') {
          return ret(i, std.numSecondsTz, 7);
        }
        if (at(9) === '-07:00:00') {
          return ret(i, std.numColonSecondsTZ, 9);
        }
        if (at(5) === '-0700') {
          return ret(i, std.numTZ, 5);
        }
        if (at(6) === '-07:00') {
          return ret(i, std.numColonTZ, 6);
        }
        if (at(3) === '-07') {
          return ret(i, std.numShortTZ, 3);
        }
        break;
      case 'Z':
        if (at(7) === 'Z070000') {
          return ret(i, std.iso8601SecondsTZ, 7);
        }
        if (at(9) === 'Z07:00:00') {
          return ret(i, std.iso8601ColonSecondsTZ, 9);
        }
        if (at(5) === 'Z0700') {
          return ret(i, std.iso8601TZ, 5);
        }
        if (at(6) === 'Z07:00') {
          return ret(i, std.iso8601ColonTZ, 6);
        }
        if (at(3) === 'Z07') {
          return ret(i, std.iso8601ShortTZ, 3);
        }
        break;
      case '.':
      case ',':
        if (i + 1 < layout.length && (layout[i + 1] === '0' || layout[i + 1] === '9')) {
          const ch = layout[i + 1];
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) {
            j++;
          }
          if (!isDigitAt(layout, j)) {
            return ret(i, ch === '0' ? std.fracSecond0 : std.fracSecond9, j - i, j - (i + 1), c);
          }
        }
        break;
    }
  }
  return { prefix: layout, std: std.none, digits: 0, sep: '', suffix: '' };
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? '-' + s : s;
}

function formatFrac(nsec: number, digits: number, trim: boolean, sep: string): string {
  let s = String(nsec).padStart(9, '0').slice(0, digits);
  if (trim) {
    s = s.replace(/0+$/, '');
    if (s === '') {
      return '';
    }
  }
  return sep + s;
}

/** time.Time.Format(layout). */
export function formatTime(t: GoTime, layout0: string): string {
  const c = civil(t);
  let layout = layout0;
  let out = '';
  for (;;) {
    const ch = nextStdChunk(layout);
    out += ch.prefix;
    if (ch.std === std.none) {
      break;
    }
    layout = ch.suffix;
    const offset = c.zone.offset;
    const tzOut = (colon: boolean, seconds: boolean, short: boolean, iso: boolean): string => {
      if (iso && offset === 0) {
        return 'Z';
      }
      let zone = Math.trunc(offset / 60); // Go: integer division truncates
      let absoff = offset;
      let s = '';
      if (zone < 0) {
        s += '-';
        zone = -zone;
        absoff = -absoff;
      } else {
        s += '+';
      }
      s += pad(Math.floor(zone / 60), 2);
      if (!short) {
        if (colon) {
          s += ':';
        }
        s += pad(zone % 60, 2);
      }
      if (seconds) {
        if (colon) {
          s += ':';
        }
        s += pad(absoff % 60, 2);
      }
      return s;
    };
    switch (ch.std) {
      case std.year: {
        const y = c.year % 100;
        out += pad(y < 0 ? -y : y, 2);
        break;
      }
      case std.longYear:
        out += c.year < 0 ? '-' + pad(-c.year, 4) : pad(c.year, 4);
        break;
      case std.month:
        out += shortMonthNames[c.month - 1];
        break;
      case std.longMonth:
        out += longMonthNames[c.month - 1];
        break;
      case std.numMonth:
        out += String(c.month);
        break;
      case std.zeroMonth:
        out += pad(c.month, 2);
        break;
      case std.weekDay:
        out += shortDayNames[c.wday];
        break;
      case std.longWeekDay:
        out += longDayNames[c.wday];
        break;
      case std.day:
        out += String(c.day);
        break;
      case std.underDay:
        out += c.day < 10 ? ' ' + String(c.day) : String(c.day);
        break;
      case std.zeroDay:
        out += pad(c.day, 2);
        break;
      case std.underYearDay:
        out += String(c.yday).padStart(3, ' ');
        break;
      case std.zeroYearDay:
        out += pad(c.yday, 3);
        break;
      case std.hour:
        out += pad(c.hour, 2);
        break;
      case std.hour12: {
        let hr = c.hour % 12;
        if (hr === 0) {
          hr = 12;
        }
        out += String(hr);
        break;
      }
      case std.zeroHour12: {
        let hr = c.hour % 12;
        if (hr === 0) {
          hr = 12;
        }
        out += pad(hr, 2);
        break;
      }
      case std.minute:
        out += String(c.min);
        break;
      case std.zeroMinute:
        out += pad(c.min, 2);
        break;
      case std.second:
        out += String(c.sec);
        break;
      case std.zeroSecond:
        out += pad(c.sec, 2);
        break;
      case std.pm:
        out += c.hour >= 12 ? 'PM' : 'AM';
        break;
      case std.pmLower:
        out += c.hour >= 12 ? 'pm' : 'am';
        break;
      case std.iso8601TZ:
        out += tzOut(false, false, false, true);
        break;
      case std.iso8601ColonTZ:
        out += tzOut(true, false, false, true);
        break;
      case std.iso8601SecondsTZ:
        out += tzOut(false, true, false, true);
        break;
      case std.iso8601ShortTZ:
        out += tzOut(false, false, true, true);
        break;
      case std.iso8601ColonSecondsTZ:
        out += tzOut(true, true, false, true);
        break;
      case std.numTZ:
        out += tzOut(false, false, false, false);
        break;
      case std.numColonTZ:
        out += tzOut(true, false, false, false);
        break;
      case std.numSecondsTz:
        out += tzOut(false, true, false, false);
        break;
      case std.numShortTZ:
        out += tzOut(false, false, true, false);
        break;
      case std.numColonSecondsTZ:
        out += tzOut(true, true, false, false);
        break;
      case std.tz:
        if (c.zone.name !== '') {
          out += c.zone.name;
        } else {
          let zone = Math.trunc(offset / 60); // Go: integer division truncates
          out += zone < 0 ? '-' : '+';
          zone = Math.abs(zone);
          out += pad(Math.floor(zone / 60), 2) + pad(zone % 60, 2);
        }
        break;
      case std.fracSecond0:
        out += formatFrac(t.nsec, ch.digits, false, ch.sep);
        break;
      case std.fracSecond9:
        out += formatFrac(t.nsec, ch.digits, true, ch.sep);
        break;
    }
  }
  return out;
}

/** time.Time.String(). */
export function timeString(t: GoTime): string {
  let s = formatTime(t, '2006-01-02 15:04:05.999999999 -0700 MST');
  if (t.mono !== undefined) {
    const m = t.mono;
    const sign = m < 0 ? '-' : '+';
    s += ` m=${sign}${(Math.abs(m) / 1e9).toFixed(9)}`;
  }
  return s;
}

// ---- parsing ----

function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c >= 0x80 || c < 0x20) {
      for (const b of utf8Encode(ch)) {
        out += '\\x' + b.toString(16).padStart(2, '0');
      }
    } else {
      if (ch === '"' || ch === '\\') {
        out += '\\';
      }
      out += ch;
    }
  }
  return out + '"';
}

function parseError(
  layout: string,
  value: string,
  layoutElem: string,
  valueElem: string,
  message: string,
): TimeError {
  if (message === '') {
    return new TimeError(
      `parsing time ${timeQuote(value)} as ${timeQuote(layout)}: cannot parse ${timeQuote(valueElem)} as ${timeQuote(layoutElem)}`,
    );
  }
  return new TimeError(`parsing time ${timeQuote(value)}${message}`);
}

class Bad extends Error {}

function cutspace(s: string): string {
  let i = 0;
  while (i < s.length && s[i] === ' ') {
    i++;
  }
  return s.slice(i);
}

function skip(value: string, prefix: string): string {
  while (prefix.length > 0) {
    if (prefix[0] === ' ') {
      if (value.length > 0 && value[0] !== ' ') {
        throw new Bad();
      }
      prefix = cutspace(prefix);
      value = cutspace(value);
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) {
      throw new Bad();
    }
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return value;
}

function lookup(tab: string[], val: string): [number, string] {
  for (let i = 0; i < tab.length; i++) {
    const v = tab[i] ?? '';
    if (val.length >= v.length && val.slice(0, v.length).toLowerCase() === v.toLowerCase()) {
      return [i, val.slice(v.length)];
    }
  }
  throw new Bad();
}

function getnum(s: string, fixed: boolean): [number, string] {
  if (!isDigitAt(s, 0)) {
    throw new Bad();
  }
  if (!isDigitAt(s, 1)) {
    if (fixed) {
      throw new Bad();
    }
    return [s.charCodeAt(0) - 48, s.slice(1)];
  }
  return [(s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48), s.slice(2)];
}

function getnum3(s: string, fixed: boolean): [number, string] {
  let n = 0;
  let i = 0;
  for (; i < 3 && isDigitAt(s, i); i++) {
    n = n * 10 + (s.charCodeAt(i) - 48);
  }
  if (i === 0 || (fixed && i !== 3)) {
    throw new Bad();
  }
  return [n, s.slice(i)];
}

/** time's atoi: optional sign, then digits only (an empty digit string is 0). */
function atoiStrict(s: string): number {
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (!/^\d*$/.test(s)) {
    throw new Bad();
  }
  const n = s === '' ? 0 : Number(s);
  return neg ? -n : n;
}

/** time's parseNanoseconds: [nanoseconds, range error text]. */
function parseNanoseconds(value: string, nbytes: number): [number, string] {
  if (value[0] !== '.' && value[0] !== ',') {
    throw new Bad();
  }
  if (nbytes > 10) {
    value = value.slice(0, 10);
    nbytes = 10;
  }
  let ns = atoiStrict(value.slice(1, nbytes));
  if (ns < 0) {
    return [0, 'fractional second'];
  }
  for (let i = 0; i < 10 - nbytes; i++) {
    ns *= 10;
  }
  return [ns, ''];
}

function parseTimeZone(value: string): number {
  if (value.length < 3) {
    return 0;
  }
  if (value.length >= 4 && (value.slice(0, 4) === 'ChST' || value.slice(0, 4) === 'MeST')) {
    return 4;
  }
  if (value.slice(0, 3) === 'GMT') {
    const m = /^GMT([+-]\d+)?/.exec(value);
    return m ? m[0].length : 3;
  }
  if (value[0] === '+' || value[0] === '-') {
    const m = /^[+-]\d{2}/.exec(value);
    return m ? m[0].length : 0;
  }
  let nUpper = 0;
  for (; nUpper < 6; nUpper++) {
    if (nUpper >= value.length) {
      break;
    }
    const c = value[nUpper]!;
    if (c < 'A' || c > 'Z') {
      break;
    }
  }
  switch (nUpper) {
    case 5:
      return value[4] === 'T' ? 5 : 0;
    case 4:
      return value[3] === 'T' || value.slice(0, 4) === 'WITA' ? 4 : 0;
    case 3:
      return 3;
    default:
      return 0;
  }
}

function daysIn(month: number, year: number): number {
  if (month === 2) {
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    return leap ? 29 : 28;
  }
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 31;
}

/** time.ParseInLocation(layout, value, loc). Throws TimeError. */
export function parseTime(layout0: string, value0: string, defaultLoc: Loc): GoTime {
  let layout = layout0;
  let value = value0;
  let rangeErr = '';
  let amSet = false;
  let pmSet = false;
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let z: Loc | null = null;
  let zoneOffset = -1;
  let zoneName = '';
  for (;;) {
    const ch = nextStdChunk(layout);
    const stdstr = layout.slice(ch.prefix.length, layout.length - ch.suffix.length);
    try {
      value = skip(value, ch.prefix);
    } catch {
      throw parseError(layout0, value0, ch.prefix, value, '');
    }
    if (ch.std === std.none) {
      if (value.length !== 0) {
        throw parseError(layout0, value0, '', value, ': extra text: ' + timeQuote(value));
      }
      break;
    }
    layout = ch.suffix;
    const hold = value;
    try {
      switch (ch.std) {
        case std.year: {
          if (value.length < 2) {
            throw new Bad();
          }
          const p = value.slice(0, 2);
          value = value.slice(2);
          try {
            year = atoiStrict(p);
          } catch (e) {
            value = hold;
            throw e;
          }
          year += year >= 69 ? 1900 : 2000;
          break;
        }
        case std.longYear: {
          if (value.length < 4 || !isDigitAt(value, 0)) {
            throw new Bad();
          }
          const p = value.slice(0, 4);
          value = value.slice(4);
          year = atoiStrict(p);
          break;
        }
        case std.month:
          [month, value] = lookup(shortMonthNames, value);
          month++;
          break;
        case std.longMonth:
          [month, value] = lookup(longMonthNames, value);
          month++;
          break;
        case std.numMonth:
        case std.zeroMonth:
          [month, value] = getnum(value, ch.std === std.zeroMonth);
          if (month <= 0 || month > 12) {
            rangeErr = 'month';
          }
          break;
        case std.weekDay:
          [, value] = lookup(shortDayNames, value);
          break;
        case std.longWeekDay:
          [, value] = lookup(longDayNames, value);
          break;
        case std.day:
        case std.underDay:
        case std.zeroDay:
          if (ch.std === std.underDay && value[0] === ' ') {
            value = value.slice(1);
          }
          [day, value] = getnum(value, ch.std === std.zeroDay);
          break;
        case std.underYearDay:
        case std.zeroYearDay:
          for (let i = 0; i < 2; i++) {
            if (ch.std === std.underYearDay && value[0] === ' ') {
              value = value.slice(1);
            }
          }
          [yday, value] = getnum3(value, ch.std === std.zeroYearDay);
          break;
        case std.hour:
          [hour, value] = getnum(value, false);
          if (hour < 0 || hour >= 24) {
            rangeErr = 'hour';
          }
          break;
        case std.hour12:
        case std.zeroHour12:
          [hour, value] = getnum(value, ch.std === std.zeroHour12);
          if (hour < 0 || hour > 12) {
            rangeErr = 'hour';
          }
          break;
        case std.minute:
        case std.zeroMinute:
          [min, value] = getnum(value, ch.std === std.zeroMinute);
          if (min < 0 || min >= 60) {
            rangeErr = 'minute';
          }
          break;
        case std.second:
        case std.zeroSecond: {
          [sec, value] = getnum(value, ch.std === std.zeroSecond);
          if (sec < 0 || sec >= 60) {
            rangeErr = 'second';
            break;
          }
          if (value.length >= 2 && (value[0] === '.' || value[0] === ',') && isDigitAt(value, 1)) {
            const next = nextStdChunk(layout).std;
            if (next === std.fracSecond0 || next === std.fracSecond9) {
              break;
            }
            let n = 2;
            while (n < value.length && isDigitAt(value, n)) {
              n++;
            }
            const frac = value;
            value = value.slice(n);
            [nsec, rangeErr] = parseNanoseconds(frac, n);
          }
          break;
        }
        case std.pm:
        case std.pmLower: {
          if (value.length < 2) {
            throw new Bad();
          }
          const p = value.slice(0, 2);
          value = value.slice(2);
          const up = ch.std === std.pm;
          if (p === (up ? 'PM' : 'pm')) {
            pmSet = true;
          } else if (p === (up ? 'AM' : 'am')) {
            amSet = true;
          } else {
            throw new Bad();
          }
          break;
        }
        case std.iso8601TZ:
        case std.iso8601ColonTZ:
        case std.iso8601SecondsTZ:
        case std.iso8601ShortTZ:
        case std.iso8601ColonSecondsTZ:
        case std.numTZ:
        case std.numShortTZ:
        case std.numColonTZ:
        case std.numSecondsTz:
        case std.numColonSecondsTZ: {
          const s = ch.std;
          if (
            (s === std.iso8601TZ || s === std.iso8601ShortTZ || s === std.iso8601ColonTZ) &&
            value.length >= 1 &&
            value[0] === 'Z'
          ) {
            value = value.slice(1);
            z = UTC;
            break;
          }
          let sign: string;
          let hh: string;
          let mm: string;
          let ss: string;
          if (s === std.iso8601ColonTZ || s === std.numColonTZ) {
            if (value.length < 6 || value[3] !== ':') {
              throw new Bad();
            }
            [sign, hh, mm, ss, value] = [
              value.slice(0, 1),
              value.slice(1, 3),
              value.slice(4, 6),
              '00',
              value.slice(6),
            ];
          } else if (s === std.numShortTZ || s === std.iso8601ShortTZ) {
            if (value.length < 3) {
              throw new Bad();
            }
            [sign, hh, mm, ss, value] = [
              value.slice(0, 1),
              value.slice(1, 3),
              '00',
              '00',
              value.slice(3),
            ];
          } else if (s === std.iso8601ColonSecondsTZ || s === std.numColonSecondsTZ) {
            if (value.length < 9 || value[3] !== ':' || value[6] !== ':') {
              throw new Bad();
            }
            [sign, hh, mm, ss, value] = [
              value.slice(0, 1),
              value.slice(1, 3),
              value.slice(4, 6),
              value.slice(7, 9),
              value.slice(9),
            ];
          } else if (s === std.iso8601SecondsTZ || s === std.numSecondsTz) {
            if (value.length < 7) {
              throw new Bad();
            }
            [sign, hh, mm, ss, value] = [
              value.slice(0, 1),
              value.slice(1, 3),
              value.slice(3, 5),
              value.slice(5, 7),
              value.slice(7),
            ];
          } else {
            if (value.length < 5) {
              throw new Bad();
            }
            [sign, hh, mm, ss, value] = [
              value.slice(0, 1),
              value.slice(1, 3),
              value.slice(3, 5),
              '00',
              value.slice(5),
            ];
          }
          zoneOffset = (atoiStrict(hh) * 60 + atoiStrict(mm)) * 60 + atoiStrict(ss);
          if (sign === '-') {
            zoneOffset = -zoneOffset;
          } else if (sign !== '+') {
            throw new Bad();
          }
          break;
        }
        case std.tz: {
          if (value.length >= 3 && value.slice(0, 3) === 'UTC') {
            z = UTC;
            value = value.slice(3);
            break;
          }
          const n = parseTimeZone(value);
          if (n === 0) {
            throw new Bad();
          }
          zoneName = value.slice(0, n);
          value = value.slice(n);
          break;
        }
        case std.fracSecond0: {
          const ndigit = 1 + ch.digits;
          if (value.length < ndigit) {
            throw new Bad();
          }
          const frac = value;
          value = value.slice(ndigit);
          [nsec, rangeErr] = parseNanoseconds(frac, ndigit);
          break;
        }
        case std.fracSecond9: {
          if (value.length < 2 || (value[0] !== '.' && value[0] !== ',') || !isDigitAt(value, 1)) {
            break;
          }
          let i = 0;
          while (i < 9 && i + 1 < value.length && isDigitAt(value, i + 1)) {
            i++;
          }
          const frac = value;
          value = value.slice(1 + i);
          [nsec, rangeErr] = parseNanoseconds(frac, 1 + i);
          break;
        }
      }
    } catch (e) {
      if (e instanceof Bad) {
        throw parseError(layout0, value0, stdstr, value, '');
      }
      throw e;
    }
    if (rangeErr !== '') {
      throw parseError(layout0, value0, stdstr, value, `: ${rangeErr} out of range`);
    }
  }
  if (pmSet && hour < 12) {
    hour += 12;
  } else if (amSet && hour === 12) {
    hour = 0;
  }
  if (yday >= 0) {
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    let m = 0;
    let d = 0;
    if (leap) {
      if (yday === 31 + 29) {
        m = 2;
        d = 29;
      } else if (yday > 31 + 29) {
        yday--;
      }
    }
    if (yday < 1 || yday > 365) {
      throw parseError(layout0, value0, '', value, ': day-of-year out of range');
    }
    if (m === 0) {
      const before = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
      m = Math.floor((yday - 1) / 31) + 1;
      if ((before[m] ?? 0) < yday) {
        m++;
      }
      d = yday - (before[m - 1] ?? 0);
    }
    if (month >= 0 && month !== m) {
      throw parseError(layout0, value0, '', value, ': day-of-year does not match month');
    }
    month = m;
    if (day >= 0 && day !== d) {
      throw parseError(layout0, value0, '', value, ': day-of-year does not match day');
    }
    day = d;
  } else {
    if (month < 0) {
      month = 1;
    }
    if (day < 0) {
      day = 1;
    }
  }
  if (day < 1 || day > daysIn(month, year)) {
    throw parseError(layout0, value0, '', value, ': day out of range');
  }
  const base = dateToUnix(year, month, day, hour, min, sec);
  if (z !== null) {
    return { sec: base, nsec, loc: z };
  }
  if (zoneOffset !== -1) {
    const t = base - zoneOffset;
    if (zoneOffset === 0 && (zoneName === '' || zoneName === 'UTC')) {
      return { sec: t, nsec, loc: defaultLoc.kind === 'local' ? LOCAL : LOCAL };
    }
    return { sec: t, nsec, loc: { kind: 'fixed', name: zoneName, offset: zoneOffset } };
  }
  if (zoneName !== '') {
    if (zoneName === 'UTC') {
      return { sec: base, nsec, loc: LOCAL };
    }
    let offset = 0;
    if (zoneName.length > 3 && zoneName.startsWith('GMT')) {
      offset = Number(zoneName.slice(3)) * 3600;
    }
    return { sec: base - offset, nsec, loc: { kind: 'fixed', name: zoneName, offset } };
  }
  if (defaultLoc.kind === 'iana') {
    const { offset } = zoneAt(defaultLoc, base);
    return { sec: base - offset, nsec, loc: defaultLoc };
  }
  return { sec: base, nsec, loc: defaultLoc };
}

// ---- durations ----

/** time.Duration.String() for nanoseconds. */
export function durationString(d: bigint): string {
  if (d === 0n) {
    return '0s';
  }
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out = '';
  const fmtFrac = (v: bigint, prec: number): [string, bigint] => {
    let s = '';
    let print = false;
    for (let i = 0; i < prec; i++) {
      const digit = v % 10n;
      print = print || digit !== 0n;
      if (print) {
        s = digit.toString() + s;
      }
      v /= 10n;
    }
    if (print) {
      s = '.' + s;
    }
    return [s, v];
  };
  if (u < 1000000000n) {
    let prec: number;
    let unit: string;
    if (u < 1000n) {
      prec = 0;
      unit = 'ns';
    } else if (u < 1000000n) {
      prec = 3;
      unit = 'µs';
    } else {
      prec = 6;
      unit = 'ms';
    }
    const [frac, rest] = fmtFrac(u, prec);
    out = rest.toString() + frac + unit;
  } else {
    const [frac, secs] = fmtFrac(u, 9);
    u = secs;
    out = (u % 60n).toString() + frac + 's';
    u /= 60n;
    if (u > 0n) {
      out = (u % 60n).toString() + 'm' + out;
      u /= 60n;
      if (u > 0n) {
        out = u.toString() + 'h' + out;
      }
    }
  }
  return (neg ? '-' : '') + out;
}

const unitMap: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  µs: 1000n,
  μs: 1000n,
  ms: 1000000n,
  s: 1000000000n,
  m: 60000000000n,
  h: 3600000000000n,
};

/** time.ParseDuration. Throws TimeError. */
export function parseDuration(s0: string): bigint {
  const orig = s0;
  const bad = (): never => {
    throw new TimeError('time: invalid duration ' + timeQuote(orig));
  };
  let s = s0;
  let d = 0n;
  let neg = false;
  if (s !== '') {
    const c = s[0];
    if (c === '-' || c === '+') {
      neg = c === '-';
      s = s.slice(1);
    }
  }
  if (s === '0') {
    return 0n;
  }
  if (s === '') {
    bad();
  }
  while (s !== '') {
    if (!(s[0] === '.' || isDigitAt(s, 0))) {
      bad();
    }
    const m = /^(\d*)(?:\.(\d*))?/.exec(s);
    const intPart = m?.[1] ?? '';
    const fracPart = m?.[2];
    const pre = intPart !== '';
    const post = fracPart !== undefined && fracPart !== '';
    if (!pre && !post) {
      bad();
    }
    s = s.slice(m?.[0].length ?? 0);
    let i = 0;
    while (i < s.length && s[i] !== '.' && !isDigitAt(s, i)) {
      i++;
    }
    if (i === 0) {
      throw new TimeError('time: missing unit in duration ' + timeQuote(orig));
    }
    const u = s.slice(0, i);
    s = s.slice(i);
    const unit = unitMap[u];
    if (unit === undefined) {
      throw new TimeError('time: unknown unit ' + timeQuote(u) + ' in duration ' + timeQuote(orig));
    }
    let v = BigInt(intPart === '' ? '0' : intPart) * unit;
    if (post && fracPart !== undefined) {
      const scale = 10n ** BigInt(fracPart.length);
      v += (BigInt(fracPart) * unit) / scale;
    }
    d += v;
    if (d > (1n << 63n) - 1n) {
      bad();
    }
  }
  return neg ? -d : d;
}

/** time.Now() with a monotonic reading. */
export function now(): GoTime {
  const ms = Date.now();
  const sec = Math.floor(ms / 1000);
  const nsec = (ms - sec * 1000) * 1e6;
  const mono = typeof performance !== 'undefined' ? Math.round(performance.now() * 1e6) : 0;
  return { sec, nsec, loc: LOCAL, mono };
}

/** t.Add(d). */
export function addDuration(t: GoTime, d: bigint): GoTime {
  const total = BigInt(t.sec) * 1000000000n + BigInt(t.nsec) + d;
  const sec = total / 1000000000n;
  let nsec = total % 1000000000n;
  let s = sec;
  if (nsec < 0n) {
    nsec += 1000000000n;
    s -= 1n;
  }
  return { sec: Number(s), nsec: Number(nsec), loc: t.loc };
}
