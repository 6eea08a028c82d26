import type { Db, Prisma } from '@commander/db';

/** A small static template whose sections are plain YAML (fast to render; no inventory needed). */
export const TEST_TEMPLATE_SECTIONS = {
  kubernetesTemplate: `apiVersion: deckhouse.io/v1
kind: ClusterConfiguration
clusterType: Static
kubernetesVersion: {{ .kubeVersion | default "1.33" | quote }}
podSubnetCIDR: {{ .podSubnetCIDR | default "10.111.0.0/16" }}
serviceSubnetCIDR: 10.222.0.0/16
clusterDomain: cluster.local
`,
  placementTemplate: `apiVersion: deckhouse.io/v1
kind: StaticClusterConfiguration
internalNetworkCIDRs:
  - 10.0.1.0/24
`,
  sshTemplate: `apiVersion: dhctl.deckhouse.io/v1
kind: SSHConfig
sshUser: ubuntu
sshPort: 22
sshAgentPrivateKeys:
- key: |
    {{- .dc_sshPrivateKey | nindent 4 }}
---
apiVersion: dhctl.deckhouse.io/v1
kind: SSHHost
host: {{ .host | default "10.0.1.10" }}
`,
  installationTemplate: `apiVersion: deckhouse.io/v1
kind: InitConfiguration
deckhouse:
  imagesRepo: registry.deckhouse.io/deckhouse/ce
  registryDockerCfg: eyJhdXRocyI6IHsgInJlZ2lzdHJ5LmRlY2tob3VzZS5pbyI6IHt9fX0=
`,
  primaryResourcesTemplate: `apiVersion: deckhouse.io/v1alpha1
kind: ModuleConfig
metadata:
  name: commander-agent
spec:
  enabled: true
  version: 1
  settings:
    commanderUrl: "http://{{ .dc_domain }}/agent_api/{{ .dc_clusterUUID }}"
`,
  resources: [
    {
      name: 'main',
      sync_mode: 'managed',
      template: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n',
    },
  ],
};

/** Params of the test template: everything optional, so `values: {}` is valid. */
export const TEST_TEMPLATE_PARAMS = [
  { key: 'kubeVersion', type: 'string', title: 'Kubernetes version', optional: true },
  { key: 'podSubnetCIDR', type: 'string', title: 'Pod subnet', optional: true, immutable: true },
  { key: 'host', type: 'string', title: 'Master host', optional: true },
  {
    key: 'adminPassword',
    type: 'string',
    format: 'password',
    title: 'Admin password',
    optional: true,
  },
];

/**
 * Creates a template with one version in a workspace, for tests (overrides replace sections or
 * params). Returns the version's id and the template's id.
 */
export async function createTestTemplate(
  db: Db,
  workspaceId: string,
  overrides: Partial<Prisma.ClusterTemplateVersionUncheckedCreateInput> & { name?: string } = {},
): Promise<{ templateId: string; versionId: string }> {
  const { name, ...versionOverrides } = overrides;
  const template = await db.clusterTemplate.create({
    data: { workspaceId, name: name ?? `test-template-${Math.random().toString(36).slice(2, 8)}` },
  });
  const version = await db.clusterTemplateVersion.create({
    data: {
      clusterTemplateId: template.id,
      number: 1,
      params: TEST_TEMPLATE_PARAMS,
      ...TEST_TEMPLATE_SECTIONS,
      resources: TEST_TEMPLATE_SECTIONS.resources,
      ...versionOverrides,
    },
  });
  await db.clusterTemplate.update({
    where: { id: template.id },
    data: { currentClusterTemplateVersionId: version.id },
  });
  return { templateId: template.id, versionId: version.id };
}
