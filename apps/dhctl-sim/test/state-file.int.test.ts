// The state file holds the virtual clusters' agent keys: it is written 0600 (its directory,
// when the simulator creates it, 0700), and a file left with a wider mode is tightened.
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createDhctlClient } from '@commander/dhctl';
import { afterEach, describe, expect, it } from 'vitest';

import { startDhctlSim } from '../src/index.js';
import { staticBootstrap } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

async function modeOf(file: string): Promise<number> {
  return (await stat(file)).mode & 0o777;
}

async function tempDir(): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'dhctl-sim-state-'));
  cleanups.push(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

async function bootstrapOnce(stateFile: string, host: string, log?: (m: string) => void) {
  const sim = await startDhctlSim({ httpPort: null, agents: false, stateFile, log });
  const client = createDhctlClient(sim.grpcAddress);
  try {
    expect((await client.bootstrap(staticBootstrap(host))).ok).toBe(true);
  } finally {
    client.close();
    await sim.stop();
  }
}

describe('state file', () => {
  it('is created 0600 in a new 0700 directory', async () => {
    const stateFile = path.join(await tempDir(), 'nested', 'deeper', 'state.json');
    await bootstrapOnce(stateFile, '10.78.0.1');
    expect(await modeOf(stateFile)).toBe(0o600);
    expect(await modeOf(path.dirname(stateFile))).toBe(0o700);
    expect(await modeOf(path.dirname(path.dirname(stateFile)))).toBe(0o700);
  });

  it('tightens an existing world-readable file (and a stale temporary file) to 0600', async () => {
    const directory = await tempDir();
    const stateFile = path.join(directory, 'state.json');
    await writeFile(stateFile, '{"version":1,"clusters":[]}\n', { mode: 0o644 });
    await chmod(stateFile, 0o644);
    const stale = `${stateFile}.${process.pid}.tmp`;
    await writeFile(stale, 'old', { mode: 0o666 });
    await chmod(stale, 0o666);

    const sim = await startDhctlSim({ httpPort: null, agents: false, stateFile });
    // Tightened as soon as it is loaded, before any change is written.
    expect(await modeOf(stateFile)).toBe(0o600);
    await sim.stop();

    await bootstrapOnce(stateFile, '10.78.0.2');
    expect(await modeOf(stateFile)).toBe(0o600);
  });

  it('warns about (but leaves alone) an existing directory open to others', async () => {
    const directory = path.join(await tempDir(), 'shared');
    await mkdir(directory);
    await chmod(directory, 0o755);
    const messages: string[] = [];
    await bootstrapOnce(path.join(directory, 'state.json'), '10.78.0.3', (m) => messages.push(m));
    expect(messages.join('\n')).toMatch(/state directory .*shared is accessible to other users/);
    expect(await modeOf(directory)).toBe(0o755);
    expect(await modeOf(path.join(directory, 'state.json'))).toBe(0o600);
  });
});
