import { randomUUID } from 'node:crypto';

import {
  createDhctlClient,
  decodeDhctlState,
  DESTROY_PHASE_ENDS_CLOUD,
  DESTROY_PHASE_ENDS_STATIC,
  type Dhctl,
  dhctlStateUuid,
  toProtoStruct,
} from '@commander/dhctl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type DhctlSim, startDhctlSim } from '../src/index.js';
import {
  api,
  cloudBootstrap,
  COMMANDER_UUID,
  connectionConfig,
  OTHER_COMMANDER_UUID,
  recorder,
  staticBootstrap,
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

const AGENT_TEMPLATE = `apiVersion: deckhouse.io/v1alpha1
kind: ModuleConfig
metadata:
  name: commander-agent
spec:
  enabled: true
  version: 1
  settings:
    commanderUrl: {{ .commanderUrl | quote }}
`;

async function createPreExisting(
  host: string,
  body: Record<string, unknown> = {},
): Promise<string> {
  const response = await api(baseUrl, 'POST', '/sim/clusters', { host, ...body });
  expect(response.status).toBe(201);
  return response.body.uuid as string;
}

describe('CommanderAttach and CommanderDetach', () => {
  it('scans only, without taking the cluster', async () => {
    const uuid = await createPreExisting('10.2.0.1', { kubernetes_version: '1.32' });
    const rec = recorder();
    const outcome = await client.commanderAttach(
      {
        connection_config: connectionConfig('10.2.0.1'),
        scan_only: true,
        options: { commander_mode: true, commander_uuid: COMMANDER_UUID },
      },
      rec.hooks,
    );
    if (!outcome.ok) {
      throw new Error(outcome.error);
    }
    expect(outcome.result?.status).toBe('Scanned');
    expect(outcome.result?.scan_result?.cluster_configuration).toContain(
      'kubernetesVersion: "1.32"',
    );
    expect(outcome.result?.scan_result?.provider_specific_cluster_configuration).toContain(
      'kind: StaticClusterConfiguration',
    );
    expect(outcome.result?.scan_result?.ssh_public_key).toMatch(/^ssh-ed25519 /);
    expect(outcome.result?.check_result).toBeNull();
    expect(rec.phaseEnds().map((e) => e.next_phase)).toEqual(['Scan', '']);
    expect(sim.clusters.get(uuid)?.ownerCommanderUuid).toBeNull();
  });

  it('attaches a pre-existing cluster, then detaches it', async () => {
    const uuid = await createPreExisting('10.2.0.2', { worker_count: 2 });
    const commanderClusterId = randomUUID();
    const commanderUrl = `https://commander.example.com/agent_api/${commanderClusterId}`;
    const rec = recorder();
    const outcome = await client.commanderAttach(
      {
        connection_config: connectionConfig('10.2.0.2'),
        resources_template: AGENT_TEMPLATE,
        resources_values: toProtoStruct({ commanderUrl }),
        options: { commander_mode: true, commander_uuid: COMMANDER_UUID },
      },
      rec.hooks,
    );
    if (!outcome.ok) {
      throw new Error(outcome.error);
    }
    expect(outcome.result).toMatchObject({
      status: 'Attached',
      check_result: { status: 'InSync' },
    });
    expect(rec.phaseEnds().map((e) => [e.completed_phase, e.next_phase])).toEqual([
      ['', 'Scan'],
      ['Scan', 'Capture'],
      ['Capture', 'Check'],
      ['Check', ''],
    ]);
    const scanData = JSON.parse(rec.phaseEnds()[1]?.completed_phase_data ?? '{}') as {
      scan_result?: { cluster_configuration?: string };
    };
    expect(scanData.scan_result?.cluster_configuration).toContain('kind: ClusterConfiguration');
    expect(rec.progress().at(-1)).toMatchObject({ operation: 'CommanderAttach', progress: 1 });
    expect(dhctlStateUuid(outcome.state)).toBe(uuid);
    const attached = sim.clusters.get(uuid);
    expect(attached).toMatchObject({ ownerCommanderUuid: COMMANDER_UUID, commanderUrl });
    expect(attached?.nodes).toHaveLength(3);

    const detachRec = recorder();
    const detached = await client.commanderDetach(
      {
        connection_config: connectionConfig('10.2.0.2'),
        state: outcome.state,
        create_resources_template:
          'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: detached-by-{{ .who }}}\n',
        create_resources_values: toProtoStruct({ who: 'commander' }),
        delete_resources_template: AGENT_TEMPLATE,
        delete_resources_values: toProtoStruct({ commanderUrl }),
        options: { commander_mode: true, commander_uuid: COMMANDER_UUID },
      },
      detachRec.hooks,
    );
    expect(detached).toMatchObject({ ok: true, result: null });
    expect(detachRec.phaseEnds()).toEqual([]);
    expect(new Set(detachRec.progress().map((p) => p.current_phase))).toEqual(
      new Set(['Check', 'Detach', '']),
    );
    const after = sim.clusters.get(uuid);
    expect(after).toMatchObject({ ownerCommanderUuid: null, commanderUrl: null });
    expect(after?.resources.map((r) => `${String(r.kind)}`)).toContain('ConfigMap');
  });

  it('refuses a cluster owned by another commander, and an unknown host', async () => {
    await createPreExisting('10.2.0.3', { owner: OTHER_COMMANDER_UUID });
    const refused = await client.commanderAttach({
      connection_config: connectionConfig('10.2.0.3'),
      options: { commander_mode: true, commander_uuid: COMMANDER_UUID },
    });
    expect(!refused.ok && refused.error).toMatch(/^cluster is managed by another commander/);
    const missing = await client.commanderAttach({
      connection_config: connectionConfig('10.2.0.99'),
      options: { commander_mode: true, commander_uuid: COMMANDER_UUID },
    });
    expect(!missing.ok && missing.error).toMatch(/cannot connect to 10\.2\.0\.99:22/);
  });
});

describe('Destroy and Abort', () => {
  it('destroys a Static cluster with the Static phase ends', async () => {
    const bootstrap = await client.bootstrap(staticBootstrap('10.3.0.1'));
    if (!bootstrap.ok) {
      throw new Error(bootstrap.error);
    }
    const uuid = dhctlStateUuid(bootstrap.state) ?? '';
    const rec = recorder();
    const outcome = await client.destroy(
      {
        connection_config: connectionConfig('10.3.0.1'),
        state: bootstrap.state,
        options: { commander_mode: true, commander_uuid: COMMANDER_UUID },
      },
      rec.hooks,
    );
    expect(outcome).toMatchObject({ ok: true });
    expect(rec.phaseEnds().map((e) => e.next_phase)).toEqual([...DESTROY_PHASE_ENDS_STATIC, '']);
    expect(rec.progress().at(-1)).toMatchObject({ operation: 'Destroy', progress: 1 });
    expect(
      rec
        .progress()
        .at(-1)
        ?.phases.find((p) => p.phase === 'BaseInfra')?.action,
    ).toBe('skip');
    expect(sim.clusters.get(uuid)).toBeNull();
    expect(Object.keys(decodeDhctlState(outcome.state))).toContain('resources-were-deleted');
  });

  it('destroys a Cloud cluster with the Cloud phase ends and removes its infrastructure state', async () => {
    const bootstrap = await client.bootstrap(cloudBootstrap('gone', 1, 1));
    if (!bootstrap.ok) {
      throw new Error(bootstrap.error);
    }
    const rec = recorder();
    const outcome = await client.destroy(
      { state: bootstrap.state, options: { commander_mode: true, commander_uuid: COMMANDER_UUID } },
      rec.hooks,
    );
    expect(outcome.ok).toBe(true);
    expect(rec.phaseEnds().map((e) => e.next_phase)).toEqual([...DESTROY_PHASE_ENDS_CLOUD, '']);
    expect(Object.keys(decodeDhctlState(outcome.state))).not.toContain(
      'base-infrastructure.tfstate',
    );
    expect(sim.clusters.get(dhctlStateUuid(bootstrap.state) ?? '')).toBeNull();
  });

  it('refuses to destroy a cluster of another commander', async () => {
    const bootstrap = await client.bootstrap(staticBootstrap('10.3.0.2'));
    if (!bootstrap.ok) {
      throw new Error(bootstrap.error);
    }
    const outcome = await client.destroy({
      state: bootstrap.state,
      options: { commander_mode: true, commander_uuid: OTHER_COMMANDER_UUID },
    });
    expect(!outcome.ok && outcome.error).toMatch(/managed by another commander/);
    expect(sim.clusters.get(dhctlStateUuid(bootstrap.state) ?? '')?.status).toBe('ready');
  });

  it('aborts a failed bootstrap (progress as Destroy) but not a finished one', async () => {
    sim.faults.add({ operation: 'Bootstrap', phase: 'InstallAdditionalMastersAndStaticNodes' });
    const failed = await client.bootstrap(cloudBootstrap('aborted', 3, 0));
    expect(failed.ok).toBe(false);
    const uuid = dhctlStateUuid(failed.state) ?? '';
    expect(sim.clusters.get(uuid)?.status).toBe('bootstrap_failed');

    const rec = recorder();
    const aborted = await client.abort(
      { ...cloudBootstrap('aborted', 3, 0), state: failed.state },
      rec.hooks,
    );
    expect(aborted.ok).toBe(true);
    expect(rec.phaseEnds().map((e) => e.next_phase)).toEqual(['AllNodes', 'BaseInfra', '']);
    expect(rec.progress().every((p) => p.operation === 'Destroy')).toBe(true);
    expect(sim.clusters.get(uuid)).toBeNull();

    const done = await client.bootstrap(staticBootstrap('10.3.0.3'));
    if (!done.ok) {
      throw new Error(done.error);
    }
    const refused = await client.abort({ ...staticBootstrap('10.3.0.3'), state: done.state });
    expect(!refused.ok && refused.error).toMatch(/abort is not possible, use destroy/);
  });
});
