import type { RenderError } from '@commander/contracts';
import { describe, expect, it } from 'vitest';

import { type RenderedConfiguration, validateConfiguration } from './index.js';

const CLUSTER_CONFIGURATION = `apiVersion: deckhouse.io/v1
kind: ClusterConfiguration
clusterType: Static
kubernetesVersion: "1.33"
podSubnetCIDR: 10.111.0.0/16
serviceSubnetCIDR: 10.222.0.0/16
clusterDomain: cluster.local
`;

const SSH = `apiVersion: dhctl.deckhouse.io/v1
kind: SSHConfig
sshUser: ubuntu
sshPort: 22
sshAgentPrivateKeys:
- key: |
    -----BEGIN OPENSSH PRIVATE KEY-----
    -----END OPENSSH PRIVATE KEY-----
---
apiVersion: dhctl.deckhouse.io/v1
kind: SSHHost
host: 192.0.2.10
---
apiVersion: dhctl.deckhouse.io/v1
kind: SSHHost
host: 192.0.2.11
`;

const INIT = `apiVersion: deckhouse.io/v1
kind: InitConfiguration
deckhouse:
  imagesRepo: registry.deckhouse.io/deckhouse/ce
  registryDockerCfg: eyJhdXRocyI6IHsgInJlZ2lzdHJ5LmRlY2tob3VzZS5pbyI6IHt9fX0=
`;

const STATIC: RenderedConfiguration = {
  cluster_configuration: CLUSTER_CONFIGURATION,
  provider_specific_cluster_configuration: `apiVersion: deckhouse.io/v1
kind: StaticClusterConfiguration
internalNetworkCIDRs: [10.0.1.0/24]
`,
  connection_config: SSH,
  init_configuration: INIT,
  primary_resources: `apiVersion: deckhouse.io/v1
kind: NodeGroup
metadata:
  name: worker
spec:
  nodeType: Static
`,
  resources: [
    {
      name: 'modules',
      sync_mode: 'managed',
      yaml: `apiVersion: deckhouse.io/v1alpha1
kind: ModuleConfig
metadata:
  name: commander-agent
spec:
  enabled: true
  version: 1
  settings:
    commanderUrl: https://commander.example.com
`,
    },
  ],
};

const YANDEX_CLUSTER = `apiVersion: deckhouse.io/v1
kind: ClusterConfiguration
clusterType: Cloud
cloud:
  provider: Yandex
  prefix: demo
kubernetesVersion: Automatic
podSubnetCIDR: 10.111.0.0/16
serviceSubnetCIDR: 10.222.0.0/16
clusterDomain: cluster.local
`;

const YANDEX_PLACEMENT = `apiVersion: deckhouse.io/v1
kind: YandexClusterConfiguration
layout: Standard
nodeNetworkCIDR: 10.241.32.0/20
sshPublicKey: "ssh-ed25519 AAAA"
masterNodeGroup:
  replicas: 1
  instanceClass:
    cores: 4
    memory: 8192
    imageID: fd8abc
provider:
  cloudID: b1g
  folderID: b1f
  serviceAccountJSON: '{"id":"x"}'
`;

const YANDEX: RenderedConfiguration = {
  ...STATIC,
  cluster_configuration: YANDEX_CLUSTER,
  provider_specific_cluster_configuration: YANDEX_PLACEMENT,
  connection_config: `apiVersion: dhctl.deckhouse.io/v1
kind: SSHConfig
sshUser: ubuntu
sshAgentPrivateKeys: [{key: "k"}]
`,
};

function errorsOf(overrides: Partial<RenderedConfiguration>, base = STATIC): RenderError[] {
  return validateConfiguration({ ...base, ...overrides }).errors;
}

/** Replaces `from` in a base section text (fails loudly when the text is not there). */
function edit(text: string, from: string, to: string): string {
  expect(text).toContain(from);
  return text.replace(from, to);
}

