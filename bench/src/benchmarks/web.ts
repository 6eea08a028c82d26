// The web app at fleet size (issue 11): the clusters page of a workspace with 10,000 clusters,
// loaded cold (new browser profile: empty cache) in Debian's Chromium through the real API
// serving the built app, until usable: the first rows visible and the page answering a script.
// Baseline in the same run: the same cold load of an empty workspace (the app alone).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { generateEncryptionKeys } from '@commander/crypto';
import { type Browser, chromium } from '@playwright/test';

import type { BenchEnvironment } from '../environment.js';
import { freePort, REPO_ROOT, startApp, waitFor } from '../processes.js';
import { type BenchmarkReport, markdownTable } from '../report.js';
import { formatNumber, formatRatio, summarize } from '../stats.js';

export type WebOptions = {
  /** Clusters in the measured workspace. */
  clusters: number;
  /** Cold loads measured per workspace (after one unmeasured). */
  loads: number;
};

export const FULL_WEB: WebOptions = { clusters: 10_000, loads: 7 };
export const QUICK_WEB: WebOptions = { clusters: 10_000, loads: 2 };

/** The launch flags of e2e/playwright.config.ts. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The built app served; BENCH_WEB_DIST names another build (same-machine A/B runs). */
const WEB_DIST = process.env.BENCH_WEB_DIST ?? path.join(REPO_ROOT, 'apps/web/dist');
const GOAL_MS = 1_500;

type Load = {
  /** Navigation start → first rows visible and a script ran after them (ms). */
  usableMs: number;
  /** Navigation start → DOMContentLoaded (ms). */
  domContentLoadedMs: number;
  /** CPU time of the page's main thread until usable (ms; Chromium's ThreadTime metric). */
  mainThreadCpuMs: number;
  /** Of which running JavaScript (ms; Chromium's ScriptDuration, in thread time). */
  scriptCpuMs: number;
  /** API requests started before the app's entry script had arrived. */
  apiEarly: number;
  jsEncoded: number;
  jsDecoded: number;
  jsFiles: number;
  cssEncoded: number;
  apiRequests: number;
};

/** Builds the web app (with its .br/.gz copies) unless a build is already there. */
function ensureBuild(log: (line: string) => void): void {
  const assets = path.join(WEB_DIST, 'assets');
  const built =
    existsSync(path.join(WEB_DIST, 'index.html')) &&
    existsSync(assets) &&
    readdirSync(assets).some((f) => f.endsWith('.js.br'));
  if (!built) {
    log('building apps/web (vite build)');
    execFileSync('pnpm', ['--filter', '@commander/web', 'exec', 'vite', 'build'], {
      cwd: REPO_ROOT,
      stdio: 'ignore',
    });
  }
}

/**
 * The floor: the same cold load of a page that is nothing but the app's `index.html` shell with
 * one small module script drawing one table row with a link (no CSS, no framework, no API
 * call), from a bare Node.js HTTP server: what Chromium itself costs on this machine.
 */
function startBarePage(): Promise<{ base: string; server: Server }> {
  const html =
    '<!doctype html><html lang="en"><head><meta charset="UTF-8" /><title>Commander</title>' +
    '<script type="module" src="/assets/bare.js"></script></head>' +
    '<body><div id="root"></div></body></html>';
  const script =
    "const a = document.createElement('a'); a.href = '#c'; a.textContent = 'cluster-00001';\n" +
    "const t = document.createElement('table'); t.setAttribute('aria-label', 'Clusters');\n" +
    't.createTBody().insertRow().insertCell().append(a);\n' +
    "document.getElementById('root').append(t);\n";
  const server = createServer((request, response) => {
    const isScript = request.url === '/assets/bare.js';
    response.writeHead(200, {
      'content-type': isScript ? 'text/javascript' : 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
    });
    response.end(isScript ? script : html);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({ base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }),
    );
  });
}

