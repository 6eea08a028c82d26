import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import {
  createDhctlClient,
  type Dhctl,
  dhctlStateUuid,
  type PhaseDecision,
} from '@commander/dhctl';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterEach, describe, expect, it } from 'vitest';

import { type DhctlSim, startDhctlSim } from '../src/index.js';
import {
  COMMANDER_UUID,
  connectionConfig,
  STATIC_PROVIDER_CONFIG,
  staticBootstrap,
  staticClusterConfig,
} from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

async function start(
  options: Parameters<typeof startDhctlSim>[0] = {},
): Promise<{ sim: DhctlSim; client: Dhctl }> {
  const sim = await startDhctlSim({ httpPort: null, ...options });
  const client = createDhctlClient(sim.grpcAddress);
  cleanups.push(async () => {
    client.close();
    await sim.stop();
  });
  return { sim, client };
}

describe('server', () => {
  it('runs many operations concurrently', async () => {
    const { sim, client } = await start({ phaseDelayMs: 5 });
    const outcomes = await Promise.all(
      Array.from({ length: 24 }, (_, i) => client.bootstrap(staticBootstrap(`10.9.1.${i + 1}`))),
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(new Set(outcomes.map((o) => dhctlStateUuid(o.state))).size).toBe(24);
    expect(sim.clusters.list().filter((c) => c.status === 'ready')).toHaveLength(24);
    const status = await client.getStatus();
    expect(status.requests_by_method['/dhctl.DHCTL/Bootstrap']).toBe('24');
    // Only the GetStatus call itself is in progress.
    expect(status.requests_in_progress).toBe('1');
  });

  it('answers ResourceExhausted beyond the parallel tasks limit', async () => {
    const { client } = await start({ parallelTasksLimit: 1 });
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holding: () => void = () => undefined;
    const isHolding = new Promise<void>((resolve) => {
      holding = resolve;
    });
    const first = client.bootstrap(staticBootstrap('10.9.2.1'), {
      onPhaseEnd: async (): Promise<PhaseDecision> => {
        holding();
        await held;
        return 'next';
      },
    });
    await isHolding;
    const second = await client.bootstrap(staticBootstrap('10.9.2.2')).catch((e: unknown) => e);
    expect(second).toMatchObject({
      codeName: 'RESOURCE_EXHAUSTED',
      retryable: true,
      message: expect.stringMatching(/too many dhctl operations have already started/) as string,
    });
    release();
    expect((await first).ok).toBe(true);
  });

  it('keeps virtual clusters in the state file across a restart', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'dhctl-sim-'));
    cleanups.push(() => rm(directory, { recursive: true, force: true }));
    const stateFile = path.join(directory, 'state.json');

    const before = await startDhctlSim({ httpPort: null, stateFile });
    const firstClient = createDhctlClient(before.grpcAddress);
    const outcome = await firstClient.bootstrap(staticBootstrap('10.9.3.1'));
    firstClient.close();
    await before.stop();
    if (!outcome.ok) {
      throw new Error(outcome.error);
    }
    const saved = JSON.parse(await readFile(stateFile, 'utf8')) as { clusters: { uuid: string }[] };
    expect(saved.clusters.map((c) => c.uuid)).toEqual([dhctlStateUuid(outcome.state)]);

    const { client } = await start({ stateFile });
    const check = await client.check({
      connection_config: connectionConfig('10.9.3.1'),
      cluster_config: staticClusterConfig(),
      provider_specific_cluster_config: STATIC_PROVIDER_CONFIG,
      state: outcome.state,
      options: { commander_mode: true, commander_uuid: COMMANDER_UUID },
    });
    expect(check.ok && check.result.status).toBe('InSync');
  });

  it('serves grpc.health.v1 and exposes cluster changes as events', async () => {
    const { sim, client } = await start();
    const changes: string[] = [];
    const unsubscribe = sim.clusters.onChange((change) =>
      changes.push(`${change.type}:${change.cluster.status}`),
    );
    await client.bootstrap(staticBootstrap('10.9.4.1'));
    unsubscribe();
    expect(changes[0]).toBe('created:bootstrapping');
    expect(changes.at(-1)).toBe('updated:ready');

    const definition = protoLoader.loadSync(
      path.join(import.meta.dirname, '../proto/health.proto'),
      {
        keepCase: true,
        enums: String,
      },
    );
    const Health = (
      grpc.loadPackageDefinition(definition) as unknown as {
        grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
      }
    ).grpc.health.v1.Health;
    const health = new Health(sim.grpcAddress, grpc.credentials.createInsecure());
    cleanups.push(() => health.close());
    const response = await new Promise<unknown>((resolve, reject) =>
      (
        health as unknown as {
          Check: (r: unknown, cb: (e: Error | null, v: unknown) => void) => void;
        }
      ).Check({ service: 'dhctl.DHCTL' }, (error, value) =>
        error ? reject(error) : resolve(value),
      ),
    );
    expect(response).toEqual({ status: 'SERVING' });
  });
});
