import { randomUUID } from 'node:crypto';

import {
  createDhctlClient,
  decodeDhctlState,
  type Dhctl,
  dhctlServiceDefinitions,
  dhctlStateUuid,
  type OperationRequest,
  type OperationResponse,
} from '@commander/dhctl';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type DhctlSim, startDhctlSim } from '../src/index.js';
import { cloudBootstrap, COMMANDER_UUID, recorder, staticBootstrap } from './helpers.js';

let sim: DhctlSim;
let client: Dhctl;

beforeAll(async () => {
  sim = await startDhctlSim({ phaseDelayMs: 0, httpPort: null });
  client = createDhctlClient(sim.grpcAddress);
});

afterAll(async () => {
  client.close();
  await sim.stop();
});

const STATIC_PHASE_ENDS = [
  ['', 'PreInfraPreflights'],
  ['PreInfraPreflights', 'BaseInfra'],
  ['BaseInfra', 'PostInfraPreflights'],
  ['PostInfraPreflights', 'InstallKubernetes'],
  ['InstallKubernetes', 'InstallDeckhouse'],
  ['InstallDeckhouse', 'CreateResources'],
  ['CreateResources', 'ExecPostBootstrap'],
  ['ExecPostBootstrap', 'Finalization'],
  ['Finalization', ''],
];

