// Intl formatters are costly to construct (a locale lookup each, ~0.1–1 ms) and a list renders
// several per row: one per language, made on first use.
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();

function dateTimeFormat(language: string): Intl.DateTimeFormat {
  let format = dateTimeFormats.get(language);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' });
    dateTimeFormats.set(language, format);
  }
  return format;
}

function relativeFormat(language: string): Intl.RelativeTimeFormat {
  let format = relativeFormats.get(language);
  if (format === undefined) {
    format = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
    relativeFormats.set(language, format);
  }
  return format;
}

/** Date and time in the user's language, e.g. "28 Nov 2026, 15:04". */
export function formatDateTime(iso: string, language: string): string {
  return dateTimeFormat(language).format(new Date(iso));
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
  const format = relativeFormat(language);
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
