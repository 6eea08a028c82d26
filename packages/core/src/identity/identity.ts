import {
  ChangePasswordBodySchema,
  CreateRoleBindingBodySchema,
  CreateRoleBodySchema,
  CreateUserBodySchema,
  type Role,
  type RoleBinding,
  UpdateRoleBindingBodySchema,
  UpdateRoleBodySchema,
  UpdateUserBodySchema,
  type User,
} from '@commander/contracts';
import {
  BUILT_IN_ROLES,
  GLOBAL_PERMISSIONS,
  grants,
  type Permission,
  WORKSPACE_PERMISSIONS,
} from '@commander/contracts';
import { hashPassword, verifyPassword } from '@commander/crypto';
import { isUniqueViolation, type Role as RoleRow } from '@commander/db';
import type { z } from 'zod';

import { diffChanges, recordAudit } from '../audit/record-audit.js';
import { delegableRights } from '../auth/auth-tokens.js';
import type { ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { requirePermission } from '../require-permission.js';

// ─────────────────────────────────────── users ───────────────────────────────────────

const USER_INCLUDE = {
  roleBindings: { include: { role: true, workspace: { select: { slug: true } } } },
  groupMemberships: {
    select: { group: { select: { id: true, name: true, provider: true } } },
    orderBy: { group: { name: 'asc' } },
  },
  identities: {
    select: { provider: true, issuer: true, subject: true, lastLoginAt: true },
    orderBy: { createdAt: 'asc' },
  },
} as const;

type UserRow = NonNullable<Awaited<ReturnType<ServiceContext['db']['user']['findFirst']>>> & {
  roleBindings: { role: RoleRow; workspaceId: string | null; workspace: { slug: string } | null }[];
  groupMemberships: { group: { id: string; name: string; provider: string } }[];
  identities: { provider: string; issuer: string; subject: string; lastLoginAt: Date }[];
};

function toUserDto(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    is_disabled: row.isDisabled,
    last_seen_at: row.lastSeenAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    global_roles: row.roleBindings
      .filter((b) => b.workspaceId === null)
      .map((b) => b.role.name)
      .sort(),
    workspace_roles: row.roleBindings
      .filter((b) => b.workspaceId !== null)
      .map((b) => ({
        workspace_id: b.workspaceId!,
        workspace_slug: b.workspace?.slug ?? '',
        role: b.role.name,
      })),
    groups: row.groupMemberships.map((m) => m.group),
    identities: row.identities.map((i) => ({
      provider: i.provider,
      issuer: i.issuer,
      subject: i.subject,
      last_login_at: i.lastLoginAt.toISOString(),
    })),
  };
}

export async function listUsers(ctx: ServiceContext): Promise<User[]> {
  requirePermission(ctx, 'users:read');
  const rows = await ctx.db.user.findMany({ include: USER_INCLUDE, orderBy: { email: 'asc' } });
  return rows.map(toUserDto);
}

export async function getUser(ctx: ServiceContext, id: string): Promise<User> {
  requirePermission(ctx, 'users:read');
  const row = await ctx.db.user.findUnique({ where: { id }, include: USER_INCLUDE });
  if (!row) {
    throw notFound('User', id);
  }
  return toUserDto(row);
}

/** Creates a user (argon2id password). @throws AppError conflict when the email is taken */
export async function createUser(
  ctx: ServiceContext,
  body: z.input<typeof CreateUserBodySchema>,
): Promise<User> {
  requirePermission(ctx, 'users:write');
  const input = CreateUserBodySchema.parse(body);
  const email = input.email.trim().toLowerCase();
  try {
    const row = await ctx.db.$transaction(async (tx) => {
      const created = await tx.user.create({
        data: { email, name: input.name, passwordHash: await hashPassword(input.password) },
      });
      await recordAudit(tx, ctx, {
        action: 'create',
        auditableType: 'User',
        auditableId: created.id,
        changes: { email, name: input.name },
        workspace: null,
      });
      return created;
    });
    return getUser(ctx, row.id);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError('conflict', `A user with email ${email} already exists`);
    }
    throw error;
  }
}

