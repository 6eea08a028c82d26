// Time zone abbreviations as Go prints them, from the table generated out of the system tz
// database (zone-abbrevs.ts, scripts/generate-zone-abbrevs.sh): Intl's names ("GMT+3") are not
// the tz database's ("MSK").

import { DATA, ZONES } from './zone-abbrevs.js';

type Segment = { start: number; abbr: Map<number, string> };

let zoneIndex: Map<string, number> | undefined;
const decoded = new Map<number, Segment[]>();

function index(): Map<string, number> {
  if (!zoneIndex) {
    zoneIndex = new Map();
    for (const entry of ZONES.split(',')) {
      const eq = entry.lastIndexOf('=');
      zoneIndex.set(entry.slice(0, eq), parseInt(entry.slice(eq + 1), 36));
    }
  }
  return zoneIndex;
}

function segments(i: number): Segment[] {
  let segs = decoded.get(i);
  if (!segs) {
    segs = (DATA[i] ?? '').split('|').map((seg) => {
      const colon = seg.indexOf(':');
      const abbr = new Map<number, string>();
      for (const kv of seg.slice(colon + 1).split(';')) {
        const eq = kv.indexOf('=');
        abbr.set(parseInt(kv.slice(0, eq), 36), kv.slice(eq + 1));
      }
      const start = colon === 0 ? -Infinity : parseInt(seg.slice(0, colon), 36);
      return { start, abbr };
    });
    decoded.set(i, segs);
  }
  return segs;
}

/** Whether the tz database Go reads has the zone `name` (exact, case-sensitive). */
export function hasZone(name: string): boolean {
  return index().has(name);
}

/** The abbreviation Go prints for zone `name` at `sec` with UTC offset `offset`, if known. */
export function zoneAbbrev(name: string, sec: number, offset: number): string | undefined {
  const i = index().get(name);
  if (i === undefined) {
    return undefined;
  }
  const segs = segments(i);
  let seg = segs[0];
  for (const s of segs) {
    if (s.start <= sec) {
      seg = s;
    } else {
      break;
    }
  }
  return seg?.abbr.get(offset);
}
