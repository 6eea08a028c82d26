import type { Tx } from '@commander/db';

import { AppError } from '../errors.js';
import type { RecordUsage } from './prepare-configuration.js';

/**
 * Makes the cluster's record usages match its values, in the caller's transaction: records of
 * exclusive catalogs are taken (row-locked, so two clusters never take one record) and the ones
 * no longer used are freed.
 * @throws AppError invalid_values when an exclusive record was taken meanwhile.
 */
export async function applyRecordUsages(
  tx: Tx,
  clusterId: string,
  usages: RecordUsage[],
): Promise<void> {
  const exclusive = usages.filter((u) => u.exclusive).map((u) => u.recordId);
  if (exclusive.length > 0) {
    const taken = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM records WHERE id = ANY(${exclusive}::uuid[])
        AND cluster_id IS NOT NULL AND cluster_id <> ${clusterId}::uuid
      FOR UPDATE`;
    if (taken.length > 0) {
      throw new AppError(
        'invalid_values',
        'An inventory record was taken by another cluster meanwhile',
        taken.map((t) => ({
          path: 'values',
          message: `Record ${t.id} is used by another cluster`,
        })),
      );
    }
  }
  await tx.clusterRecordUsage.deleteMany({ where: { clusterId } });
  if (usages.length > 0) {
    await tx.clusterRecordUsage.createMany({
      data: usages.map((u) => ({ clusterId, recordId: u.recordId, fieldKey: u.fieldKey })),
      skipDuplicates: true,
    });
  }
  await tx.record.updateMany({
    where: { clusterId, id: { notIn: exclusive } },
    data: { clusterId: null },
  });
  if (exclusive.length > 0) {
    await tx.record.updateMany({ where: { id: { in: exclusive } }, data: { clusterId } });
  }
}