describe('validateConfiguration: valid configurations', () => {
  it('accepts a static configuration and derives the facts', () => {
    const result = validateConfiguration(STATIC);
    expect(result.errors).toEqual([]);
    expect(result.facts).toEqual({
      clusterType: 'static',
      cloudProvider: null,
      kubernetesVersion: '1.33',
      connectionHosts: {
        masters: [
          { host: '192.0.2.10', user: 'ubuntu' },
          { host: '192.0.2.11', user: 'ubuntu' },
        ],
      },
    });
    expect(Object.keys(result.documents)).toEqual([
      'kubernetes',
      'placement',
      'ssh',
      'installation',
      'primary_resources',
      'resources/modules',
    ]);
    expect(result.documents.ssh).toHaveLength(3);
    expect(result.documents.kubernetes?.[0]).toMatchObject({
      clusterType: 'Static',
      kubernetesVersion: '1.33',
    });
  });

  it('accepts a Yandex cloud configuration without SSH hosts', () => {
    const result = validateConfiguration(YANDEX);
    expect(result.errors).toEqual([]);
    expect(result.facts).toMatchObject({
      clusterType: 'cloud',
      cloudProvider: 'Yandex',
      kubernetesVersion: 'Automatic',
    });
    expect(result.facts.connectionHosts.masters).toEqual([]);
  });

  it('ignores empty documents from stray separators', () => {
    const result = validateConfiguration({
      ...STATIC,
      cluster_configuration: `---\n---\n${CLUSTER_CONFIGURATION}---\n# trailing comment\n`,
      primary_resources: '',
    });
    expect(result.errors).toEqual([]);
    expect(result.documents.kubernetes).toHaveLength(1);
    expect(result.documents.primary_resources).toEqual([]);
  });
});

describe('validateConfiguration: YAML errors', () => {
  it('reports syntax errors with the line in the rendered text', () => {
    const errors = errorsOf({
      cluster_configuration: edit(
        CLUSTER_CONFIGURATION,
        'clusterDomain: cluster.local',
        'clusterDomain: [cluster.local',
      ),
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      section: 'kubernetes',
      document: 0,
      message: expect.stringMatching(/^YAML: /) as string,
    });
    expect(errors[0]?.line).toBeGreaterThanOrEqual(7);
  });

  it('counts documents after empty ones and reports duplicate keys on their line', () => {
    const errors = errorsOf({
      primary_resources: `---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n  name: c\n`,
    });
    expect(errors).toEqual([
      {
        section: 'primary_resources',
        document: 1,
        line: 12,
        column: 3,
        message: 'YAML: Map keys must be unique',
      },
    ]);
  });

  it('rejects documents that are not mappings', () => {
    expect(errorsOf({ primary_resources: '- a\n- b\n' })).toEqual([
      {
        section: 'primary_resources',
        document: 0,
        line: 1,
        field: null,
        message: 'a document must be a mapping with apiVersion and kind',
      },
    ]);
  });
});

