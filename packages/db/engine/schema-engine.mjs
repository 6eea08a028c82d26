#!/usr/bin/env node
// Stands in for Prisma's native `schema-engine` binary. prisma.config.ts points
// PRISMA_SCHEMA_ENGINE_BINARY here. The Prisma CLI starts it as
//   schema-engine --datamodels <file>… --datasource '{"url":…,"shadowDatabaseUrl":…}'
// and talks JSON-RPC over stdin/stdout (JSON log lines on stderr). Each call is handed to
// Prisma's own schema engine compiled to WebAssembly (./wasm-engine.mjs). Pre-checks run as
//   schema-engine --datasource '{"url":…}' cli can-connect-to-database | create-database | drop-database
import readline from 'node:readline';

import pg from 'pg';
import { parse as parsePgUrl } from 'pg-connection-string';

import { loadSchemaEngine } from './wasm-engine.mjs';

const argv = process.argv.slice(2);
const schemaPaths = [];
let datasource = null;
const rest = [];
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  if (arg === '--datamodels') schemaPaths.push(argv[++i]);
  else if (arg === '--datasource') datasource = JSON.parse(argv[++i]);
  else if (arg === '--enabled-preview-features' || arg === '--extension-types') i++;
  else rest.push(arg);
}
const url = datasource?.url ?? process.env.DATABASE_URL;

if (rest.includes('--version')) {
  console.log('schema-engine-cli wasm-shim');
  process.exit(0);
}

function logLine(level, fields) {
  process.stderr.write(`${JSON.stringify({ level, target: 'schema_engine::logger', fields })}\n`);
}

if (rest[0] === 'cli') {
  // The CLI skips the first stderr line (the native engine's start-up line), then reads errors.
  logLine('INFO', { message: 'Starting schema engine CLI (wasm shim)' });
  const fail = (code, message) => {
    logLine('ERROR', { error_code: code, message });
    process.exit(1);
  };
  const { database, port, ...conn } = parsePgUrl(url);
  const runSql = async (db, text) => {
    const client = new pg.Client({ ...conn, port: port ? Number(port) : undefined, database: db });
    await client.connect();
    try {
      return await client.query(text);
    } finally {
      await client.end();
    }
  };
  const quoted = `"${String(database).replace(/"/g, '""')}"`;
  try {
    if (rest[1] === 'can-connect-to-database') await runSql(database, 'SELECT 1');
    else if (rest[1] === 'create-database') {
      await runSql('postgres', `CREATE DATABASE ${quoted}`);
      console.log(database);
    } else if (rest[1] === 'drop-database') await runSql('postgres', `DROP DATABASE ${quoted}`);
    else fail(null, `unsupported command: ${rest[1]}`);
    process.exit(0);
  } catch (error) {
    const code =
      error.code === '3D000'
        ? 'P1003'
        : ['ECONNREFUSED', 'ENOTFOUND'].includes(error.code)
          ? 'P1001'
          : null;
    fail(code, error.message);
  }
}

// JSON-RPC server: one request at a time, like the native engine.
const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
const log = (line) => process.stderr.write(line.endsWith('\n') ? line : `${line}\n`);
let enginePromise;
const getEngine = () =>
  (enginePromise ??= loadSchemaEngine({
    url,
    schemaPaths,
    shadowDatabaseUrl: datasource?.shadowDatabaseUrl,
    log,
  }));

// Requests we send to the CLI ("print", for diff output), answered by id.
let nextId = 1_000_000;
const waiting = new Map();
const askCli = (method, params) =>
  new Promise((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    send({ jsonrpc: '2.0', id, method, params });
  });

async function call(method, params) {
  const engine = await getEngine();
  if (method === 'getDatabaseVersion') return engine.version(params ?? null);
  if (method === 'diff') {
    // The native engine prints the diff through the CLI rather than returning it.
    const result = await engine.diff(params);
    if (result.stdout) await askCli('print', { content: result.stdout });
    return { exitCode: result.exitCode, stdout: null };
  }
  if (typeof engine[method] !== 'function')
    throw new Error(`The wasm schema engine has no method ${method}`);
  try {
    return (await engine[method](params)) ?? {};
  } catch (error) {
    // evaluateDataLoss and createMigration read the migrations' schema from a cache that
    // devDiagnostic fills (the Wasm engine has no shadow database of its own for them). Right
    // after `migrate dev` applied migrations the cache is cold: fill it and retry once.
    const coldCache = /shadow DB must be provided through an external factory/.test(
      String(error?.message),
    );
    if (!coldCache || !params?.migrationsList) throw error;
    await engine.devDiagnostic({ migrationsList: params.migrationsList, filters: params.filters });
    return (await engine[method](params)) ?? {};
  }
}

function rpcError(error) {
  const data =
    error instanceof WebAssembly.RuntimeError
      ? { is_panic: true, message: String(error.message), backtrace: error.stack ?? null }
      : {
          is_panic: false,
          message: String(error?.message ?? error),
          meta: error?.meta ?? null,
          error_code: error?.code ?? null,
        };
  return { code: 4466, message: 'An error happened. Check the data field for details.', data };
}

let queue = Promise.resolve();
const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  if (!line.trim()) return;
  const message = JSON.parse(line);
  if (message.method === undefined && waiting.has(message.id)) {
    waiting.get(message.id)(message.result);
    waiting.delete(message.id);
    return;
  }
  queue = queue.then(async () => {
    try {
      send({ jsonrpc: '2.0', id: message.id, result: await call(message.method, message.params) });
    } catch (error) {
      send({ jsonrpc: '2.0', id: message.id, error: rpcError(error) });
    }
  });
});
lines.on('close', async () => {
  await queue;
  if (enginePromise) {
    try {
      (await enginePromise).free();
    } catch {
      // the engine is going away with the process anyway
    }
  }
  process.exit(0);
});
