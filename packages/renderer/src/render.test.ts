import type { TemplateSections } from '@commander/contracts';
import { describe, expect, it } from 'vitest';

import {
  masterHost,
  PRIVATE_KEY,
  SPECIALS,
  STATIC_PARAMS,
  STATIC_VALUES,
  STATIC_VERSION,
} from '../test/fixtures.js';
import {
  checkTemplateVersion,
  parseParams,
  renderClusterConfiguration,
  type RenderResult,
  validateValues,
} from './index.js';

function validValues(values: Record<string, unknown>): Record<string, unknown> {
  const { fields } = parseParams(STATIC_PARAMS);
  const result = validateValues(fields, values);
  if (!result.ok) {
    throw new Error(JSON.stringify(result.errors));
  }
  return result.values;
}

function renderStatic(
  values = STATIC_VALUES,
  version: TemplateSections = STATIC_VERSION,
): RenderResult {
  return renderClusterConfiguration(version, validValues(values), SPECIALS);
}

/** A version whose sections are all valid except the ones overridden. */
function withSections(overrides: Partial<TemplateSections>): TemplateSections {
  return { ...STATIC_VERSION, ...overrides };
}

describe("Commander's static example (SSH + masterHosts range)", () => {
  it('renders every section and validates without errors', () => {
    const result = renderStatic();
    expect(result.errors).toEqual([]);
    expect(result.rendered).not.toBeNull();
    expect(result.rendered?.connection_config).toBe(`apiVersion: dhctl.deckhouse.io/v1
kind: SSHConfig
sshUser: ubuntu
sshPort: 22
sshAgentPrivateKeys:
- key: |
    -----BEGIN OPENSSH PRIVATE KEY-----
    b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ
    -----END OPENSSH PRIVATE KEY-----
---
apiVersion: dhctl.deckhouse.io/v1
kind: SSHHost
host: 203.0.113.1
---
apiVersion: dhctl.deckhouse.io/v1
kind: SSHHost
host: 203.0.113.2
---
apiVersion: dhctl.deckhouse.io/v1
kind: SSHHost
host: 203.0.113.3
`);
    expect(result.documents.ssh?.[0]).toMatchObject({
      sshAgentPrivateKeys: [{ key: `${PRIVATE_KEY}\n` }],
    });
  });

  it('derives the cluster type, Kubernetes version and the master hosts in order', () => {
    expect(renderStatic().facts).toEqual({
      clusterType: 'static',
      cloudProvider: null,
      kubernetesVersion: '1.33',
      connectionHosts: {
        masters: [
          { host: '203.0.113.1', user: 'ubuntu' },
          { host: '203.0.113.2', user: 'ubuntu' },
          { host: '203.0.113.3', user: 'ubuntu' },
        ],
      },
    });
  });

  it('creates a StaticInstance for each extra master and counts them in the NodeGroup', () => {
    const docs = renderStatic().documents.primary_resources ?? [];
    expect(docs.map((d) => (d as { kind: string }).kind)).toEqual([
      'SSHCredentials',
      'StaticInstance',
      'StaticInstance',
      'NodeGroup',
    ]);
    expect(docs[0]).toMatchObject({ spec: { privateSSHKey: btoa(PRIVATE_KEY) } });
    expect(docs[1]).toMatchObject({
      metadata: { name: 'master-2' },
      spec: { address: '10.0.1.2' },
    });
    expect(docs[3]).toMatchObject({ spec: { staticInstances: { count: 2 } } });
  });

  it('follows the values: one master gives no StaticInstance and one SSHHost', () => {
    const result = renderStatic({ ...STATIC_VALUES, masterHosts: [masterHost(7)] });
    expect(result.errors).toEqual([]);
    expect(result.facts.connectionHosts.masters).toEqual([{ host: '203.0.113.7', user: 'ubuntu' }]);
    expect(
      (result.documents.primary_resources ?? []).map((d) => (d as { kind: string }).kind),
    ).toEqual(['SSHCredentials', 'NodeGroup']);
  });

  it('renders resource groups with their sync mode', () => {
    const result = renderStatic();
    expect(result.rendered?.resources).toEqual([
      {
        name: 'agent',
        sync_mode: 'managed',
        yaml: expect.stringContaining('kind: ModuleConfig') as string,
      },
    ]);
    expect(result.texts['resources/agent']).toBe(result.rendered?.resources[0]?.yaml);
  });
});