describe('validateConfiguration: ClusterConfiguration', () => {
  it('requires its fields', () => {
    const errors = errorsOf({
      cluster_configuration: edit(CLUSTER_CONFIGURATION, 'podSubnetCIDR: 10.111.0.0/16\n', ''),
    });
    expect(errors).toEqual([
      {
        section: 'kubernetes',
        document: 0,
        line: 1,
        field: 'podSubnetCIDR',
        message: 'ClusterConfiguration.podSubnetCIDR: is required',
      },
    ]);
  });

  it('rejects unknown top-level fields (additionalProperties: false) on their line', () => {
    const errors = errorsOf({
      cluster_configuration: `${CLUSTER_CONFIGURATION}podSubnetCidr: 10.0.0.0/16\n`,
    });
    expect(errors).toEqual([
      {
        section: 'kubernetes',
        document: 0,
        line: 8,
        field: 'podSubnetCidr',
        message: 'ClusterConfiguration.podSubnetCidr: unknown field (not allowed by the schema)',
      },
    ]);
  });

  it('checks clusterType and requires cloud for Cloud', () => {
    expect(
      errorsOf({
        cluster_configuration: edit(
          CLUSTER_CONFIGURATION,
          'clusterType: Static',
          'clusterType: Hybrid',
        ),
      })[0],
    ).toMatchObject({
      field: 'clusterType',
      line: 3,
      message: 'ClusterConfiguration.clusterType: must be one of "Cloud", "Static", got "Hybrid"',
    });
    const noCloud = errorsOf(
      {
        cluster_configuration: edit(
          YANDEX_CLUSTER,
          'cloud:\n  provider: Yandex\n  prefix: demo\n',
          '',
        ),
      },
      YANDEX,
    );
    expect(noCloud[0]).toMatchObject({
      section: 'kubernetes',
      field: 'cloud',
      message: expect.stringMatching(/required when clusterType is Cloud/) as string,
    });
  });

  it('checks cloud.provider and cloud.prefix', () => {
    const errors = errorsOf(
      {
        cluster_configuration: edit(
          edit(YANDEX_CLUSTER, 'provider: Yandex', 'provider: Yandex2'),
          'prefix: demo',
          'prefix: Demo_1',
        ),
      },
      YANDEX,
    );
    expect(errors.filter((e) => e.section === 'kubernetes').map((e) => [e.field, e.line])).toEqual([
      ['cloud.provider', 5],
      ['cloud.prefix', 6],
    ]);
  });

  it('requires kubernetesVersion as a string from the supported set', () => {
    const unquoted = errorsOf({
      cluster_configuration: edit(CLUSTER_CONFIGURATION, '"1.33"', '1.30'),
    });
    expect(unquoted).toEqual([
      {
        section: 'kubernetes',
        document: 0,
        line: 4,
        field: 'kubernetesVersion',
        message:
          'ClusterConfiguration.kubernetesVersion: must be a string, got a number 1.3 (quote the value in YAML)',
      },
    ]);
    expect(
      errorsOf({ cluster_configuration: edit(CLUSTER_CONFIGURATION, '"1.33"', '"1.19"') })[0]
        ?.message,
    ).toMatch(/"Automatic" or a supported Kubernetes version/);
    for (const v of ['"1.20"', '"1.29"', '"1.36"', 'Automatic']) {
      expect(
        errorsOf({ cluster_configuration: edit(CLUSTER_CONFIGURATION, '"1.33"', v) }),
        v,
      ).toEqual([]);
    }
    expect(
      errorsOf({ cluster_configuration: edit(CLUSTER_CONFIGURATION, '"1.33"', '"1.37"') }),
    ).toHaveLength(1);
  });

  it('checks CIDRs, podSubnetNodeCIDRPrefix and defaultCRI', () => {
    const text = edit(
      CLUSTER_CONFIGURATION,
      'serviceSubnetCIDR: 10.222.0.0/16',
      'serviceSubnetCIDR: 10.222.0.0',
    ).concat('podSubnetNodeCIDRPrefix: "40"\ndefaultCRI: Docker\n');
    const errors = errorsOf({ cluster_configuration: text });
    expect(errors.map((e) => [e.field, e.line])).toEqual([
      ['serviceSubnetCIDR', 6],
      ['podSubnetNodeCIDRPrefix', 8],
      ['defaultCRI', 9],
    ]);
    expect(errors[0]?.message).toBe(
      'ClusterConfiguration.serviceSubnetCIDR: must be an IPv4 CIDR such as 10.222.0.0/16',
    );
    expect(
      errorsOf({
        cluster_configuration: `${CLUSTER_CONFIGURATION}podSubnetNodeCIDRPrefix: 24\n`,
      })[0]?.message,
    ).toMatch(/must be a string, got a number 24/);
    expect(
      errorsOf({
        cluster_configuration: `${CLUSTER_CONFIGURATION}podSubnetNodeCIDRPrefix: "24"\ndefaultCRI: ContainerdV2\n`,
      }),
    ).toEqual([]);
  });

  it('checks proxy settings', () => {
    const errors = errorsOf({
      cluster_configuration: `${CLUSTER_CONFIGURATION}proxy:\n  httpProxy: proxy:3128\n  noProxy: [".example.com", "Bad Host"]\n`,
    });
    expect(errors.map((e) => [e.field, e.line])).toEqual([
      ['proxy.httpProxy', 9],
      ['proxy.noProxy[1]', 10],
    ]);
  });
});

