// A secret dhctl prints (the simulator echoes the whole configuration with
// DHCTL_SIM_DEBUG_CONFIG_LOGS) is masked before the operation log is stored.
import { createCluster, getCluster, SECRET_MASK } from '@commander/core';
import { describe, expect, it } from 'vitest';

import { eventually, useManagerEnv } from './helpers.js';

describe('operation logs are masked before they are stored', () => {
  const env = useManagerEnv({ debugConfigLogs: true });

  it('masks the SSH private key and registry credentials dhctl prints', async () => {
    await env.startReplica();
    const created = await createCluster(env.ctx, {
      name: `masked-${env.suffix}`,
      cluster_template_version_id: env.defaultTemplateVersionId,
      values: {},
    });
    await eventually(
      async () => (await getCluster(env.ctx, created.id)).status === 'in_sync',
      30_000,
      'in_sync',
    );
    const db = env.database.db;
    const row = await db.cluster.findUniqueOrThrow({ where: { id: created.id } });
    const privateKey = env.deps.encryptor.decrypt(row.sshPrivateKeyEncrypted!);
    const keyLines = privateKey
      .trim()
      .split('\n')
      .filter((line) => !line.startsWith('-----'));
    expect(keyLines.length).toBeGreaterThan(2);

    const op = await db.clusterOperation.findFirstOrThrow({
      where: { clusterId: created.id, kind: 'INSTALL' },
    });
    const logs = (
      await db.operationLog.findMany({ where: { operationId: op.id }, orderBy: { seq: 'asc' } })
    ).map((l) => l.line);
    const text = logs.join('\n');
    // The simulator did print the configuration…
    expect(text).toContain('Configuration (DHCTL_SIM_DEBUG_CONFIG_LOGS=true):');
    expect(text).toContain('kind: SSHConfig');
    expect(text).toContain('registryDockerCfg:');
    // …and what was stored has the secrets masked.
    expect(text).toContain(SECRET_MASK);
    for (const line of keyLines) {
      expect(text).not.toContain(line);
    }
    expect(text).not.toContain('eyJhdXRocyI6IHsgInJlZ2lzdHJ5LmRlY2tob3VzZS5pbyI6IHt9fX0=');
    // The agent key created during the install (sent in its credentials Secret) too.
    const agentKey = env.deps.encryptor.decrypt(row.agentKeyEncrypted!);
    expect(text).not.toContain(agentKey);
    expect(text).not.toContain(Buffer.from(agentKey).toString('base64'));
  });
});
