import {
  createEncryptor,
  createKeyCheck,
  type Encryptor,
  type ResolvedEncryptionKeys,
  resolveEncryptionKeys,
  type ResolveEncryptionKeysInput,
  verifyKeyCheck,
} from '@commander/crypto';
import type { Db } from '@commander/db';

const KEY_CHECK_SETTING = 'encryption_key_check';

/** A system setting's JSON value as text (settings here hold strings). */
export function settingText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export type OpenedEncryption = {
  encryptor: Encryptor;
  resolved: ResolvedEncryptionKeys;
};

/**
 * Resolves the encryption keys (environment, key file, or newly generated) and proves they are
 * the ones this database was written with: a check value encrypted on first use must decrypt.
 * @throws EncryptionKeyError naming the key when the keys cannot read this database's data.
 */
export async function openEncryption(
  db: Db,
  input: ResolveEncryptionKeysInput,
): Promise<OpenedEncryption> {
  const resolved = await resolveEncryptionKeys(input);
  const encryptor = createEncryptor(resolved.keys);
  const existing = await db.systemSetting.findUnique({ where: { key: KEY_CHECK_SETTING } });
  if (existing) {
    verifyKeyCheck(encryptor, settingText(existing.value));
  } else {
    await db.systemSetting
      .create({ data: { key: KEY_CHECK_SETTING, value: createKeyCheck(encryptor) } })
      .catch(async () => {
        // Another process wrote it first: verify theirs instead.
        const theirs = await db.systemSetting.findUniqueOrThrow({
          where: { key: KEY_CHECK_SETTING },
        });
        verifyKeyCheck(encryptor, settingText(theirs.value));
      });
  }
  return { encryptor, resolved };
}

/** The loud warning printed when keys were generated: losing them loses every secret. */
export function generatedKeysWarning(keyFile: string | null): string {
  const line = '!'.repeat(78);
  return [
    line,
    '!! NEW ENCRYPTION KEYS WERE GENERATED',
    `!! They are in ${keyFile ?? '(unknown file)'}. BACK THIS FILE UP NOW, apart from database backups.`,
    '!! Every secret in the database (SSH keys, passwords, dhctl state) is encrypted with them;',
    '!! without them the data cannot be recovered. Or set ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY,',
    '!! ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY and ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT.',
    line,
  ].join('\n');
}
