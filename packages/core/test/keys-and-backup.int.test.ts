import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { WORKSPACE_PERMISSIONS } from '@commander/contracts';
import {
  createEncryptor,
  EncryptionKeyError,
  generateEncryptionKeys,
  withNewPrimaryKey,
} from '@commander/crypto';
import { createTestDatabase, type TestDatabase } from '@commander/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  bootstrapInstallation,
  createCluster,
  openEncryption,
  reencryptAll,
  type ServiceContext,
  silentLogger,
} from '../src/index.js';
import { createTestTemplate } from '../src/testing/index.js';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SECRET = 'rotation-secret-value-42';

describe('encryption keys: rotation, dumps, backup and restore', () => {
  let database: TestDatabase;
  const keys = generateEncryptionKeys();
  let ctx: ServiceContext;
  let clusterId = '';
  let rotated = keys;

  beforeAll(async () => {
    database = await createTestDatabase();
    const keyFile = path.join(mkdtempSync(path.join(tmpdir(), 'keys-')), 'keys.json');
    writeFileSync(
      keyFile,
      JSON.stringify({
        primary_key: keys.primaryKey,
        deterministic_key: keys.deterministicKey,
        key_derivation_salt: keys.keyDerivationSalt,
      }),
      { mode: 0o600 },
    );
    const { encryptor } = await openEncryption(database.db, { keyFile });
    const boot = await bootstrapInstallation(database.db, {});
    const workspace = await database.db.workspace.findUniqueOrThrow({ where: { slug: 'default' } });
    ctx = {
      db: database.db,
      actor: { type: 'user', id: null, name: 'tester' },
      workspace: { id: workspace.id, slug: workspace.slug },
      permissions: new Set<string>(WORKSPACE_PERMISSIONS),
      log: silentLogger,
      encryptor,
      instance: {
        publicHost: 'commander.test',
        publicUrl: 'http://commander.test',
        caBundle: '',
        commanderUuid: boot.commanderUuid,
      },
      auditSink: () => undefined,
    };
    const { versionId } = await createTestTemplate(database.db, workspace.id);
    clusterId = (
      await createCluster(ctx, {
        name: 'secretive',
        cluster_template_version_id: versionId,
        values: { adminPassword: SECRET },
      })
    ).id;
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('a database dump holds no plaintext secret', async () => {
    const { stdout } = await run('pg_dump', ['--data-only', `--dbname=${database.url}`], {
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(stdout).toContain('secretive');
    expect(stdout).not.toContain(SECRET);
    expect(stdout).not.toContain('BEGIN OPENSSH PRIVATE KEY');
  });

  it('rotation re-encrypts every column: only the new key is needed afterwards', async () => {
    const next = withNewPrimaryKey(keys);
    rotated = next;
    const report = await reencryptAll(database.db, createEncryptor(keys), createEncryptor(next));
    expect(report.find((r) => r.column === 'clusters.secret_values_encrypted')?.reencrypted).toBe(
      1,
    );
    expect(report.find((r) => r.column === 'clusters.ssh_private_key_encrypted')?.reencrypted).toBe(
      1,
    );
    const onlyNew = createEncryptor({ ...next, primaryKey: (next.primaryKey as string[]).at(-1)! });
    const row = await database.db.cluster.findUniqueOrThrow({ where: { id: clusterId } });
    expect(JSON.parse(onlyNew.decrypt(row.secretValuesEncrypted!))).toEqual({
      adminPassword: SECRET,
    });
    expect(onlyNew.decrypt(row.sshPrivateKeyEncrypted!)).toContain('OPENSSH PRIVATE KEY');
    expect(() => createEncryptor(keys).decrypt(row.secretValuesEncrypted!)).toThrow(
      EncryptionKeyError,
    );
    const check = await database.db.systemSetting.findUniqueOrThrow({
      where: { key: 'encryption_key_check' },
    });
    expect(onlyNew.decrypt(check.value as string)).toBeTruthy();
  });

  it('db:backup and db:restore; a restore with the wrong keys says which key', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'backup-'));
    const file = path.join(dir, 'commander.dump');
    const cli = (args: string[], extraEnv: Record<string, string>) =>
      run(process.execPath, ['--import', 'tsx', 'scripts/commander.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, ...extraEnv },
      }).then(
        (r) => ({ code: 0, out: r.stdout + r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({
          code: e.code,
          out: e.stdout + e.stderr,
        }),
      );
    const backup = await cli(['db:backup', file], { DATABASE_URL: database.url });
    expect(backup.code, backup.out).toBe(0);
    const target = await createTestDatabase();
    try {
      const wrong = generateEncryptionKeys();
      const bad = await cli(['db:restore', file], {
        DATABASE_URL: target.url,
        ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: String(wrong.primaryKey),
        ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: wrong.deterministicKey,
        ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: wrong.keyDerivationSalt,
      });
      expect(bad.code).toBe(1);
      expect(bad.out).toContain('ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY');
      const restored = await target.db.cluster.findFirstOrThrow({ where: { name: 'secretive' } });
      expect(restored.id).toBe(clusterId);
      const good = await cli(['db:restore', file], {
        DATABASE_URL: target.url,
        ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: (rotated.primaryKey as string[]).at(-1)!,
        ACTIVE_RECORD_ENCRYPTION_PREVIOUS_PRIMARY_KEYS: (rotated.primaryKey as string[])
          .slice(0, -1)
          .join(','),
        ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: rotated.deterministicKey,
        ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: rotated.keyDerivationSalt,
      });
      expect(good.code, good.out).toBe(0);
      expect(good.out).toContain('the configured encryption keys read its secrets');
    } finally {
      await target.drop();
    }
  });
});
