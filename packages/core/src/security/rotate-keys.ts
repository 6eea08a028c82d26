import { type Encryptor, reencrypt } from '@commander/crypto';
import type { Db } from '@commander/db';

import { settingText } from './encryption.js';

/** Every encrypted column: table, primary key column, encrypted column. */
export const ENCRYPTED_COLUMNS = [
  ['clusters', 'id', 'secret_values_encrypted'],
  ['clusters', 'id', 'ssh_private_key_encrypted'],
  ['clusters', 'id', 'dhctl_state_encrypted'],
  ['clusters', 'id', 'desired_rendered_encrypted'],
  ['clusters', 'id', 'applied_rendered_encrypted'],
  ['clusters', 'id', 'agent_key_encrypted'],
  ['clusters', 'id', 'masker_secrets_encrypted'],
  ['cluster_operations', 'id', 'phase_state_encrypted'],
  ['cluster_revisions', 'id', 'secret_values_encrypted'],
  ['records', 'id', 'secret_values_encrypted'],
  ['registries', 'id', 'docker_config_encrypted'],
  ['webhook_subscriptions', 'id', 'secret_encrypted'],
] as const;

export type RotationReport = { column: string; reencrypted: number }[];

const BATCH = 200;

/**
 * Re-encrypts every encrypted value with `to`'s current primary key (after reading it with any
 * key `from` knows), batch by batch, each batch in its own transaction; the key check value
 * too. Idempotent: a value already under the new key is re-encrypted again, harmlessly, so an
 * interrupted rotation is finished by running it again.
 */
export async function reencryptAll(
  db: Db,
  from: Encryptor,
  to: Encryptor,
  onProgress?: (column: string, done: number) => void,
): Promise<RotationReport> {
  const report: RotationReport = [];
  for (const [table, pk, column] of ENCRYPTED_COLUMNS) {
    let done = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await db.$queryRawUnsafe<{ id: string; value: string }[]>(
        `SELECT "${pk}"::text AS id, "${column}" AS value FROM "${table}" WHERE "${column}" IS NOT NULL AND "${pk}" > $1::uuid ORDER BY "${pk}" LIMIT ${BATCH}`,
        after,
      );
      if (rows.length === 0) {
        break;
      }
      await db.$transaction(async (tx) => {
        for (const row of rows) {
          await tx.$executeRawUnsafe(
            `UPDATE "${table}" SET "${column}" = $1 WHERE "${pk}" = $2::uuid`,
            reencrypt(from, to, row.value),
            row.id,
          );
        }
      });
      done += rows.length;
      after = rows[rows.length - 1]!.id;
      onProgress?.(`${table}.${column}`, done);
    }
    report.push({ column: `${table}.${column}`, reencrypted: done });
  }
  const check = await db.systemSetting.findUnique({ where: { key: 'encryption_key_check' } });
  if (check) {
    await db.systemSetting.update({
      where: { key: 'encryption_key_check' },
      data: { value: reencrypt(from, to, settingText(check.value)) },
    });
  }
  return report;
}