describe('validateConfiguration: placement', () => {
  it('checks StaticClusterConfiguration CIDRs and unknown fields', () => {
    const errors = errorsOf({
      provider_specific_cluster_configuration: `apiVersion: deckhouse.io/v1\nkind: StaticClusterConfiguration\ninternalNetworkCIDRs:\n- 10.0.1.0/24\n- 10.0.2.0/33\nfoo: 1\n`,
    });
    expect(errors).toEqual([
      expect.objectContaining({
        section: 'placement',
        document: 0,
        line: 5,
        field: 'internalNetworkCIDRs[1]',
      }) as unknown,
      expect.objectContaining({
        section: 'placement',
        document: 0,
        line: 6,
        field: 'foo',
      }) as unknown,
    ]);
  });

  it('allows at most one StaticClusterConfiguration, and none', () => {
    const doc = STATIC.provider_specific_cluster_configuration;
    expect(errorsOf({ provider_specific_cluster_configuration: `${doc}---\n${doc}` })).toEqual([
      {
        section: 'placement',
        document: 1,
        line: 6,
        field: 'kind',
        message:
          'StaticClusterConfiguration.kind: only one "StaticClusterConfiguration" allowed in the placement section',
      },
    ]);
    expect(errorsOf({ provider_specific_cluster_configuration: '' })).toEqual([]);
  });

  it('rejects a provider document for a Static cluster', () => {
    expect(errorsOf({ provider_specific_cluster_configuration: YANDEX_PLACEMENT })).toEqual([
      expect.objectContaining({
        section: 'placement',
        document: 0,
        line: 2,
        field: 'kind',
        message:
          'YandexClusterConfiguration.kind: unknown kind, expected "StaticClusterConfiguration" for a Static cluster',
      }) as unknown,
    ]);
  });

  it('requires exactly the provider document matching cloud.provider', () => {
    expect(errorsOf({ provider_specific_cluster_configuration: '' }, YANDEX)).toEqual([
      {
        section: 'placement',
        document: null,
        line: null,
        field: null,
        message:
          'exactly one "YandexClusterConfiguration" (cloud.provider is Yandex) required, found none',
      },
    ]);
    const openstack = `apiVersion: deckhouse.io/v1\nkind: OpenStackClusterConfiguration\nlayout: Standard\n`;
    expect(errorsOf({ provider_specific_cluster_configuration: openstack }, YANDEX)).toEqual([
      expect.objectContaining({
        field: 'kind',
        message: expect.stringMatching(
          /unknown kind, expected "YandexClusterConfiguration"/,
        ) as string,
      }) as unknown,
      expect.objectContaining({
        message: expect.stringMatching(/found none/) as string,
      }) as unknown,
    ]);
    expect(
      errorsOf(
        { provider_specific_cluster_configuration: `${YANDEX_PLACEMENT}---\n${YANDEX_PLACEMENT}` },
        YANDEX,
      ),
    ).toEqual([
      expect.objectContaining({
        document: 1,
        field: 'kind',
        message: expect.stringMatching(/only one provider configuration/) as string,
      }) as unknown,
    ]);
  });

  it('checks YandexClusterConfiguration fields', () => {
    const bad = edit(
      edit(
        edit(YANDEX_PLACEMENT, 'layout: Standard', 'layout: WithNATInstance'),
        '  replicas: 1',
        '  replicas: 0',
      ),
      '  folderID: b1f\n',
      '',
    );
    const errors = errorsOf({ provider_specific_cluster_configuration: bad }, YANDEX);
    expect(errors.map((e) => [e.field, e.line, e.message])).toEqual([
      [
        'masterNodeGroup.replicas',
        7,
        'YandexClusterConfiguration.masterNodeGroup.replicas: must be at least 1',
      ],
      ['provider.folderID', 12, 'YandexClusterConfiguration.provider.folderID: is required'],
      [
        'withNATInstance',
        1,
        'YandexClusterConfiguration.withNATInstance: is required when layout is WithNATInstance',
      ],
    ]);
  });

  it('checks OpenStackClusterConfiguration required fields', () => {
    const cluster = edit(YANDEX_CLUSTER, 'provider: Yandex', 'provider: OpenStack');
    const placement = `apiVersion: deckhouse.io/v1
kind: OpenStackClusterConfiguration
layout: Standard
provider: {authURL: "https://keystone"}
sshPublicKey: ssh-rsa AAAA
masterNodeGroup:
  replicas: 1
  instanceClass:
    flavorName: m1.large
    imageName: ubuntu-22-04
  volumeTypeMap: {nova: ceph-ssd}
`;
    expect(
      errorsOf(
        { cluster_configuration: cluster, provider_specific_cluster_configuration: placement },
        YANDEX,
      ),
    ).toEqual([]);
    const errors = errorsOf(
      {
        cluster_configuration: cluster,
        provider_specific_cluster_configuration: edit(
          edit(placement, '    imageName: ubuntu-22-04\n', ''),
          'sshPublicKey: ssh-rsa AAAA\n',
          '',
        ),
      },
      YANDEX,
    );
    expect(errors.map((e) => e.field)).toEqual([
      'sshPublicKey',
      'masterNodeGroup.instanceClass.imageName',
    ]);
  });

  it('checks other provider documents lightly', () => {
    const cluster = edit(YANDEX_CLUSTER, 'provider: Yandex', 'provider: vSphere');
    const ok = `apiVersion: deckhouse.io/v1\nkind: VsphereClusterConfiguration\nsshPublicKey: ssh-rsa AAAA\nmasterNodeGroup: {replicas: 3}\nvmFolderPath: dev\n`;
    expect(
      errorsOf(
        { cluster_configuration: cluster, provider_specific_cluster_configuration: ok },
        YANDEX,
      ),
    ).toEqual([]);
    const bad = edit(
      edit(ok, 'deckhouse.io/v1', 'deckhouse.io/v2'),
      '{replicas: 3}',
      '{replicas: 0}',
    );
    expect(
      errorsOf(
        { cluster_configuration: cluster, provider_specific_cluster_configuration: bad },
        YANDEX,
      ).map((e) => e.field),
    ).toEqual(['apiVersion', 'masterNodeGroup.replicas']);
  });
});

