import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';

import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

import { REPO_ROOT } from '../src/migrate.js';
import { startEmbeddedPostgres } from '../src/server.js';

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

const dataDir = path.join(REPO_ROOT, `.data/test-embedded-${process.pid}`);
let leftover = 0;

afterAll(async () => {
  // Should the test fail, never leave its server running.
  if (leftover > 1) {
    try {
      process.kill(leftover, 'SIGINT');
    } catch {
      // already gone
    }
  }
  await rm(dataDir, { recursive: true, force: true });
});

describe('startEmbeddedPostgres', () => {
  it('takes over a data directory whose server outlived its killed supervisor', async () => {
    const port = await freePort();
    // A supervisor (as `pnpm start`) starts the server, then dies by SIGKILL: nobody stops it.
    const script = `
      import { startEmbeddedPostgres } from './packages/db/src/server.ts';
      await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${port} });
      console.log('started');
      setInterval(() => {}, 1000);
    `;
    const supervisor = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    supervisor.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await expect.poll(() => output, { timeout: 90_000, interval: 200 }).toContain('started');
    supervisor.kill('SIGKILL');
    await once(supervisor, 'exit');
    leftover = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    expect(() => process.kill(leftover, 0)).not.toThrow();

    // The next start stops the leftover server and starts its own on the same data.
    const server = await startEmbeddedPostgres({ dataDir, port });
    try {
      expect(() => process.kill(leftover, 0)).toThrow();
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const { rows } = await client.query<{ ok: number }>('SELECT 1 AS ok');
      await client.end();
      expect(rows[0]?.ok).toBe(1);
    } finally {
      await server.stop();
    }
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
  }, 180_000);
});
