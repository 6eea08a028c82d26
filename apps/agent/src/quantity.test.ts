import { describe, expect, it } from 'vitest';

import { parseQuantity } from './quantity.js';

describe('parseQuantity', () => {
  it.each([
    ['4', 4],
    ['500m', 0.5],
    ['2500m', 2.5],
    ['16Gi', 16 * 2 ** 30],
    ['16326108Ki', 16326108 * 1024],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['100G', 100e9],
    ['128974848', 128974848],
    ['129e6', 129e6],
    ['12345n', 12345e-9],
    [8, 8],
  ])('%s → %d', (input, expected) => {
    expect(parseQuantity(input)).toBeCloseTo(expected, 6);
  });

  it.each([['abc'], ['16GiB'], [''], [undefined], [null], [Number.NaN]])('rejects %s', (input) => {
    expect(parseQuantity(input)).toBeNull();
  });
});
