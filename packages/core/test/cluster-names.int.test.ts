import { WORKSPACE_PERMISSIONS } from '@commander/contracts';
import { createEncryptor, generateEncryptionKeys } from '@commander/crypto';
import { createTestDatabase, type TestDatabase } from '@commander/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  AppError,
  bootstrapInstallation,
  createCluster,
  moveCluster,
  type ServiceContext,
  silentLogger,
  updateCluster,
} from '../src/index.js';
import { createTestTemplate } from '../src/testing/index.js';

/**
 * A live cluster's name is unique in its workspace: create, rename and move refuse a taken name
 * (name_taken), concurrent creates of one name included; an archived cluster's name is free.
 */
describe('cluster names (use cases)', () => {
  let database: TestDatabase;
  let ctx: ServiceContext;
  let otherWorkspaceId = '';
  let versionId = '';
  let otherVersionId = '';

  async function nameTaken(promise: Promise<unknown>): Promise<string> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('name_taken');
    return (error as AppError).message;
  }

  const create = (name: string, context = ctx, version = versionId) =>
    createCluster(context, { name, cluster_template_version_id: version, values: {} });

  beforeAll(async () => {
    database = await createTestDatabase();
    await bootstrapInstallation(database.db, {});
    const workspace = await database.db.workspace.findUniqueOrThrow({ where: { slug: 'default' } });
    const other = await database.db.workspace.create({ data: { slug: 'other', name: 'Other' } });
    otherWorkspaceId = other.id;
    ctx = {
      db: database.db,
      actor: { type: 'user', id: null, name: 'names' },
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
    versionId = (await createTestTemplate(database.db, workspace.id)).versionId;
    otherVersionId = (await createTestTemplate(database.db, other.id)).versionId;
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('refuses a second live cluster of the same name in a workspace, not in another', async () => {
    await create('alpha');
    expect(await nameTaken(create('alpha'))).toBe(
      'A cluster named "alpha" already exists in this workspace',
    );
    const elsewhere = { ...ctx, workspace: { id: otherWorkspaceId, slug: 'other' } };
    await expect(create('alpha', elsewhere, otherVersionId)).resolves.toMatchObject({
      name: 'alpha',
    });
  });

  it('gives one of two concurrent creates of a name the cluster and the other name_taken', async () => {
    const results = await Promise.allSettled([create('twin'), create('twin')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const [rejected] = results.filter((r) => r.status === 'rejected');
    expect((rejected as PromiseRejectedResult).reason).toMatchObject({ code: 'name_taken' });
    expect(await database.db.cluster.count({ where: { name: 'twin', archiveNumber: 0 } })).toBe(1);
  });

  it('refuses renaming a cluster to a taken name, and keeps its own name free for itself', async () => {
    const beta = await create('beta');
    const body = { cluster_template_version_id: versionId, values: {} };
    await nameTaken(updateCluster(ctx, beta.id, { ...body, name: 'alpha' }));
    await expect(updateCluster(ctx, beta.id, { ...body, name: 'beta' })).resolves.toMatchObject({
      name: 'beta',
    });
    await expect(updateCluster(ctx, beta.id, { ...body, name: 'beta-2' })).resolves.toMatchObject({
      name: 'beta-2',
    });
  });

  it('refuses moving a cluster into a workspace that has a live cluster of its name', async () => {
    const gamma = await create('alpha-mover');
    // The unique index on live names backs the check (concurrent writers).
    await expect(
      database.db.cluster.update({ where: { id: gamma.id }, data: { name: 'alpha' } }),
    ).rejects.toThrow();
    // No operation in progress (the install was queued at create).
    await database.db.clusterOperation.updateMany({
      where: { clusterId: gamma.id },
      data: { status: 'CANCELLED' },
    });
    const elsewhere = { ...ctx, workspace: { id: otherWorkspaceId, slug: 'other' } };
    const clash = await create('alpha-mover', elsewhere, otherVersionId);
    expect(
      await nameTaken(moveCluster(ctx, gamma.id, otherWorkspaceId, () => Promise.resolve(true))),
    ).toBe('The target workspace already has a cluster named "alpha-mover"');
    expect(clash.name).toBe('alpha-mover');
  });
});
