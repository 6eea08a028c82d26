import { describe, expect, it } from 'vitest';

import { auditQuery } from './audit.api.js';
import { localValueOf, pickerValueOf, pickerValueOfDate, rangePresets } from './audit-range.js';

describe('audit time range', () => {
  it('converts between the URL and the picker both ways', () => {
    expect(pickerValueOf('2026-11-28T10:05')).toBe('2026-11-28 10:05:00');
    expect(pickerValueOf('2026-11-28T10:05:30')).toBe('2026-11-28 10:05:30');
    expect(localValueOf('2026-11-28 10:05:00')).toBe('2026-11-28T10:05');
    expect(localValueOf(pickerValueOf('2026-01-02T03:04'))).toBe('2026-01-02T03:04');
  });

  it('ignores what is not a date-time', () => {
    expect(pickerValueOf(undefined)).toBeNull();
    expect(pickerValueOf('yesterday')).toBeNull();
    expect(localValueOf(null)).toBe('');
    expect(localValueOf('2026-11-28')).toBe('');
  });

  it('offers presets that end now', () => {
    const now = new Date(2026, 10, 28, 12, 30);
    const presets = rangePresets(now, (key) => key);
    expect(presets.map((p) => p.label)).toEqual(['hour', 'day', 'week', 'month']);
    expect(presets[0]?.value).toEqual(['2026-11-28 11:30:00', '2026-11-28 12:30:00']);
    expect(presets[2]?.value[0]).toBe(pickerValueOfDate(new Date(2026, 10, 21, 12, 30)));
  });

  it('sends the range to the API with the end minute taken in whole', () => {
    const query = auditQuery({ from: '2026-11-28T10:00', to: '2026-11-28T11:00', page: 1 });
    expect(query.from).toBe(new Date('2026-11-28T10:00:00.000').toISOString());
    expect(query.to).toBe(new Date('2026-11-28T11:00:59.999').toISOString());
    expect(query.user_type).toBe('User,AuthToken');
    expect(auditQuery({ system: '1', page: 1 }).user_type).toBeUndefined();
  });
});
