// The render sandbox (security pass): does the API stay responsive while readers send hostile
// templates to POST /api/v1/render? /healthz latency measured idle, then while a few clients
// send hostile renders back to back (each answered 422 render_limit_exceeded by the render
// worker pool), against the same API process.
import { randomBytes } from 'node:crypto';

import { createCommanderClient, unwrap } from '@commander/client';
import { generateEncryptionKeys } from '@commander/crypto';
import { executeTemplate, parseTemplate } from '@commander/gotemplate';
import { bigTemplate, bigTemplateBaseline, bigTemplateValues } from '@commander/gotemplate/testing';
import { parseParams, renderClusterConfiguration, validateValues } from '@commander/renderer';
import {
  SPECIALS,
  STATIC_PARAMS,
  STATIC_VALUES,
  STATIC_VERSION,
} from '@commander/renderer/test-fixtures';

import type { BenchEnvironment } from '../environment.js';
import { freePort, startApp, waitFor } from '../processes.js';
import type { BenchmarkReport } from '../report.js';
import { markdownTable } from '../report.js';
import { formatNumber, formatRatio, summarize, type Summary } from '../stats.js';

/** Sizes of one run. */
export type RenderSandboxOptions = {
  /** /healthz requests measured idle (one at a time). */
  idleProbes: number;
  /** How long hostile renders run, in ms. */
  hostileMs: number;
  /** Clients sending hostile renders back to back. */
  hostileClients: number;
  /** Renders of the 200-line template measured in process (the engine's CPU per render). */
  engineRuns: number;
};

export const FULL_RENDER_SANDBOX: RenderSandboxOptions = {
  idleProbes: 500,
  hostileMs: 30_000,
  hostileClients: 4,
  engineRuns: 5_000,
};
export const QUICK_RENDER_SANDBOX: RenderSandboxOptions = {
  idleProbes: 100,
  hostileMs: 5_000,
  hostileClients: 2,
  engineRuns: 1_000,
};

/** The hostile templates of the security report (and deep recursion). */
const HOSTILE: { label: string; section: string; template: string }[] = [
  {
    label: 'nested `until` loops (10⁸ iterations)',
    section: 'kubernetes_template',
    template: '{{ range until 1000 }}{{ range until 100000 }}{{ end }}{{ end }}',
  },
  {
    label: '`repeat 200000000 "a"` twice (400 MB)',
    section: 'placement_template',
    template: '{{ range until 2 }}{{ repeat 200000000 "a" }}{{ end }}',
  },
  {
    label: '`regexMatch "^(a+)+$"` 100,000 times on 30 a’s and a b',
    section: 'installation_template',
    template: `{{ range until 100000 }}{{ regexMatch "^(a+)+$" "${'a'.repeat(30)}b" }}{{ end }}`,
  },
  {
    label: 'unbounded `template` recursion',
    section: 'ssh_template',
    template: '{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}',
  },
];