describe('special variables and values', () => {
  it('passes the special variables to every section', () => {
    const probe =
      '{{ .dc_clusterUUID }} {{ .dc_domain }} {{ .dc_caBundle }} {{ .dc_sshPublicKey }}';
    const comment = `# ${probe}\n`;
    const version = withSections({
      placement_template: comment + STATIC_VERSION.placement_template,
      resources: [
        {
          name: 'g',
          sync_mode: 'unmanaged',
          template: `${comment}apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n`,
        },
      ],
    });
    const result = renderStatic(STATIC_VALUES, version);
    expect(result.errors).toEqual([]);
    const expected = `# ${SPECIALS.dc_clusterUUID} ${SPECIALS.dc_domain} ${SPECIALS.dc_caBundle} ${SPECIALS.dc_sshPublicKey}\n`;
    expect(result.texts.placement?.startsWith(expected)).toBe(true);
    expect(result.texts['resources/g']?.startsWith(expected)).toBe(true);
    expect(renderStatic().texts['resources/agent']).toContain(
      `commanderUrl: "https://commander.example.com/agent_api/${SPECIALS.dc_clusterUUID}"`,
    );
  });

  it('does not pass optional fields left empty', () => {
    const version = withSections({
      placement_template: `# zone={{ if hasKey . "zone" }}{{ .zone }}{{ else }}absent{{ end }} direct={{ .zone }}\n${STATIC_VERSION.placement_template}`,
    });
    const empty = renderClusterConfiguration(
      version,
      { ...validValues(STATIC_VALUES), zone: '' },
      SPECIALS,
    );
    expect(empty.texts.placement?.split('\n')[0]).toBe('# zone=absent direct=<no value>');
    const nulled = renderClusterConfiguration(
      version,
      { ...validValues(STATIC_VALUES), zone: null },
      SPECIALS,
    );
    expect(nulled.texts.placement?.split('\n')[0]).toBe('# zone=absent direct=<no value>');
    const given = renderClusterConfiguration(
      version,
      { ...validValues(STATIC_VALUES), zone: 'a' },
      SPECIALS,
    );
    expect(given.texts.placement?.split('\n')[0]).toBe('# zone=a direct=a');
  });

  it('applies defaults of optional fields through validateValues', () => {
    // podSubnetCIDR and sshPort are optional with defaults.
    const result = renderStatic();
    expect(result.texts.kubernetes).toContain('podSubnetCIDR: 10.111.0.0/16');
    expect(result.texts.ssh).toContain('sshPort: 22');
  });

  it("uses numbers as Go's float64, quirks included", () => {
    const version = withSections({
      placement_template: `# {{ .sshPort }} {{ printf "%d" .sshPort }} {{ add .sshPort 1 }}\n${STATIC_VERSION.placement_template}`,
    });
    const result = renderStatic({ ...STATIC_VALUES, sshPort: 2222 }, version);
    expect(result.texts.placement?.split('\n')[0]).toBe('# 2222 %!d(float64=2222) 2223');
  });
});

describe('template errors', () => {
  it('maps an execution error to section, line and 1-based column with Go’s message', () => {
    const result = renderStatic(
      STATIC_VALUES,
      withSections({ kubernetes_template: 'a: 1\nb: {{ .sshUser.name }}\n' }),
    );
    expect(result.errors).toEqual([
      {
        section: 'kubernetes',
        document: null,
        line: 2,
        column: 15,
        field: null,
        message: `template: kubernetes:2:14: executing "kubernetes" at <.sshUser.name>: can't evaluate field name in type interface {}`,
      },
    ]);
    expect(result.rendered).toBeNull();
    expect(result.texts.kubernetes).toBeNull();
  });

  it('counts the column in characters, not bytes', () => {
    const result = renderStatic(
      STATIC_VALUES,
      withSections({ kubernetes_template: 'ключ: {{ .sshUser.name }}\n' }),
    );
    // Go points at ".name": byte 21 from 0 ("ключ" is 4 characters but 8 bytes); character 18 from 1.
    expect(result.errors[0]).toMatchObject({
      line: 1,
      column: 18,
      message: expect.stringMatching(/^template: kubernetes:1:21: /) as string,
    });
  });

  it('maps parse errors with their line and no column', () => {
    const result = renderStatic(
      STATIC_VALUES,
      withSections({ installation_template: 'a: 1\n\n{{ toYaml .sshUser }}\n' }),
    );
    expect(result.errors).toEqual([
      {
        section: 'installation',
        document: null,
        line: 3,
        column: null,
        field: null,
        message: 'template: installation:3: function "toYaml" not defined',
      },
    ]);
  });

  it('names resource groups resources/<group> and still renders the other sections', () => {
    const version = withSections({
      resources: [
        {
          name: 'ok',
          sync_mode: 'managed',
          template: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: ok}\n',
        },
        { name: 'broken', sync_mode: 'managed', template: '{{ fail "no capacity" }}' },
      ],
    });
    const result = renderStatic(STATIC_VALUES, version);
    expect(result.errors).toEqual([
      expect.objectContaining({
        section: 'resources/broken',
        line: 1,
        column: 4,
        message:
          'template: resources/broken:1:3: executing "resources/broken" at <fail "no capacity">: error calling fail: no capacity',
      }) as unknown,
    ]);
    expect(result.rendered).toBeNull();
    expect(result.texts['resources/broken']).toBeNull();
    expect(result.documents['resources/ok']).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ok' } },
    ]);
    // The sections depending on a failed one are not judged on it: here the rest is valid.
    expect(result.facts.clusterType).toBe('static');
  });

  it('reports Go’s comparison error for JSON numbers', () => {
    const result = renderStatic(
      STATIC_VALUES,
      withSections({ placement_template: '{{ if gt .sshPort 5 }}x: 1{{ end }}\n' }),
    );
    expect(result.errors[0]?.message).toMatch(/incompatible types for comparison/);
  });
});

