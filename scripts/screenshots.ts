// `pnpm screenshots`: starts the whole system the way a user does (`scripts/start.ts`, embedded
// PostgreSQL, dhctl-sim, two managers) in its own data directory and ports, gives the `default`
// workspace a fleet of 200 clusters (a few created for real through the API and installed by
// the simulator, the rest written straight into the database in assorted states) and two staged
// rollouts (one completed, one soaking its first wave) on a template of their own, and saves
// screenshots of the cluster list, a cluster page, a cluster's Administration tab (its
// Kubernetes objects through the agent's tunnel), the rollouts, a rollout, the audit log and the
// installation's Administration (users), light and dark, English and Russian, at 1440 px and on
// a phone (390 px), to docs/screenshots/. Debian's Chromium (`CHROMIUM_PATH`, default
// /usr/bin/chromium). Ports: SCREENSHOTS_PORT (8097), SCREENSHOTS_SIM_GRPC_PORT (9197),
// SCREENSHOTS_SIM_HTTP_PORT (9198), SCREENSHOTS_PG_PORT (54397).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { type Browser, chromium, type Page } from '@playwright/test';
import pg from 'pg';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'docs/screenshots');
const DATA_DIR = path.join(ROOT, process.env.SCREENSHOTS_DATA_DIR ?? '.data/screenshots');
const PORT = Number(process.env.SCREENSHOTS_PORT ?? 8097);
const PG_PORT = Number(process.env.SCREENSHOTS_PG_PORT ?? 54397);
const BASE = `http://127.0.0.1:${PORT}`;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ADMIN = { email: 'admin@screenshots.test', password: 'screenshots-admin-password' };
const BOOTSTRAP = 'screenshots-bootstrap-token-0123456789abcdef';
const FLEET = 200;
/** Clusters created through the API and installed by the simulator (real operations, logs). */
const REAL = ['prod-eu-central-1', 'staging-eu-west', 'edge-store-0042'];

function say(line: string): void {
  process.stdout.write(`[screenshots] ${line}\n`);
}

async function poll<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 180_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) {
        return value;
      }
    } catch {
      // not yet
    }
    if (Date.now() > until) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function startSystem(): ChildProcess {
  rmSync(DATA_DIR, { recursive: true, force: true });
  say(`starting the system on ${BASE} (data in ${path.relative(ROOT, DATA_DIR)}) …`);
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      DATABASE_URL: '',
      COMMANDER_DATA_DIR: DATA_DIR,
      PORT: String(PORT),
      HOST: '127.0.0.1',
      COMMANDER_PUBLIC_URL: BASE,
      EMBEDDED_PG_PORT: String(PG_PORT),
      DHCTL_SIM_GRPC_PORT: process.env.SCREENSHOTS_SIM_GRPC_PORT ?? '9197',
      DHCTL_SIM_HTTP_PORT: process.env.SCREENSHOTS_SIM_HTTP_PORT ?? '9198',
      DHCTL_SIM_PHASE_DELAY_MS: '150',
      DHCTL_SIM_AGENT_POLL_MS: '2000',
      DHCTL_SIM_TELEMETRY_MS: '2000',
      COMMANDER_ADMIN_EMAIL: ADMIN.email,
      COMMANDER_ADMIN_PASSWORD: ADMIN.password,
      COMMANDER_BOOTSTRAP_TOKEN: BOOTSTRAP,
      MANAGER_REPLICAS: '2',
      LOG_LEVEL: 'warn',
    },
  });
  return child;
}

