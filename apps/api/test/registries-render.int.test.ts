import { claimOperation } from '@commander/core';
import { createTestTemplate } from '@commander/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

// Registry credentials in every form a leak could take: the password, the base64 user:password,
// the docker config.json (raw, JSON-escaped) and its base64 (what InitConfiguration carries).
const PASSWORD = 'Reg1stry-Pa55-z9Kq';
const USER_PASS_B64 = Buffer.from(`robot:${PASSWORD}`).toString('base64');
const DOCKER_JSON = JSON.stringify({
  auths: { 'registry.example.com:5000': { auth: USER_PASS_B64, password: PASSWORD } },
});
const DOCKER_CFG = Buffer.from(DOCKER_JSON).toString('base64');
const CA = '-----BEGIN CERTIFICATE-----\nMIIBregistryCA\n-----END CERTIFICATE-----\n';
const FORMS = [
  PASSWORD,
  USER_PASS_B64,
  DOCKER_JSON,
  JSON.stringify(DOCKER_JSON).slice(1, -1),
  DOCKER_CFG,
  DOCKER_CFG.slice(0, 24),
];

function expectNoCredential(body: string, where: string): void {
  for (const form of FORMS) {
    expect(body.includes(form), `${where} holds a form of the credentials: ${form}`).toBe(false);
  }
}

