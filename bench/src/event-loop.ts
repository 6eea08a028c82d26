// Event loop delay of the processes under test, read from their Prometheus endpoints: prom-client's
// default metrics (`collectDefaultMetrics`) keep a perf_hooks `monitorEventLoopDelay` histogram
// and reset it on every scrape, so each scrape's `nodejs_eventloop_lag_max_seconds` and `…_p99_…`
// describe the window since the previous one.

/** One scrape window of one process. */
export type LoopWindow = {
  /** Seconds since the sampler started, at the scrape. */
  atS: number;
  maxMs: number;
  p99Ms: number;
};

/** A process's event loop delay over a run. */
export type LoopDelay = {
  name: string;
  windows: LoopWindow[];
  /** Scrapes that failed (the process did not answer in time: itself a sign of a stall). */
  failed: number;
};

/** A process to scrape: its metrics URL and headers. */
export type LoopTarget = { name: string; url: string; headers?: Record<string, string> };

/** Reads a gauge's value from Prometheus text (first sample without labels, or with any). */
export function gaugeValue(text: string, name: string): number | null {
  for (const line of text.split('\n')) {
    if (line.startsWith(name) && (line[name.length] === ' ' || line[name.length] === '{')) {
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      return Number.isFinite(value) ? value : null;
    }
  }
  return null;
}

/**
 * Histogram buckets of one metric by a label (e.g. `route`): cumulative counts per `le`, summed
 * over the other labels. For the share of requests slower than a bucket bound.
 */
export function histogramByLabel(
  text: string,
  metric: string,
  label: string,
): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  const prefix = `${metric}_bucket{`;
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix)) {
      continue;
    }
    const labels = line.slice(prefix.length, line.lastIndexOf('}'));
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    const key = new RegExp(`(?:^|,)${label}="([^"]*)"`).exec(labels)?.[1] ?? '';
    const le = /(?:^|,)le="([^"]*)"/.exec(labels)?.[1] ?? '+Inf';
    const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
    const buckets = out.get(key) ?? new Map<number, number>();
    buckets.set(bound, (buckets.get(bound) ?? 0) + value);
    out.set(key, buckets);
  }
  return out;
}

/** Scrapes each target every `everyMs` until stopped. */
export class LoopDelaySampler {
  readonly #targets: LoopTarget[];
  readonly #everyMs: number;
  readonly #results: LoopDelay[];
  #timer: NodeJS.Timeout | null = null;
  #started = 0;
  #inFlight: Promise<unknown> = Promise.resolve();

  constructor(targets: LoopTarget[], everyMs = 5_000) {
    this.#targets = targets;
    this.#everyMs = everyMs;
    this.#results = targets.map((t) => ({ name: t.name, windows: [], failed: 0 }));
  }

  /** Starts scraping (the first scrape only resets the processes' histograms). */
  async start(): Promise<void> {
    this.#started = performance.now();
    await this.#scrapeAll(false);
    this.#timer = setInterval(() => {
      this.#inFlight = this.#scrapeAll(true);
    }, this.#everyMs);
  }

  /** Takes a last scrape and returns the windows. */
  async stop(): Promise<LoopDelay[]> {
    if (this.#timer) {
      clearInterval(this.#timer);
    }
    await this.#inFlight;
    await this.#scrapeAll(true);
    return this.#results;
  }

  async #scrapeAll(record: boolean): Promise<void> {
    const atS = (performance.now() - this.#started) / 1000;
    await Promise.all(
      this.#targets.map(async (target, i) => {
        const result = this.#results[i]!;
        try {
          const res = await fetch(target.url, {
            headers: target.headers,
            signal: AbortSignal.timeout(this.#everyMs),
          });
          const text = await res.text();
          const max = gaugeValue(text, 'nodejs_eventloop_lag_max_seconds');
          const p99 = gaugeValue(text, 'nodejs_eventloop_lag_p99_seconds');
          if (record && max !== null && p99 !== null) {
            result.windows.push({ atS, maxMs: max * 1000, p99Ms: p99 * 1000 });
          }
        } catch {
          if (record) {
            result.failed += 1;
          }
        }
      }),
    );
  }
}

/** One line of the report per process: worst window, median window p99, windows over 100 ms. */
export function summarizeLoopDelay(d: LoopDelay): {
  maxMs: number;
  worstP99Ms: number;
  medianP99Ms: number;
  windowsOver100: number;
  worstAtS: number[];
} {
  const p99s = d.windows.map((w) => w.p99Ms).sort((a, b) => a - b);
  const worst = [...d.windows].sort((a, b) => b.maxMs - a.maxMs);
  return {
    maxMs: worst[0]?.maxMs ?? Number.NaN,
    worstP99Ms: p99s.at(-1) ?? Number.NaN,
    medianP99Ms: p99s[Math.floor(p99s.length / 2)] ?? Number.NaN,
    windowsOver100: d.windows.filter((w) => w.maxMs > 100).length,
    worstAtS: worst.slice(0, 3).map((w) => Math.round(w.atS)),
  };
}