describe('validateConfiguration: kubernetes section rules', () => {
  it('requires exactly one ClusterConfiguration', () => {
    expect(errorsOf({ cluster_configuration: '' })).toEqual(
      expect.arrayContaining([
        {
          section: 'kubernetes',
          document: null,
          line: null,
          field: null,
          message: 'exactly one "ClusterConfiguration" required, found none',
        },
      ]) as unknown,
    );
    expect(
      errorsOf({ cluster_configuration: `${CLUSTER_CONFIGURATION}---\n${CLUSTER_CONFIGURATION}` }),
    ).toEqual([
      expect.objectContaining({
        section: 'kubernetes',
        document: 1,
        line: 10,
        field: 'kind',
        message: expect.stringMatching(/only one "ClusterConfiguration"/) as string,
      }) as unknown,
    ]);
  });

  it('rejects other kinds and documents without a kind', () => {
    expect(errorsOf({ cluster_configuration: `${CLUSTER_CONFIGURATION}---\n${INIT}` })).toEqual([
      expect.objectContaining({
        section: 'kubernetes',
        document: 1,
        field: 'kind',
        message: 'InitConfiguration.kind: unknown kind, expected "ClusterConfiguration"',
      }) as unknown,
    ]);
    expect(
      errorsOf({
        cluster_configuration: `${CLUSTER_CONFIGURATION}---\napiVersion: v1\nfoo: bar\n`,
      }),
    ).toEqual([
      { section: 'kubernetes', document: 1, line: 9, field: 'kind', message: 'kind: is required' },
    ]);
  });
});