/** The number of enabled users holding the global admin role (never drops to zero). */
async function enabledAdmins(ctx: ServiceContext, exceptUserId?: string): Promise<number> {
  return ctx.db.roleBinding.count({
    where: {
      workspaceId: null,
      role: { scope: 'GLOBAL', name: 'admin' },
      user: { isDisabled: false, ...(exceptUserId ? { id: { not: exceptUserId } } : {}) },
    },
  });
}

/**
 * Renames, disables or sets a new password for a user. Disabling ends their sessions. The last
 * enabled administrator cannot be disabled.
 */
export async function updateUser(
  ctx: ServiceContext,
  id: string,
  body: z.input<typeof UpdateUserBodySchema>,
): Promise<User> {
  requirePermission(ctx, 'users:write');
  const input = UpdateUserBodySchema.parse(body);
  const user = await ctx.db.user.findUnique({ where: { id } });
  if (!user) {
    throw notFound('User', id);
  }
  if (
    input.is_disabled === true &&
    !user.isDisabled &&
    (await enabledAdmins(ctx, id)) === 0 &&
    (await enabledAdmins(ctx)) > 0
  ) {
    throw new AppError('conflict', 'The last enabled administrator cannot be disabled');
  }
  await ctx.db.$transaction(async (tx) => {
    const updated = await tx.user.update({
      where: { id },
      data: {
        name: input.name ?? user.name,
        isDisabled: input.is_disabled ?? user.isDisabled,
        ...(input.password ? { passwordHash: await hashPassword(input.password) } : {}),
        currentRevision: { increment: 1 },
      },
    });
    if (updated.isDisabled || input.password) {
      await tx.session.deleteMany({ where: { userId: id } });
    }
    await recordAudit(tx, ctx, {
      action: 'update',
      auditableType: 'User',
      auditableId: id,
      changes: {
        ...diffChanges(
          { name: user.name, is_disabled: user.isDisabled },
          { name: updated.name, is_disabled: updated.isDisabled },
        ),
        ...(input.password ? { password: '[FILTERED]' } : {}),
      },
      workspace: null,
    });
  });
  return getUser(ctx, id);
}

/** Deletes a user (their sessions and bindings go with them). Not the last admin, not oneself. */
export async function deleteUser(ctx: ServiceContext, id: string): Promise<void> {
  requirePermission(ctx, 'users:write');
  const user = await ctx.db.user.findUnique({ where: { id } });
  if (!user) {
    throw notFound('User', id);
  }
  if (ctx.actor.type === 'user' && ctx.actor.id === id) {
    throw new AppError('conflict', 'You cannot delete your own account');
  }
  if ((await enabledAdmins(ctx, id)) === 0) {
    throw new AppError('conflict', 'The last enabled administrator cannot be deleted');
  }
  await ctx.db.$transaction(async (tx) => {
    // The tokens they issued, and those these issued in turn, stop for good (disabling only
    // suspends them: authentication checks the issuer chain at each use).
    const revoked = await tx.$executeRaw`
      WITH RECURSIVE issued AS (
        SELECT id FROM auth_tokens WHERE created_by_user_id = ${id}::uuid
        UNION
        SELECT t.id FROM auth_tokens t JOIN issued i ON t.created_by_token_id = i.id
      )
      UPDATE auth_tokens SET revoked_at = CURRENT_TIMESTAMP
      WHERE id IN (SELECT id FROM issued) AND revoked_at IS NULL`;
    await tx.user.delete({ where: { id } });
    await recordAudit(tx, ctx, {
      action: 'delete',
      auditableType: 'User',
      auditableId: id,
      changes: { email: user.email, revoked_tokens: revoked },
      workspace: null,
    });
  });
}

