import { ERROR_STATUS, WORKSPACE_PERMISSIONS } from '@commander/contracts';
import { createEncryptor, generateEncryptionKeys } from '@commander/crypto';
import { createTestDatabase, type TestDatabase } from '@commander/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  AppError,
  bootstrapInstallation,
  createCluster,
  createOrImportCatalog,
  type ServiceContext,
  silentLogger,
} from '../src/index.js';
import { createTestTemplate, TEST_TEMPLATE_SECTIONS } from '../src/testing/index.js';

/**
 * Static clusters created concurrently from a template whose master host is picked from an
 * exclusive catalog (`autoselect`): each create gets a record of its own while free ones remain
 * (`FOR UPDATE SKIP LOCKED`), and the creates beyond the inventory get 409 inventory_exhausted.
 */
describe('inventory allocation under concurrency', () => {
  let database: TestDatabase;
  let ctx: ServiceContext;

  async function templateOnCatalog(slug: string, records: number): Promise<string> {
    await createOrImportCatalog(ctx, {
      name: slug,
      slug,
      usage: 'exclusive',
      params: [{ key: 'ip', type: 'string', title: 'IP' }],
      resources: Array.from({ length: records }, (_, i) => ({ values: { ip: `10.1.0.${i + 1}` } })),
    });
    const { versionId } = await createTestTemplate(database.db, ctx.workspace!.id, {
      params: [
        { key: 'hosts', title: 'Hosts', catalog: slug, minItems: 1, maxItems: 1, autoselect: true },
      ],
      sshTemplate: `${TEST_TEMPLATE_SECTIONS.sshTemplate.split('---')[0]}---
apiVersion: dhctl.deckhouse.io/v1
kind: SSHHost
host: {{ (index .hosts 0).ip }}
`,
    });
    return versionId;
  }

  async function createMany(versionId: string, prefix: string, n: number) {
    return Promise.allSettled(
      Array.from({ length: n }, (_, i) =>
        createCluster(ctx, {
          name: `${prefix}-${i}`,
          cluster_template_version_id: versionId,
          values: {},
        }),
      ),
    );
  }

  async function heldRecords(slug: string): Promise<string[]> {
    const records = await database.db.record.findMany({
      where: { catalog: { slug }, clusterId: { not: null } },
      select: { clusterId: true },
    });
    return records.map((r) => r.clusterId!);
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    await bootstrapInstallation(database.db, {});
    const workspace = await database.db.workspace.findUniqueOrThrow({ where: { slug: 'default' } });
    ctx = {
      db: database.db,
      actor: { type: 'user', id: null, name: 'inventory' },
      workspace: { id: workspace.id, slug: workspace.slug },
      permissions: new Set<string>(WORKSPACE_PERMISSIONS),
      log: silentLogger,
      encryptor: createEncryptor(generateEncryptionKeys()),
      instance: {
        publicHost: 'commander.test',
        publicUrl: 'http://commander.test',
        caBundle: '',
        commanderUuid: '00000000-0000-0000-0000-000000000000',
      },
      auditSink: () => undefined,
    };
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('20 concurrent creates on 25 free records: all succeed, each with a record of its own', async () => {
    const versionId = await templateOnCatalog('hosts-many', 25);
    const results = await createMany(versionId, 'many', 20);
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed.map((r) => String(r.reason))).toEqual([]);
    const ids = results.map((r) => (r as PromiseFulfilledResult<{ id: string }>).value.id);
    const held = await heldRecords('hosts-many');
    expect(held).toHaveLength(20);
    expect(new Set(held)).toEqual(new Set(ids));
    const hosts = await database.db.cluster.findMany({
      where: { id: { in: ids } },
      select: { values: true },
    });
    const ips = hosts.map((c) => (c.values as { hosts: { ip: string }[] }).hosts[0]!.ip);
    expect(new Set(ips).size).toBe(20);
  }, 60_000);

  it('more creates than free records: the extras get 409 inventory_exhausted', async () => {
    const versionId = await templateOnCatalog('hosts-few', 5);
    const results = await createMany(versionId, 'few', 12);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(5);
    expect(failed).toHaveLength(7);
    for (const f of failed) {
      expect(f.reason).toBeInstanceOf(AppError);
      expect((f.reason as AppError).code).toBe('inventory_exhausted');
      expect(ERROR_STATUS[(f.reason as AppError).code]).toBe(409);
    }
    expect(new Set(await heldRecords('hosts-few')).size).toBe(5);
  }, 60_000);
});