describe('registries end to end (CRUD, cluster picker, render, delete in use)', () => {
  const t = useTestApp();
  let versionId = '';
  let readToken = '';
  let registryId = '';
  let clusterId = '';
  const read = (): Record<string, string> => t.headers(readToken);

  beforeAll(async () => {
    versionId = (await createTestTemplate(t.db, t.defaultWorkspaceId, { name: 'reg-render' }))
      .versionId;
    readToken = await t.issueToken({ workspaceId: t.defaultWorkspaceId, scope: 'read' });
  });

  it('creates, lists, gets and updates a registry; credentials are write-only', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/registries',
      headers: t.headers(),
      payload: {
        name: 'Private EE',
        images_repo: 'registry.example.com:5000/deckhouse/ee',
        scheme: 'HTTPS',
        ca: CA,
        auth: DOCKER_CFG,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ has_auth: true, ca: CA, scheme: 'HTTPS' });
    expect(created.json()).not.toHaveProperty('auth');
    expectNoCredential(created.body, 'POST /registries');
    registryId = created.json().id;

    for (const headers of [t.headers(), read()]) {
      const list = await t.app.inject({ method: 'GET', url: '/api/v1/registries', headers });
      expect(list.statusCode).toBe(200);
      expect(list.json().map((r: { id: string }) => r.id)).toContain(registryId);
      expectNoCredential(list.body, 'GET /registries');
      const one = await t.app.inject({
        method: 'GET',
        url: `/api/v1/registries/${registryId}`,
        headers,
      });
      expect(one.json().has_auth).toBe(true);
      expectNoCredential(one.body, 'GET /registries/:id');
    }
    const denied = await t.app.inject({
      method: 'POST',
      url: '/api/v1/registries',
      headers: read(),
      payload: { name: 'x', images_repo: 'r.example.com/x' },
    });
    expect(denied.statusCode).toBe(403);

    // An update without `auth` keeps the credentials; `auth: ""` clears them.
    const renamed = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/registries/${registryId}`,
      headers: t.headers(),
      payload: {
        name: 'Private EE 2',
        images_repo: 'registry.example.com:5000/deckhouse/ee',
        ca: CA,
      },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Private EE 2', has_auth: true });
    const scratch = await t.app.inject({
      method: 'POST',
      url: '/api/v1/registries',
      headers: t.headers(),
      payload: { name: 'Scratch', images_repo: 'r.example.com/x', auth: DOCKER_CFG },
    });
    const cleared = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/registries/${scratch.json().id}`,
      headers: t.headers(),
      payload: { name: 'Scratch', images_repo: 'r.example.com/x', auth: '' },
    });
    expect(cleared.json().has_auth).toBe(false);
    const gone = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/registries/${scratch.json().id}`,
      headers: t.headers(),
    });
    expect(gone.statusCode).toBe(204);
    const audit = await t.db.auditEvent.findMany({ where: { auditableId: registryId } });
    expect(audit.length).toBeGreaterThan(0);
    expectNoCredential(JSON.stringify(audit.map((a) => a.changes)), 'audit events');
  });

  it('validates the picker: the registry must be in the workspace, the mode one of the modes', async () => {
    const base = { cluster_template_version_id: versionId, values: {} };
    const cases: [Record<string, unknown>, number][] = [
      [{ registry_id: '6f1c2d7e-8a9b-4c0d-9e1f-2a3b4c5d6e7f' }, 404],
      [{ registry_id: registryId, registry_mode: 'Proxyish' }, 400],
      [{ registry_mode: 'Direct' }, 400],
    ];
    for (const [extra, status] of cases) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/clusters',
        headers: t.headers(),
        payload: { name: `bad-${t.suffix}`, ...base, ...extra },
      });
      expect(res.statusCode, `${JSON.stringify(extra)}: ${res.body}`).toBe(status);
    }
  });

  it('renders the registry: real credentials for the manager, placeholders for callers', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: t.headers(),
      payload: {
        name: `reg-${t.suffix}`,
        cluster_template_version_id: versionId,
        values: {},
        registry_id: registryId,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    clusterId = res.json().id;
    expect(res.json()).toMatchObject({ registry_id: registryId, registry_mode: 'Direct' });
    expectNoCredential(res.body, 'POST /clusters');

    const get = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clusters/${clusterId}`,
      headers: read(),
    });
    const init = get.json().desired_init_configuration_rendered as string;
    expect(init).toContain('imagesRepo: registry.example.com:5000/deckhouse/ee');
    expect(init).toContain('registryDockerCfg: <secret:registryDockerCfg>');
    expect(init).toContain('MIIBregistryCA');
    expectNoCredential(get.body, 'GET /clusters/:id (read token)');
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/clusters', headers: read() });
    expectNoCredential(list.body, 'GET /clusters (read token)');

    const op = await t.db.clusterOperation.findFirstOrThrow({
      where: { clusterId, kind: 'INSTALL' },
    });
    const claimed = await claimOperation(t.db, t.systemContext().encryptor, op.id, 'replica-reg');
    if (claimed === null || claimed === 'busy') {
      throw new Error(`the install was not claimed: ${String(claimed)}`);
    }
    expect(claimed.desired!.init_configuration).toContain(`registryDockerCfg: ${DOCKER_CFG}`);
    expect(claimed.desired!.init_configuration).toContain('registryScheme: HTTPS');
    expect(claimed.desiredPublic!.init_configuration).not.toContain(DOCKER_CFG);
    // The operation log masker hides the credentials in every form dhctl could print.
    const masked = claimed.masker.maskLines([
      `pulling with ${DOCKER_CFG}`,
      `auth ${USER_PASS_B64} password ${PASSWORD}`,
    ]);
    expectNoCredential(masked.join('\n'), 'masked operation log');
  });

  it('an install uses the registry as it is when the manager claims it (fixed credentials apply)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: t.headers(),
      payload: {
        name: `later-${t.suffix}`,
        cluster_template_version_id: versionId,
        values: {},
        registry_id: registryId,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const fixed = Buffer.from(
      JSON.stringify({ auths: { 'registry.example.com:5000': { auth: 'Zml4ZWQ6Zml4ZWQ=' } } }),
    ).toString('base64');
    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/registries/${registryId}`,
      headers: t.headers(),
      payload: {
        name: 'Private EE 2',
        images_repo: 'registry.example.com:5000/deckhouse/ee',
        ca: '',
        auth: fixed,
      },
    });
    expect(put.statusCode, put.body).toBe(200);
    const op = await t.db.clusterOperation.findFirstOrThrow({
      where: { clusterId: res.json().id, kind: 'INSTALL' },
    });
    const claimed = await claimOperation(t.db, t.systemContext().encryptor, op.id, 'replica-reg');
    if (claimed === null || claimed === 'busy') {
      throw new Error(`the install was not claimed: ${String(claimed)}`);
    }
    expect(claimed.desired!.init_configuration).toContain(`registryDockerCfg: ${fixed}`);
    expect(claimed.desired!.init_configuration).not.toContain('registryCA');
    expect(claimed.desiredPublic!.init_configuration).toContain('<secret:registryDockerCfg>');
    expect(claimed.desiredPublic!.init_configuration).not.toContain(fixed);
  });

  it('answers 409 when deleting a registry a cluster uses; Unmanaged keeps the template registry', async () => {
    const busy = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/registries/${registryId}`,
      headers: t.headers(),
    });
    expect(busy.statusCode).toBe(409);
    expect(busy.json().error.code).toBe('in_use');

    const unmanaged = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: t.headers(),
      payload: {
        name: `unmanaged-${t.suffix}`,
        cluster_template_version_id: versionId,
        values: {},
        registry_id: registryId,
        registry_mode: 'Unmanaged',
      },
    });
    expect(unmanaged.statusCode, unmanaged.body).toBe(201);
    expect(unmanaged.json().registry_mode).toBe('Unmanaged');
    expect(unmanaged.json().desired_init_configuration_rendered).toContain(
      'registry.deckhouse.io/deckhouse/ce',
    );
  });

  it('gives templates the registry as dc_registry* variables (credentials as a placeholder)', async () => {
    const { TEST_TEMPLATE_SECTIONS } = await import('@commander/core/testing');
    const version = await createTestTemplate(t.db, t.defaultWorkspaceId, {
      name: 'reg-vars',
      installationTemplate: `apiVersion: deckhouse.io/v1
kind: InitConfiguration
deckhouse:
  imagesRepo: {{ .dc_registryImagesRepo | default "registry.deckhouse.io/deckhouse/ce" }}
  registryDockerCfg: {{ .dc_registryDockerCfg | default "e30=" }}
  registryScheme: {{ .dc_registryScheme | default "HTTPS" }}
`,
      resources: [
        {
          name: 'main',
          sync_mode: 'managed',
          template: `apiVersion: v1
kind: ConfigMap
metadata:
  name: registry
data:
  mode: {{ .dc_registryMode | quote }}
  cfg: {{ .dc_registryDockerCfg | b64dec | quote }}
  cfgB64: {{ .dc_registryDockerCfg | quote }}
`,
        },
      ],
      primaryResourcesTemplate: TEST_TEMPLATE_SECTIONS.primaryResourcesTemplate,
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: t.headers(),
      payload: {
        name: `vars-${t.suffix}`,
        cluster_template_version_id: version.versionId,
        values: {},
        registry_id: registryId,
        registry_mode: 'Unmanaged',
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().status).toBe('new');
    expect(res.json().desired_init_configuration_rendered).toContain(
      'imagesRepo: registry.example.com:5000/deckhouse/ee',
    );
    expect(res.json().desired_init_configuration_rendered).toContain(
      'registryDockerCfg: <secret:dc_registryDockerCfg>',
    );
    expect(res.json().desired_resources_rendered).toContain('mode: "Unmanaged"');
    const get = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clusters/${res.json().id}`,
      headers: read(),
    });
    expectNoCredential(get.body, 'GET /clusters/:id with dc_registry* variables (read token)');
    const op = await t.db.clusterOperation.findFirstOrThrow({
      where: { clusterId: res.json().id, kind: 'INSTALL' },
    });
    const claimed = await claimOperation(t.db, t.systemContext().encryptor, op.id, 'replica-reg');
    if (claimed === null || claimed === 'busy') {
      throw new Error(`the install was not claimed: ${String(claimed)}`);
    }
    expect(claimed.desired!.init_configuration).toMatch(/registryDockerCfg: [A-Za-z0-9+/=]{20,}/);
    expect(claimed.desired!.init_configuration).not.toContain('<secret:');
  });
});
