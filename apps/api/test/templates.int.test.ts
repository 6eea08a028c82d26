import { describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

/** A Commander-style template (export format) with a password, an enum, a catalog and a unique field. */
const TEMPLATE_YAML = `apiVersion: commander.deckhouse.io/v1
kind: ClusterTemplate
name: imported-static
comment: Imported in a test
versions:
  - comment: first
    params:
      - header: Cluster
      - key: kubeVersion
        type: string
        title: Kubernetes version
        enum: ["1.32", "1.33"]
        default: "1.33"
      - key: prefix
        type: string
        title: Prefix
        unique: true
        immutable: true
      - key: adminPassword
        type: string
        format: password
        title: Password
        minLength: 8
      - key: hosts
        title: Hosts
        catalog: test-hosts
        minItems: 1
        maxItems: 1
        autoselect: true
    kubernetes_template: |
      apiVersion: deckhouse.io/v1
      kind: ClusterConfiguration
      clusterType: Static
      kubernetesVersion: {{ .kubeVersion | quote }}
      podSubnetCIDR: 10.111.0.0/16
      serviceSubnetCIDR: 10.222.0.0/16
      clusterDomain: cluster.local
    placement_template: |
      apiVersion: deckhouse.io/v1
      kind: StaticClusterConfiguration
      internalNetworkCIDRs: [10.0.1.0/24]
    ssh_template: |
      apiVersion: dhctl.deckhouse.io/v1
      kind: SSHConfig
      sshUser: ubuntu
      sshAgentPrivateKeys:
      - key: |
          {{- .dc_sshPrivateKey | nindent 4 }}
      {{- range $h := .hosts }}
      ---
      apiVersion: dhctl.deckhouse.io/v1
      kind: SSHHost
      host: {{ $h.ip }}
      {{- end }}
    installation_template: |
      apiVersion: deckhouse.io/v1
      kind: InitConfiguration
      deckhouse:
        imagesRepo: registry.deckhouse.io/deckhouse/ce
        registryDockerCfg: eyJhdXRocyI6IHsgInJlZ2lzdHJ5LmRlY2tob3VzZS5pbyI6IHt9fX0=
    primary_resources_template: |
      apiVersion: v1
      kind: Secret
      metadata:
        name: admin
        namespace: default
      stringData:
        password: {{ .adminPassword | quote }}
        prefix: {{ .prefix }}
    resources: []
`;

describe('templates, inventory and values', () => {
  const t = useTestApp();
  const h = () => t.headers();
  let versionId = '';
  let templateId = '';

  it("imports a catalog in Commander's shape, and into an existing slug adds records without schema checks", async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/catalogs',
      headers: h(),
      payload: {
        name: 'Test hosts',
        slug: 'test-hosts',
        usage: 'exclusive',
        params: [
          {
            key: 'ip',
            type: 'string',
            format: 'ipv4',
            title: 'IP',
            unique: true,
            identifier: true,
          },
          { key: 'name', type: 'string', title: 'Name' },
        ],
        resources: [
          { values: { ip: '10.1.0.1', name: 'a' } },
          { values: { ip: '10.1.0.2', name: 'b' } },
        ],
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ slug: 'test-hosts', usage: 'exclusive', records_count: 2 });
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/catalogs',
      headers: h(),
      payload: {
        name: 'ignored',
        slug: 'test-hosts',
        params: [],
        resources: [{ values: { ip: 'not-an-ip', name: 'c' } }],
      },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().records_count).toBe(3);
    const records = await t.app.inject({
      method: 'GET',
      url: `/api/v1/records?catalog_id=${res.json().id}`,
      headers: h(),
    });
    expect(records.json().map((r: { schema_matches: boolean }) => r.schema_matches)).toEqual([
      true,
      true,
      false,
    ]);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/records',
      headers: h(),
      payload: { catalog_id: res.json().id, values: { ip: '999.1.1.1', name: 'x' } },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.code).toBe('invalid_values');
    const dup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/records',
      headers: h(),
      payload: { catalog_id: res.json().id, values: { ip: '10.1.0.1', name: 'x' } },
    });
    expect(dup.statusCode).toBe(422);
    expect(dup.json().error.code).toBe('not_unique');
  });

  it('imports a template from YAML text and exports it back', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/cluster_templates/import',
      headers: h(),
      payload: { content: TEMPLATE_YAML },
    });
    expect(res.statusCode).toBe(201);
    const template = res.json();
    expect(template.name).toBe('imported-static');
    expect(template.cluster_template_versions).toHaveLength(1);
    expect(template.cluster_template_versions[0].number).toBe(1);
    templateId = template.id;
    versionId = template.current_cluster_template_version_id;
    const exported = await t.app.inject({
      method: 'GET',
      url: `/api/v1/cluster_templates/${templateId}/export`,
      headers: h(),
    });
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toContain('yaml');
    const copy = await t.app.inject({
      method: 'POST',
      url: '/api/v1/cluster_templates/import',
      headers: h(),
      payload: { content: exported.body, name: 'copy' },
    });
    expect(copy.statusCode).toBe(201);
    expect(copy.json().cluster_template_versions[0].kubernetes_template).toBe(
      template.cluster_template_versions[0].kubernetes_template,
    );
    const clash = await t.app.inject({
      method: 'POST',
      url: '/api/v1/cluster_templates/import',
      headers: h(),
      payload: { content: exported.body },
    });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error.code).toBe('name_taken');
  });

  it('refuses a version with a template syntax error, naming section and line', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/cluster_templates/${templateId}/versions`,
      headers: h(),
      payload: { kubernetes_template: 'a: 1\nb: {{ .x \n' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('invalid_template');
    expect(res.json().error.details[0]).toMatchObject({ section: 'kubernetes' });
    expect(res.json().error.details[0].line).toBeGreaterThanOrEqual(2);
  });

  it('previews a render with values, secrets as placeholders, and reports value errors', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/render',
      headers: h(),
      payload: {
        cluster_template_version_id: versionId,
        values: { prefix: 'p1', adminPassword: 'super-secret-1', kubeVersion: '1.32' },
      },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.errors).toEqual([]);
    expect(body.sections.kubernetes).toContain('kubernetesVersion: "1.32"');
    expect(body.sections.ssh).toContain('host: 10.1.0.1');
    expect(body.sections.primary_resources).not.toContain('super-secret-1');
    expect(body.sections.primary_resources).toContain('password: "<secret:adminPassword>"');
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/render',
      headers: h(),
      payload: { cluster_template_version_id: versionId, values: { kubeVersion: '9.9' } },
    });
    expect(bad.json().value_errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(['kubeVersion', 'prefix', 'adminPassword']),
    );
  });

  let clusterId = '';
  it('creates a cluster: values validated, password encrypted and withheld, record taken', async () => {
    const invalid = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: h(),
      payload: {
        name: 'v1',
        cluster_template_version_id: versionId,
        values: { prefix: 'p1', adminPassword: 'short', kubeVersion: '1.40' },
      },
    });
    expect(invalid.statusCode, invalid.body).toBe(422);
    expect(invalid.json().error.code).toBe('invalid_values');
    expect(
      invalid
        .json()
        .error.details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['adminPassword', 'kubeVersion']);

    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: h(),
      payload: {
        name: 'v1',
        cluster_template_version_id: versionId,
        values: { prefix: 'p1', adminPassword: 'super-secret-1', kubeVersion: '1.33' },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const cluster = res.json();
    clusterId = cluster.id;
    expect(cluster.status).toBe('new');
    expect(cluster.values.adminPassword).toBeNull();
    expect(cluster.secret_values).toEqual({ adminPassword: { has_value: true } });
    expect(cluster.values.hosts[0]).toMatchObject({ ip: '10.1.0.1' });
    expect(JSON.stringify(cluster)).not.toContain('super-secret-1');
    const row = await t.db.cluster.findUniqueOrThrow({ where: { id: cluster.id } });
    expect(JSON.stringify(row)).not.toContain('super-secret-1');
    const record = await t.db.record.findFirstOrThrow({
      where: { values: { path: ['ip'], equals: '10.1.0.1' } },
    });
    expect(record.clusterId).toBe(cluster.id);

    const revealed = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clusters/${cluster.id}?reveal=true`,
      headers: h(),
    });
    expect(revealed.json().values.adminPassword).toBe('super-secret-1');
    const readToken = await t.issueToken({ workspaceId: t.defaultWorkspaceId, scope: 'read' });
    const denied = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clusters/${cluster.id}?reveal=true`,
      headers: h2(readToken),
    });
    expect(denied.statusCode).toBe(403);
  });
  const h2 = (token: string) => ({ 'x-auth-token': token });

  it('enforces unique and immutable values, keeps an omitted password', async () => {
    const dup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: h(),
      payload: {
        name: 'v2',
        cluster_template_version_id: versionId,
        values: { prefix: 'p1', adminPassword: 'another-secret', kubeVersion: '1.33' },
      },
    });
    expect(dup.statusCode).toBe(422);
    expect(dup.json().error.code).toBe('not_unique');
    const current = (
      await t.app.inject({ method: 'GET', url: `/api/v1/clusters/${clusterId}`, headers: h() })
    ).json();
    const immutable = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/clusters/${clusterId}`,
      headers: h(),
      payload: {
        name: 'v1',
        cluster_template_version_id: versionId,
        values: { ...current.values, prefix: 'p2' },
        current_revision: current.current_revision,
      },
    });
    expect(immutable.statusCode).toBe(422);
    expect(immutable.json().error.code).toBe('immutable_field');
    const kept = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/clusters/${clusterId}`,
      headers: h(),
      payload: {
        name: 'v1',
        cluster_template_version_id: versionId,
        values: { ...current.values, kubeVersion: '1.32' },
        current_revision: current.current_revision,
      },
    });
    expect(kept.statusCode).toBe(200);
    const revealed = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clusters/${clusterId}?reveal=true`,
      headers: h(),
    });
    expect(revealed.json().values).toMatchObject({
      adminPassword: 'super-secret-1',
      kubeVersion: '1.32',
    });
  });

  it('a record in use cannot be archived; deleting the cluster frees it', async () => {
    const record = await t.db.record.findFirstOrThrow({ where: { clusterId } });
    const busy = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/records/${record.id}`,
      headers: h(),
    });
    expect(busy.statusCode).toBe(409);
    expect(busy.json().error.code).toBe('in_use');
    await t.app.inject({ method: 'DELETE', url: `/api/v1/clusters/${clusterId}`, headers: h() });
    expect(
      (await t.db.record.findUniqueOrThrow({ where: { id: record.id } })).clusterId,
    ).toBeNull();
  });

  it('a configuration that does not render gives configuration_error and no operation', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/cluster_templates/${templateId}/versions`,
      headers: h(),
      payload: {
        kubernetes_template:
          'apiVersion: deckhouse.io/v1\nkind: ClusterConfiguration\nclusterType: Sideways\n',
        params: [],
      },
    });
    expect(res.statusCode).toBe(201);
    const broken = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: h(),
      payload: { name: 'broken', cluster_template_version_id: res.json().id, values: {} },
    });
    expect(broken.statusCode).toBe(201);
    expect(broken.json().status).toBe('configuration_error');
    expect(broken.json().render_errors.length).toBeGreaterThan(0);
    expect(broken.json().render_errors[0]).toMatchObject({ section: 'kubernetes' });
    expect(await t.db.clusterOperation.count({ where: { clusterId: broken.json().id } })).toBe(0);
  });

  it('unavailable versions cannot be used; bulk switch reports per cluster', async () => {
    const template = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/cluster_templates/${templateId}`,
        headers: h(),
      })
    ).json();
    const first = template.cluster_template_versions.find(
      (v: { number: number }) => v.number === 1,
    );
    const made = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: h(),
      payload: {
        name: 'sw1',
        cluster_template_version_id: first.id,
        values: { prefix: 'sw1', adminPassword: 'switch-secret', kubeVersion: '1.33' },
      },
    });
    expect(made.statusCode).toBe(201);
    const off = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/cluster_templates/${templateId}/versions/${first.id}`,
      headers: h(),
      payload: { available: false, comment: 'retired' },
    });
    expect(off.json()).toMatchObject({ available: false, comment: 'retired' });
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: h(),
      payload: {
        name: 'sw2',
        cluster_template_version_id: first.id,
        values: { prefix: 'sw2', adminPassword: 'switch-secret', kubeVersion: '1.33' },
      },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('template_version_unavailable');
    const latest = template.current_cluster_template_version_id;
    const switched = await t.app.inject({
      method: 'POST',
      url: `/api/v1/cluster_templates/${templateId}/switch_version`,
      headers: h(),
      payload: { cluster_template_version_id: latest, cluster_ids: [made.json().id] },
    });
    expect(switched.statusCode).toBe(200);
    // The latest version renders a broken ClusterConfiguration: the switch is refused and reported.
    expect(switched.json()[0]).toMatchObject({ ok: false, error: { code: 'unprocessable' } });
  });
});
