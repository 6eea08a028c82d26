import { describe, expect, it } from 'vitest';

import { mapLimit } from '../src/concurrency.js';
import { formatNumber, formatPercent, formatRatio, quantile, summarize } from '../src/stats.js';

describe('stats', () => {
  it('interpolates quantiles between ranks', () => {
    const sorted = [10, 20, 30, 40];
    expect(quantile(sorted, 0)).toBe(10);
    expect(quantile(sorted, 1)).toBe(40);
    expect(quantile(sorted, 0.5)).toBe(25);
    expect(quantile(sorted, 0.25)).toBeCloseTo(17.5);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('summarizes unsorted values', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    const s = summarize(values);
    expect(s).toMatchObject({ count: 100, max: 100, mean: 50.5 });
    expect(s.p50).toBeCloseTo(50.5);
    expect(s.p99).toBeCloseTo(99.01);
    expect(summarize([]).count).toBe(0);
  });

  it('formats numbers, ratios and shares for tables', () => {
    expect(formatNumber(3.14159, 2)).toBe('3.14');
    expect(formatNumber(1234.56)).toBe('1,235');
    expect(formatNumber(Number.NaN)).toBe('—');
    expect(formatRatio(30, 10)).toBe('3.00×');
    expect(formatRatio(30, 0)).toBe('—');
    expect(formatPercent(0.256)).toBe('26 %');
  });
});

describe('mapLimit', () => {
  it('keeps at most `limit` calls in flight and the order of results', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (ms, i) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight -= 1;
      return i * 10;
    });
    expect(results).toEqual([0, 10, 20, 30, 40, 50]);
    expect(peak).toBe(2);
  });
});
