// Prisma's schema engine compiled to WebAssembly (npm: @prisma/schema-engine-wasm), talking to
// PostgreSQL through @prisma/adapter-pg. It needs neither a native binary nor network access, so
// `prisma migrate`, `prisma generate` and `prisma db …` work on machines that cannot download
// Prisma's engines (see ../../../README.md, "Database").
//
// @prisma/adapter-pg 7.10.1 needs three corrections before the schema engine can use it:
//  1. It refuses PostgreSQL's internal type "char" (OID 18), which the engine reads from
//     pg_catalog when it describes a database ("Column type 'char' could not be deserialized").
//  2. Its executeScript() splits a migration on ";" and runs the pieces one by one outside any
//     transaction, which breaks function bodies and half-applies failing migrations.
//  3. Its connectToShadowDb() reaches the MAIN database when configured with a connection
//     string, and drops the shadow database before closing its own pool.
// Versions are pinned together in package.json; upgrade them together, with the migrations
// test (test/migrations.int.test.ts) green.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from '@prisma/driver-adapter-utils';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';
import { parse as parsePgUrl } from 'pg-connection-string';

const require = createRequire(import.meta.url);

// The Wasm engine reports a Rust panic's message through this registry (Prisma's own runtimes
// install it); without it a panic surfaces only as "Cannot read properties of undefined".
globalThis.PRISMA_WASM_PANIC_REGISTRY ??= {
  set_message(message) {
    process.stderr.write(`schema engine panic: ${String(message).replace(/\n/g, ' ')}\n`);
  },
};

// Correction 1: "char" columns. adapter-pg refuses OID 18, so pg reads them as text (OID 25,
// the same short string), and each query's result then declares them Character again, which
// is what the engine reads them as (`constraint_type` of CHECK constraints, for one; as Text it
// panics). Patch the copy of pg that adapter-pg itself loads (pnpm may give it its own).
const PgResult = createRequire(require.resolve('@prisma/adapter-pg'))('pg/lib/result');
if (!PgResult.prototype.commanderCharAsText) {
  const addFields = PgResult.prototype.addFields;
  PgResult.prototype.addFields = function addFieldsCharAsText(fields) {
    for (const field of fields) {
      if (field.dataTypeID === 18) {
        field.dataTypeID = 25;
        field.commanderChar = true;
      }
    }
    return addFields.call(this, fields);
  };
  PgResult.prototype.commanderCharAsText = true;
}
/** Per queryRaw call: the indexes of its "char" columns, noted by performIO. */
const charColumns = new AsyncLocalStorage();

function withCharColumns(adapter) {
  const proto = Object.getPrototypeOf(adapter);
  const owner = 'performIO' in proto ? proto : adapter;
  if (!Object.hasOwn(owner, 'commanderCharColumns')) {
    const performIO = owner.performIO;
    owner.performIO = async function performIOCharColumns(query) {
      const result = await performIO.call(this, query);
      const note = charColumns.getStore();
      if (note) {
        note.indexes = result.fields.flatMap((field, i) => (field.commanderChar ? [i] : []));
      }
      return result;
    };
    owner.commanderCharColumns = true;
  }
  const queryRaw = adapter.queryRaw.bind(adapter);
  adapter.queryRaw = (query) => {
    const note = { indexes: [] };
    return charColumns.run(note, async () => {
      const result = await queryRaw(query);
      for (const i of note.indexes) {
        result.columnTypes[i] = ColumnTypeEnum.Character;
      }
      return result;
    });
  };
  return adapter;
}

// Correction 2: send a script as one simple-protocol query, as the native engine does.
// PostgreSQL runs a multi-statement simple query as one implicit transaction.
function withWholeScripts(adapter) {
  withCharColumns(adapter);
  adapter.executeScript = async (script) => {
    try {
      await adapter.underlyingDriver().query(script);
    } catch (error) {
      adapter.onError(error);
    }
  };
  return adapter;
}

/** Discrete pg settings: with a connection string pg would ignore a different `database`. */
function pgConfig(url) {
  const { user, password, host, port, database, ssl, schema } = parsePgUrl(url);
  return {
    config: { user, password, host, port: port ? Number(port) : undefined, database, ssl },
    options: schema ? { schema } : undefined,
  };
}

function quoteIdent(name) {
  return `"${String(name).replace(/"/g, '""')}"`;
}

// Correction 3: our own shadow database handling.
function adapterFactory(url, shadowDatabaseUrl) {
  const { config, options } = pgConfig(url);
  const factory = new PrismaPg(config, options);
  const connect = factory.connect.bind(factory);
  factory.connect = async () => withWholeScripts(await connect());
  factory.connectToShadowDb = async () => {
    if (shadowDatabaseUrl) {
      // A configured shadow database is emptied first, as the native engine does.
      const shadowCfg = pgConfig(shadowDatabaseUrl);
      const same =
        shadowCfg.config.host === config.host &&
        shadowCfg.config.port === config.port &&
        shadowCfg.config.database === config.database;
      if (same) {
        throw new Error(
          'The shadow database you configured appears to be the same as the main database.',
        );
      }
      const shadow = withWholeScripts(
        await new PrismaPg(shadowCfg.config, shadowCfg.options).connect(),
      );
      const schema = quoteIdent(shadowCfg.options?.schema ?? 'public');
      await shadow.executeScript(
        `DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema};`,
      );
      return shadow;
    }
    const name = `prisma_migrate_shadow_db_${randomUUID()}`; // Prisma's own naming
    const admin = await factory.connect();
    await admin.executeScript(`CREATE DATABASE ${quoteIdent(name)}`);
    const shadow = withWholeScripts(
      await new PrismaPg({ ...config, database: name }, options).connect(),
    );
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose(); // close the shadow pool first: PostgreSQL refuses to drop a database in use
      try {
        await admin.executeScript(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
      } finally {
        await admin.dispose();
      }
    };
    return shadow;
  };
  return bindMigrationAwareSqlAdapterFactory(factory);
}

/**
 * Starts the Wasm schema engine.
 * @param {{url: string, schemaPaths?: string[], shadowDatabaseUrl?: string, log?: (line: string) => void}} options
 *   `log` receives the engine's JSON log lines (what the native engine writes to stderr).
 * PRISMA_SCHEMA_ENGINE_WASM may name another schema_engine_bg.wasm of the same ABI, such as the
 * one inside the prisma package (node_modules/prisma/build/schema_engine_bg.wasm).
 */
export async function loadSchemaEngine({
  url,
  schemaPaths = [],
  shadowDatabaseUrl,
  log = () => {},
}) {
  const wasmPath =
    process.env.PRISMA_SCHEMA_ENGINE_WASM ??
    path.join(
      path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')),
      'schema_engine_bg.wasm',
    );
  const module = new WebAssembly.Module(await readFile(wasmPath));
  const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': glue });
  glue.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  const datamodels = [];
  for (const schemaPath of schemaPaths)
    datamodels.push([schemaPath, await readFile(schemaPath, 'utf8')]);
  return glue.SchemaEngine.new(
    { datamodels: datamodels.length > 0 ? datamodels : undefined },
    log,
    adapterFactory(url, shadowDatabaseUrl),
  );
}
