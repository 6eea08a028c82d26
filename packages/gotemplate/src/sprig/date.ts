// sprig's date.go, with Go's time.Time / time.Duration / time.Month modelled as Go types that
// templates can print and call methods on.

import { def, type FuncDef, GoError } from '../funcs.js';
import { encodeString } from '../go/json.js';
import {
  addDuration,
  dateToUnix,
  durationString,
  formatTime,
  type GoTime,
  loadLocation,
  LOCAL,
  monthName,
  now,
  parseDuration,
  parseTime,
  TimeError,
  timeFields,
  timeString,
  UTC,
  weekdayName,
  ZERO_TIME,
} from '../go/time.js';
import {
  BOOL,
  type GoMethod,
  type GoType,
  type GoValue,
  IFACE,
  INT,
  INT64,
  registerStructZero,
  STRING,
  type Val,
  val,
} from '../go/types.js';
import { num, str } from './util.js';

/** time.Time. */
export const TIME: GoType = {
  kind: 'struct',
  name: 'time.Time',
  stringer: (v) => timeString(v.v as GoTime),
  marshalJSON: (v) =>
    encodeString(formatTime(v.v as GoTime, '2006-01-02T15:04:05.999999999Z07:00'), false),
};
registerStructZero(TIME, () => ZERO_TIME);

/** time.Month. */
export const MONTH: GoType = {
  kind: 'int',
  name: 'time.Month',
  stringer: (v) => monthName(Number(v.v)),
};
/** time.Weekday. */
export const WEEKDAY: GoType = {
  kind: 'int',
  name: 'time.Weekday',
  stringer: (v) => weekdayName(Number(v.v)),
};
/** time.Duration. */
export const DURATION: GoType = {
  kind: 'int64',
  name: 'time.Duration',
  stringer: (v) => durationString(v.v as bigint),
  methods: new Map<string, GoMethod>([
    [
      'String',
      { params: [], result: STRING, call: (r) => val(STRING, durationString(r.v as bigint)) },
    ],
    [
      'Seconds',
      {
        params: [],
        result: { kind: 'float64', name: 'float64' },
        call: (r) => val({ kind: 'float64', name: 'float64' }, Number(r.v) / 1e9),
      },
    ],
    [
      'Hours',
      {
        params: [],
        result: { kind: 'float64', name: 'float64' },
        call: (r) => val({ kind: 'float64', name: 'float64' }, Number(r.v) / 3.6e12),
      },
    ],
    [
      'Minutes',
      {
        params: [],
        result: { kind: 'float64', name: 'float64' },
        call: (r) => val({ kind: 'float64', name: 'float64' }, Number(r.v) / 6e10),
      },
    ],
  ]),
};

const t = (v: GoValue): GoTime => v.v as GoTime;
const intM = (f: (x: GoTime) => number): GoMethod => ({
  params: [],
  result: INT,
  call: (r) => val(INT, BigInt(f(t(r)))),
});
const timeVal = (x: GoTime): GoValue => val(TIME, x);