type Target = {
  base: string;
  path: string;
  /** The visible sign that the page is there: its first row's link, or the empty state. */
  ready: 'row' | 'empty';
  /** Signed in first (the app), or not (the bare page). */
  login?: { email: string; password: string };
};

async function coldLoad(browser: Browser, target: Target): Promise<Load> {
  // A new context is a new profile: no cached assets, no service worker, only the session cookie.
  const context = await browser.newContext({
    baseURL: target.base,
    viewport: { width: 1440, height: 900 },
  });
  try {
    if (target.login) {
      // The browser context's own request: its session cookie is what the page loads with.
      const login = await context.request.post('/api/v1/auth/login', { data: target.login });
      if (!login.ok()) {
        throw new Error(`sign-in: ${login.status()} ${await login.text()}`);
      }
    }
    const page = await context.newPage();
    // Chromium's own counters of the page's main thread (thread time: what the machine's other
    // work does not inflate as much as it does wall time).
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    const metrics = async () =>
      new Map((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    const before = await metrics();
    const responses: Promise<{ type: string; encoded: number; decoded: number; api: boolean }>[] =
      [];
    page.on('requestfinished', (request) => {
      responses.push(
        (async () => {
          const sizes = await request.sizes();
          const response = await request.response();
          const body = response ? await response.body().catch(() => Buffer.alloc(0)) : null;
          return {
            type: request.resourceType(),
            encoded: sizes.responseBodySize,
            decoded: body?.length ?? 0,
            api: new URL(request.url()).pathname.startsWith('/api/'),
          };
        })(),
      );
    });
    await page.goto(target.path, { waitUntil: 'commit' });
    if (target.ready === 'row') {
      await page.locator('table[aria-label] tbody tr a').first().waitFor({ timeout: 60_000 });
    } else {
      await page.getByText(/No clusters yet/).waitFor({ timeout: 60_000 });
    }
    // A script scheduled after the rows appeared: the main thread is free to answer input.
    const usableMs = await page.evaluate(
      () => new Promise<number>((resolve) => setTimeout(() => resolve(performance.now()), 0)),
    );
    const after = await metrics();
    const spent = (name: string) =>
      Math.max(0, ((after.get(name) ?? 0) - (before.get(name) ?? 0)) * 1000);
    // When the entry script had arrived, and how many API requests were already under way.
    const apiEarly = Number(
      await page.evaluate(`(() => {
        const all = performance.getEntriesByType('resource');
        const entry = all.find((e) => e.initiatorType === 'script' && /\\/assets\\/index-/.test(e.name));
        if (!entry) return 0;
        return all.filter((e) => new URL(e.name).pathname.startsWith('/api/') && e.startTime < entry.responseEnd).length;
      })()`),
    );
    // A string: it runs in the page, and DOM types are not in the bench's lib.
    const domContentLoadedMs = Number(
      await page.evaluate(
        "performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? NaN",
      ),
    );
    // The first screen's requests finish within moments; the event stream stays open, so
    // "network idle" may never come: bounded, it no longer waits out Playwright's 30 s per load.
    await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
    const all = await Promise.all(responses);
    const scripts = all.filter((r) => r.type === 'script');
    return {
      usableMs,
      domContentLoadedMs,
      mainThreadCpuMs: spent('ThreadTime'),
      scriptCpuMs: spent('ScriptDuration'),
      apiEarly,
      jsEncoded: scripts.reduce((s, r) => s + r.encoded, 0),
      jsDecoded: scripts.reduce((s, r) => s + r.decoded, 0),
      jsFiles: scripts.length,
      cssEncoded: all.filter((r) => r.type === 'stylesheet').reduce((s, r) => s + r.encoded, 0),
      apiRequests: all.filter((r) => r.api).length,
    };
  } finally {
    await context.close();
  }
}

export async function runWebBenchmark(
  env: BenchEnvironment,
  options: WebOptions,
  log: (line: string) => void,
): Promise<BenchmarkReport> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  ensureBuild(log);
  const database = await env.createDatabase('web');
  const { db } = database;
  const keys = generateEncryptionKeys();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const email = 'bench-web@commander.local';
  const password = randomBytes(18).toString('base64url');
  const api = startApp(
    'api-web',
    'apps/api/src/main.ts',
    {
      DATABASE_URL: database.url,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      COMMANDER_PUBLIC_URL: base,
      COMMANDER_WEB_DIST: WEB_DIST,
      COMMANDER_ADMIN_EMAIL: email,
      COMMANDER_ADMIN_PASSWORD: password,
      ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: keys.primaryKey as string,
      ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: keys.deterministicKey,
      ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: keys.keyDerivationSalt,
      // Every cold load signs in once.
      LOGIN_RATE_LIMIT: '100000',
    },
    env.workDir,
  );
  env.defer('stop api', () => api.stop());
  await waitFor('the API to be ready', async () => (await fetch(`${base}/readyz`)).ok, {
    timeoutMs: 120_000,
    everyMs: 250,
    watch: [api],
  });

  // The API made the `default` workspace on its first start.
  const workspace = await db.workspace.findUniqueOrThrow({ where: { slug: 'default' } });
  await db.workspace.create({ data: { slug: 'empty', name: 'Empty' } });

  log(`seeding ${options.clusters} clusters`);
  // A fleet as it looks at rest: mostly in sync, some failing, some changing, agents reporting.
  await db.$executeRawUnsafe(
    `INSERT INTO clusters (workspace_id, name, status, agent_status, agent_last_seen_at, updated_at)
     SELECT $1::uuid, 'cluster-' || lpad(i::text, 5, '0'),
            (CASE WHEN i % 50 = 0 THEN 'CREATION_FAILED' WHEN i % 20 = 0 THEN 'CHANGING'
                  WHEN i % 7 = 0 THEN 'OUT_OF_SYNC' ELSE 'IN_SYNC' END)::"ClusterStatus",
            CASE WHEN i % 97 = 0 THEN 'lost' ELSE 'online' END, now(), now()
       FROM generate_series(1, $2::int) AS i`,
    workspace.id,
    options.clusters,
  );
  await db.$executeRawUnsafe('ANALYZE clusters');

  const bare = await startBarePage();
  env.defer(
    'stop the bare page server',
    () => new Promise<void>((r) => bare.server.close(() => r())),
  );
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  env.defer('close chromium', () => browser.close());
  const measure = async (target: Target) => {
    await coldLoad(browser, target); // warm-up: JIT, PG cache
    const loads: Load[] = [];
    for (let i = 0; i < options.loads; i++) {
      loads.push(await coldLoad(browser, target));
    }
    return loads;
  };
  const login = { email, password };
  log(`cold loads: ${options.loads} × bare page (floor)`);
  const floor = await measure({ base: bare.base, path: '/', ready: 'row' });
  log(`cold loads: ${options.loads} × empty workspace (baseline)`);
  const empty = await measure({ base, path: '/w/empty/clusters', ready: 'empty', login });
  log(`cold loads: ${options.loads} × ${options.clusters} clusters`);
  const fleet = await measure({ base, path: '/w/default/clusters', ready: 'row', login });
  await browser.close();

  const fleetUsable = summarize(fleet.map((l) => l.usableMs));
  const emptyUsable = summarize(empty.map((l) => l.usableMs));
  const floorUsable = summarize(floor.map((l) => l.usableMs));
  const fleetDcl = summarize(fleet.map((l) => l.domContentLoadedMs));
  const cpu = (loads: Load[]) => summarize(loads.map((l) => l.mainThreadCpuMs)).p50;
  const script = (loads: Load[]) => summarize(loads.map((l) => l.scriptCpuMs)).p50;
  const last = fleet[fleet.length - 1]!;
  const distJs = readdirSync(path.join(WEB_DIST, 'assets'))
    .filter((f) => f.endsWith('.js'))
    .reduce((s, f) => s + statSync(path.join(WEB_DIST, 'assets', f)).size, 0);
  const entry = /src="\/assets\/(index-[^"]+\.js)"/.exec(
    readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8'),
  )?.[1];
  const met = fleetUsable.p50 < GOAL_MS;

  const body = [
    `Cold load of \`/w/default/clusters\` at 1440 × 900 in Chromium ${browser.version()} (a new profile each time: empty cache, ${CHROMIUM_ARGS.join(' ')}), API as a real process serving \`apps/web/dist\` from PostgreSQL with ${formatNumber(options.clusters, 0)} clusters in the workspace; ${options.loads} measured loads after one warm-up. **Usable** = navigation start → the first row's link is visible and a task queued after it ran (the main thread answers input). Baseline: the same cold load of an empty workspace in the same run.`,
    '',
    markdownTable(
      [
        'Page',
        'Usable p50 (ms)',
        'Usable max (ms)',
        'DOMContentLoaded p50 (ms)',
        'Main-thread CPU p50 (ms)',
        'of which JavaScript (ms)',
        'vs empty',
        'vs bare page',
      ],
      [
        [
          `${formatNumber(options.clusters, 0)} clusters`,
          fleetUsable.p50,
          fleetUsable.max,
          fleetDcl.p50,
          cpu(fleet),
          script(fleet),
          formatRatio(fleetUsable.p50, emptyUsable.p50),
          formatRatio(fleetUsable.p50, floorUsable.p50),
        ],
        [
          'empty workspace (baseline)',
          emptyUsable.p50,
          emptyUsable.max,
          summarize(empty.map((l) => l.domContentLoadedMs)).p50,
          cpu(empty),
          script(empty),
          '1.00×',
          formatRatio(emptyUsable.p50, floorUsable.p50),
        ],
        [
          'bare page (floor)',
          floorUsable.p50,
          floorUsable.max,
          summarize(floor.map((l) => l.domContentLoadedMs)).p50,
          cpu(floor),
          script(floor),
          '',
          '1.00×',
        ],
      ],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    `The bare page: \`index.html\` with one small module script drawing one table row with a link (no CSS, no framework, no API call), served by a bare Node.js HTTP server: Chromium's own cold load on this machine. Main-thread CPU: Chromium's ThreadTime and ScriptDuration (thread time) from before the navigation to usable, which the machine's other work inflates less than wall time.`,
    '',
    markdownTable(
      ['Transferred on a cold load', 'Compressed (kB)', 'Uncompressed (kB)', 'Files'],
      [
        ['JavaScript', last.jsEncoded / 1024, last.jsDecoded / 1024, last.jsFiles],
        ['CSS', last.cssEncoded / 1024, '', ''],
        ['All JavaScript of the build', '', distJs / 1024, ''],
      ],
      ['l', 'r', 'r', 'r'],
    ),
    '',
    `API requests per load: ${last.apiRequests} finished (the session with its workspaces and the page of 25 clusters, whose rows name their templates; builds before the template names on the rows also fetched the templates; the event stream stays open), ${last.apiEarly} of them started before the app's entry script had arrived (\`public/boot.js\`). Entry chunk: \`${entry ?? '?'}\`.`,
    '',
    `**Goal** (cold load to usable < ${formatNumber(GOAL_MS, 0)} ms with ${formatNumber(options.clusters, 0)} clusters): ${met ? `**met** (p50 ${formatNumber(fleetUsable.p50, 0)} ms)` : `**not met** (p50 ${formatNumber(fleetUsable.p50, 0)} ms)`}. JavaScript is sent brotli-compressed (${formatRatio(last.jsDecoded, last.jsEncoded)} smaller than its bytes), hashed and immutable; the ${formatNumber(options.clusters, 0)} clusters cost ${formatRatio(fleetUsable.p50, emptyUsable.p50)} of the empty workspace's load, as the page fetches one page of 25 sorted on the server.`,
  ].join('\n');
  return { name: 'web', title: 'Web: the clusters page at fleet size', body };
}
