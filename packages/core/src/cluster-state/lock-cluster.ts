import type { Cluster, Tx } from '@commander/db';

/**
 * Takes the cluster's row lock (`SELECT … FOR UPDATE`) for the rest of `tx`: every change of a
 * cluster's status, configuration or operations is made under it, so concurrent changes of
 * one cluster are serialised and each sees the other's result.
 */
export async function lockClusterRow(tx: Tx, id: string): Promise<void> {
  await tx.$executeRaw`SELECT 1 FROM clusters WHERE id = ${id}::uuid FOR UPDATE`;
}

/** The cluster's row, read under its row lock ({@link lockClusterRow}). */
export async function lockedCluster(tx: Tx, id: string): Promise<Cluster> {
  await lockClusterRow(tx, id);
  return tx.cluster.findUniqueOrThrow({ where: { id } });
}
