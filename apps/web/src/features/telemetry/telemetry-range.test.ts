import { describe, expect, it } from 'vitest';

import { createI18n } from '../../test/i18n.js';
import { formatBytes } from './agent-data.js';
import { chartRows, chartWindow, timeFormatter } from './components/telemetry-charts.js';
import { fitRange, rangesForAge } from './telemetry.api.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('chart ranges fitted to the cluster age', () => {
  it('offers ranges up to the first one covering the cluster life', () => {
    expect(rangesForAge(ago(20 * MIN), NOW)).toEqual(['1h']);
    expect(rangesForAge(ago(2 * HOUR), NOW)).toEqual(['1h', '6h']);
    expect(rangesForAge(ago(3 * DAY), NOW)).toEqual(['1h', '6h', '24h', '7d']);
    expect(rangesForAge(ago(90 * DAY), NOW)).toEqual(['1h', '6h', '24h', '7d', '30d']);
  });

  it('keeps an asked range the cluster is old enough for, else the largest offered', () => {
    expect(fitRange(null, ago(20 * MIN), NOW)).toBe('1h');
    expect(fitRange(null, ago(90 * DAY), NOW)).toBe('6h');
    expect(fitRange('30d', ago(2 * HOUR), NOW)).toBe('6h');
    expect(fitRange('24h', ago(90 * DAY), NOW)).toBe('24h');
    expect(fitRange('nonsense', ago(90 * DAY), NOW)).toBe('6h');
  });

  it('starts the time axis at the cluster creation when the range reaches further back', () => {
    expect(chartWindow(6 * HOUR, ago(20 * MIN), NOW)).toEqual({ from: NOW - 20 * MIN, to: NOW });
    expect(chartWindow(HOUR, ago(3 * DAY), NOW)).toEqual({ from: NOW - HOUR, to: NOW });
  });

  it('rows are oldest first on a numeric time axis, in cores and GiB', () => {
    const point = (ts: string, usage: number | null) => ({
      ts,
      resolution: 'raw' as const,
      cpu_cores: 4,
      cpu_usage: usage,
      memory_bytes: 8 * 1024 ** 3,
      memory_used_bytes: null,
      storage_bytes: 0,
      storage_used_bytes: null,
      node_count: 1,
    });
    const rows = chartRows([point(ago(MIN), 1.234), point(ago(2 * MIN), null)]);
    expect(rows.map((r) => r.time)).toEqual([NOW - 2 * MIN, NOW - MIN]);
    expect(rows[1]).toMatchObject({ cpuUsed: 1.23, memory: 8, memoryUsed: null });
  });

  it('labels time with the date only when the span is over a day', () => {
    expect(timeFormatter(HOUR, 'en')(NOW)).not.toMatch(/Dec/);
    expect(timeFormatter(7 * DAY, 'en')(NOW)).toMatch(/Dec/);
    expect(timeFormatter(HOUR, 'en')(Number.NaN)).toBe('');
  });
});

describe('units agree with their numbers', () => {
  it('cores in English and Russian', () => {
    const en = createI18n('en').t;
    expect(en('telemetry.units.coresValue', { count: 1, value: '1' })).toBe('1 core');
    expect(en('telemetry.units.coresValue', { count: 1.7, value: '1.7' })).toBe('1.7 cores');
    expect(en('telemetry.cards.coresUsed', { count: 1, used: '1', percent: 25 })).toBe(
      '1 core in use (25%)',
    );
    const ru = createI18n('ru').t;
    expect(ru('telemetry.units.coresValue', { count: 1, value: '1' })).toBe('1 ядро');
    expect(ru('telemetry.units.coresValue', { count: 3, value: '3' })).toBe('3 ядра');
    expect(ru('telemetry.units.coresValue', { count: 5, value: '5' })).toBe('5 ядер');
    expect(ru('telemetry.units.coresValue', { count: 1.5, value: '1,5' })).toBe('1,5 ядра');
    expect(ru('telemetry.charts.nodeCount', { count: 2 })).toBe('2 узла');
  });

  it('bytes in the language units', () => {
    expect(formatBytes(16 * 1024 ** 3, 'en')).toBe('16 GiB');
    expect(formatBytes(1.5 * 1024 ** 3, 'ru')).toBe('1,5 ГиБ');
  });
});
