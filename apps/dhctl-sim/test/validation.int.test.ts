import {
  createDhctlClient,
  type Dhctl,
  parseValidationError,
  VALIDATION_ERROR_KIND,
} from '@commander/dhctl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type DhctlSim, startDhctlSim } from '../src/index.js';
import {
  cloudClusterConfig,
  connectionConfig,
  INIT_CONFIG,
  STATIC_PROVIDER_CONFIG,
  staticClusterConfig,
  yandexConfig,
} from './helpers.js';

let sim: DhctlSim;
let client: Dhctl;
const opts = { commander_mode: true, strict_unmarshal: true, validate_extensions: true };

beforeAll(async () => {
  sim = await startDhctlSim({ httpPort: null });
  client = createDhctlClient(sim.grpcAddress);
});

afterAll(async () => {
  client.close();
  await sim.stop();
});

function messages(err: string): string[] {
  return parseValidationError(err)?.Errors.flatMap((e) => e.Messages) ?? [];
}

describe('ValidateClusterConfig', () => {
  it('accepts a valid configuration and returns it as JSON', async () => {
    const response = await client.validation.validateClusterConfig({
      config: staticClusterConfig(),
      opts,
    });
    expect(response.err).toBe('');
    expect(JSON.parse(response.cluster_config)).toMatchObject({
      kind: 'ClusterConfiguration',
      clusterType: 'Static',
    });
  });

  it('reports missing and invalid fields as a ValidationError JSON', async () => {
    const response = await client.validation.validateClusterConfig({
      config: `apiVersion: deckhouse.io/v1
kind: ClusterConfiguration
clusterType: Hybrid
kubernetesVersion: "1.20"
podSubnetCIDR: 10.111.0.0/33
colour: blue
`,
      opts,
    });
    expect(response.cluster_config).toBe('');
    const error = parseValidationError(response.err);
    expect(error?.Kind).toBe(VALIDATION_ERROR_KIND.ValidationFailed);
    expect(error?.Errors[0]).toMatchObject({
      Kind: 'ClusterConfiguration',
      Group: 'deckhouse.io',
      Version: 'v1',
      Index: 0,
    });
    expect(messages(response.err)).toEqual(
      expect.arrayContaining([
        '.serviceSubnetCIDR is required',
        '.clusterType must be one of [Cloud, Static], got "Hybrid"',
        expect.stringMatching(/^\.kubernetesVersion must be one of/) as string,
        '.podSubnetCIDR must be an IPv4 CIDR, got "10.111.0.0/33"',
        '.colour: unknown field (additionalProperties: false)',
      ]),
    );
  });

  it('requires exactly one ClusterConfiguration and valid YAML', async () => {
    const twice = await client.validation.validateClusterConfig({
      config: `${staticClusterConfig()}---\n${staticClusterConfig()}`,
      opts,
    });
    expect(messages(twice.err)).toContain('exactly one "ClusterConfiguration" required');
    const broken = await client.validation.validateClusterConfig({ config: 'a: [1, 2', opts });
    expect(parseValidationError(broken.err)?.Kind).toBe(VALIDATION_ERROR_KIND.InvalidYAML);
    const cloud = await client.validation.validateClusterConfig({
      config:
        'apiVersion: deckhouse.io/v1\nkind: ClusterConfiguration\nclusterType: Cloud\nkubernetesVersion: "1.33"\npodSubnetCIDR: 10.1.0.0/16\nserviceSubnetCIDR: 10.2.0.0/16\n',
      opts,
    });
    expect(messages(cloud.err)).toContain('.cloud is required when clusterType is Cloud');
  });
});

