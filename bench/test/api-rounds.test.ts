import { describe, expect, it } from 'vitest';

import { median, roundRatios } from '../src/benchmarks/api.js';

describe('the api benchmark rounds', () => {
  it('takes the median, ignoring unknown values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([Number.NaN, 5])).toBe(5);
    expect(median([])).toBeNaN();
  });

  it('reports per-round ratios and their medians, one slow round moving them little', () => {
    const r = roundRatios([
      { bareRate: 1000, apiRate: 800, bareCpuMs: 0.2, apiCpuMs: 0.25 },
      // Another process took the CPU during this round's API window.
      { bareRate: 1000, apiRate: 400, bareCpuMs: 0.2, apiCpuMs: 0.4 },
      { bareRate: 900, apiRate: 720, bareCpuMs: 0.2, apiCpuMs: 0.25 },
    ]);
    expect(r.rate).toEqual([0.8, 0.4, 0.8]);
    expect(r.medianRate).toBeCloseTo(0.8);
    expect(r.cpu.map((v) => Number(v.toFixed(3)))).toEqual([0.8, 0.5, 0.8]);
    expect(r.medianCpu).toBeCloseTo(0.8);
  });
});
