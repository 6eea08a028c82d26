import { createHash } from 'node:crypto';

import { backfillPublicRenders, claimOperation } from '@commander/core';
import { createTestTemplate, TEST_TEMPLATE_SECTIONS } from '@commander/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

// Secrets in the form an attacker would want them: a password-format value transformed every
// way a template can (base64, upper case, quoted, reversed, hashed, sliced, as JSON), a JSON
// service-account key passed through toJson (escaped quotes and newlines), and the cluster's
// SSH private key. Callers who may not reveal secrets must see none of these forms anywhere.
const SECRET = 'PrivKey-Material-7f3Ab9x2Qz';
const SA_KEY = JSON.stringify({
  id: 'aje1k2l3m4n5',
  service_account_id: 'ajes-sa-1',
  private_key:
    '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BSA-key\n-----END PRIVATE KEY-----\n',
});
const SA_INNER = 'MIIEvQIBADANBgkqhkiG9w0BSA-key';

function forms(secret: string): string[] {
  return [
    secret,
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64').slice(0, 16),
    secret.toUpperCase(),
    [...secret].reverse().join(''),
    JSON.stringify(secret).slice(1, -1),
    JSON.stringify(JSON.stringify(secret)).slice(1, -1),
    createHash('sha256').update(secret).digest('hex'),
    secret.slice(0, 10),
  ];
}
const ALL_FORMS = [...forms(SECRET), ...forms(SA_KEY), ...forms(SA_INNER)];

function expectNoSecret(body: string, where: string): void {
  for (const form of ALL_FORMS) {
    expect(body.includes(form), `${where} holds a form of a secret: ${form}`).toBe(false);
  }
}

const LEAKS = `
leaks:
  b64: {{ .sshPrivateKey | b64enc | quote }}
  upper: {{ .sshPrivateKey | upper | quote }}
  quoted: {{ .sshPrivateKey | quote }}
  reversed: {{ splitList "" .sshPrivateKey | reverse | join "" | quote }}
  sha: {{ .sshPrivateKey | sha256sum | quote }}
  trunc: {{ .sshPrivateKey | trunc 10 | quote }}
  saB64: {{ .saKey | b64enc | quote }}
  saUpper: {{ .saKey | upper | toJson }}
  keyB64: {{ .dc_sshPrivateKey | b64enc | quote }}
`;

const SECTIONS = {
  kubernetesTemplate: `apiVersion: deckhouse.io/v1
kind: ClusterConfiguration
clusterType: Cloud
cloud:
  provider: Yandex
  prefix: leak
kubernetesVersion: {{ .kubeVersion | default "1.33" | quote }}
podSubnetCIDR: 10.111.0.0/16
serviceSubnetCIDR: 10.222.0.0/16
clusterDomain: cluster.local
`,
  placementTemplate: `apiVersion: deckhouse.io/v1
kind: YandexClusterConfiguration
layout: Standard
nodeNetworkCIDR: 10.241.32.0/20
sshPublicKey: {{ .dc_sshPublicKey | quote }}
masterNodeGroup:
  replicas: 1
  instanceClass:
    cores: 2
    memory: 4096
    imageID: fd8imageid
provider:
  cloudID: b1gcloud
  folderID: b1gfolder
  serviceAccountJSON: {{ .saKey | toJson }}
${LEAKS}`,
  sshTemplate: TEST_TEMPLATE_SECTIONS.sshTemplate,
  installationTemplate: TEST_TEMPLATE_SECTIONS.installationTemplate,
  primaryResourcesTemplate: TEST_TEMPLATE_SECTIONS.primaryResourcesTemplate,
  resources: [
    {
      name: 'main',
      sync_mode: 'managed',
      template: `apiVersion: v1
kind: ConfigMap
metadata:
  name: leak
data:
  b64: {{ .sshPrivateKey | b64enc | quote }}
  json: {{ .saKey | toJson | toJson }}
  key: {{ .dc_sshPrivateKey | sha256sum | quote }}
`,
    },
  ],
};

const PARAMS = [
  { key: 'kubeVersion', type: 'string', title: 'Kubernetes version', optional: true },
  { key: 'sshPrivateKey', type: 'string', format: 'password', title: 'A secret' },
  { key: 'saKey', type: 'string', format: 'password', title: 'Service account key' },
];

