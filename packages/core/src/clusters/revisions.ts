import type { Prisma, Tx } from '@commander/db';

/**
 * Keeps the configuration behind a desired revision (template version, public values, encrypted
 * secret values), so that the cluster can later be rolled back to it.
 */
export async function recordClusterRevision(
  tx: Tx,
  input: {
    clusterId: string;
    revision: number;
    clusterTemplateVersionId: string | null;
    values: Record<string, unknown>;
    secretValuesEncrypted: string | null;
  },
): Promise<void> {
  const data = {
    clusterTemplateVersionId: input.clusterTemplateVersionId,
    values: input.values as Prisma.InputJsonValue,
    secretValuesEncrypted: input.secretValuesEncrypted,
  };
  await tx.clusterRevision.upsert({
    where: { clusterId_revision: { clusterId: input.clusterId, revision: input.revision } },
    create: { clusterId: input.clusterId, revision: input.revision, ...data },
    update: data,
  });
}

/**
 * The revision a rollback returns to: the newest successfully applied revision older than the
 * desired one (the applied revision when a later one is pending or failed; otherwise the one
 * applied before it). Null when there is none.
 */
export function rollbackTarget(
  desiredRevision: number,
  appliedRevisions: readonly (number | null)[],
): number | null {
  let best: number | null = null;
  for (const r of appliedRevisions) {
    if (r !== null && r < desiredRevision && (best === null || r > best)) {
      best = r;
    }
  }
  return best;
}
