import { randomUUID } from 'node:crypto';

import { type FakeAgentApi, startFakeAgentApi, waitFor } from '@commander/agent-client/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type DhctlSim, startDhctlSim, type VirtualCluster } from '../src/index.js';

const AGENTS = 1000;
// Realistic load for one process that also hosts the fake API: the defaults (10 s / 15 s) are
// 2-3 times lighter still.
const INTERVAL_MS = 5000;

let sim: DhctlSim;
let commander: FakeAgentApi;

beforeAll(async () => {
  commander = await startFakeAgentApi();
  sim = await startDhctlSim({
    phaseDelayMs: 0,
    httpPort: null,
    agentPollMs: INTERVAL_MS,
    agentTelemetryMs: INTERVAL_MS,
  });
});

afterAll(async () => {
  await sim.stop();
  await commander.close();
});

/** A ready cluster with agent credentials, as if bootstrapped (bypassing gRPC for speed). */
function readyCluster(uuid: string, index: number): VirtualCluster {
  const now = new Date().toISOString();
  return {
    uuid,
    status: 'ready',
    ownerCommanderUuid: null,
    commanderUrl: null,
    clusterType: 'Static',
    provider: null,
    prefix: null,
    clusterConfiguration: {
      apiVersion: 'deckhouse.io/v1',
      kind: 'ClusterConfiguration',
      clusterType: 'Static',
      kubernetesVersion: '1.33',
    },
    providerClusterConfiguration: null,
    hosts: [`10.${Math.floor(index / 250)}.${index % 250}.1`],
    sshUser: 'ubuntu',
    nodes: [{ name: 'master-0', group: 'master', role: 'master', spec: '{}' }],
    resources: [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'commander-agent-credentials', namespace: 'd8-commander-agent' },
        stringData: { token: `key-${index}`, commander_url: commander.baseUrlFor(uuid) },
      },
    ],
    completedBootstrapPhases: [],
    drift: { destructive: false, nonDestructive: false, notes: [] },
    createdAt: now,
    updatedAt: now,
  };
}

describe('many simulated agents', () => {
  it(`runs ${AGENTS} agents on one scheduler: one timer for the fleet, every agent reports`, async () => {
    const ids: string[] = [];
    for (let i = 0; i < AGENTS; i += 1) {
      const uuid = randomUUID();
      ids.push(uuid);
      commander.addCluster(uuid, `key-${i}`, [
        {
          name: 'apps',
          sync_mode: 'managed',
          resources: [
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'c', namespace: 'default' },
              data: { i: String(i) },
            },
          ],
        },
      ]);
    }
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    for (const [index, uuid] of ids.entries()) {
      sim.clusters.create(readyCluster(uuid, index));
    }
    expect(sim.agents?.stats().agents).toBe(AGENTS);
    // Each agent has a pending sync and telemetry entry, yet the timers are one for the fleet.
    const timersDuring = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(timersDuring - timersBefore).toBeLessThanOrEqual(2);

    await waitFor(
      () =>
        ids.every((id) => commander.statuses(id).length > 0 && commander.telemetry(id).length > 0),
      // How fast they report at scale is `pnpm bench fleet`'s question; here that they all do.
      { timeoutMs: 60_000, intervalMs: 50, message: 'every agent to report' },
    );

    // The second round is mostly 304s: the ETag is honoured at scale.
    await waitFor(
      () =>
        commander.requests.filter((r) => r.path === '/resources' && r.status === 304).length >=
        AGENTS / 2,
      { timeoutMs: 60_000, message: 'a round of 304s' },
    );
    const stats = sim.agents?.stats();
    expect(stats?.failures).toBe(0);
    expect(stats?.scheduler.running).toBeLessThanOrEqual(128);
    expect(commander.invalidBodies).toEqual([]);
    // Every virtual cluster got the ConfigMap with its own data.
    expect(
      ids.every((id, i) =>
        sim.clusters.peek(id, (c) =>
          c.resources.some(
            (d) =>
              d.kind === 'ConfigMap' && (d.data as { i?: string } | undefined)?.i === String(i),
          ),
        ),
      ),
    ).toBe(true);
  }, 150_000);
});
