import { describe, expect, it } from 'vitest';

import { formatDuration, formatRelative, spanDuration } from './format.js';

describe('format', () => {
  it('formats durations compactly', () => {
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(185_000)).toBe('3m 05s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
    expect(formatDuration(-5)).toBe('0s');
    expect(formatDuration(185_000, 'ru')).toBe('3\u00a0мин 05\u00a0с');
    expect(formatDuration(3_720_000, 'ru-RU')).toBe('1\u00a0ч 02\u00a0мин');
    expect(formatDuration(45_000, 'de')).toBe('45s');
  });

  it('measures spans, open ones until now', () => {
    expect(spanDuration(null, null)).toBeNull();
    expect(spanDuration('2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z')).toBe(60_000);
    expect(spanDuration('2026-01-01T00:00:00Z', null, Date.parse('2026-01-01T00:00:10Z'))).toBe(
      10_000,
    );
  });

  it('says how long ago, in the user language', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(formatRelative('2026-01-01T11:57:00Z', 'en', now)).toBe('3 minutes ago');
    expect(formatRelative('2026-01-03T12:00:00Z', 'en', now)).toBe('in 2 days');
    expect(formatRelative('2026-01-01T11:57:00Z', 'ru', now)).toBe('3 минуты назад');
  });
});
