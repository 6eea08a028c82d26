import { createHash } from 'node:crypto';

import { createCluster, createRegistry, getCluster } from '@commander/core';
import { dhctlStateUuid } from '@commander/dhctl';
import { describe, expect, it } from 'vitest';

import { eventually, useManagerEnv } from './helpers.js';

const PASSWORD = 'Sim-Registry-Pa55-8Qx';
const DOCKER_CFG = Buffer.from(
  JSON.stringify({
    auths: {
      'registry.example.com': {
        auth: Buffer.from(`robot:${PASSWORD}`).toString('base64'),
        password: PASSWORD,
      },
    },
  }),
).toString('base64');

describe('the cluster registry reaches dhctl', () => {
  const env = useManagerEnv();

  it('bootstraps with the registry in InitConfiguration; the operation log masks its credentials', async () => {
    await env.startReplica();
    const registry = await createRegistry(env.ctx, {
      name: `private-${env.suffix}`,
      images_repo: 'registry.example.com/deckhouse/ee',
      scheme: 'HTTPS',
      ca: '-----BEGIN CERTIFICATE-----\nMIIBsim\n-----END CERTIFICATE-----\n',
      auth: DOCKER_CFG,
    });
    const created = await createCluster(env.ctx, {
      name: `reg-${env.suffix}`,
      cluster_template_version_id: env.defaultTemplateVersionId,
      values: {},
      registry_id: registry.id,
      registry_mode: 'Direct',
    });
    expect(created.status).toBe('new');
    await eventually(
      async () => (await getCluster(env.ctx, created.id)).status === 'in_sync',
      30_000,
      'in_sync',
    );
    const db = env.database.db;
    const row = await db.cluster.findUniqueOrThrow({ where: { id: created.id } });
    const simUuid = dhctlStateUuid(env.deps.encryptor.decrypt(row.dhctlStateEncrypted!));
    expect(env.sim.clusters.get(simUuid!)?.registry).toEqual({
      imagesRepo: 'registry.example.com/deckhouse/ee',
      scheme: 'HTTPS',
      hasCA: true,
      dockerCfgSha256: createHash('sha256').update(DOCKER_CFG).digest('hex'),
    });

    const op = await db.clusterOperation.findFirstOrThrow({
      where: { clusterId: created.id, kind: 'INSTALL' },
    });
    const logs = (
      await db.operationLog.findMany({ where: { operationId: op.id }, orderBy: { seq: 'asc' } })
    )
      .map((l) => l.line)
      .join('\n');
    expect(logs).toContain('Registry: registry.example.com/deckhouse/ee');
    expect(logs).toContain('registryDockerCfg:');
    expect(logs).not.toContain(DOCKER_CFG);
    expect(logs).not.toContain(PASSWORD);
  });
});