describe('validateConfiguration: ssh section', () => {
  it('requires exactly one SSHConfig', () => {
    const hostsOnly = SSH.slice(SSH.indexOf('\n---\n') + 5);
    expect(errorsOf({ connection_config: hostsOnly })).toEqual([
      {
        section: 'ssh',
        document: null,
        line: null,
        field: null,
        message: 'exactly one "SSHConfig" required, found none',
      },
    ]);
    const twice = `${SSH}---\napiVersion: dhctl.deckhouse.io/v1\nkind: SSHConfig\nsshUser: root\nsudoPassword: x\n`;
    expect(errorsOf({ connection_config: twice })).toEqual([
      expect.objectContaining({
        section: 'ssh',
        document: 3,
        line: 19,
        field: 'kind',
        message: expect.stringMatching(/only one "SSHConfig"/) as string,
      }) as unknown,
    ]);
  });

  it('requires sshUser with sshAgentPrivateKeys or sudoPassword', () => {
    const noUser = edit(SSH, 'sshUser: ubuntu\n', '');
    expect(errorsOf({ connection_config: noUser })).toEqual([
      expect.objectContaining({
        section: 'ssh',
        document: 0,
        field: 'sshUser',
        message: 'SSHConfig.sshUser: is required',
      }) as unknown,
    ]);
    const noKeys = `apiVersion: dhctl.deckhouse.io/v1\nkind: SSHConfig\nsshUser: ubuntu\n---\napiVersion: dhctl.deckhouse.io/v1\nkind: SSHHost\nhost: 192.0.2.1\n`;
    expect(errorsOf({ connection_config: noKeys })).toEqual([
      expect.objectContaining({
        field: 'sshAgentPrivateKeys',
        message: expect.stringMatching(/private key or a sudo password/) as string,
      }) as unknown,
    ]);
    expect(
      errorsOf({
        connection_config: edit(
          noKeys,
          'sshUser: ubuntu\n',
          'sshUser: ubuntu\nsudoPassword: secret\n',
        ),
      }),
    ).toEqual([]);
  });

  it('checks SSHConfig fields: port, keys, unknown fields', () => {
    const bad = edit(
      edit(SSH, 'sshPort: 22', 'sshPort: "22"'),
      'sshUser: ubuntu',
      'sshUser: ubuntu\nsshPassword: x',
    );
    expect(errorsOf({ connection_config: bad }).map((e) => [e.field, e.line])).toEqual([
      ['sshPort', 5],
      ['sshPassword', 4],
    ]);
    expect(
      errorsOf({ connection_config: edit(SSH, '- key: |', '- key: ""\n  foo: |') }).map(
        (e) => e.field,
      ),
    ).toEqual(['sshAgentPrivateKeys[0].key', 'sshAgentPrivateKeys[0].foo']);
  });

  it('requires host on SSHHost and rejects other kinds', () => {
    const errors = errorsOf({
      connection_config: `${edit(SSH, 'host: 192.0.2.11', 'hostname: 192.0.2.11')}---\napiVersion: v1\nkind: Secret\nmetadata: {name: x}\n`,
    });
    expect(errors).toEqual([
      expect.objectContaining({
        document: 2,
        field: 'host',
        message: 'SSHHost.host: is required',
      }) as unknown,
      expect.objectContaining({ document: 2, field: 'hostname', line: 16 }) as unknown,
      expect.objectContaining({
        document: 3,
        field: 'kind',
        line: 19,
        message: 'Secret.kind: unknown kind, expected one of (SSHConfig, SSHHost)',
      }) as unknown,
    ]);
  });

  it('requires an SSHHost for a Static cluster only', () => {
    const configOnly = SSH.slice(0, SSH.indexOf('\n---\n') + 1);
    expect(errorsOf({ connection_config: configOnly })).toEqual([
      {
        section: 'ssh',
        document: null,
        line: null,
        field: null,
        message: 'a Static cluster needs at least one "SSHHost" (the master to bootstrap)',
      },
    ]);
    expect(errorsOf({ connection_config: configOnly }, YANDEX)).toEqual([]);
  });
});