describe('other validations', () => {
  it('validates provider configurations against the cluster provider', async () => {
    const clusterConfig = JSON.stringify({
      clusterType: 'Cloud',
      cloud: { provider: 'Yandex', prefix: 'x' },
    });
    const good = await client.validation.validateProviderSpecificClusterConfig({
      config: yandexConfig(1, 1),
      cluster_config: clusterConfig,
      opts,
    });
    expect(good.err).toBe('');
    const bad = await client.validation.validateProviderSpecificClusterConfig({
      config:
        'apiVersion: deckhouse.io/v1\nkind: YandexClusterConfiguration\nlayout: Fancy\nmasterNodeGroup: {replicas: 0}\n',
      cluster_config: clusterConfig,
      opts,
    });
    expect(messages(bad.err)).toEqual(
      expect.arrayContaining([
        '.nodeNetworkCIDR is required',
        '.masterNodeGroup.replicas must be an integer >= 1',
        '.layout must be one of [Standard, WithoutNAT, WithNATInstance]',
      ]),
    );
    const wrongKind = await client.validation.validateProviderSpecificClusterConfig({
      config: STATIC_PROVIDER_CONFIG,
      cluster_config: clusterConfig,
      opts,
    });
    expect(messages(wrongKind.err)).toContain('exactly one "YandexClusterConfiguration" required');
    const external = await client.validation.validateProviderSpecificClusterConfig({
      config: 'whatever: 1',
      cluster_config: JSON.stringify({ cloud: { provider: 'DVP' } }),
      opts,
    });
    expect(external.err).toBe('');
  });

  it('refuses x-unsafe changes outside BaseInfra', async () => {
    const changed = await client.validation.validateChanges({
      phase: 'AllNodes',
      old_config: `${cloudClusterConfig('a')}---\n${yandexConfig(3, 1)}`,
      new_config: `${cloudClusterConfig('a').replace('10.111.0.0/16', '10.112.0.0/16')}---\n${yandexConfig(1, 1, '10.9.0.0/16')}`,
      opts,
    });
    const error = parseValidationError(changed.err);
    expect(error?.Kind).toBe(VALIDATION_ERROR_KIND.ChangesValidationFailed);
    expect(messages(changed.err)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\.podSubnetCIDR: the field is unsafe/) as string,
        expect.stringMatching(/^\.nodeNetworkCIDR: the field is unsafe/) as string,
        '.masterNodeGroup.replicas: cannot be reduced from 3 to 1 (multi-master to single-master)',
      ]),
    );
    const safe = await client.validation.validateChanges({
      phase: 'AllNodes',
      old_config: cloudClusterConfig('a'),
      new_config: cloudClusterConfig('a', '1.34'),
      opts,
    });
    expect(safe.err).toBe('');
    const baseInfra = await client.validation.validateChanges({
      phase: 'BaseInfra',
      old_config: cloudClusterConfig('a'),
      new_config: cloudClusterConfig('b'),
      opts,
    });
    expect(baseInfra.err).toBe('');
  });

  it('validates resources, init configuration and connection configuration', async () => {
    const json = await client.validation.validateResources({
      config: '{"kind": "Namespace"}',
      opts,
    });
    expect(messages(json.err)).toEqual(['got JSON format, but expected YAML']);
    const resources = await client.validation.validateResources({
      config:
        'kind: Namespace\nmetadata: {name: a}\n---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: b}\n',
      opts,
    });
    expect(messages(resources.err)).toEqual([
      '.apiVersion is required',
      'CustomResourceDefinition is not allowed in resources',
    ]);
    expect((await client.validation.validateInitConfig({ config: INIT_CONFIG, opts })).err).toBe(
      '',
    );
    const init = await client.validation.validateInitConfig({
      config: 'apiVersion: v1\nkind: Secret\n',
      opts,
    });
    expect(messages(init.err)).toEqual(
      expect.arrayContaining([
        'exactly one "InitConfiguration" required',
        'unknown kind "Secret", expected one of ("InitConfiguration", "ModuleConfig")',
      ]),
    );

    const connection = await client.validation.parseConnectionConfig({
      config: connectionConfig('192.0.2.10'),
      opts: { ...opts, required_ssh_host: true },
    });
    expect(connection.err).toBe('');
    expect(JSON.parse(connection.connection_config)).toMatchObject({
      SSHConfig: { sshUser: 'ubuntu', sshPort: 22 },
      SSHHosts: [{ host: '192.0.2.10' }],
    });
    const noHost = await client.validation.parseConnectionConfig({
      config: 'apiVersion: dhctl.deckhouse.io/v1\nkind: SSHConfig\nsshUser: u\n---\nkind: Other\n',
      opts: { ...opts, required_ssh_host: true },
    });
    expect(messages(noHost.err)).toEqual(
      expect.arrayContaining([
        'Unknown kind, expected one of (SSHConfig, SSHHost)',
        'at least one "SSHHost" required',
        'one of .sshAgentPrivateKeys or .sudoPassword is required',
      ]),
    );
  });

  it('recommends a CNI ModuleConfig only when none is configured', async () => {
    const none = await client.validation.configExtender({
      config: staticClusterConfig(),
      kind: 'CONFIG_EXTENSION_KIND_CNI',
    });
    expect(JSON.parse(none.config)).toMatchObject({
      kind: 'ModuleConfig',
      metadata: { name: 'cni-cilium' },
    });
    const present = await client.validation.configExtender({
      config:
        'apiVersion: deckhouse.io/v1alpha1\nkind: ModuleConfig\nmetadata: {name: cni-flannel}\nspec: {enabled: true}\n',
      kind: 'CONFIG_EXTENSION_KIND_CNI',
    });
    expect(present).toEqual({ err: '', config: '' });
  });
});