describe('Bootstrap', () => {
  it('follows the conversation: first phase end before any work, every phase, progress to 1.0, state', async () => {
    const clusterId = randomUUID();
    const rec = recorder();
    const outcome = await client.bootstrap(
      staticBootstrap('10.0.0.1', {
        clusterId,
        resources: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}\n',
      }),
      rec.hooks,
    );
    expect(outcome).toMatchObject({ ok: true, result: null, stopped: false });

    const firstPhaseEnd = rec.events.findIndex((e) => e.type === 'phase_end');
    const firstWork = rec.events.findIndex(
      (e) => e.type === 'progress' || (e.type === 'logs' && e.lines.some((l) => l.startsWith('┌'))),
    );
    expect(firstPhaseEnd).toBeGreaterThanOrEqual(0);
    expect(firstPhaseEnd).toBeLessThan(firstWork);
    expect(rec.phaseEnds().map((e) => [e.completed_phase, e.next_phase])).toEqual(
      STATIC_PHASE_ENDS,
    );
    expect(rec.phaseEnds()[0]?.next_phase_critical).toBe(true);

    const values = rec.progress().map((p) => p.progress);
    expect(values.length).toBeGreaterThan(8);
    values.forEach((value, i) => expect(value).toBeGreaterThanOrEqual(values[i - 1] ?? 0));
    const last = rec.progress().at(-1);
    expect(last?.progress).toBe(1);
    expect(last?.operation).toBe('Bootstrap');
    expect(last?.phases.find((p) => p.phase === 'BaseInfra')?.action).toBe('skip');
    expect(last?.phases.find((p) => p.phase === 'Finalization')?.action).toBe('');
    expect(rec.progress().some((p) => p.current_sub_phase === 'ExecuteBashibleBundle')).toBe(true);
    expect(rec.lines()).toContain('│ │ Connecting to 10.0.0.1:22');

    if (!outcome.ok) {
      throw new Error(outcome.error);
    }
    // The uuid comes from the commander-agent ModuleConfig's commanderUrl.
    expect(dhctlStateUuid(outcome.state)).toBe(clusterId);
    const state = decodeDhctlState(outcome.state);
    expect(Object.keys(state)).toEqual(expect.arrayContaining(['uuid', 'cluster-hosts']));
    expect(rec.phaseEnds().at(-1)?.completed_phase_state.uuid?.toString()).toBe(clusterId);

    const cluster = sim.clusters.get(clusterId);
    expect(cluster).toMatchObject({
      status: 'ready',
      ownerCommanderUuid: COMMANDER_UUID,
      commanderUrl: `https://commander.example.com/agent_api/${clusterId}`,
      clusterType: 'Static',
      hosts: ['10.0.0.1'],
    });
    expect(cluster?.resources.map((r) => r.kind)).toEqual(['ModuleConfig', 'Namespace']);
    expect(cluster?.nodes).toHaveLength(1);
  });

  it('creates a Cloud cluster with its node groups and infrastructure state', async () => {
    const rec = recorder();
    const outcome = await client.bootstrap(cloudBootstrap('boot-cloud', 3, 2), rec.hooks);
    if (!outcome.ok) {
      throw new Error(outcome.error);
    }
    expect(rec.phaseEnds().map((e) => e.next_phase)).toContain(
      'InstallAdditionalMastersAndStaticNodes',
    );
    const state = decodeDhctlState(outcome.state);
    expect(Object.keys(state)).toEqual(
      expect.arrayContaining([
        'uuid',
        'base-infrastructure.tfstate',
        'boot-cloud-master-0.tfstate',
        'boot-cloud-worker-1.tfstate',
      ]),
    );
    const cluster = sim.clusters.get(dhctlStateUuid(outcome.state) ?? '');
    expect(cluster?.nodes.map((n) => n.name).sort()).toEqual([
      'boot-cloud-master-0',
      'boot-cloud-master-1',
      'boot-cloud-master-2',
      'boot-cloud-worker-0',
      'boot-cloud-worker-1',
    ]);
    expect(
      rec
        .progress()
        .at(-1)
        ?.phases.every((p) => p.action === ''),
    ).toBe(true);
    expect(rec.progress().some((p) => p.completed_sub_phase === 'FirstMaster')).toBe(true);
  });

  it('stops gracefully on CONTINUE_STOP_OPERATION and keeps the state so far', async () => {
    const rec = recorder((e) => (e.completed_phase === 'InstallKubernetes' ? 'stop' : 'next'));
    const outcome = await client.bootstrap(staticBootstrap('10.0.0.2'), rec.hooks);
    expect(outcome).toMatchObject({ ok: true, stopped: true, result: null });
    expect(rec.phaseEnds().at(-1)?.next_phase).toBe('InstallDeckhouse');
    expect(Object.keys(decodeDhctlState(outcome.state))).toContain('cluster-hosts');
    expect(sim.clusters.get(dhctlStateUuid(outcome.state) ?? '')?.status).toBe('bootstrap_failed');
  });

  it('fails with the client text on CONTINUE_ERROR, still returning the state', async () => {
    const rec = recorder((e) =>
      e.completed_phase === 'PreInfraPreflights'
        ? { error: 'could not store phase state' }
        : 'next',
    );
    const outcome = await client.bootstrap(staticBootstrap('10.0.0.3'), rec.hooks);
    expect(outcome).toMatchObject({ ok: false, error: 'could not store phase state' });
    expect(dhctlStateUuid(outcome.state)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('is canceled by the AbortSignal', async () => {
    const slow = await startDhctlSim({ phaseDelayMs: 200, httpPort: null });
    const slowClient = createDhctlClient(slow.grpcAddress);
    try {
      const controller = new AbortController();
      const rec = recorder();
      const outcome = await slowClient.bootstrap(staticBootstrap('10.0.0.4'), {
        ...rec.hooks,
        signal: controller.signal,
        onProgress: () => controller.abort(),
      });
      expect(outcome).toMatchObject({ ok: false, error: 'canceled' });
      expect(dhctlStateUuid(outcome.state)).not.toBeNull();
      expect(rec.phaseEnds()).toHaveLength(1);
    } finally {
      slowClient.close();
      await slow.stop();
    }
  });

  it('fails on an injected fault and resumes from the returned state on retry', async () => {
    sim.faults.add({ operation: 'Bootstrap', phase: 'InstallDeckhouse', times: 1 });
    const clusterId = randomUUID();
    const request = staticBootstrap('10.0.0.5', { clusterId });
    const first = recorder();
    const failed = await client.bootstrap(request, first.hooks);
    expect(failed.ok).toBe(false);
    expect(!failed.ok && failed.error).toMatch(/timeout while waiting for the deckhouse pod/);
    expect(first.lines().some((l) => l.includes('Error: install deckhouse'))).toBe(true);
    expect(sim.clusters.get(clusterId)?.status).toBe('bootstrap_failed');

    const second = recorder();
    const retried = await client.bootstrap({ ...request, state: failed.state }, second.hooks);
    expect(retried).toMatchObject({ ok: true, stopped: false });
    expect(second.phaseEnds().map((e) => [e.completed_phase, e.next_phase])).toEqual([
      ['', 'InstallDeckhouse'],
      ['InstallDeckhouse', 'CreateResources'],
      ['CreateResources', 'ExecPostBootstrap'],
      ['ExecPostBootstrap', 'Finalization'],
      ['Finalization', ''],
    ]);
    expect(second.progress()[0]?.progress).toBeCloseTo(4 / 9);
    expect(second.progress().at(-1)?.progress).toBe(1);
    expect(sim.clusters.get(clusterId)?.status).toBe('ready');
    expect(sim.faults.list()).toEqual([]);
  });

  it('rejects an invalid commander uuid and a missing ClusterConfiguration without phase ends', async () => {
    const rec = recorder();
    const bad = await client.bootstrap(
      { ...staticBootstrap('10.0.0.6'), options: { commander_mode: true, commander_uuid: 'nope' } },
      rec.hooks,
    );
    expect(bad).toMatchObject({
      ok: false,
      error: expect.stringMatching(/invalid commander uuid/) as string,
    });
    const missing = await client.bootstrap(
      { ...staticBootstrap('10.0.0.6'), cluster_config: '' },
      rec.hooks,
    );
    expect(missing).toMatchObject({
      ok: false,
      error: expect.stringMatching(/exactly one "ClusterConfiguration" required/) as string,
    });
    expect(rec.phaseEnds()).toEqual([]);
  });
});

describe('raw protocol', () => {
  type Call = grpc.ClientDuplexStream<
    OperationRequest<unknown>,
    OperationResponse<{ err: string }>
  >;

  function open(): { call: Call; next: () => Promise<OperationResponse<{ err: string }>> } {
    const method = dhctlServiceDefinitions().dhctl.Bootstrap;
    if (!method) {
      throw new Error('no Bootstrap method');
    }
    const raw = new grpc.Client(sim.grpcAddress, grpc.credentials.createInsecure());
    const call = raw.makeBidiStreamRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
    ) as Call;
    const queue: OperationResponse<{ err: string }>[] = [];
    const waiters: ((m: OperationResponse<{ err: string }>) => void)[] = [];
    call.on('data', (m: OperationResponse<{ err: string }>) => {
      const waiter = waiters.shift();
      if (waiter) {
        waiter(m);
      } else {
        queue.push(m);
      }
    });
    call.on('error', () => undefined);
    call.on('end', () => raw.close());
    return {
      call,
      next: () => {
        const queued = queue.shift();
        return queued ? Promise.resolve(queued) : new Promise((resolve) => waiters.push(resolve));
      },
    };
  }

  async function nextOf(
    next: () => Promise<OperationResponse<{ err: string }>>,
    kind: 'phase_end' | 'result',
  ): Promise<OperationResponse<{ err: string }>> {
    for (;;) {
      const message = await next();
      if (message[kind]) {
        return message;
      }
    }
  }

  it('answers CONTINUE_UNSPECIFIED with "bad continue message" and ignores a second start', async () => {
    const { call, next } = open();
    call.write({ start: staticBootstrap('10.0.0.7') });
    call.write({ start: staticBootstrap('10.0.0.8') });
    const first = await nextOf(next, 'phase_end');
    expect(first.phase_end?.next_phase).toBe('PreInfraPreflights');
    call.write({ continue: { continue: 'CONTINUE_UNSPECIFIED', err: '' } });
    const result = await nextOf(next, 'result');
    expect(result.result?.err).toBe('bad continue message');
    call.end();
    expect(sim.clusters.findByHost('10.0.0.8')).toBeNull();
  });

  it('cancels the operation when the client half-closes before the result', async () => {
    const { call, next } = open();
    call.write({ start: staticBootstrap('10.0.0.9') });
    await nextOf(next, 'phase_end');
    call.end();
    const result = await nextOf(next, 'result');
    expect(result.result?.err).toBe('canceled');
  });
});
