/**
 * `pnpm commander <command>`: operator commands.
 *
 *   db:backup FILE                 custom-format pg_dump of the database to FILE
 *   db:restore FILE                restores FILE into the database in one transaction (replacing
 *                                  the schemas it holds),
 *                                  then checks that the configured keys can read the restored data
 *   keys:rotate [--new-key KEY]    re-encrypts every encrypted column with a new primary key
 *   keys:generate                  prints three new keys (for ACTIVE_RECORD_ENCRYPTION_*)
 *
 * Every other command is the API client's (apps/cli: login, use-workspace, clusters, change-requests,
 * templates; `pnpm commander --help`), which talks to a running Commander over HTTP.
 *
 * The database is DATABASE_URL, or the embedded PostgreSQL of `pnpm start` (COMMANDER_DATA_DIR,
 * EMBEDDED_PG_PORT; started for the command when it is not running). Keys come from the
 * ACTIVE_RECORD_ENCRYPTION_* variables or the key file, as for the API.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { reencryptAll, settingText } from '@commander/core';
import {
  createEncryptor,
  EncryptionKeyError,
  generateEncryptionKeys,
  resolveEncryptionKeys,
  verifyKeyCheck,
  withNewPrimaryKey,
  writeKeyFile,
} from '@commander/crypto';
import { createDb, startEmbeddedPostgres, withDatabase } from '@commander/db';
import pg from 'pg';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const dataDir = path.resolve(ROOT, env.COMMANDER_DATA_DIR ?? '.data');
const keyFile = env.COMMANDER_KEY_FILE ?? path.join(dataDir, 'encryption-keys.json');

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The database URL, starting the embedded server for the command when needed. */
async function database(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (env.DATABASE_URL) {
    return { url: env.DATABASE_URL, stop: async () => undefined };
  }
  const port = Number(env.EMBEDDED_PG_PORT ?? 54320);
  const url = `postgresql://postgres:postgres@127.0.0.1:${port}/commander`;
  if (await canConnect(url)) {
    return { url, stop: async () => undefined };
  }
  if (!existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))) {
    fail(
      `no database: set DATABASE_URL, or run \`pnpm start\` once to create ${path.join(dataDir, 'postgres')}`,
    );
  }
  const server = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres'), port });
  return { url: withDatabase(server.url, 'commander'), stop: server.stop };
}

