// Retry and scheduling arithmetic shared by the real and the simulated agents.

/**
 * Delay before retry number `failures` (1 = first retry): exponential from `baseMs`, capped at
 * `maxMs`, with "equal jitter" (half fixed, half random) so that many agents that failed
 * together do not retry together.
 */
export function backoffDelay(
  failures: number,
  options: { baseMs: number; maxMs: number },
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.min(failures - 1, 30));
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** `ms` moved randomly by up to ±`fraction` (default 10 %), so periodic work spreads out. */
export function jittered(ms: number, fraction = 0.1, random: () => number = Math.random): number {
  return Math.max(0, Math.round(ms * (1 + (random() * 2 - 1) * fraction)));
}
