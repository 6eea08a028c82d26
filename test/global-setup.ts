import { prepareTestServer, type TestDatabaseInfo } from '@commander/db/testing';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase: TestDatabaseInfo;
  }
}

// Vitest calls the global setup once per project in the same process: prepare the server
// once, keep it on globalThis, and stop it when the last project tears down.
type Shared = { prepared: ReturnType<typeof prepareTestServer>; users: number };
const KEY = Symbol.for('commander.test.database');
const store = globalThis as unknown as Record<symbol, Shared | undefined>;

export async function setup(project: TestProject) {
  const shared = (store[KEY] ??= {
    prepared: prepareTestServer(process.env.DATABASE_URL),
    users: 0,
  });
  shared.users += 1;
  const { info } = await shared.prepared;
  project.provide('testDatabase', info);
}

export async function teardown() {
  const shared = store[KEY];
  if (!shared) {
    return;
  }
  shared.users -= 1;
  if (shared.users === 0) {
    store[KEY] = undefined;
    const { server } = await shared.prepared;
    await server?.stop();
  }
}