/** A signed-in user changes their own password (other sessions end). @throws AppError forbidden */
export async function changeOwnPassword(
  ctx: ServiceContext,
  body: z.input<typeof ChangePasswordBodySchema>,
  keepSessionId: string | null,
): Promise<void> {
  const input = ChangePasswordBodySchema.parse(body);
  if (ctx.actor.type !== 'user' || !ctx.actor.id) {
    throw new AppError('forbidden', 'Only a signed-in user can change their password');
  }
  const user = await ctx.db.user.findUniqueOrThrow({ where: { id: ctx.actor.id } });
  if (!user.passwordHash.startsWith('$argon2')) {
    throw new AppError(
      'forbidden',
      'This account signs in through its identity provider and has no password here',
    );
  }
  if (!(await verifyPassword(user.passwordHash, input.current_password))) {
    throw new AppError('forbidden', 'The current password is wrong');
  }
  await ctx.db.$transaction(async (tx) => {
    await tx.user.update({
      where: { id: user.id },
      data: {
        passwordHash: await hashPassword(input.new_password),
        currentRevision: { increment: 1 },
      },
    });
    await tx.session.deleteMany({
      where: { userId: user.id, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) },
    });
    await recordAudit(tx, ctx, {
      action: 'update',
      auditableType: 'User',
      auditableId: user.id,
      changes: { password: '[FILTERED]' },
      workspace: null,
    });
  });
}

// ─────────────────────────────────────── roles ───────────────────────────────────────

function toRoleDto(row: RoleRow): Role {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope === 'GLOBAL' ? 'global' : 'workspace',
    description: row.description,
    permissions: row.permissions,
    is_built_in: row.isBuiltIn,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export async function listRoles(
  ctx: ServiceContext,
  scope?: 'global' | 'workspace',
): Promise<Role[]> {
  requirePermission(ctx, 'roles:read');
  const rows = await ctx.db.role.findMany({
    where: scope ? { scope: scope === 'global' ? 'GLOBAL' : 'WORKSPACE' } : {},
    orderBy: [{ scope: 'asc' }, { name: 'asc' }],
  });
  return rows.map(toRoleDto);
}

function assertPermissions(scope: 'global' | 'workspace', permissions: string[]): void {
  const known: readonly string[] =
    scope === 'global' ? [...GLOBAL_PERMISSIONS, ...WORKSPACE_PERMISSIONS] : WORKSPACE_PERMISSIONS;
  const unknown = permissions.filter((p) => !known.includes(p));
  if (unknown.length > 0) {
    throw new AppError(
      'validation_failed',
      `Unknown permissions for a ${scope} role: ${unknown.join(', ')}`,
      { known },
    );
  }
}

/** Creates a custom role. @throws AppError validation_failed (permissions), conflict (name) */
export async function createRole(
  ctx: ServiceContext,
  body: z.input<typeof CreateRoleBodySchema>,
): Promise<Role> {
  requirePermission(ctx, 'roles:write');
  const input = CreateRoleBodySchema.parse(body);
  assertPermissions(input.scope, input.permissions);
  try {
    const row = await ctx.db.$transaction(async (tx) => {
      const created = await tx.role.create({
        data: {
          name: input.name,
          scope: input.scope === 'global' ? 'GLOBAL' : 'WORKSPACE',
          description: input.description,
          permissions: [...new Set(input.permissions)],
        },
      });
      await recordAudit(tx, ctx, {
        action: 'create',
        auditableType: 'Role',
        auditableId: created.id,
        changes: { name: input.name, scope: input.scope, permissions: input.permissions },
        workspace: null,
      });
      return created;
    });
    return toRoleDto(row);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError('conflict', `A ${input.scope} role named ${input.name} already exists`);
    }
    throw error;
  }
}