function keyInput() {
  return {
    primaryKey: env.ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY,
    previousPrimaryKeys: (env.ACTIVE_RECORD_ENCRYPTION_PREVIOUS_PRIMARY_KEYS ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
    deterministicKey: env.ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY,
    keyDerivationSalt: env.ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT,
    keyFile,
  };
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new Error(
              `${command} not found: install the PostgreSQL client tools (Debian: apt-get install postgresql-client; version 15 or newer)`,
            )
          : error,
      ),
    );
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with code ${code}`)),
    );
  });
}

async function backup(file: string | undefined): Promise<void> {
  if (!file) {
    fail('usage: pnpm commander db:backup FILE');
  }
  const db = await database();
  try {
    await run('pg_dump', [
      '--format=custom',
      '--no-owner',
      `--file=${path.resolve(file)}`,
      `--dbname=${db.url}`,
    ]);
    process.stdout.write(
      `Backup written to ${file}.\nIt holds encrypted secrets: keep the encryption keys (${env.ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY ? 'ACTIVE_RECORD_ENCRYPTION_* variables' : keyFile}) safe and apart from it — a restore needs them.\n`,
    );
  } finally {
    await db.stop();
  }
}

async function restore(file: string | undefined): Promise<void> {
  if (!file || !existsSync(file)) {
    fail('usage: pnpm commander db:restore FILE (an existing backup from db:backup)');
  }
  const db = await database();
  const work = mkdtempSync(path.join(tmpdir(), 'commander-restore-'));
  try {
    // The backup becomes an SQL script first (a damaged file fails here, before anything is
    // touched); then one psql transaction drops the schemas the backup holds and runs it, so a
    // failure leaves the database as it was. Not `pg_restore --clean`: it cannot drop the
    // primary keys of telemetry partitions (inherited constraints).
    const script = path.join(work, 'restore.sql');
    await run('pg_restore', ['--no-owner', `--file=${script}`, path.resolve(file)]);
    const sql = readFileSync(script, 'utf8');
    const schemas = new Set(['public']);
    for (const m of sql.matchAll(/^CREATE SCHEMA (\w+);$/gm)) {
      schemas.add(m[1]!);
    }
    const preamble = path.join(work, 'preamble.sql');
    writeFileSync(
      preamble,
      'SET client_min_messages = warning;\n' +
        [...schemas].map((name) => `DROP SCHEMA IF EXISTS "${name}" CASCADE;\n`).join('') +
        (/^CREATE SCHEMA public;$/m.test(sql) ? '' : 'CREATE SCHEMA public;\n'),
    );
    await run('psql', [
      '--no-psqlrc',
      '--quiet',
      '--single-transaction',
      '--set=ON_ERROR_STOP=1',
      `--dbname=${db.url}`,
      `--file=${preamble}`,
      `--file=${script}`,
    ]);
    const client = createDb(db.url, { poolSize: 1 });
    try {
      const check = await client.systemSetting.findUnique({
        where: { key: 'encryption_key_check' },
      });
      if (check) {
        const { keys } = await resolveEncryptionKeys({ ...keyInput(), generateIfMissing: false });
        verifyKeyCheck(createEncryptor(keys), settingText(check.value));
      }
      process.stdout.write(`Restored ${file}; the configured encryption keys read its secrets.\n`);
    } catch (error) {
      if (error instanceof EncryptionKeyError) {
        fail(
          `the backup was restored, but its secrets were encrypted with other keys: ${error.message}\n` +
            `Configure the keys that were in use when the backup was made (${error.keyName} and the others), then start Commander.`,
        );
      }
      throw error;
    } finally {
      await client.$disconnect();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    await db.stop();
  }
}

async function rotate(args: string[]): Promise<void> {
  const index = args.indexOf('--new-key');
  const newKey = index >= 0 ? args[index + 1] : undefined;
  const resolved = await resolveEncryptionKeys({ ...keyInput(), generateIfMissing: false });
  const next = withNewPrimaryKey(resolved.keys, newKey);
  const from = createEncryptor(resolved.keys);
  const to = createEncryptor(next);
  const db = await database();
  const client = createDb(db.url, { poolSize: 2 });
  try {
    const check = await client.systemSetting.findUnique({ where: { key: 'encryption_key_check' } });
    if (check) {
      verifyKeyCheck(from, settingText(check.value));
    }
    const report = await reencryptAll(client, from, to);
    for (const line of report) {
      process.stdout.write(`  ${line.column}: ${line.reencrypted} value(s) re-encrypted\n`);
    }
  } finally {
    await client.$disconnect();
    await db.stop();
  }
  const primary: string[] =
    typeof next.primaryKey === 'string' ? [next.primaryKey] : [...next.primaryKey];
  const newest = primary[primary.length - 1]!;
  if (resolved.source === 'env') {
    process.stdout.write(
      `\nEvery secret is now encrypted with a new primary key. Update the environment of every process, then restart:\n` +
        `  ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY=${newest}\n` +
        `  ACTIVE_RECORD_ENCRYPTION_PREVIOUS_PRIMARY_KEYS=${primary.slice(0, -1).join(',')}\n` +
        `Keep the previous keys until you no longer need older backups.\n`,
    );
  } else {
    await writeKeyFile(resolved.keyFile ?? keyFile, next);
    process.stdout.write(
      `\nEvery secret is now encrypted with a new primary key, added to ${resolved.keyFile ?? keyFile} (older keys stay for older backups). Restart the API and managers. Back up the key file.\n`,
    );
  }
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  switch (command) {
    case 'db:backup':
      return backup(args[0]);
    case 'db:restore':
      return restore(args[0]);
    case 'keys:rotate':
      return rotate(args);
    case 'keys:generate': {
      const keys = generateEncryptionKeys();
      process.stdout.write(
        `ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY=${String(keys.primaryKey)}\nACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY=${keys.deterministicKey}\nACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT=${keys.keyDerivationSalt}\n`,
      );
      return;
    }
    default: {
      const { run } = await import('@commander/cli');
      if (!command || command === '--help' || command === '-h') {
        process.stdout.write(
          'operator commands: pnpm commander db:backup FILE | db:restore FILE | keys:rotate [--new-key KEY] | keys:generate\n\n',
        );
      }
      process.exitCode = await run(process.argv.slice(2), {
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
        env: process.env,
        tty: process.stderr.isTTY,
      });
    }
  }
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