describe('validateConfiguration: installation section', () => {
  it('requires exactly one InitConfiguration and allows ModuleConfigs', () => {
    expect(errorsOf({ init_configuration: '' })).toEqual([
      {
        section: 'installation',
        document: null,
        line: null,
        field: null,
        message: 'exactly one "InitConfiguration" required, found none',
      },
    ]);
    const withModule = `${INIT}---\napiVersion: deckhouse.io/v1alpha1\nkind: ModuleConfig\nmetadata: {name: deckhouse}\nspec: {version: 1, settings: {bundle: Default}}\n`;
    expect(errorsOf({ init_configuration: withModule })).toEqual([]);
    expect(
      errorsOf({
        init_configuration: `${INIT}---\napiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n`,
      }),
    ).toEqual([
      expect.objectContaining({
        document: 1,
        field: 'kind',
        message: 'Namespace.kind: unknown kind, expected one of (InitConfiguration, ModuleConfig)',
      }) as unknown,
    ]);
  });

  it('checks imagesRepo and registryDockerCfg', () => {
    const errors = errorsOf({
      init_configuration: edit(
        edit(INIT, 'registry.deckhouse.io/deckhouse/ce', 'https://registry.example.com/ce'),
        'eyJhdXRocyI6IHsgInJlZ2lzdHJ5LmRlY2tob3VzZS5pbyI6IHt9fX0=',
        'not base64!',
      ),
    });
    expect(errors.map((e) => [e.field, e.line, e.message])).toEqual([
      [
        'deckhouse.imagesRepo',
        4,
        'InitConfiguration.deckhouse.imagesRepo: must be a registry path such as registry.deckhouse.io/deckhouse/ce',
      ],
      [
        'deckhouse.registryDockerCfg',
        5,
        'InitConfiguration.deckhouse.registryDockerCfg: must be base64 (standard alphabet, padded) of a docker config.json',
      ],
    ]);
    // Valid base64, but not of JSON.
    expect(
      errorsOf({
        init_configuration: edit(
          INIT,
          'eyJhdXRocyI6IHsgInJlZ2lzdHJ5LmRlY2tob3VzZS5pbyI6IHt9fX0=',
          'aGVsbG8=',
        ),
      })[0]?.message,
    ).toMatch(/not JSON/);
    expect(
      errorsOf({ init_configuration: 'apiVersion: deckhouse.io/v1\nkind: InitConfiguration\n' })[0],
    ).toMatchObject({
      field: 'deckhouse',
      message: 'InitConfiguration.deckhouse: is required',
    });
  });
});

describe('validateConfiguration: resources', () => {
  it('checks ModuleConfig', () => {
    const errors = errorsOf({
      resources: [
        {
          name: 'modules',
          sync_mode: 'managed',
          yaml: `apiVersion: deckhouse.io/v1alpha1\nkind: ModuleConfig\nmetadata:\n  namespace: x\nspec:\n  enabled: "true"\n  version: 1.5\n  settings: []\n  enable: true\n`,
        },
      ],
    });
    expect(errors.map((e) => [e.section, e.field, e.line])).toEqual([
      ['resources/modules', 'metadata.name', 3],
      ['resources/modules', 'spec.enabled', 6],
      ['resources/modules', 'spec.version', 7],
      ['resources/modules', 'spec.settings', 8],
      ['resources/modules', 'spec.enable', 9],
    ]);
  });

  it('requires apiVersion, kind and metadata.name on any resource', () => {
    const errors = errorsOf({
      primary_resources:
        'apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n---\nkind: Namespace\nmetadata: {name: x}\n',
    });
    expect(errors).toEqual([
      {
        section: 'primary_resources',
        document: 0,
        line: 1,
        field: 'metadata',
        message: 'ConfigMap.metadata: is required',
      },
      {
        section: 'primary_resources',
        document: 1,
        line: 5,
        field: 'apiVersion',
        message: 'Namespace.apiVersion: is required',
      },
    ]);
  });

  it('rejects configuration documents and CRDs where they do not belong', () => {
    expect(errorsOf({ primary_resources: CLUSTER_CONFIGURATION })[0]).toMatchObject({
      field: 'kind',
      message: expect.stringMatching(/unknown kind, expected a Kubernetes resource/) as string,
    });
    expect(errorsOf({ primary_resources: YANDEX_PLACEMENT })[0]?.message).toMatch(
      /belongs to the placement section/,
    );
    const crd =
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: foos.example.com}\n';
    expect(errorsOf({ primary_resources: crd })).toEqual([
      expect.objectContaining({
        field: 'kind',
        message: expect.stringMatching(/not allowed in primary resources/) as string,
      }) as unknown,
    ]);
    expect(errorsOf({ resources: [{ name: 'crds', sync_mode: 'managed', yaml: crd }] })).toEqual(
      [],
    );
  });

  it('rejects the same resource in two groups', () => {
    const ns = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n';
    const errors = errorsOf({
      resources: [
        { name: 'a', sync_mode: 'managed', yaml: ns },
        {
          name: 'b',
          sync_mode: 'unmanaged',
          yaml: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: other\n---\n${ns}`,
        },
      ],
    });
    expect(errors).toEqual([
      {
        section: 'resources/b',
        document: 1,
        line: 9,
        field: 'metadata.name',
        message: 'Namespace.metadata.name: duplicate resource: already defined in resources/a',
      },
    ]);
  });
});
