import {
  type CheckResult,
  createDhctlClient,
  type Dhctl,
  type DhctlOutcome,
  dhctlStateUuid,
} from '@commander/dhctl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type DhctlSim, startDhctlSim } from '../src/index.js';
import {
  api,
  cloudBootstrap,
  cloudClusterConfig,
  COMMANDER_UUID,
  connectionConfig,
  OTHER_COMMANDER_UUID,
  recorder,
  STATIC_PROVIDER_CONFIG,
  staticBootstrap,
  staticClusterConfig,
  yandexConfig,
} from './helpers.js';

let sim: DhctlSim;
let client: Dhctl;
let baseUrl: string;

beforeAll(async () => {
  sim = await startDhctlSim({ phaseDelayMs: 0 });
  client = createDhctlClient(sim.grpcAddress);
  baseUrl = sim.httpUrl ?? '';
});

afterAll(async () => {
  client.close();
  await sim.stop();
});

function expectOk<R>(outcome: DhctlOutcome<R>): R {
  if (!outcome.ok) {
    throw new Error(`operation failed: ${outcome.error}`);
  }
  return outcome.result;
}

async function bootstrapStatic(host: string): Promise<string> {
  const outcome = await client.bootstrap(staticBootstrap(host));
  if (!outcome.ok) {
    throw new Error(outcome.error);
  }
  return outcome.state;
}

function staticRequest(
  host: string,
  state: string,
  overrides: { kubernetesVersion?: string; podSubnetCIDR?: string } = {},
) {
  return {
    connection_config: connectionConfig(host),
    cluster_config: staticClusterConfig(overrides),
    provider_specific_cluster_config: STATIC_PROVIDER_CONFIG,
    state,
    options: { commander_mode: true, commander_uuid: COMMANDER_UUID },
  };
}

describe('Check', () => {
  it('is InSync right after bootstrap, with progress for CheckInfra and CheckConfiguration only', async () => {
    const state = await bootstrapStatic('10.1.0.1');
    const rec = recorder();
    const result = expectOk(await client.check(staticRequest('10.1.0.1', state), rec.hooks));
    expect(result).toMatchObject({
      status: 'InSync',
      status_details: { configuration_status: 'InSync', cluster: { status: 'ok' } },
    });
    expect(result.destructive_change_id).toBeUndefined();
    expect(rec.phaseEnds()).toEqual([]);
    expect(new Set(rec.progress().map((p) => p.current_phase))).toEqual(
      new Set(['CheckInfra', 'CheckConfiguration', '']),
    );
    expect(rec.progress().at(-1)).toMatchObject({ operation: 'Check', progress: 1 });
  });

  it('is OutOfSync after non-destructive drift, and Converge repairs it', async () => {
    const state = await bootstrapStatic('10.1.0.2');
    const uuid = dhctlStateUuid(state) ?? '';
    const drift = await api(baseUrl, 'POST', `/sim/clusters/${uuid}/drift`, { destructive: false });
    expect(drift.status).toBe(200);

    const check = expectOk(await client.check(staticRequest('10.1.0.2', state)));
    expect(check.status).toBe('OutOfSync');
    expect(check.status_details.configuration_status).toBe('OutOfSync');

    const rec = recorder();
    const converge = expectOk(await client.converge(staticRequest('10.1.0.2', state), rec.hooks));
    expect(converge).toEqual({ status: 'Converged', check_result: null });
    expect(rec.phaseEnds().map((e) => [e.completed_phase, e.next_phase])).toEqual([
      ['', 'Check'],
      ['Check', 'InstallDeckhouse'],
      ['InstallDeckhouse', 'AllNodes'],
      ['AllNodes', 'DeckhouseConfiguration'],
      ['DeckhouseConfiguration', ''],
    ]);
    const last = rec.progress().at(-1);
    expect(last?.progress).toBe(1);
    expect(last?.phases.find((p) => p.phase === 'BaseInfra')?.action).toBe('skip');
    expect(sim.clusters.get(uuid)?.drift).toEqual({
      destructive: false,
      nonDestructive: false,
      notes: [],
    });

    expect(expectOk(await client.check(staticRequest('10.1.0.2', state))).status).toBe('InSync');
    // Converge with nothing to do answers InSync after the Check phase only.
    const idle = recorder();
    expect(expectOk(await client.converge(staticRequest('10.1.0.2', state), idle.hooks))).toEqual({
      status: 'InSync',
      check_result: null,
    });
    expect(idle.phaseEnds().map((e) => e.next_phase)).toEqual(['Check']);
  });

  it('applies a changed non-unsafe field of the desired configuration', async () => {
    const state = await bootstrapStatic('10.1.0.3');
    const desired = staticRequest('10.1.0.3', state, { kubernetesVersion: '1.34' });
    expect(expectOk(await client.check(desired)).status).toBe('OutOfSync');
    expect(expectOk(await client.converge(desired))?.status).toBe('Converged');
    expect(
      sim.clusters.get(dhctlStateUuid(state) ?? '')?.clusterConfiguration.kubernetesVersion,
    ).toBe('1.34');
  });

  it('reports a changed x-unsafe field as DestructiveOutOfSync', async () => {
    const state = await bootstrapStatic('10.1.0.4');
    const result = expectOk(
      await client.check(staticRequest('10.1.0.4', state, { podSubnetCIDR: '10.112.0.0/16' })),
    );
    expect(result.status).toBe('DestructiveOutOfSync');
    expect(result.destructive_change_id).toMatch(/^[0-9a-f]{64}$/);
    expect(result.status_details.cluster).toMatchObject({
      status: 'destructively_changed',
      destructive_changes: {
        resourced_recreated: [
          {
            type: 'ClusterConfiguration.podSubnetCIDR',
            current_value: '10.111.0.0/16',
            next_value: '10.112.0.0/16',
          },
        ],
      },
    });
  });

  it('refuses a cluster managed by another commander, and an unknown cluster', async () => {
    const state = await bootstrapStatic('10.1.0.5');
    const foreign = {
      ...staticRequest('10.1.0.5', state),
      options: { commander_mode: true, commander_uuid: OTHER_COMMANDER_UUID },
    };
    const check = await client.check(foreign);
    expect(check).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^cluster is managed by another commander/) as string,
    });
    const converge = await client.converge(foreign);
    expect(!converge.ok && converge.error).toMatch(/managed by another commander/);
    expect(sim.clusters.get(dhctlStateUuid(state) ?? '')?.ownerCommanderUuid).toBe(COMMANDER_UUID);

    const unknown = await client.check(
      staticRequest(
        '10.1.9.9',
        JSON.stringify({
          uuid: Buffer.from('2b1f5a3c-0000-4000-8000-000000000000').toString('base64'),
        }),
      ),
    );
    expect(!unknown.ok && unknown.error).toMatch(
      /cluster 2b1f5a3c-0000-4000-8000-000000000000 not found/,
    );
  });

  it('works only in commander mode', async () => {
    const state = await bootstrapStatic('10.1.0.6');
    const outcome = await client.check({
      ...staticRequest('10.1.0.6', state),
      options: { commander_mode: false },
    });
    expect(!outcome.ok && outcome.error).toBe(
      'check operation currently supported only in commander mode',
    );
  });
});

