import { GLOBAL_PERMISSIONS, WORKSPACE_PERMISSIONS } from '@commander/contracts';
import { createEncryptor, generateEncryptionKeys, hashToken } from '@commander/crypto';
import { createTestDatabase, type TestDatabase } from '@commander/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  addGroupMember,
  AppError,
  bootstrapInstallation,
  changeOwnPassword,
  createGroup,
  createRole,
  createRoleBinding,
  createUser,
  deleteGroup,
  deleteRole,
  deleteRoleBinding,
  deleteUser,
  getRoleBinding,
  getUser,
  listGroupMembers,
  listRoleBindings,
  listRoles,
  listUsers,
  removeGroupMember,
  type ServiceContext,
  silentLogger,
  updateRole,
  updateRoleBinding,
  updateUser,
  userEffectiveBindings,
} from '../src/index.js';

/** The user, role and role-binding use cases called directly (the API tests cover them over HTTP). */
describe('users, roles and role bindings (use cases)', () => {
  let database: TestDatabase;
  let admin: ServiceContext;
  let adminId = '';
  let workspaceId = '';
  let otherWorkspaceId = '';

  async function expectCode(promise: Promise<unknown>, code: string): Promise<AppError> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(code);
    return error as AppError;
  }

  /** A context acting as `userId` with `permissions`, in `workspace` (or globally). */
  function as(
    userId: string,
    permissions: Iterable<string>,
    workspace: { id: string; slug: string } | null = null,
  ): ServiceContext {
    return {
      ...admin,
      actor: { type: 'user', id: userId, name: userId },
      permissions: new Set(permissions),
      workspace,
    };
  }

  async function session(userId: string): Promise<string> {
    const row = await database.db.session.create({
      data: {
        userId,
        tokenHash: hashToken(`session-${Math.random().toString(36).slice(2)}`),
        csrfToken: 'csrf',
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    });
    return row.id;
  }

  async function roleId(scope: 'GLOBAL' | 'WORKSPACE', name: string): Promise<string> {
    return (await database.db.role.findFirstOrThrow({ where: { scope, name } })).id;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    const boot = await bootstrapInstallation(database.db, {
      adminEmail: 'admin@identity.test',
      adminPassword: 'identity-test-password-1',
    });
    workspaceId = boot.defaultWorkspaceId!;
    otherWorkspaceId = (
      await database.db.workspace.create({ data: { slug: 'other', name: 'Other' } })
    ).id;
    adminId = (
      await database.db.user.findUniqueOrThrow({ where: { email: 'admin@identity.test' } })
    ).id;
    admin = {
      db: database.db,
      actor: { type: 'user', id: adminId, name: 'admin@identity.test' },
      workspace: null,
      permissions: new Set<string>([...GLOBAL_PERMISSIONS, ...WORKSPACE_PERMISSIONS]),
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

  it('creates a user (email normalised, taken once), disables them and ends their sessions', async () => {
    const user = await createUser(admin, {
      email: 'Ann@Identity.Test',
      name: 'Ann',
      password: 'ann-password-123',
    });
    expect(user).toMatchObject({ email: 'ann@identity.test', name: 'Ann', is_disabled: false });
    expect((await listUsers(admin)).map((u) => u.email)).toContain('ann@identity.test');
    await expectCode(
      createUser(admin, {
        email: 'ann@identity.test',
        name: 'Again',
        password: 'ann-password-123',
      }),
      'conflict',
    );
    await session(user.id);
    const disabled = await updateUser(admin, user.id, { is_disabled: true });
    expect(disabled.is_disabled).toBe(true);
    expect(await database.db.session.count({ where: { userId: user.id } })).toBe(0);
    const audit = await database.db.auditEvent.findFirstOrThrow({
      where: { auditableId: user.id, action: 'update' },
    });
    expect(audit.changes).toMatchObject({ is_disabled: [false, true] });
  });

  it('refuses without users:write, and an unknown user is not found', async () => {
    const reader = as(adminId, ['users:read']);
    await expectCode(
      createUser(reader, { email: 'x@identity.test', name: 'X', password: 'x-password-1234' }),
      'forbidden',
    );
    await expectCode(getUser(admin, '00000000-0000-4000-8000-000000000000'), 'not_found');
  });

  it('keeps the last enabled administrator: not disabled, not deleted, not unbound; nobody deletes themselves', async () => {
    await expectCode(updateUser(admin, adminId, { is_disabled: true }), 'conflict');
    await expectCode(deleteUser(admin, adminId), 'conflict');
    const [binding] = await listRoleBindings(admin, { userId: adminId, scope: 'global' });
    expect(binding?.role_name).toBe('admin');
    await expectCode(deleteRoleBinding(admin, binding!.id), 'conflict');
    const viewer = await roleId('GLOBAL', 'viewer');
    await expectCode(updateRoleBinding(admin, binding!.id, { role_id: viewer }), 'conflict');
  });

  it('changes its own password only with the current one, ending the other sessions', async () => {
    const user = await createUser(admin, {
      email: 'pat@identity.test',
      name: 'Pat',
      password: 'pat-password-123',
    });
    const kept = await session(user.id);
    await session(user.id);
    const self = as(user.id, []);
    await expectCode(
      changeOwnPassword(
        self,
        { current_password: 'wrong-password-1', new_password: 'pat-password-456' },
        kept,
      ),
      'forbidden',
    );
    await changeOwnPassword(
      self,
      { current_password: 'pat-password-123', new_password: 'pat-password-456' },
      kept,
    );
    const left = await database.db.session.findMany({ where: { userId: user.id } });
    expect(left.map((s) => s.id)).toEqual([kept]);
    const audit = await database.db.auditEvent.findFirstOrThrow({
      where: { auditableId: user.id, action: 'update' },
    });
    expect(audit.changes).toEqual({ password: '[FILTERED]' });
  });

  it('roles: known permissions only, built-ins fixed, a bound role cannot be deleted', async () => {
    await expectCode(
      createRole(admin, { name: 'bad', scope: 'workspace', permissions: ['users:write'] }),
      'validation_failed',
    );
    const role = await createRole(admin, {
      name: 'reader',
      scope: 'workspace',
      permissions: ['clusters:read', 'clusters:read'],
    });
    expect(role).toMatchObject({
      scope: 'workspace',
      is_built_in: false,
      permissions: ['clusters:read'],
    });
    await expectCode(
      createRole(admin, { name: 'reader', scope: 'workspace', permissions: ['clusters:read'] }),
      'conflict',
    );
    await expectCode(
      updateRole(admin, await roleId('WORKSPACE', 'admin'), { description: 'x' }),
      'conflict',
    );
    const user = await createUser(admin, {
      email: 'rae@identity.test',
      name: 'Rae',
      password: 'rae-password-123',
    });
    const binding = await createRoleBinding(admin, {
      user_id: user.id,
      role_id: role.id,
      workspace_id: workspaceId,
    });
    expect(binding).toMatchObject({
      user_email: 'rae@identity.test',
      role_name: 'reader',
      scope: 'workspace',
    });
    await expectCode(deleteRole(admin, role.id), 'in_use');
    await deleteRoleBinding(admin, binding.id);
    await deleteRole(admin, role.id);
    expect((await listRoles(admin, 'workspace')).map((r) => r.name)).not.toContain('reader');
  });

  it('bindings: a workspace role needs its workspace; the same binding once', async () => {
    const user = await createUser(admin, {
      email: 'bo@identity.test',
      name: 'Bo',
      password: 'bo-password-1234',
    });
    const viewer = await roleId('WORKSPACE', 'viewer');
    await expectCode(
      createRoleBinding(admin, { user_id: user.id, role_id: viewer }),
      'validation_failed',
    );
    const binding = await createRoleBinding(admin, {
      user_id: user.id,
      role_id: viewer,
      workspace_id: workspaceId,
    });
    await expectCode(
      createRoleBinding(admin, { user_id: user.id, role_id: viewer, workspace_id: workspaceId }),
      'conflict',
    );
    const operator = await roleId('WORKSPACE', 'operator');
    await expectCode(
      updateRoleBinding(admin, binding.id, {
        role_id: operator,
        current_revision: binding.current_revision + 1,
      }),
      'stale_revision',
    );
    const updated = await updateRoleBinding(admin, binding.id, {
      role_id: operator,
      current_revision: binding.current_revision,
    });
    expect(updated).toMatchObject({
      role_name: 'operator',
      current_revision: binding.current_revision + 1,
    });
  });

  it('a workspace administrator manages members of their workspace only, and binds no role above their own', async () => {
    const wsAdmin = await createUser(admin, {
      email: 'wanda@identity.test',
      name: 'Wanda',
      password: 'wanda-password-1',
    });
    await createRoleBinding(admin, {
      user_id: wsAdmin.id,
      role_id: await roleId('WORKSPACE', 'operator'),
      workspace_id: workspaceId,
    });
    const member = await createUser(admin, {
      email: 'max@identity.test',
      name: 'Max',
      password: 'max-password-123',
    });
    // Holding workspace_members:write here, but only an operator's rights: no admin role.
    const ctx = as(wsAdmin.id, ['workspace_members:read', 'workspace_members:write'], {
      id: workspaceId,
      slug: 'default',
    });
    const viewerBinding = await createRoleBinding(ctx, {
      user_id: member.id,
      role_id: await roleId('WORKSPACE', 'viewer'),
      workspace_id: workspaceId,
    });
    expect((await getRoleBinding(ctx, viewerBinding.id)).role_name).toBe('viewer');
    const refused = await expectCode(
      createRoleBinding(ctx, {
        user_id: member.id,
        role_id: await roleId('WORKSPACE', 'admin'),
        workspace_id: workspaceId,
      }),
      'forbidden',
    );
    expect(refused.message).toContain('permissions you do not hold');
    await expectCode(
      createRoleBinding(ctx, {
        user_id: member.id,
        role_id: await roleId('WORKSPACE', 'viewer'),
        workspace_id: otherWorkspaceId,
      }),
      'forbidden',
    );
    const listed = await listRoleBindings(ctx, { workspaceId: otherWorkspaceId });
    expect(listed.every((b) => b.workspace_id === workspaceId)).toBe(true);
  });

  it('groups: a local group grants its role to its members until they leave; a provider group is not edited here', async () => {
    const user = await createUser(admin, {
      email: 'gus@identity.test',
      name: 'Gus',
      password: 'gus-password-123',
    });
    const group = await createGroup(admin, { name: 'ops', description: 'Operators' });
    expect(group).toMatchObject({
      name: 'ops',
      provider: 'local',
      is_local: true,
      member_count: 0,
    });
    const taken = await createGroup(admin, { name: 'ops' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(taken).toMatchObject({ code: 'name_taken' });
    await createRoleBinding(admin, {
      group_id: group.id,
      role_id: await roleId('WORKSPACE', 'operator'),
      workspace_id: workspaceId,
    });
    const members = await addGroupMember(admin, group.id, { user_id: user.id });
    expect(members.map((m) => m.user_id)).toEqual([user.id]);
    expect(await userEffectiveBindings(admin, user.id)).toEqual([
      expect.objectContaining({ role_name: 'operator', via: 'group', group_name: 'ops' }),
    ]);
    await removeGroupMember(admin, group.id, user.id);
    expect(await listGroupMembers(admin, group.id)).toEqual([]);
    expect(await userEffectiveBindings(admin, user.id)).toEqual([]);

    const provided = await createGroup(admin, { name: 'sso-admins', provider: 'dex' });
    await expectCode(addGroupMember(admin, provided.id, { user_id: user.id }), 'conflict');
    await deleteGroup(admin, group.id);
    expect(await database.db.roleBinding.count({ where: { groupId: group.id } })).toBe(0);
  });
});
