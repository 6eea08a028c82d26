import { type InventoryRecord } from '@commander/contracts';
import { type Prisma } from '@commander/db';
import { parseParams } from '@commander/renderer';

import { diffChanges, recordAudit } from '../audit/record-audit.js';
import { type ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { notifyChange } from '../events/notify.js';
import { decryptSecretValues, encryptSecretValues } from '../security/secret-values.js';
import { assertUnique, loadRecord, prepareRecord, toRecordDtos } from './shared.js';

/**
 * Replaces a record's values (omitted password values are kept). Clusters using it see the
 * new values at their next configuration change.
 */
export async function updateRecord(
  ctx: ServiceContext,
  id: string,
  input: { values: Record<string, unknown>; current_revision?: number | undefined },
): Promise<InventoryRecord> {
  const row = await loadRecord(ctx, id);
  if (row.archivedAt) {
    throw new AppError('invalid_state', 'An archived record cannot change');
  }
  if (input.current_revision !== undefined && input.current_revision !== row.currentRevision) {
    throw new AppError('stale_revision', 'The record was changed by someone else; reload it', {
      current_revision: row.currentRevision,
    });
  }
  const items = parseParams(row.catalog.params as unknown[]).fields;
  const stored = decryptSecretValues(ctx.encryptor, row.secretValuesEncrypted);
  const values = { ...input.values };
  for (const [k, v] of Object.entries(stored)) {
    if (values[k] === undefined || values[k] === null) {
      values[k] = v;
    }
  }
  const prepared = prepareRecord(items, values, true);
  const updated = await ctx.db.$transaction(async (tx) => {
    await assertUnique(tx, row.catalogId, items, prepared.values, id);
    const saved = await tx.record.update({
      where: { id },
      data: {
        values: prepared.values as Prisma.InputJsonValue,
        secretValuesEncrypted: encryptSecretValues(ctx.encryptor, prepared.secrets),
        schemaMatches: true,
        currentRevision: { increment: 1 },
      },
    });
    await recordAudit(tx, ctx, {
      action: 'update',
      auditableType: 'Record',
      auditableId: id,
      changes: diffChanges({ values: row.values }, { values: prepared.values }),
    });
    await notifyChange(tx, {
      type: 'record',
      id,
      workspace_id: row.catalog.workspaceId,
      action: 'update',
    });
    return saved;
  });
  return (await toRecordDtos(ctx, [updated]))[0]!;
}