TIME.methods = new Map<string, GoMethod>([
  ['Year', intM((x) => timeFields(x).year)],
  ['Month', { params: [], result: MONTH, call: (r) => val(MONTH, BigInt(timeFields(t(r)).month)) }],
  ['Day', intM((x) => timeFields(x).day)],
  ['Hour', intM((x) => timeFields(x).hour)],
  ['Minute', intM((x) => timeFields(x).min)],
  ['Second', intM((x) => timeFields(x).sec)],
  ['Nanosecond', intM((x) => x.nsec)],
  ['YearDay', intM((x) => timeFields(x).yday)],
  [
    'Weekday',
    { params: [], result: WEEKDAY, call: (r) => val(WEEKDAY, BigInt(timeFields(t(r)).wday)) },
  ],
  ['Unix', { params: [], result: INT64, call: (r) => val(INT64, BigInt(t(r).sec)) }],
  [
    'UnixMilli',
    {
      params: [],
      result: INT64,
      call: (r) => val(INT64, BigInt(t(r).sec) * 1000n + BigInt(Math.floor(t(r).nsec / 1e6))),
    },
  ],
  [
    'UnixMicro',
    {
      params: [],
      result: INT64,
      call: (r) => val(INT64, BigInt(t(r).sec) * 1000000n + BigInt(Math.floor(t(r).nsec / 1e3))),
    },
  ],
  [
    'UnixNano',
    {
      params: [],
      result: INT64,
      call: (r) => val(INT64, BigInt(t(r).sec) * 1000000000n + BigInt(t(r).nsec)),
    },
  ],
  [
    'Format',
    {
      params: [STRING],
      result: STRING,
      call: (r, a) => val(STRING, formatTime(t(r), str(a[0] ?? null))),
    },
  ],
  ['String', { params: [], result: STRING, call: (r) => val(STRING, timeString(t(r))) }],
  [
    'UTC',
    {
      params: [],
      result: TIME,
      call: (r) => timeVal({ sec: t(r).sec, nsec: t(r).nsec, loc: UTC }),
    },
  ],
  [
    'Local',
    {
      params: [],
      result: TIME,
      call: (r) => timeVal({ sec: t(r).sec, nsec: t(r).nsec, loc: LOCAL }),
    },
  ],
  [
    'IsZero',
    {
      params: [],
      result: BOOL,
      call: (r) => val(BOOL, t(r).sec === ZERO_TIME.sec && t(r).nsec === 0),
    },
  ],
  [
    'Add',
    {
      params: [DURATION],
      result: TIME,
      call: (r, a) => timeVal(addDuration(t(r), (a[0]?.v as bigint) ?? 0n)),
    },
  ],
  [
    'AddDate',
    {
      params: [INT, INT, INT],
      result: TIME,
      call: (r, a) => {
        const f = timeFields(t(r));
        const base = dateToUnix(
          f.year + num(a[0] ?? null),
          f.month + num(a[1] ?? null),
          f.day + num(a[2] ?? null),
          f.hour,
          f.min,
          f.sec,
        );
        const shift = base - dateToUnix(f.year, f.month, f.day, f.hour, f.min, f.sec);
        return timeVal({ sec: t(r).sec + shift, nsec: t(r).nsec, loc: t(r).loc });
      },
    },
  ],
  [
    'Sub',
    {
      params: [TIME],
      result: DURATION,
      call: (r, a) => {
        const o = (a[0]?.v as GoTime | undefined) ?? ZERO_TIME;
        return val(
          DURATION,
          (BigInt(t(r).sec) - BigInt(o.sec)) * 1000000000n + BigInt(t(r).nsec - o.nsec),
        );
      },
    },
  ],
  [
    'Before',
    { params: [TIME], result: BOOL, call: (r, a) => val(BOOL, cmpTime(t(r), a[0] ?? null) < 0) },
  ],
  [
    'After',
    { params: [TIME], result: BOOL, call: (r, a) => val(BOOL, cmpTime(t(r), a[0] ?? null) > 0) },
  ],
  [
    'Equal',
    { params: [TIME], result: BOOL, call: (r, a) => val(BOOL, cmpTime(t(r), a[0] ?? null) === 0) },
  ],
]);

function cmpTime(a: GoTime, bv: Val): number {
  const b = (bv?.v as GoTime | undefined) ?? ZERO_TIME;
  if (a.sec !== b.sec) {
    return a.sec < b.sec ? -1 : 1;
  }
  return a.nsec === b.nsec ? 0 : a.nsec < b.nsec ? -1 : 1;
}

function asTime(d: Val): GoTime {
  if (d === null) {
    return now();
  }
  if (d.t === TIME) {
    return d.v as GoTime;
  }
  if (d.t.name === 'int64' || d.t.name === 'int' || d.t.name === 'int32') {
    return { sec: Number(d.v), nsec: 0, loc: LOCAL };
  }
  return now();
}

function dateInZone(fmt: string, date: Val, zone: string): string {
  const tm = asTime(date);
  const loc = loadLocation(zone) ?? UTC;
  return formatTime({ sec: tm.sec, nsec: tm.nsec, loc }, fmt);
}

function durationRound(v: Val): string {
  let d = 0n;
  if (v !== null) {
    if (v.t === STRING) {
      try {
        d = parseDuration(v.v as string);
      } catch {
        d = 0n;
      }
    } else if (v.t === INT64) {
      d = v.v as bigint;
    } else if (v.t === TIME) {
      const n = now();
      const x = v.v as GoTime;
      d = (BigInt(n.sec) - BigInt(x.sec)) * 1000000000n + BigInt(n.nsec - x.nsec);
    }
  }
  let u = d < 0n ? -d : d;
  u = BigInt.asUintN(64, u);
  const second = 1000000000n;
  const minute = 60n * second;
  const hour = 60n * minute;
  const day = 24n * hour;
  const month = 30n * day;
  const year = 365n * day;
  if (u > year) {
    return `${u / year}y`;
  }
  if (u > month) {
    return `${u / month}mo`;
  }
  if (u > day) {
    return `${u / day}d`;
  }
  if (u > hour) {
    return `${u / hour}h`;
  }
  if (u > minute) {
    return `${u / minute}m`;
  }
  if (u > second) {
    return `${u / second}s`;
  }
  return '0s';
}