describe('secrets never reach a caller who may not read them', () => {
  const t = useTestApp();
  let versionId = '';
  let clusterId = '';
  let readToken = '';
  const read = (): Record<string, string> => t.headers(readToken);

  beforeAll(async () => {
    versionId = (
      await createTestTemplate(t.db, t.defaultWorkspaceId, {
        name: 'leaky',
        params: PARAMS,
        ...SECTIONS,
      })
    ).versionId;
    readToken = await t.issueToken({ workspaceId: t.defaultWorkspaceId, scope: 'read' });
  });

  it('POST /clusters (201) returns public renders: placeholders, no form of a secret', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: t.headers(),
      payload: {
        name: `leak-${t.suffix}`,
        cluster_template_version_id: versionId,
        values: { sshPrivateKey: SECRET, saKey: SA_KEY },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const cluster = res.json();
    clusterId = cluster.id;
    expect(cluster.status).toBe('new');
    expect(cluster.desired_provider_specific_cluster_configuration_rendered).toContain(
      'serviceAccountJSON: "\\u003csecret:saKey\\u003e"',
    );
    expect(cluster.desired_provider_specific_cluster_configuration_rendered).toContain(
      Buffer.from('<secret:sshPrivateKey>').toString('base64'),
    );
    expect(cluster.desired_resources_rendered).toContain('kind: ConfigMap');
    expectNoSecret(res.body, 'POST /clusters');
  });

  it('a read token sees no form of a secret in GET, list, and cannot reveal', async () => {
    const get = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clusters/${clusterId}`,
      headers: read(),
    });
    expect(get.statusCode).toBe(200);
    expect(get.json().values.saKey).toBeNull();
    expect(get.json().desired_provider_specific_cluster_configuration_rendered).toContain(
      'secret:saKey',
    );
    expectNoSecret(get.body, 'GET /clusters/:id');
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/clusters', headers: read() });
    expect(list.statusCode).toBe(200);
    expectNoSecret(list.body, 'GET /clusters');
    const denied = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clusters/${clusterId}?reveal=true`,
      headers: read(),
    });
    expect(denied.statusCode).toBe(403);
  });

  it('an admin who asks to reveal gets the real values', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clusters/${clusterId}?reveal=true`,
      headers: t.headers(),
    });
    expect(res.statusCode).toBe(200);
    const cluster = res.json();
    expect(cluster.values.sshPrivateKey).toBe(SECRET);
    expect(cluster.desired_provider_specific_cluster_configuration_rendered).toContain(
      Buffer.from(SECRET).toString('base64'),
    );
    expect(cluster.desired_provider_specific_cluster_configuration_rendered).toContain(
      JSON.stringify(SA_KEY),
    );
    // Without asking, even an admin gets the public render.
    const plain = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clusters/${clusterId}`,
      headers: t.headers(),
    });
    expectNoSecret(plain.body, 'GET /clusters/:id as admin without reveal');
  });

  it('the render preview of a stored cluster, with a read token, holds no form of a secret', async () => {
    const transformations = [
      'b64enc',
      'upper',
      'quote',
      'sha256sum',
      'toJson',
      'trunc 12',
      'splitList "" | reverse | join ""',
    ];
    const leaky = transformations
      .map(
        (f, i) =>
          `  s${i}: {{ .sshPrivateKey | ${f} | toJson }}\n  a${i}: {{ .saKey | ${f} | toJson }}\n  k${i}: {{ .dc_sshPrivateKey | ${f} | toJson }}`,
      )
      .join('\n');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/render',
      headers: read(),
      payload: {
        cluster_id: clusterId,
        template: {
          params: PARAMS,
          kubernetes_template: SECTIONS.kubernetesTemplate,
          placement_template: `${SECTIONS.placementTemplate}\nmore:\n${leaky}\n`,
          ssh_template: SECTIONS.sshTemplate,
          installation_template: SECTIONS.installationTemplate,
          primary_resources_template: SECTIONS.primaryResourcesTemplate,
          resources: SECTIONS.resources,
        },
        // A pattern on a stored secret would be an oracle: it must not be evaluated.
        values: {},
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.errors).toEqual([]);
    expect(body.value_errors).toEqual([]);
    expect(body.sections.placement).toContain('secret:saKey');
    expectNoSecret(res.body, 'POST /render (read token)');

    const stored = await t.app.inject({
      method: 'POST',
      url: '/api/v1/render',
      headers: read(),
      payload: { cluster_id: clusterId, cluster_template_version_id: versionId },
    });
    expect(stored.statusCode).toBe(200);
    expectNoSecret(stored.body, 'POST /render of the stored version (read token)');

    const denied = await t.app.inject({
      method: 'POST',
      url: '/api/v1/render',
      headers: read(),
      payload: { cluster_id: clusterId, cluster_template_version_id: versionId, reveal: true },
    });
    expect(denied.statusCode).toBe(403);
    const revealed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/render',
      headers: t.headers(),
      payload: { cluster_id: clusterId, cluster_template_version_id: versionId, reveal: true },
    });
    expect(revealed.statusCode).toBe(200);
    expect(revealed.json().sections.placement).toContain(Buffer.from(SECRET).toString('base64'));
  });

  it('render errors quote no secret', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/render',
      headers: read(),
      payload: {
        cluster_id: clusterId,
        template: {
          params: PARAMS,
          kubernetes_template: `{{ fail (printf "boom %s" (.saKey | b64enc)) }}`,
          placement_template: `x: {{ .sshPrivateKey | b64dec }}`,
          ssh_template: '',
          installation_template: '',
          primary_resources_template: `a: [{{ .sshPrivateKey }}`,
          resources: [],
        },
        values: {},
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().errors.length).toBeGreaterThan(0);
    expectNoSecret(res.body, 'POST /render errors');
  });

  it('stored render errors quote no secret (configuration_error)', async () => {
    const failing = (
      await createTestTemplate(t.db, t.defaultWorkspaceId, {
        name: 'failing',
        params: PARAMS,
        ...SECTIONS,
        // Fails with the real value only, quoting it; and with both, quoting a transformation.
        kubernetesTemplate: `{{ if not (hasPrefix "<secret:" .sshPrivateKey) }}{{ fail (printf "bad %s" (.sshPrivateKey | upper)) }}{{ end }}`,
        placementTemplate: `{{ fail (.saKey | b64enc) }}`,
        primaryResourcesTemplate: `a: [{{ .sshPrivateKey }}`,
      })
    ).versionId;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: t.headers(),
      payload: {
        name: `failing-${t.suffix}`,
        cluster_template_version_id: failing,
        values: { sshPrivateKey: SECRET, saKey: SA_KEY },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().status).toBe('configuration_error');
    const sections = res.json().render_errors.map((e: { section: string }) => e.section);
    expect(sections).toEqual(
      expect.arrayContaining(['kubernetes', 'placement', 'primary_resources']),
    );
    expectNoSecret(res.body, 'POST /clusters with render errors');
    const get = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clusters/${res.json().id}`,
      headers: read(),
    });
    expectNoSecret(get.body, 'GET /clusters/:id with render errors');
    const row = await t.db.cluster.findUniqueOrThrow({ where: { id: res.json().id } });
    expectNoSecret(JSON.stringify(row.renderErrors), 'stored render_errors');
  });

  it('PUT responses and change-request diffs hold no form of a secret', async () => {
    const current = (
      await t.app.inject({ method: 'GET', url: `/api/v1/clusters/${clusterId}`, headers: read() })
    ).json();
    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/clusters/${clusterId}`,
      headers: t.headers(),
      payload: {
        name: current.name,
        cluster_template_version_id: versionId,
        values: { ...current.values, kubeVersion: '1.32' },
        current_revision: current.current_revision,
      },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().desired_cluster_configuration_rendered).toContain('"1.32"');
    expectNoSecret(put.body, 'PUT /clusters/:id');

    // Pretend the first revision was applied (as the manager records it) and a change waits.
    const row = await t.db.cluster.findUniqueOrThrow({ where: { id: clusterId } });
    await t.db.cluster.update({
      where: { id: clusterId },
      data: {
        appliedRenderedEncrypted: row.desiredRenderedEncrypted,
        appliedRenderedPublic: row.desiredRenderedPublic ?? undefined,
        appliedRevision: row.desiredRevision,
      },
    });
    const request = await t.db.changeRequest.create({
      data: { clusterId, destructive: false, desiredRevision: row.desiredRevision },
    });
    const one = await t.app.inject({
      method: 'GET',
      url: `/api/v1/cluster_change_requests/${request.id}`,
      headers: read(),
    });
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json().diff.provider_specific_cluster_configuration.desired).toContain(
      'secret:saKey',
    );
    expectNoSecret(one.body, 'GET /change_requests/:id');
    const list = await t.app.inject({
      method: 'GET',
      url: `/api/v1/cluster_change_requests?cluster_id=${clusterId}`,
      headers: read(),
    });
    expect(list.statusCode).toBe(200);
    expectNoSecret(list.body, 'GET /change_requests');
    const revealed = await t.app.inject({
      method: 'GET',
      url: `/api/v1/cluster_change_requests/${request.id}?reveal=true`,
      headers: t.headers(),
    });
    expect(revealed.json().diff.provider_specific_cluster_configuration.desired).toContain(
      JSON.stringify(SA_KEY),
    );
    const denied = await t.app.inject({
      method: 'GET',
      url: `/api/v1/cluster_change_requests/${request.id}?reveal=true`,
      headers: read(),
    });
    expect(denied.statusCode).toBe(403);
  });

  it("the manager's claimed operation still gets the real values", async () => {
    const op = await t.db.clusterOperation.findFirstOrThrow({
      where: { clusterId, kind: 'INSTALL' },
    });
    const result = await claimOperation(t.db, t.systemContext().encryptor, op.id, 'replica-test');
    if (result === null || result === 'busy') {
      throw new Error(`the install was not claimed: ${String(result)}`);
    }
    const claimed = result;
    expect(claimed.desired!.provider_specific_cluster_configuration).toContain(
      JSON.stringify(SA_KEY),
    );
    expect(claimed.desired!.provider_specific_cluster_configuration).toContain(
      Buffer.from(SECRET).toString('base64'),
    );
    const keyLine = claimed.sshPrivateKey!.split('\n')[1]!;
    expect(keyLine.length).toBeGreaterThan(20);
    expect(claimed.desired!.connection_config).toContain(keyLine);
    expect(claimed.desiredPublic!.provider_specific_cluster_configuration).toContain(
      'secret:saKey',
    );
    expectNoSecret(JSON.stringify(claimed.desiredPublic), 'desiredPublic');
  });

  it('operation results keep only allowlisted fields unless revealed', async () => {
    const op = await t.db.clusterOperation.findFirstOrThrow({ where: { clusterId } });
    await t.db.clusterOperation.update({
      where: { id: op.id },
      data: {
        result: {
          status: 'Scanned',
          scan_result: { ssh_private_key: SECRET, provider_specific_cluster_configuration: SA_KEY },
          check_result: {
            status: 'DestructiveOutOfSync',
            destructive_change_id: 'abc',
            status_details: { configuration_status: 'OutOfSync', terraform_plan: [SECRET] },
          },
        },
      },
    });
    const one = await t.app.inject({
      method: 'GET',
      url: `/api/v1/operations/${op.id}`,
      headers: read(),
    });
    expect(one.statusCode).toBe(200);
    expect(one.json().result).toMatchObject({
      status: 'Scanned',
      check_result: {
        status: 'DestructiveOutOfSync',
        destructive_change_id: 'abc',
        status_details: { configuration_status: 'OutOfSync' },
      },
      withheld_fields: ['scan_result', 'check_result.status_details.terraform_plan'],
    });
    expectNoSecret(one.body, 'GET /operations/:id');
    const list = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clusters/${clusterId}/operations`,
      headers: read(),
    });
    expectNoSecret(list.body, 'GET /clusters/:id/operations');
    const revealed = await t.app.inject({
      method: 'GET',
      url: `/api/v1/operations/${op.id}?reveal=true`,
      headers: t.headers(),
    });
    expect(revealed.json().result.scan_result.ssh_private_key).toBe(SECRET);
  });

  it('clusters stored before public renders get them at start-up, or are withheld', async () => {
    const ctx = t.systemContext();
    await t.db
      .$executeRaw`UPDATE clusters SET desired_rendered_public = NULL, applied_rendered_public = NULL WHERE id = ${clusterId}::uuid`;
    const withheld = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clusters/${clusterId}`,
      headers: read(),
    });
    expect(withheld.json().desired_provider_specific_cluster_configuration_rendered).toBeNull();
    expect(await backfillPublicRenders(t.db, ctx.encryptor, ctx.instance)).toMatchObject({
      filled: 1,
    });
    const filled = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clusters/${clusterId}`,
      headers: read(),
    });
    expect(filled.json().desired_provider_specific_cluster_configuration_rendered).toContain(
      'secret:saKey',
    );
    expectNoSecret(filled.body, 'GET after the backfill');
    // A stored configuration the template no longer reproduces stays withheld.
    const before = await t.db.cluster.findUniqueOrThrow({ where: { id: clusterId } });
    await t.db.cluster.update({
      where: { id: clusterId },
      data: { values: { kubeVersion: '1.31' } },
    });
    await t.db
      .$executeRaw`UPDATE clusters SET desired_rendered_public = NULL WHERE id = ${clusterId}::uuid`;
    expect(await backfillPublicRenders(t.db, ctx.encryptor, ctx.instance)).toMatchObject({
      filled: 0,
    });
    const still = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clusters/${clusterId}`,
      headers: read(),
    });
    expect(still.json().desired_provider_specific_cluster_configuration_rendered).toBeNull();
    expectNoSecret(still.body, 'GET of a withheld cluster');
    await t.db.cluster.update({
      where: { id: clusterId },
      data: { values: before.values ?? {} },
    });
    expect(await backfillPublicRenders(t.db, ctx.encryptor, ctx.instance)).toMatchObject({
      filled: 1,
    });
  });

  it('DELETE (200) returns public renders', async () => {
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/clusters/${clusterId}`,
      headers: t.headers(),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().desired_provider_specific_cluster_configuration_rendered).toContain(
      'secret:saKey',
    );
    expectNoSecret(res.body, 'DELETE /clusters/:id');
  });
});
