// Kubernetes resource quantities ("4", "500m", "16Gi", "1e3", "128974848") as numbers.

const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

const PATTERN = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

/**
 * Parses a quantity (`500m` → 0.5, `16Gi` → 17179869184). Returns `null` for anything else,
 * including `undefined`.
 */
export function parseQuantity(value: unknown): number | null {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : null;
  }
  if (typeof value !== 'string') {
    return null;
  }
  const match = PATTERN.exec(value.trim());
  if (!match) {
    return null;
  }
  const number = Number(match[1]);
  if (match[2]) {
    return number * 10 ** Number(match[2].slice(1));
  }
  const suffix = match[3] ?? '';
  return number * (BINARY[suffix] ?? DECIMAL[suffix] ?? 1);
}