describe('destructive changes and the approval handshake', () => {
  it('keeps a stable destructive_change_id and converges only with that id', async () => {
    const bootstrap = await client.bootstrap(cloudBootstrap('approve', 1, 1));
    if (!bootstrap.ok) {
      throw new Error(bootstrap.error);
    }
    const state = bootstrap.state;
    const uuid = dhctlStateUuid(state) ?? '';
    const request = {
      connection_config: '',
      cluster_config: cloudClusterConfig('approve'),
      provider_specific_cluster_config: yandexConfig(1, 1),
      state,
      options: { commander_mode: true, commander_uuid: COMMANDER_UUID },
    };
    expect(expectOk(await client.check(request)).status).toBe('InSync');

    const drift = await api(baseUrl, 'POST', `/sim/clusters/${uuid}/drift`, { destructive: true });
    expect(drift.body.drift).toMatchObject({ kind: 'abandoned_node', destructive: true });

    const first: CheckResult = expectOk(await client.check(request));
    const second: CheckResult = expectOk(await client.check(request));
    expect(first.status).toBe('DestructiveOutOfSync');
    expect(first.destructive_change_id).toMatch(/^[0-9a-f]{64}$/);
    expect(second.destructive_change_id).toBe(first.destructive_change_id);
    expect(first.status_details.nodes?.find((n) => n.status === 'abandoned')?.name).toBe(
      'approve-worker-drift-2',
    );

    const pending = await client.converge(request);
    expect(pending).toMatchObject({
      ok: true,
      result: {
        status: 'NeedApproveForDestructiveChange',
        check_result: {
          status: 'DestructiveOutOfSync',
          destructive_change_id: first.destructive_change_id,
        },
      },
    });
    const wrong = expectOk(
      await client.converge({ ...request, approve_destruction_change_id: 'f'.repeat(64) }),
    );
    expect(wrong?.status).toBe('NeedApproveForDestructiveChange');
    expect(sim.clusters.get(uuid)?.nodes).toHaveLength(3);

    const rec = recorder();
    const approved = expectOk(
      await client.converge(
        { ...request, approve_destruction_change_id: first.destructive_change_id ?? '' },
        rec.hooks,
      ),
    );
    expect(approved?.status).toBe('Converged');
    expect(rec.phaseEnds().map((e) => e.next_phase)).toEqual([
      'Check',
      'BaseInfra',
      'InstallDeckhouse',
      'AllNodes',
      'DeckhouseConfiguration',
      '',
    ]);
    expect(
      sim.clusters
        .get(uuid)
        ?.nodes.map((n) => n.name)
        .sort(),
    ).toEqual(['approve-master-0', 'approve-worker-0']);
    expect(expectOk(await client.check(request)).status).toBe('InSync');
  });

  it('scales master replicas up (ScaleToMultiMaster) and treats scaling down as destructive', async () => {
    const bootstrap = await client.bootstrap(cloudBootstrap('scale', 1, 0));
    if (!bootstrap.ok) {
      throw new Error(bootstrap.error);
    }
    const base = {
      connection_config: '',
      cluster_config: cloudClusterConfig('scale'),
      state: bootstrap.state,
      options: { commander_mode: true, commander_uuid: COMMANDER_UUID },
    };
    const up = { ...base, provider_specific_cluster_config: yandexConfig(3, 0) };
    const check = expectOk(await client.check(up));
    expect(check.status).toBe('OutOfSync');
    expect(check.status_details.nodes?.filter((n) => n.status === 'absent')).toHaveLength(2);
    const rec = recorder();
    expect(expectOk(await client.converge(up, rec.hooks))?.status).toBe('Converged');
    expect(rec.phaseEnds().map((e) => e.next_phase)).toContain('ScaleToMultiMaster');

    const down = { ...base, provider_specific_cluster_config: yandexConfig(1, 0) };
    expect(expectOk(await client.check(down)).status).toBe('DestructiveOutOfSync');
  });
});