/** Changes a custom role. Built-in roles are fixed. */
export async function updateRole(
  ctx: ServiceContext,
  id: string,
  body: z.input<typeof UpdateRoleBodySchema>,
): Promise<Role> {
  requirePermission(ctx, 'roles:write');
  const input = UpdateRoleBodySchema.parse(body);
  const role = await ctx.db.role.findUnique({ where: { id } });
  if (!role) {
    throw notFound('Role', id);
  }
  if (role.isBuiltIn) {
    throw new AppError('conflict', 'Built-in roles cannot be changed; create a custom role');
  }
  if (input.permissions) {
    assertPermissions(role.scope === 'GLOBAL' ? 'global' : 'workspace', input.permissions);
  }
  const row = await ctx.db.$transaction(async (tx) => {
    const updated = await tx.role.update({
      where: { id },
      data: {
        description: input.description ?? role.description,
        permissions: input.permissions ? [...new Set(input.permissions)] : role.permissions,
        currentRevision: { increment: 1 },
      },
    });
    await recordAudit(tx, ctx, {
      action: 'update',
      auditableType: 'Role',
      auditableId: id,
      changes: diffChanges({ permissions: role.permissions }, { permissions: updated.permissions }),
      workspace: null,
    });
    return updated;
  });
  return toRoleDto(row);
}

export async function deleteRole(ctx: ServiceContext, id: string): Promise<void> {
  requirePermission(ctx, 'roles:write');
  const role = await ctx.db.role.findUnique({
    where: { id },
    include: { _count: { select: { bindings: true } } },
  });
  if (!role) {
    throw notFound('Role', id);
  }
  if (role.isBuiltIn) {
    throw new AppError('conflict', 'Built-in roles cannot be deleted');
  }
  if (role._count.bindings > 0) {
    throw new AppError(
      'in_use',
      `The role is bound to ${role._count.bindings} user(s); remove the bindings first`,
    );
  }
  await ctx.db.$transaction(async (tx) => {
    await tx.role.delete({ where: { id } });
    await recordAudit(tx, ctx, {
      action: 'delete',
      auditableType: 'Role',
      auditableId: id,
      changes: { name: role.name },
      workspace: null,
    });
  });
}

// ────────────────────────────────────── bindings ──────────────────────────────────────

const BINDING_INCLUDE = {
  user: { select: { email: true } },
  group: { select: { name: true, provider: true } },
  role: true,
} as const;

type BindingRow = {
  id: string;
  userId: string | null;
  groupId: string | null;
  roleId: string;
  workspaceId: string | null;
  currentRevision: number;
  createdAt: Date;
  updatedAt: Date;
  user: { email: string } | null;
  group: { name: string; provider: string } | null;
  role: RoleRow;
};

/** How a binding's subject is named in audit events. */
function subjectOf(row: Pick<BindingRow, 'user' | 'group'>): Record<string, string> {
  return row.group
    ? { group: `${row.group.provider}:${row.group.name}` }
    : { user: row.user?.email ?? '' };
}

