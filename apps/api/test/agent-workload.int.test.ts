import { createCluster, ensureAgentKey } from '@commander/core';
import { createTestTemplate } from '@commander/core/testing';
import { describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

describe('agent API with COMMANDER_AGENT_IMAGE', () => {
  const t = useTestApp({ COMMANDER_AGENT_IMAGE: 'registry.example/commander-agent:9.9.9' });

  it('the commander-agent group carries the agent’s workload with the configured image', async () => {
    const { versionId } = await createTestTemplate(t.db, t.defaultWorkspaceId);
    const ctx = {
      ...t.systemContext(),
      workspace: { id: t.defaultWorkspaceId, slug: 'default' },
      permissions: new Set(['clusters:write']),
    };
    const cluster = await createCluster(ctx, {
      name: 'agent-workload',
      cluster_template_version_id: versionId,
      values: {},
    });
    const key = await t.db.$transaction((tx) => ensureAgentKey(tx, ctx.encryptor, cluster.id));
    const res = await t.app.inject({
      method: 'GET',
      url: `/agent_api/${cluster.uuid}/resources`,
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.statusCode).toBe(200);
    type Group = {
      name: string;
      sync_mode: string;
      resources: { kind: string; spec?: Record<string, unknown> }[];
    };
    const body = res.json<{ groups: Group[] }>();
    const group = body.groups.find((g) => g.name === 'commander-agent')!;
    expect(group.sync_mode).toBe('managed');
    expect(group.resources.map((r) => r.kind)).toEqual([
      'Secret',
      'ServiceAccount',
      'ClusterRoleBinding',
      // The groups Commander's users are impersonated with (cluster-admin, edit, view).
      'ClusterRoleBinding',
      'ClusterRoleBinding',
      'ClusterRoleBinding',
      'Deployment',
    ]);
    expect(
      group.resources
        .slice(3, 6)
        .map((r) => (r as unknown as { metadata: { name: string } }).metadata.name),
    ).toEqual(['commander-cluster-admin', 'commander-edit', 'commander-view']);
    const deployment = group.resources[6]!;
    expect(JSON.stringify(deployment.spec)).toContain('registry.example/commander-agent:9.9.9');
  });
});
