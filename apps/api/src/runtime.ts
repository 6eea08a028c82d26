import {
  backfillPublicRenders,
  bootstrapInstallation,
  type BootstrapResult,
  ensureTelemetryPartitionsFor,
  generatedKeysWarning,
  type InstanceInfo,
  openEncryption,
} from '@commander/core';
import type { Encryptor } from '@commander/crypto';
import type { Db } from '@commander/db';

import type { Config } from './config.js';

export type Runtime = { encryptor: Encryptor; instance: InstanceInfo; bootstrap: BootstrapResult };

/**
 * Start-up work before serving: encryption keys (generated on a first start, with a loud
 * warning), the key check against this database, the installation bootstrap, and public renders
 * for clusters stored before they existed.
 */
export async function prepareRuntime(
  config: Config,
  db: Db,
  print: (text: string) => void,
): Promise<Runtime> {
  const { encryptor, resolved } = await openEncryption(db, {
    primaryKey: config.encryption.primaryKey,
    previousPrimaryKeys: config.encryption.previousPrimaryKeys,
    deterministicKey: config.encryption.deterministicKey,
    keyDerivationSalt: config.encryption.keyDerivationSalt,
    keyFile: config.encryption.keyFile,
    generateIfMissing: true,
  });
  if (resolved.source === 'generated') {
    print(generatedKeysWarning(resolved.keyFile));
  }
  for (const warning of resolved.warnings) {
    print(`warning: ${warning}`);
  }
  const bootstrap = await bootstrapInstallation(db, {
    adminEmail: config.adminEmail,
    adminPassword: config.adminPassword,
    bootstrapToken: config.bootstrapToken,
  });
  for (const warning of bootstrap.warnings) {
    print(`warning: ${warning}`);
  }
  const instance: InstanceInfo = {
    publicHost: new URL(config.publicUrl).host,
    publicUrl: config.publicUrl,
    caBundle: config.caBundle,
    commanderUuid: bootstrap.commanderUuid,
    agentImage: config.agentImage,
  };
  // Clusters stored before public renders: fill them in where the stored configuration can be
  // reproduced; the others stay withheld from callers who do not reveal secrets.
  const backfill = await backfillPublicRenders(db, encryptor, instance);
  if (backfill.filled + backfill.withheld > 0) {
    print(
      `public renders: ${backfill.filled} cluster(s) filled in, ${backfill.withheld} withheld until their configuration is rendered again`,
    );
  }
  // Telemetry day partitions from yesterday to a week ahead (the managers keep them up; a
  // sample for a missing day creates its partition on demand).
  await ensureTelemetryPartitionsFor(
    db,
    new Date(Date.now() - 86_400_000),
    new Date(Date.now() + 7 * 86_400_000),
  );
  return { encryptor, instance, bootstrap };
}