async function probe(base: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${base}/healthz`);
  await res.text();
  if (!res.ok) {
    throw new Error(`/healthz answered ${res.status}`);
  }
  return performance.now() - started;
}

/** CPU time (user + system) per call of `fn`, in ms, over `runs` calls after a warm-up. */
function cpuPerCall(fn: () => unknown, runs: number): number {
  for (let i = 0; i < Math.min(runs, 300); i++) {
    fn();
  }
  const before = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    fn();
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / runs;
}

/**
 * The engine alone, in this process: CPU per render of a parsed 200-line template with ranges,
 * against a hand-written JS function producing the same text (the ceiling).
 */
function engineTable(runs: number): string {
  const values = bigTemplateValues();
  const parsed = parseTemplate(bigTemplate(), { name: 'bench' });
  if (executeTemplate(parsed, values) !== bigTemplateBaseline(values)) {
    throw new Error('the engine and the baseline disagree on the 200-line template');
  }
  const engine = cpuPerCall(() => executeTemplate(parsed, values), runs);
  const parse = cpuPerCall(() => parseTemplate(bigTemplate(), { name: 'bench' }), runs / 10);
  const baseline = cpuPerCall(() => bigTemplateBaseline(values), runs * 10);
  // A whole cluster configuration (every section, params validated, secrets handled), as the
  // API and the web app render a typical template version.
  const checked = validateValues(parseParams(STATIC_PARAMS).fields, STATIC_VALUES);
  if (!checked.ok) {
    throw new Error('the renderer fixture values are invalid');
  }
  const configuration = cpuPerCall(
    () => renderClusterConfiguration(STATIC_VERSION, checked.values, SPECIALS),
    runs / 5,
  );
  return markdownTable(
    ['200-line template, 5 hosts (CPU per call)', 'ms', 'vs hand-written JS'],
    [
      ['hand-written JS producing the same text (ceiling)', formatNumber(baseline, 4), '1×'],
      [
        '`executeTemplate` of the parsed template',
        formatNumber(engine, 3),
        formatRatio(engine, baseline),
      ],
      [
        '`renderClusterConfiguration` of a typical version (all sections, parsed each time)',
        formatNumber(configuration, 3),
        '—',
      ],
      [
        '`parseTemplate` (once per template version)',
        formatNumber(parse, 3),
        formatRatio(parse, baseline),
      ],
    ],
  );
}

type RenderStats = { label: string; statuses: Map<string, number>; latencies: number[] };

export async function runRenderSandboxBenchmark(
  env: BenchEnvironment,
  options: RenderSandboxOptions,
  log: (line: string) => void,
): Promise<BenchmarkReport> {
  log('engine: CPU per render of the 200-line template');
  const engine = engineTable(options.engineRuns);
  const database = await env.createDatabase('render');
  const keys = generateEncryptionKeys();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const bootstrap = randomBytes(24).toString('base64url');
  const api = startApp(
    'api-render',
    'apps/api/src/main.ts',
    {
      DATABASE_URL: database.url,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      COMMANDER_PUBLIC_URL: base,
      COMMANDER_BOOTSTRAP_TOKEN: bootstrap,
      ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: keys.primaryKey as string,
      ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: keys.deterministicKey,
      ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: keys.keyDerivationSalt,
      // The benchmark measures the worker pool, not the per-principal rate limit.
      RENDER_RATE_LIMIT: '1000000',
    },
    env.workDir,
    { profileDir: env.profileDir ?? undefined },
  );
  env.defer('stop api', () => api.stop());
  await waitFor('the API to be ready', async () => (await fetch(`${base}/readyz`)).ok, {
    timeoutMs: 120_000,
    everyMs: 250,
    watch: [api],
  });
  const workspace = await database.db.workspace.findUniqueOrThrow({ where: { slug: 'default' } });
  const { token } = await unwrap(
    createCommanderClient({ baseUrl: base, token: bootstrap }).POST('/api/v1/auth_tokens/', {
      body: { name: 'bench-reader', workspace_id: workspace.id, scope: 'read' },
    }),
  );

  // The measured call stays raw fetch: the typed client would add an Idempotency-Key to this
  // POST (stored by the API for 24 h), which is not what a render request costs.
  const render = async (section: string, template: string) => {
    const started = performance.now();
    const res = await fetch(`${base}/api/v1/render`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': token },
      body: JSON.stringify({ template: { [section]: template }, values: {} }),
    });
    const body = (await res.json()) as { error?: { code: string; details?: { limit?: string } } };
    const outcome = body.error
      ? `${res.status} ${body.error.code}${body.error.details?.limit ? ` (${body.error.details.limit})` : ''}`
      : `${res.status}`;
    return { outcome, ms: performance.now() - started };
  };

  // Warm-up: the workers' first render, and Fastify's first /healthz.
  await render('kubernetes_template', 'a: 1');
  for (let i = 0; i < 20; i++) {
    await probe(base);
  }

  log(`idle: ${options.idleProbes} × /healthz`);
  const idle: number[] = [];
  for (let i = 0; i < options.idleProbes; i++) {
    idle.push(await probe(base));
  }

  log(`hostile: ${options.hostileClients} clients for ${options.hostileMs} ms, /healthz probed`);
  const stats: RenderStats[] = HOSTILE.map((h) => ({
    label: h.label,
    statuses: new Map(),
    latencies: [],
  }));
  const until = performance.now() + options.hostileMs;
  let next = 0;
  const clients = Array.from({ length: options.hostileClients }, async () => {
    while (performance.now() < until) {
      const i = next++ % HOSTILE.length;
      const h = HOSTILE[i]!;
      const s = stats[i]!;
      const { outcome, ms } = await render(h.section, h.template);
      s.statuses.set(outcome, (s.statuses.get(outcome) ?? 0) + 1);
      s.latencies.push(ms);
    }
  });
  const busy: number[] = [];
  const prober = (async () => {
    // Let the first renders reach the workers.
    await new Promise((r) => setTimeout(r, 200));
    while (performance.now() < until) {
      busy.push(await probe(base));
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await Promise.all([...clients, prober]);
  const rss = await apiRssMiB(api.pid);

  const idleS = summarize(idle);
  const busyS = summarize(busy);
  const row = (label: string, s: Summary) => [
    label,
    s.count,
    formatNumber(s.p50, 2),
    formatNumber(s.p95, 2),
    formatNumber(s.p99, 2),
    formatNumber(s.max, 1),
    formatRatio(s.p99, idleS.p99),
  ];
  const healthTable = markdownTable(
    ['`GET /healthz`', 'Requests', 'p50 (ms)', 'p95 (ms)', 'p99 (ms)', 'max (ms)', 'p99 vs idle'],
    [row('idle', idleS), row(`during hostile renders (${options.hostileClients} clients)`, busyS)],
  );
  const renderTable = markdownTable(
    ['Hostile render', 'Renders', 'Answers', 'Answer p50 (ms)', 'Answer max (ms)'],
    stats.map((s) => {
      const l = summarize(s.latencies);
      return [
        s.label,
        s.latencies.length,
        [...s.statuses.entries()].map(([k, v]) => `${k} ×${v}`).join(', '),
        formatNumber(l.p50, 0),
        formatNumber(l.max, 0),
      ];
    }),
  );
  const body = [
    'The API as a real process (`node --import tsx apps/api/src/main.ts`, default render',
    'settings: 2 workers, 256 MiB heap each, 1,000,000 steps, 2,000 ms, 4 MiB output, 100,000',
    'list length, depth 1,000; the rate limit raised so that it does not interfere). `/healthz`',
    `is probed one request at a time: ${options.idleProbes} requests idle, then every 20 ms while`,
    `${options.hostileClients} clients send the hostile templates below back to back with a read`,
    'token, for',
    `${formatNumber(options.hostileMs / 1000, 0)} s.`,
    '',
    '### The engine',
    '',
    engine,
    '',
    '### `/healthz` latency',
    '',
    healthTable,
    '',
    '### Hostile renders',
    '',
    renderTable,
    '',
    `API process resident memory after the run: ${rss === null ? 'unknown' : `${formatNumber(rss, 0)} MiB`}.`,
    'Before this pass the first template blocked `/healthz` for 49 s and the second grew the API to',
    '2.2 GB (security report); renders now run in worker threads within a budget, and the',
    'catastrophic regular expression runs in linear time (RE2), so that template is simply rendered',
    'unless its loop runs out of steps or time.',
  ].join('\n');
  return { name: 'render', title: 'Render sandbox: /healthz during hostile renders', body };
}

async function apiRssMiB(pid: number): Promise<number | null> {
  try {
    const { readFile } = await import('node:fs/promises');
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb === undefined ? null : Number(kb) / 1024;
  } catch {
    return null;
  }
}