describe('YAML and schema errors in rendered output', () => {
  it('reports YAML syntax errors with the line in the rendered text', () => {
    const { fields } = parseParams(STATIC_PARAMS);
    const values = validateValues(fields, { ...STATIC_VALUES, sshUser: 'admin: root' });
    if (!values.ok) {
      throw new Error('expected valid values');
    }
    const result = renderClusterConfiguration(STATIC_VERSION, values.values, SPECIALS);
    // "sshUser: admin: root" on rendered line 3 of the ssh section.
    expect(result.errors).toEqual([
      expect.objectContaining({
        section: 'ssh',
        document: 0,
        line: 3,
        message: expect.stringMatching(/^YAML: /) as string,
      }) as unknown,
      expect.objectContaining({
        section: 'primary_resources',
        document: 0,
        line: 6,
        message: expect.stringMatching(/^YAML: /) as string,
      }) as unknown,
    ]);
    // The rendered text is kept (the YAML is what the user must see), but it is not valid.
    expect(result.rendered).not.toBeNull();
  });

  it('reports schema errors with the line of the field in the rendered text', () => {
    const version = withSections({
      kubernetes_template: STATIC_VERSION.kubernetes_template.replace(
        '{{ .kubernetesVersion | quote }}',
        '{{ .kubernetesVersion }}',
      ),
    });
    const result = renderStatic({ ...STATIC_VALUES, kubernetesVersion: '1.34' }, version);
    expect(result.errors).toEqual([
      {
        section: 'kubernetes',
        document: 0,
        line: 4,
        field: 'kubernetesVersion',
        message:
          'ClusterConfiguration.kubernetesVersion: must be a string, got a number 1.34 (quote the value in YAML)',
      },
    ]);
  });

  it('ignores empty documents left by ranges over empty lists', () => {
    const version = withSections({
      primary_resources_template:
        '{{- range .masterHosts }}\n---\n{{- end }}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n',
    });
    const result = renderStatic(STATIC_VALUES, version);
    expect(result.errors).toEqual([]);
    expect(result.documents.primary_resources).toHaveLength(1);
  });
});

describe('checkTemplateVersion', () => {
  it('accepts a sound version', () => {
    expect(checkTemplateVersion({ ...STATIC_VERSION, params: STATIC_PARAMS })).toEqual([]);
  });

  it('reports params errors and template parse errors by section', () => {
    const errors = checkTemplateVersion({
      ...STATIC_VERSION,
      ssh_template: 'a: {{ .x ',
      resources: [
        { name: 'a', sync_mode: 'managed', template: '' },
        { name: 'a', sync_mode: 'managed', template: '{{ end }}' },
      ],
      params: '- key: a\n  title: A\n  type: string\n  tittle: x\n',
    });
    expect(errors.map((e) => [e.section, e.line, e.field])).toEqual([
      ['params', 4, '[0].tittle'],
      ['resources', null, null],
      ['ssh', 1, null],
      ['resources/a', 1, null],
    ]);
    expect(errors[1]?.message).toBe('duplicate resource group name "a"');
    expect(errors[2]?.message).toMatch(/^template: ssh:1: /);
  });
});
