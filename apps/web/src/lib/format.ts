/** Date and time in the user's language, e.g. "28 Nov 2026, 15:04". */
export function formatDateTime(iso: string, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** "3 minutes ago", "in 2 days", in the user's language. */
export function formatRelative(iso: string, language: string, now: number = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const format = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') {
      return format.format(Math.round(seconds / size), unit);
    }
  }
  return format.format(0, 'second');
}

const DURATION_UNITS: Record<string, { h: string; m: string; s: string }> = {
  en: { h: 'h', m: 'm', s: 's' },
  ru: { h: '\u00a0ч', m: '\u00a0мин', s: '\u00a0с' },
};

/** A compact duration: "45s", "3m 05s", "1h 02m"; in Russian "3 мин 05 с". */
export function formatDuration(ms: number, language = 'en'): string {
  const u = DURATION_UNITS[language.slice(0, 2)] ?? DURATION_UNITS.en!;
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) {
    return `${h}${u.h} ${String(m).padStart(2, '0')}${u.m}`;
  }
  if (m > 0) {
    return `${m}${u.m} ${String(s).padStart(2, '0')}${u.s}`;
  }
  return `${s}${u.s}`;
}

/** Duration between two timestamps; an unfinished span runs until `now`. */
export function spanDuration(
  startIso: string | null | undefined,
  endIso: string | null | undefined,
  now: number = Date.now(),
): number | null {
  if (!startIso) {
    return null;
  }
  const end = endIso ? new Date(endIso).getTime() : now;
  return end - new Date(startIso).getTime();
}
