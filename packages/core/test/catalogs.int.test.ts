import { WORKSPACE_PERMISSIONS } from '@commander/contracts';
import { createEncryptor, generateEncryptionKeys } from '@commander/crypto';
import { createTestDatabase, type TestDatabase } from '@commander/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  AppError,
  archiveCatalog,
  archiveRecord,
  bootstrapInstallation,
  createOrImportCatalog,
  createRecord,
  getCatalog,
  getRecord,
  listCatalogs,
  listRecords,
  restoreCatalog,
  restoreRecord,
  type ServiceContext,
  silentLogger,
  updateCatalog,
  updateRecord,
} from '../src/index.js';

/** The catalog and record use cases called directly (the API tests cover them over HTTP). */
describe('catalogs and records (use cases)', () => {
  let database: TestDatabase;
  let ctx: ServiceContext;
  let other: ServiceContext;
  const PARAMS = [
    { key: 'ip', type: 'string', title: 'IP', unique: true },
    { key: 'password', type: 'string', format: 'password', title: 'Password' },
  ];

  async function expectCode(promise: Promise<unknown>, code: string): Promise<AppError> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(code);
    return error as AppError;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    await bootstrapInstallation(database.db, {});
    const workspace = await database.db.workspace.findUniqueOrThrow({ where: { slug: 'default' } });
    const second = await database.db.workspace.create({ data: { slug: 'second', name: 'Second' } });
    const base = {
      db: database.db,
      actor: { type: 'user' as const, id: null, name: 'catalogs' },
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
    ctx = { ...base, workspace: { id: workspace.id, slug: workspace.slug } };
    other = { ...base, workspace: { id: second.id, slug: second.slug } };
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('creates a catalog with records, keeps passwords encrypted and never returns them', async () => {
    const { catalog, created } = await createOrImportCatalog(ctx, {
      name: 'Hosts',
      slug: 'hosts',
      usage: 'exclusive',
      params: PARAMS,
      resources: [
        { values: { ip: '10.0.0.1', password: 's3cret-one' } },
        { values: { ip: '10.0.0.2', password: 's3cret-two' } },
      ],
    });
    expect(created).toBe(true);
    expect(catalog).toMatchObject({ slug: 'hosts', usage: 'exclusive', records_count: 2 });
    const { items, total } = await listRecords(ctx, {
      catalogId: catalog.id,
      limit: 10,
      offset: 0,
    });
    expect(total).toBe(2);
    for (const record of items) {
      expect(record.values.password).toBeNull();
      expect(record.secret_values).toEqual({ password: { has_value: true } });
      expect(JSON.stringify(record)).not.toContain('s3cret');
    }
    const rows = await database.db.record.findMany({ where: { catalogId: catalog.id } });
    for (const row of rows) {
      expect(JSON.stringify(row.values)).not.toContain('s3cret');
      expect(row.secretValuesEncrypted).toBeTruthy();
      expect(ctx.encryptor.decrypt(row.secretValuesEncrypted!)).toContain('s3cret');
    }
    const audit = await database.db.auditEvent.findMany({ where: { auditableId: catalog.id } });
    expect(audit.map((a) => a.action)).toEqual(['create']);
  });

  it('imports into an existing slug regardless of its schema, marking mismatches', async () => {
    const { catalog, created } = await createOrImportCatalog(ctx, {
      name: 'ignored',
      slug: 'hosts',
      params: [],
      resources: [{ values: { ip: 42 } }, { values: { ip: '10.0.0.3', password: 'three' } }],
    });
    expect(created).toBe(false);
    expect(catalog.name).toBe('Hosts');
    const { items } = await listRecords(ctx, { catalogId: catalog.id, limit: 10, offset: 0 });
    expect(items.map((r) => r.schema_matches).sort()).toEqual([false, true, true, true]);
  });

  it('refuses a record repeating a unique field, or not matching the schema', async () => {
    const [catalog] = await listCatalogs(ctx, { withoutArchived: true });
    await expectCode(
      createRecord(ctx, { catalog_id: catalog!.id, values: { ip: '10.0.0.1', password: 'x' } }),
      'not_unique',
    );
    await expectCode(
      createRecord(ctx, { catalog_id: catalog!.id, values: { ip: { nested: true } } }),
      'invalid_values',
    );
    const fresh = await createRecord(ctx, {
      catalog_id: catalog!.id,
      values: { ip: '10.0.0.9', password: 'kept' },
    });
    // An update that omits the password keeps the stored one.
    const updated = await updateRecord(ctx, fresh.id, {
      values: { ip: '10.0.0.10' },
      current_revision: fresh.current_revision,
    });
    expect(updated.values.ip).toBe('10.0.0.10');
    expect(updated.secret_values).toEqual({ password: { has_value: true } });
    const row = await database.db.record.findUniqueOrThrow({ where: { id: fresh.id } });
    expect(JSON.parse(ctx.encryptor.decrypt(row.secretValuesEncrypted!))).toEqual({
      password: 'kept',
    });
    // A stale revision is refused with the current one.
    const stale = await expectCode(
      updateRecord(ctx, fresh.id, { values: { ip: '10.0.0.11' }, current_revision: 1 }),
      'stale_revision',
    );
    expect(stale.details).toEqual({ current_revision: updated.current_revision });
  });

  it('changes the schema and re-checks the records against it', async () => {
    const [catalog] = await listCatalogs(ctx, { withoutArchived: true });
    const changed = await updateCatalog(ctx, catalog!.id, {
      name: 'Hosts v2',
      params: [{ key: 'ip', type: 'number', title: 'IP' }],
      current_revision: catalog!.current_revision,
    });
    expect(changed.name).toBe('Hosts v2');
    const { items } = await listRecords(ctx, { catalogId: catalog!.id, limit: 20, offset: 0 });
    // Only the record imported with ip: 42 matches a number schema.
    expect(items.filter((r) => r.schema_matches).map((r) => r.values.ip)).toEqual([42]);
    await expectCode(
      updateCatalog(ctx, catalog!.id, { name: 'x', params: 'not: [valid' }),
      'invalid_template',
    );
  });

  it('another workspace sees none of it (not found)', async () => {
    const [catalog] = await listCatalogs(ctx, { withoutArchived: true });
    const { items } = await listRecords(ctx, { catalogId: catalog!.id, limit: 1, offset: 0 });
    expect(await listCatalogs(other, {})).toEqual([]);
    await expectCode(getCatalog(other, catalog!.id), 'not_found');
    await expectCode(getRecord(other, items[0]!.id), 'not_found');
    await expectCode(archiveCatalog(other, catalog!.id), 'not_found');
    await expectCode(
      createRecord(other, { catalog_id: catalog!.id, values: { ip: 1 } }),
      'not_found',
    );
    expect((await listRecords(other, { limit: 10, offset: 0 })).total).toBe(0);
  });

  it('archives and restores a catalog with its records; a live slug blocks the restore', async () => {
    const [catalog] = await listCatalogs(ctx, { withoutArchived: true });
    const archived = await archiveCatalog(ctx, catalog!.id);
    expect(archived.archived_at).not.toBeNull();
    expect(archived.archive_number).toBe(1);
    expect(
      (
        await listRecords(ctx, {
          catalogId: catalog!.id,
          withoutArchived: true,
          limit: 10,
          offset: 0,
        })
      ).total,
    ).toBe(0);
    await expectCode(
      updateCatalog(ctx, catalog!.id, { name: 'changed while archived' }),
      'invalid_state',
    );
    // The slug is free again: a new catalog takes it, and blocks the restore.
    const { catalog: taker } = await createOrImportCatalog(ctx, {
      name: 'Taker',
      slug: 'hosts',
      params: [],
      resources: [],
    });
    await expectCode(restoreCatalog(ctx, catalog!.id), 'slug_taken');
    await archiveCatalog(ctx, taker.id);
    const restored = await restoreCatalog(ctx, catalog!.id);
    expect(restored.archived_at).toBeNull();
    expect(restored.records_count).toBeGreaterThan(0);
    await expectCode(restoreCatalog(ctx, catalog!.id), 'invalid_state');
  });

  it('archives a record and restores it unless a live record took its unique value', async () => {
    const { catalog } = await createOrImportCatalog(ctx, {
      name: 'Nodes',
      slug: 'nodes',
      params: [{ key: 'ip', type: 'string', title: 'IP', unique: true }],
      resources: [{ values: { ip: '192.168.0.1' } }],
    });
    const { items } = await listRecords(ctx, { catalogId: catalog.id, limit: 1, offset: 0 });
    const record = items[0]!;
    const archived = await archiveRecord(ctx, record.id);
    expect(archived.archived_at).not.toBeNull();
    const twin = await createRecord(ctx, { catalog_id: catalog.id, values: { ip: '192.168.0.1' } });
    await expectCode(restoreRecord(ctx, record.id), 'conflict');
    await archiveRecord(ctx, twin.id);
    expect((await restoreRecord(ctx, record.id)).archived_at).toBeNull();
    await expectCode(restoreRecord(ctx, record.id), 'invalid_state');
  });
});
