import { WORKSPACE_PERMISSIONS } from '@commander/contracts';
import { createEncryptor, generateEncryptionKeys } from '@commander/crypto';
import { createTestDatabase, type TestDatabase } from '@commander/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openChangeRequest } from '../src/cluster-state/open-change-request.js';
import {
  AppError,
  approveChangeRequest,
  bootstrapInstallation,
  createCluster,
  getChangeRequest,
  listChangeRequests,
  rejectChangeRequest,
  type ServiceContext,
  silentLogger,
} from '../src/index.js';
import { createTestTemplate } from '../src/testing/index.js';

/** Approving and rejecting change requests, called directly (the API tests cover them over HTTP). */
describe('change requests (use cases)', () => {
  let database: TestDatabase;
  let ctx: ServiceContext;
  let other: ServiceContext;
  let clusterId = '';

  async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(code);
  }

  /** A change request waiting for a person, as the manager opens it after a check. */
  async function open(destructiveChangeId: string | null): Promise<string> {
    const cluster = await database.db.cluster.findUniqueOrThrow({ where: { id: clusterId } });
    return database.db.$transaction((tx) =>
      openChangeRequest(tx, {
        clusterId,
        workspaceId: ctx.workspace!.id,
        destructive: destructiveChangeId !== null,
        destructiveChangeId,
        desiredRevision: cluster.desiredRevision,
      }),
    );
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    await bootstrapInstallation(database.db, {});
    const workspace = await database.db.workspace.findUniqueOrThrow({ where: { slug: 'default' } });
    const second = await database.db.workspace.create({ data: { slug: 'second', name: 'Second' } });
    const base = {
      db: database.db,
      actor: { type: 'user' as const, id: null, name: 'approver' },
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
    const { versionId } = await createTestTemplate(database.db, workspace.id);
    const cluster = await createCluster(ctx, {
      name: 'changing',
      cluster_template_version_id: versionId,
      values: {},
    });
    clusterId = cluster.id;
    // Installed, then a check found a destructive change (as the manager leaves it).
    await database.db.clusterOperation.updateMany({
      where: { clusterId },
      data: { status: 'SUCCEEDED' },
    });
    await database.db.cluster.update({
      where: { id: clusterId },
      data: { status: 'DESTRUCTIVE_CHANGES', wasCreated: true },
    });
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('approves once: an update is queued carrying the destructive change id', async () => {
    const id = await open('change-1');
    expect(await open('change-1')).toBe(id);
    await expectCode(approveChangeRequest(other, id), 'not_found');
    const approved = await approveChangeRequest(ctx, id);
    expect(approved).toMatchObject({ id, status: 'approved', approved_by: 'approver' });
    const row = await database.db.changeRequest.findUniqueOrThrow({ where: { id } });
    const operation = await database.db.clusterOperation.findUniqueOrThrow({
      where: { id: row.operationId! },
    });
    expect(operation).toMatchObject({
      kind: 'UPDATE',
      status: 'QUEUED',
      approveDestructionChangeId: 'change-1',
    });
    await expectCode(approveChangeRequest(ctx, id), 'already_approved');
    const audit = await database.db.auditEvent.findFirstOrThrow({
      where: { auditableId: id, action: 'approve' },
    });
    expect(audit.changes).toMatchObject({
      cluster_id: clusterId,
      destructive_change_id: 'change-1',
    });
  });

  it('a newer plan supersedes the older request; the newer one is rejected once', async () => {
    await database.db.clusterOperation.updateMany({
      where: { clusterId, status: 'QUEUED' },
      data: { status: 'SUCCEEDED' },
    });
    const [older] = await listChangeRequests(ctx, { clusterId });
    const newer = await open('change-2');
    expect((await getChangeRequest(ctx, older!.id)).status).toBe('superseded');
    await expectCode(approveChangeRequest(ctx, older!.id), 'cluster_cannot_be_converged');
    await expectCode(rejectChangeRequest(other, newer), 'not_found');
    expect(await rejectChangeRequest(ctx, newer)).toMatchObject({ id: newer, status: 'rejected' });
    await expectCode(rejectChangeRequest(ctx, newer), 'invalid_state');
    expect(
      (await listChangeRequests(ctx, { clusterId, status: 'rejected' })).map((r) => r.id),
    ).toEqual([newer]);
    const noSecrets = {
      ...ctx,
      permissions: new Set([...ctx.permissions].filter((p) => p !== 'clusters:secrets:read')),
    };
    await expectCode(getChangeRequest(noSecrets, newer, { reveal: true }), 'forbidden');
  });
});
