import { generateToken, hashToken, tokenPrefix } from '@commander/crypto';
import type { Db, User } from '@commander/db';

import { recordAudit } from '../audit/record-audit.js';
import { TOUCH_INTERVAL_MS } from '../auth/principal.js';
import type { ServiceContext } from '../context.js';
import { AppError } from '../errors.js';

export const KUBECONFIG_TOKEN_PREFIX = 'cmdrk_';

export type KubeconfigTokenDto = {
  id: string;
  cluster_id: string;
  prefix: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
};

type Row = {
  id: string;
  clusterId: string;
  prefix: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
};

function dto(row: Row): KubeconfigTokenDto {
  return {
    id: row.id,
    cluster_id: row.clusterId,
    prefix: row.prefix,
    created_at: row.createdAt.toISOString(),
    expires_at: row.expiresAt.toISOString(),
    revoked_at: row.revokedAt?.toISOString() ?? null,
    last_used_at: row.lastUsedAt?.toISOString() ?? null,
  };
}

function callerUser(ctx: ServiceContext): string {
  if (ctx.actor.type !== 'user' || !ctx.actor.id) {
    throw new AppError(
      'forbidden',
      'A kubeconfig belongs to a signed-in user; API tokens call the Kubernetes API directly',
    );
  }
  return ctx.actor.id;
}

/**
 * A kubeconfig for cluster `clusterId` (already checked readable in ctx.workspace): its server is
 * Commander's Kubernetes proxy for the cluster, its credential a new token of the calling user
 * (stored hashed; shown only in this document), valid on that cluster's proxy only, until
 * `ttlMs` from now or revoked. It acts with the user's permissions at the time of each call.
 */
export async function issueKubeconfig(
  ctx: ServiceContext,
  cluster: { id: string; name: string },
  ttlMs: number,
  /** Where kubectl connects and the CA it trusts (base64 PEM); default the public URL and CA bundle. */
  endpoint: { serverUrl: string; caData: string } = {
    serverUrl: ctx.instance.publicUrl,
    caData: ctx.instance.caBundle,
  },
): Promise<{ yaml: string; token: KubeconfigTokenDto }> {
  const userId = callerUser(ctx);
  const token = generateToken('kubeconfig');
  const row = await ctx.db.$transaction(async (tx) => {
    const created = await tx.kubeconfigToken.create({
      data: {
        userId,
        clusterId: cluster.id,
        tokenHash: hashToken(token),
        prefix: tokenPrefix(token),
        expiresAt: new Date(Date.now() + ttlMs),
      },
    });
    await recordAudit(tx, ctx, {
      action: 'kubeconfig_issue',
      auditableType: 'Cluster',
      auditableId: cluster.id,
      changes: { kubeconfig_token_id: created.id, expires_at: created.expiresAt.toISOString() },
    });
    return created;
  });
  const server = `${endpoint.serverUrl.replace(/\/+$/, '')}/api/v1/clusters/${cluster.id}/kubernetes`;
  const name = `commander-${ctx.workspace?.slug ?? 'workspace'}-${cluster.name}`.replace(
    /[^A-Za-z0-9._-]/g,
    '-',
  );
  const q = (v: string) => JSON.stringify(v); // a JSON string is a valid YAML scalar
  const ca = endpoint.caData ? `    certificate-authority-data: ${q(endpoint.caData)}\n` : '';
  const yaml =
    `apiVersion: v1\nkind: Config\n` +
    `clusters:\n- name: ${q(name)}\n  cluster:\n    server: ${q(server)}\n${ca}` +
    `users:\n- name: ${q(`${name}-${ctx.actor.name}`)}\n  user:\n    token: ${q(token)}\n` +
    `contexts:\n- name: ${q(name)}\n  context:\n    cluster: ${q(name)}\n    user: ${q(`${name}-${ctx.actor.name}`)}\n` +
    `current-context: ${q(name)}\n` +
    `preferences: {}\n`;
  return { yaml, token: dto(row) };
}

/** The calling user's kubeconfig credentials (newest first), optionally of one cluster. */
export async function listMyKubeconfigTokens(
  ctx: ServiceContext,
  clusterId?: string,
): Promise<KubeconfigTokenDto[]> {
  const userId = callerUser(ctx);
  const rows = await ctx.db.kubeconfigToken.findMany({
    where: { userId, ...(clusterId ? { clusterId } : {}) },
    orderBy: { createdAt: 'desc' },
    take: 500,
  });
  return rows.map(dto);
}

/** Revokes one of the calling user's kubeconfig credentials (another's: 404). */
export async function revokeKubeconfigToken(
  ctx: ServiceContext,
  id: string,
): Promise<KubeconfigTokenDto> {
  const userId = callerUser(ctx);
  return ctx.db.$transaction(async (tx) => {
    const row = await tx.kubeconfigToken.findFirst({ where: { id, userId } });
    if (!row) {
      throw new AppError('not_found', 'Kubeconfig credential not found');
    }
    if (row.revokedAt) {
      return dto(row);
    }
    const updated = await tx.kubeconfigToken.update({
      where: { id },
      data: { revokedAt: new Date() },
    });
    await recordAudit(tx, ctx, {
      action: 'kubeconfig_revoke',
      auditableType: 'Cluster',
      auditableId: row.clusterId,
      changes: { kubeconfig_token_id: row.id },
    });
    return dto(updated);
  });
}

/**
 * The user and cluster of a kubeconfig credential, if it is valid (not revoked or expired, the
 * user enabled). The caller checks the cluster is the one in the path.
 */
export async function kubeconfigTokenOwner(
  db: Db,
  raw: string,
): Promise<{ user: User; clusterId: string; workspace: { id: string; slug: string } } | null> {
  if (!raw.startsWith(KUBECONFIG_TOKEN_PREFIX)) {
    return null;
  }
  const row = await db.kubeconfigToken.findUnique({
    where: { tokenHash: hashToken(raw) },
    include: {
      user: true,
      cluster: { select: { workspace: { select: { id: true, slug: true } } } },
    },
  });
  if (!row || row.revokedAt || row.expiresAt <= new Date() || row.user.isDisabled) {
    return null;
  }
  if (row.lastUsedAt === null || Date.now() - row.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.kubeconfigToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  }
  return { user: row.user, clusterId: row.clusterId, workspace: row.cluster.workspace };
}
