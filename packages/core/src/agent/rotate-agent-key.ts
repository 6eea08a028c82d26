import { generateToken, hashToken } from '@commander/crypto';

import { recordAudit } from '../audit/record-audit.js';
import type { ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';
import { PREVIOUS_KEY_GRACE_MS } from './agent-keys.js';

/**
 * Rotates a cluster's agent key: the new key reaches the agent through its credentials Secret
 * (the agent fetches it with the old key, which keeps working for an hour).
 */
export async function rotateAgentKey(
  ctx: ServiceContext,
  clusterId: string,
): Promise<{ rotated_at: string; previous_key_expires_at: string }> {
  const workspace = requireWorkspace(ctx);
  const cluster = await ctx.db.cluster.findFirst({
    where: { id: clusterId, workspaceId: workspace.id, archivedAt: null },
  });
  if (!cluster) {
    throw notFound('Cluster', clusterId);
  }
  if (!cluster.agentKeyHash) {
    throw new AppError(
      'invalid_state',
      'This cluster has no agent yet (it gets one when it is installed or joined)',
    );
  }
  const key = generateToken('agent');
  const expires = new Date(Date.now() + PREVIOUS_KEY_GRACE_MS);
  await ctx.db.$transaction(async (tx) => {
    await tx.cluster.update({
      where: { id: clusterId },
      data: {
        agentPreviousKeyHash: cluster.agentKeyHash,
        agentPreviousKeyExpiresAt: expires,
        agentKeyHash: hashToken(key),
        agentKeyEncrypted: ctx.encryptor.encrypt(key),
      },
    });
    await recordAudit(tx, ctx, {
      action: 'rotate_agent_key',
      auditableType: 'Cluster',
      auditableId: clusterId,
    });
  });
  return { rotated_at: new Date().toISOString(), previous_key_expires_at: expires.toISOString() };
}