function durationFn(v: Val): string {
  let n = 0n;
  if (v !== null) {
    if (v.t === STRING) {
      const s = v.v as string;
      n =
        /^[+-]?\d+$/.test(s) && BigInt(s) < 1n << 63n && BigInt(s) >= -(1n << 63n) ? BigInt(s) : 0n;
    } else if (v.t === INT64) {
      n = v.v as bigint;
    }
  }
  return durationString(BigInt.asIntN(64, n * 1000000000n));
}

function ago(v: Val): string {
  let tm: GoTime;
  if (v !== null && v.t === TIME) {
    tm = v.v as GoTime;
  } else if (v !== null && (v.t === INT64 || v.t === INT)) {
    tm = { sec: Number(v.v), nsec: 0, loc: LOCAL };
  } else {
    tm = now();
  }
  const n = now();
  const d = (BigInt(n.sec) - BigInt(tm.sec)) * 1000000000n + BigInt(n.nsec - tm.nsec);
  const s = 1000000000n;
  const half = s / 2n;
  const rounded = d >= 0n ? ((d + half) / s) * s : -(((-d + half) / s) * s);
  return durationString(rounded);
}

function toDate(fmt: string, s: string): GoTime {
  try {
    return parseTime(fmt, s, LOCAL);
  } catch (e) {
    if (e instanceof TimeError) {
      return ZERO_TIME;
    }
    throw e;
  }
}

/** The date functions of sprig's map. */
export const dateFuncs: Record<string, FuncDef> = {
  ago: def([IFACE], STRING, (a) => val(STRING, ago(a[0] ?? null))),
  date: def([STRING, IFACE], STRING, (a) =>
    val(STRING, dateInZone(str(a[0] ?? null), a[1] ?? null, 'Local')),
  ),
  date_in_zone: def([STRING, IFACE, STRING], STRING, (a) =>
    val(STRING, dateInZone(str(a[0] ?? null), a[1] ?? null, str(a[2] ?? null))),
  ),
  dateInZone: def([STRING, IFACE, STRING], STRING, (a) =>
    val(STRING, dateInZone(str(a[0] ?? null), a[1] ?? null, str(a[2] ?? null))),
  ),
  date_modify: def([STRING, TIME], TIME, (a) => {
    const base = (a[1]?.v as GoTime | undefined) ?? ZERO_TIME;
    try {
      return timeVal(addDuration(base, parseDuration(str(a[0] ?? null))));
    } catch (e) {
      if (e instanceof TimeError) {
        return timeVal(base);
      }
      throw e;
    }
  }),
  duration: def([IFACE], STRING, (a) => val(STRING, durationFn(a[0] ?? null))),
  durationRound: def([IFACE], STRING, (a) => val(STRING, durationRound(a[0] ?? null))),
  htmlDate: def([IFACE], STRING, (a) =>
    val(STRING, dateInZone('2006-01-02', a[0] ?? null, 'Local')),
  ),
  htmlDateInZone: def([IFACE, STRING], STRING, (a) =>
    val(STRING, dateInZone('2006-01-02', a[0] ?? null, str(a[1] ?? null))),
  ),
  must_date_modify: def(
    [STRING, TIME],
    TIME,
    (a) => {
      const base = (a[1]?.v as GoTime | undefined) ?? ZERO_TIME;
      try {
        return timeVal(addDuration(base, parseDuration(str(a[0] ?? null))));
      } catch (e) {
        if (e instanceof TimeError) {
          throw new GoError(e.message);
        }
        throw e;
      }
    },
    { hasError: true },
  ),
  mustToDate: def(
    [STRING, STRING],
    TIME,
    (a) => {
      try {
        return timeVal(parseTime(str(a[0] ?? null), str(a[1] ?? null), LOCAL));
      } catch (e) {
        if (e instanceof TimeError) {
          throw new GoError(e.message);
        }
        throw e;
      }
    },
    { hasError: true },
  ),
  now: def([], TIME, () => timeVal(now())),
  toDate: def([STRING, STRING], TIME, (a) => timeVal(toDate(str(a[0] ?? null), str(a[1] ?? null)))),
  unixEpoch: def([TIME], STRING, (a) =>
    val(STRING, String((a[0]?.v as GoTime | undefined)?.sec ?? ZERO_TIME.sec)),
  ),
};
dateFuncs.dateModify = dateFuncs.date_modify as FuncDef;
dateFuncs.mustDateModify = dateFuncs.must_date_modify as FuncDef;
