/**
 * The audit log's time range. The URL keeps local date-times (`YYYY-MM-DDTHH:mm`, as typed);
 * Mantine's date-time picker speaks `YYYY-MM-DD HH:mm:ss`.
 */

const LOCAL = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::(\d{2}))?$/;
const PICKER = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})(?::\d{2})?$/;

/** `2026-11-28T12:05` → `2026-11-28 12:05:00`; anything else → null. */
export function pickerValueOf(local: string | undefined): string | null {
  const match = local ? LOCAL.exec(local) : null;
  return match ? `${match[1]} ${match[2]}:${match[3] ?? '00'}` : null;
}

/** `2026-11-28 12:05:00` → `2026-11-28T12:05`; null or anything else → ''. */
export function localValueOf(picker: string | null | undefined): string {
  const match = picker ? PICKER.exec(picker) : null;
  return match ? `${match[1]}T${match[2]}` : '';
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A Date as the picker's local `YYYY-MM-DD HH:mm:ss`. */
export function pickerValueOfDate(date: Date): string {
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:00`
  );
}

export const RANGE_PRESETS = [
  { key: 'hour', ms: 3600_000 },
  { key: 'day', ms: 24 * 3600_000 },
  { key: 'week', ms: 7 * 24 * 3600_000 },
  { key: 'month', ms: 30 * 24 * 3600_000 },
] as const;
export type RangePresetKey = (typeof RANGE_PRESETS)[number]['key'];

/** The picker's presets ("Last hour" …) ending now. */
export function rangePresets(
  now: Date,
  label: (key: RangePresetKey) => string,
): { label: string; value: [string, string] }[] {
  return RANGE_PRESETS.map(({ key, ms }) => ({
    label: label(key),
    value: [pickerValueOfDate(new Date(now.getTime() - ms)), pickerValueOfDate(now)],
  }));
}