function toBindingDto(row: BindingRow): RoleBinding {
  return {
    id: row.id,
    user_id: row.userId,
    user_email: row.user?.email ?? null,
    group_id: row.groupId,
    group_name: row.group?.name ?? null,
    group_provider: row.group?.provider ?? null,
    role_id: row.roleId,
    role_name: row.role.name,
    scope: row.role.scope === 'GLOBAL' ? 'global' : 'workspace',
    workspace_id: row.workspaceId,
    current_revision: row.currentRevision,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/**
 * Who may manage bindings in a workspace: role_bindings:write globally, or
 * workspace_members:write in that workspace (workspace administrators manage their members).
 */
function assertCanManage(ctx: ServiceContext, workspaceId: string | null, write: boolean): void {
  const global = write ? 'role_bindings:write' : 'role_bindings:read';
  const local = write ? 'workspace_members:write' : 'workspace_members:read';
  if (grants(ctx.permissions, global)) {
    return;
  }
  if (workspaceId !== null && ctx.workspace?.id === workspaceId && grants(ctx.permissions, local)) {
    return;
  }
  throw new AppError(
    'forbidden',
    `Managing role bindings needs ${global}${workspaceId ? ` or ${local} in the workspace` : ''}`,
  );
}

/**
 * No escalation through bindings: the caller must hold every permission of the role where it
 * is bound (in that workspace, or globally for a global role; the global admin role also
 * carries the workspace admin permissions everywhere). @throws AppError forbidden
 */
async function assertHoldsRole(
  ctx: ServiceContext,
  role: RoleRow,
  workspaceId: string | null,
): Promise<void> {
  const held = await delegableRights(ctx, workspaceId);
  if (held === 'all') {
    return;
  }
  const needed = new Set<string>(role.permissions);
  if (role.scope === 'GLOBAL' && role.name === 'admin') {
    for (const p of BUILT_IN_ROLES.workspace.admin.permissions) {
      needed.add(p);
    }
  }
  const missing = [...needed].filter((p) => !grants(held, p as Permission)).sort();
  if (missing.length > 0) {
    throw new AppError(
      'forbidden',
      `You cannot bind the role ${role.name}: it has permissions you do not hold (${missing.join(', ')})`,
      { missing },
    );
  }
}

export async function listRoleBindings(
  ctx: ServiceContext,
  filter: {
    workspaceId?: string;
    userId?: string;
    groupId?: string;
    scope?: 'global' | 'workspace';
  },
): Promise<RoleBinding[]> {
  const canGlobal = grants(ctx.permissions, 'role_bindings:read');
  const workspaceId = canGlobal ? filter.workspaceId : ctx.workspace?.id;
  if (!canGlobal) {
    assertCanManage(ctx, workspaceId ?? null, false);
  }
  const rows = await ctx.db.roleBinding.findMany({
    where: {
      ...(workspaceId ? { workspaceId } : {}),
      ...(filter.userId ? { userId: filter.userId } : {}),
      ...(filter.groupId ? { groupId: filter.groupId } : {}),
      ...(filter.scope
        ? { role: { scope: filter.scope === 'global' ? 'GLOBAL' : 'WORKSPACE' } }
        : {}),
    },
    include: BINDING_INCLUDE,
    orderBy: { createdAt: 'asc' },
  });
  return rows.map(toBindingDto);
}

/** Binds a user to a role (globally, or in a workspace for workspace roles). */
export async function createRoleBinding(
  ctx: ServiceContext,
  body: z.input<typeof CreateRoleBindingBodySchema>,
): Promise<RoleBinding> {
  const input = CreateRoleBindingBodySchema.parse(body);
  const role = await ctx.db.role.findUnique({ where: { id: input.role_id } });
  if (!role) {
    throw notFound('Role', input.role_id);
  }
  const workspaceId = role.scope === 'GLOBAL' ? null : (input.workspace_id ?? null);
  if (role.scope === 'WORKSPACE' && !workspaceId) {
    throw new AppError(
      'validation_failed',
      'A workspace role is bound in a workspace: give workspace_id',
    );
  }
  if (role.scope === 'GLOBAL' && input.workspace_id) {
    throw new AppError('validation_failed', 'A global role has no workspace');
  }
  assertCanManage(ctx, workspaceId, true);
  await assertHoldsRole(ctx, role, workspaceId);
  if (input.user_id && !(await ctx.db.user.findUnique({ where: { id: input.user_id } }))) {
    throw notFound('User', input.user_id);
  }
  if (input.group_id && !(await ctx.db.group.findUnique({ where: { id: input.group_id } }))) {
    throw notFound('Group', input.group_id);
  }
  if (workspaceId && !(await ctx.db.workspace.findUnique({ where: { id: workspaceId } }))) {
    throw notFound('Workspace', workspaceId);
  }
  const subject = input.group_id
    ? { groupId: input.group_id, userId: null }
    : { userId: input.user_id!, groupId: null };
  const existing = await ctx.db.roleBinding.findFirst({
    where: { ...subject, roleId: role.id, workspaceId },
  });
  if (existing) {
    throw new AppError(
      'conflict',
      `This ${input.group_id ? 'group' : 'user'} already has this role here`,
    );
  }
  const row = await ctx.db.$transaction(async (tx) => {
    const created = await tx.roleBinding.create({
      data: { ...subject, roleId: role.id, workspaceId },
      include: BINDING_INCLUDE,
    });
    await recordAudit(tx, ctx, {
      action: 'create',
      auditableType: 'RoleBinding',
      auditableId: created.id,
      changes: { ...subjectOf(created), role: role.name, workspace_id: workspaceId },
      workspace: workspaceId
        ? ((await tx.workspace.findUnique({
            where: { id: workspaceId },
            select: { id: true, slug: true },
          })) ?? null)
        : null,
    });
    return created;
  });
  return toBindingDto(row);
}

async function loadBinding(ctx: ServiceContext, id: string) {
  const row = await ctx.db.roleBinding.findUnique({ where: { id }, include: BINDING_INCLUDE });
  if (!row) {
    throw notFound('Role binding', id);
  }
  return row;
}

export async function getRoleBinding(ctx: ServiceContext, id: string): Promise<RoleBinding> {
  const row = await loadBinding(ctx, id);
  assertCanManage(ctx, row.workspaceId, false);
  return toBindingDto(row);
}

/** Changes the role of a binding (same scope). */
export async function updateRoleBinding(
  ctx: ServiceContext,
  id: string,
  body: z.input<typeof UpdateRoleBindingBodySchema>,
): Promise<RoleBinding> {
  const input = UpdateRoleBindingBodySchema.parse(body);
  const row = await loadBinding(ctx, id);
  assertCanManage(ctx, row.workspaceId, true);
  if (input.current_revision !== undefined && input.current_revision !== row.currentRevision) {
    throw new AppError('stale_revision', 'The binding was changed meanwhile', {
      current_revision: row.currentRevision,
    });
  }
  const role = await ctx.db.role.findUnique({ where: { id: input.role_id } });
  if (!role || role.scope !== row.role.scope) {
    throw new AppError('validation_failed', 'The new role must exist and have the same scope');
  }
  await assertHoldsRole(ctx, role, row.workspaceId);
  await assertNotLastAdmin(ctx, row, role.name);
  const updated = await ctx.db.$transaction(async (tx) => {
    const saved = await tx.roleBinding.update({
      where: { id },
      data: { roleId: role.id, currentRevision: { increment: 1 } },
      include: BINDING_INCLUDE,
    });
    await recordAudit(tx, ctx, {
      action: 'update',
      auditableType: 'RoleBinding',
      auditableId: id,
      changes: { role: [row.role.name, role.name] },
    });
    return saved;
  });
  return toBindingDto(updated);
}

async function assertNotLastAdmin(
  ctx: ServiceContext,
  binding: { workspaceId: string | null; userId: string | null; role: RoleRow },
  newRole: string | null,
): Promise<void> {
  if (
    binding.userId === null ||
    binding.workspaceId !== null ||
    binding.role.name !== 'admin' ||
    newRole === 'admin'
  ) {
    return;
  }
  if ((await enabledAdmins(ctx, binding.userId)) === 0) {
    throw new AppError('conflict', 'The last administrator binding cannot be removed');
  }
}

export async function deleteRoleBinding(ctx: ServiceContext, id: string): Promise<void> {
  const row = await loadBinding(ctx, id);
  assertCanManage(ctx, row.workspaceId, true);
  await assertNotLastAdmin(ctx, row, null);
  await ctx.db.$transaction(async (tx) => {
    await tx.roleBinding.delete({ where: { id } });
    await recordAudit(tx, ctx, {
      action: 'delete',
      auditableType: 'RoleBinding',
      auditableId: id,
      changes: { ...subjectOf(row), role: row.role.name },
    });
  });
}