async function api<T>(method: string, url: string, token: string, body?: unknown): Promise<T> {
  const res = await fetch(`${BASE}${url}`, {
    method,
    headers: {
      'x-auth-token': token,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) {
    throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  }
  return (await res.json()) as T;
}

type ApiCluster = { id: string; name: string; status: string; agent_status: string };

/** A few clusters through the API, installed for real; returns the first. */
async function createRealClusters(): Promise<{ token: string; first: ApiCluster }> {
  const workspaces = await api<{ id: string; slug: string }[]>(
    'GET',
    '/api/v1/workspaces',
    BOOTSTRAP,
  );
  const workspace = workspaces.find((w) => w.slug === 'default');
  const { token } = await api<{ token: string }>('POST', '/api/v1/auth_tokens', BOOTSTRAP, {
    name: 'ci-pipeline',
    workspace_id: workspace?.id,
    scope: 'write',
  });
  const templates = await api<{ name: string; current_cluster_template_version_id: string }[]>(
    'GET',
    '/api/v1/cluster_templates',
    token,
  );
  const version = templates.find(
    (t) => t.name === 'Static cluster',
  )?.current_cluster_template_version_id;
  const created: ApiCluster[] = [];
  for (const name of REAL) {
    created.push(
      await api<ApiCluster>('POST', '/api/v1/clusters', token, {
        name,
        cluster_template_version_id: version,
        values: {},
      }),
    );
  }
  for (const cluster of created) {
    await poll(`${cluster.name} to be ready with its agent online`, async () => {
      const now = await api<ApiCluster>('GET', `/api/v1/clusters/${cluster.id}`, token);
      return now.status === 'in_sync' && now.agent_status === 'online' ? now : undefined;
    });
  }
  say(`${REAL.length} clusters installed by the simulator`);
  return { token, first: created[0]! };
}

/** A template with two versions (v2 adds a managed ConfigMap: a change, not a destructive one). */
function rolloutTemplateYaml(): string {
  const version = (
    n: number,
  ) => `  - comment: ${n === 1 ? 'Store baseline' : 'Store baseline with the price feed'}
    params:
      - key: host
        type: string
        title: Host
        default: 10.0.9.1
    kubernetes_template: |
      apiVersion: deckhouse.io/v1
      kind: ClusterConfiguration
      clusterType: Static
      kubernetesVersion: "1.33"
      podSubnetCIDR: 10.111.0.0/16
      serviceSubnetCIDR: 10.222.0.0/16
      clusterDomain: cluster.local
    placement_template: |
      apiVersion: deckhouse.io/v1
      kind: StaticClusterConfiguration
      internalNetworkCIDRs:
        - 10.0.9.0/24
    ssh_template: |
      apiVersion: dhctl.deckhouse.io/v1
      kind: SSHConfig
      sshUser: ubuntu
      sshPort: 22
      sshAgentPrivateKeys:
      - key: |
          {{- .dc_sshPrivateKey | nindent 4 }}
      ---
      apiVersion: dhctl.deckhouse.io/v1
      kind: SSHHost
      host: {{ .host }}
    installation_template: |
      apiVersion: deckhouse.io/v1
      kind: InitConfiguration
      deckhouse:
        imagesRepo: registry.deckhouse.io/deckhouse/ce
        registryDockerCfg: eyJhdXRocyI6IHsgInJlZ2lzdHJ5LmRlY2tob3VzZS5pbyI6IHt9fX0=
    primary_resources_template: |
      apiVersion: deckhouse.io/v1alpha1
      kind: ModuleConfig
      metadata:
        name: commander-agent
        labels:
          heritage: deckhouse-commander
      spec:
        enabled: true
        version: 1
        settings:
          commanderUrl: "http://{{ .dc_domain }}/agent_api/{{ .dc_clusterUUID }}"
    resources:
      - name: store
        sync_mode: managed
        template: |
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: store-settings
            namespace: default
          data:
            release: "${n}"
`;
  return `apiVersion: commander.deckhouse.io/v1
kind: ClusterTemplate
name: Edge stores
comment: Retail edge clusters, rolled out in waves
versions:
${version(1)}${version(2)}`;
}

type ApiRollout = { id: string; status: string; waves: { clusters: { state: string }[] }[] };

/**
 * Two staged rollouts on a template of their own (three stores installed by the simulator): one
 * of one store, completed; one of two stores in two waves, its first wave soaking for an hour.
 * Returns the second.
 */
async function createRollouts(token: string): Promise<ApiRollout> {
  const template = await api<{
    id: string;
    cluster_template_versions: { id: string; number: number }[];
  }>('POST', '/api/v1/cluster_templates/import', token, { content: rolloutTemplateYaml() });
  const [v1, v2] = [...template.cluster_template_versions].sort((a, b) => a.number - b.number);
  const stores: ApiCluster[] = [];
  for (const name of ['store-berlin-01', 'store-munich-02', 'store-hamburg-03']) {
    stores.push(
      await api<ApiCluster>('POST', '/api/v1/clusters', token, {
        name,
        cluster_template_version_id: v1!.id,
        values: { host: '10.0.9.1' },
      }),
    );
  }
  for (const store of stores) {
    await poll(`${store.name} to be ready`, async () => {
      const now = await api<ApiCluster>('GET', `/api/v1/clusters/${store.id}`, token);
      return now.status === 'in_sync' && now.agent_status === 'online' ? now : undefined;
    });
  }
  const start = (ids: string[], waves: unknown[], soak: number) =>
    api<ApiRollout>('POST', '/api/v1/rollouts', token, {
      cluster_template_id: template.id,
      cluster_template_version_id: v2!.id,
      cluster_ids: ids,
      waves,
      soak_seconds: soak,
      dry_run: false,
    });
  const first = await start([stores[0]!.id], [{ size: 1 }], 5);
  await poll('the first rollout to complete', async () => {
    const now = await api<ApiRollout>('GET', `/api/v1/rollouts/${first.id}`, token);
    return now.status === 'completed' ? now : undefined;
  });
  const second = await start([stores[1]!.id, stores[2]!.id], [{ size: 1 }, { rest: true }], 3600);
  await poll('the second rollout to soak its first wave', async () => {
    const now = await api<ApiRollout>('GET', `/api/v1/rollouts/${second.id}`, token);
    return now.waves[0]?.clusters[0]?.state === 'soaking' ? now : undefined;
  });
  say('two rollouts: one completed, one soaking its first wave');
  return second;
}

/** A few people for the Administration pages, each bound to a workspace role of `default`. */
async function createPeople(): Promise<void> {
  const workspaces = await api<{ id: string; slug: string }[]>(
    'GET',
    '/api/v1/workspaces',
    BOOTSTRAP,
  );
  const workspaceId = workspaces.find((w) => w.slug === 'default')?.id;
  const roles = (
    await api<{ id: string; name: string; scope: string }[]>('GET', '/api/v1/roles', BOOTSTRAP)
  ).filter((r) => r.scope === 'workspace');
  const people = [
    { name: 'Anna Petrova', email: 'anna.petrova@example.com' },
    { name: 'Jonas Weber', email: 'jonas.weber@example.com' },
    { name: 'Mei Chen', email: 'mei.chen@example.com' },
  ];
  for (const [i, person] of people.entries()) {
    const user = await api<{ id: string }>('POST', '/api/v1/users', BOOTSTRAP, {
      ...person,
      password: `screenshots-${person.email}`,
    });
    const role = roles[i % Math.max(1, roles.length)];
    if (role) {
      await api('POST', '/api/v1/role_bindings', BOOTSTRAP, {
        user_id: user.id,
        role_id: role.id,
        workspace_id: workspaceId,
      });
    }
  }
}

/** The rest of the fleet, straight into the database: statuses, agents and telemetry vary. */
async function seedFleet(count: number): Promise<void> {
  const client = new pg.Client({
    connectionString: `postgresql://postgres:postgres@127.0.0.1:${PG_PORT}/commander`,
  });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO clusters (workspace_id, name, status, agent_status, agent_last_seen_at,
                             cluster_template_version_id, agent_data, created_at, updated_at)
       SELECT w.id,
              (ARRAY['prod','staging','edge','retail','factory','lab'])[1 + i % 6] || '-' ||
                (ARRAY['eu','us','ap','ru'])[1 + i % 4] || '-' || lpad(i::text, 3, '0'),
              (CASE WHEN i % 41 = 0 THEN 'CREATION_FAILED' WHEN i % 37 = 0 THEN 'DESTRUCTIVE_CHANGES'
                    WHEN i % 23 = 0 THEN 'CHANGING' WHEN i % 13 = 0 THEN 'OUT_OF_SYNC'
                    WHEN i % 31 = 0 THEN 'CREATING' ELSE 'IN_SYNC' END)::"ClusterStatus",
              CASE WHEN i % 29 = 0 THEN 'lost' WHEN i % 31 = 0 THEN 'unknown' ELSE 'online' END,
              now() - (i % 5) * interval '1 minute',
              w.version_id,
              CASE WHEN i % 31 = 0 THEN NULL ELSE jsonb_build_array(jsonb_build_object(
                'source', 'overview',
                'data', jsonb_build_object(
                  'reported_at', now(),
                  'dkp_version', (ARRAY['v1.68.4','v1.69.2','v1.70.1'])[1 + i % 3],
                  'kubernetes_version', (ARRAY['1.30.9','1.31.4','1.32.1'])[1 + i % 3],
                  'metrics', jsonb_build_object('node_count', 1 + i % 9, 'cpu_cores', 4 * (1 + i % 9),
                    'cpu_usage', 0.35, 'memory_bytes', 17179869184 * (1 + i % 9),
                    'memory_used_bytes', 8589934592 * (1 + i % 9)),
                  'warnings', jsonb_build_object('firing_alerts',
                    CASE WHEN i % 11 = 0 THEN jsonb_build_array(jsonb_build_object(
                      'alert', 'NodeDiskPressure', 'severity', 'warning',
                      'message', 'A node is running out of disk space'))
                    ELSE '[]'::jsonb END)))) END,
              now() - (i * interval '7 hours'),
              now()
         FROM generate_series(1, $1::int) AS i,
              (SELECT ws.id, t.current_cluster_template_version_id AS version_id
                 FROM workspaces ws, cluster_templates t
                WHERE ws.slug = 'default' AND t.name = 'Static cluster' AND t.workspace_id = ws.id
                LIMIT 1) AS w`,
      [count],
    );
    await client.query('ANALYZE clusters');
  } finally {
    await client.end();
  }
  say(`${count} more clusters written to the database`);
}

async function signIn(page: Page): Promise<void> {
  await page.goto('/sign-in');
  await page.locator('input[type="email"], input[name="email"]').first().fill(ADMIN.email);
  await page.locator('input[type="password"]').first().fill(ADMIN.password);
  await page.locator('button[type="submit"]').first().click();
  await page.getByRole('button', { name: /^(User menu|Меню пользователя)/ }).waitFor();
}

/** Waits until no skeleton and no loading table is on screen, then a moment for charts. */
async function settle(page: Page): Promise<void> {
  // Not 'networkidle': the live event stream keeps a request open all the time.
  await page.locator('main h1').first().waitFor();
  await page
    .locator('[data-loading="true"], .mantine-Skeleton-root')
    .first()
    .waitFor({ state: 'detached', timeout: 15_000 })
    .catch(() => undefined);
  // CodeMirror measures only the lines it has seen on screen (the rest are estimates that put
  // line numbers off in a full-page picture): scroll through the page once, then back up.
  // (A string: the scripts' tsconfig has no DOM types.)
  await page.evaluate(`(async () => {
    const step = window.innerHeight / 2;
    for (let y = 0; y < document.body.scrollHeight; y += step) {
      window.scrollTo(0, y);
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    window.scrollTo(0, 0);
  })()`);
  // Transitions (chart lines drawing, menus fading) end; a screenshot is not a test.
  await page.waitForTimeout(800);
}

type Shot = { name: string; path: string; width: number; fullPage: boolean };

async function capture(
  browser: Browser,
  language: 'en' | 'ru',
  scheme: 'light' | 'dark',
  shots: Shot[],
): Promise<void> {
  for (const width of [...new Set(shots.map((s) => s.width))]) {
    const context = await browser.newContext({
      baseURL: BASE,
      viewport: { width, height: width < 600 ? 844 : 900 },
      deviceScaleFactor: 1,
      colorScheme: scheme,
      locale: language === 'ru' ? 'ru-RU' : 'en-US',
      timezoneId: 'Europe/Berlin',
    });
    await context.addInitScript((lang) => {
      // Runs in the page (the scripts' tsconfig has no DOM types).
      (
        globalThis as unknown as { localStorage: { setItem: (k: string, v: string) => void } }
      ).localStorage.setItem('commander.language', lang);
    }, language);
    const page = await context.newPage();
    await signIn(page);
    for (const shot of shots.filter((s) => s.width === width)) {
      await page.goto(shot.path);
      await settle(page);
      const file = path.join(OUT, `${shot.name}-${language}-${scheme}.png`);
      await page.screenshot({ path: file, fullPage: shot.fullPage });
      say(`wrote ${path.relative(ROOT, file)}`);
    }
    await context.close();
  }
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const system = startSystem();
  const stop = () => {
    if (system.exitCode === null) {
      system.kill('SIGTERM');
    }
  };
  process.on('SIGINT', () => {
    stop();
    process.exit(130);
  });
  let browser: Browser | undefined;
  try {
    await poll('the API to be ready', async () =>
      (await fetch(`${BASE}/readyz`)).ok ? true : undefined,
    );
    const { token, first } = await createRealClusters();
    const rollout = await createRollouts(token);
    await createPeople();
    // The fleet: 200 clusters with the real ones and the stores.
    await seedFleet(FLEET - REAL.length - 3);
    // The real cluster's agent reports a few telemetry samples for the charts.
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    const cluster = `/w/default/clusters/${first.id}`;
    const shots: Shot[] = [
      { name: 'clusters', path: '/w/default/clusters', width: 1440, fullPage: false },
      { name: 'cluster', path: `${cluster}?range=1h`, width: 1440, fullPage: true },
      {
        name: 'cluster-administration',
        path: `${cluster}/administration`,
        width: 1440,
        fullPage: false,
      },
      { name: 'rollouts', path: '/w/default/rollouts', width: 1440, fullPage: false },
      { name: 'rollout', path: `/w/default/rollouts/${rollout.id}`, width: 1440, fullPage: true },
      { name: 'audit', path: '/w/default/audit', width: 1440, fullPage: false },
      { name: 'administration', path: '/settings/users', width: 1440, fullPage: false },
      { name: 'phone-clusters', path: '/w/default/clusters', width: 390, fullPage: false },
      { name: 'phone-cluster', path: `${cluster}?range=1h`, width: 390, fullPage: false },
    ];
    for (const language of ['en', 'ru'] as const) {
      for (const scheme of ['light', 'dark'] as const) {
        await capture(browser, language, scheme, shots);
      }
    }
  } finally {
    await browser?.close();
    stop();
    await new Promise<void>((resolve) => {
      if (system.exitCode !== null) {
        resolve();
      } else {
        system.once('exit', () => resolve());
      }
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[screenshots] ${String(error instanceof Error ? error.stack : error)}\n`);
  process.exit(1);
});
