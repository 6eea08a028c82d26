import { describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

describe('registries', () => {
  const t = useTestApp();
  const auth = Buffer.from(
    JSON.stringify({
      auths: {
        'registry.example.com': {
          auth: Buffer.from('robot:s3cret-registry-pass').toString('base64'),
        },
      },
    }),
  ).toString('base64');

  it("stores credentials write-only and encrypted; clusters may only use the workspace's registries", async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/registries',
      headers: t.headers(),
      payload: {
        name: 'r',
        images_repo: 'registry.example.com/deckhouse/ee',
        auth: 'not-base64-json',
      },
    });
    expect(bad.statusCode).toBe(400);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/registries',
      headers: t.headers(),
      payload: {
        name: 'Private',
        images_repo: 'registry.example.com/deckhouse/ee',
        scheme: 'HTTPS',
        auth,
        dev_branch: '',
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ name: 'Private', has_auth: true });
    expect(res.body).not.toContain(auth);
    const row = await t.db.registry.findUniqueOrThrow({ where: { id: res.json().id } });
    expect(row.dockerConfigEncrypted).not.toContain(auth);
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/registries',
      headers: t.headers(),
    });
    expect(list.body).not.toContain(auth);
    const kept = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/registries/${res.json().id}`,
      headers: t.headers(),
      payload: { name: 'Private 2', images_repo: 'registry.example.com/deckhouse/ee' },
    });
    expect(kept.json()).toMatchObject({ name: 'Private 2', has_auth: true });

    const { createTestTemplate } = await import('@commander/core/testing');
    const { versionId } = await createTestTemplate(t.db, t.defaultWorkspaceId);
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: t.headers(),
      payload: {
        name: 'reg',
        cluster_template_version_id: versionId,
        values: {},
        registry_id: '6f1c2d7e-8a9b-4c0d-9e1f-2a3b4c5d6e7f',
      },
    });
    expect(unknown.statusCode).toBe(404);
    const cluster = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: t.headers(),
      payload: {
        name: 'reg',
        cluster_template_version_id: versionId,
        values: {},
        registry_id: res.json().id,
      },
    });
    expect(cluster.statusCode).toBe(201);
    expect(cluster.json().registry_id).toBe(res.json().id);
    const busy = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/registries/${res.json().id}`,
      headers: t.headers(),
    });
    expect(busy.statusCode).toBe(409);
  });
});
