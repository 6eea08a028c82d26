import {
  AddGroupMemberBodySchema,
  CreateGroupBodySchema,
  type EffectiveBinding,
  type Group,
  type GroupMember,
  UpdateGroupBodySchema,
} from '@commander/contracts';
import { BUILT_IN_ROLES } from '@commander/contracts';
import { isUniqueViolation } from '@commander/db';
import type { z } from 'zod';

import { diffChanges, recordAudit } from '../audit/record-audit.js';
import { userBindingsWhere } from '../auth/principal.js';
import type { ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { requirePermission } from '../require-permission.js';

/** Groups managed here; any other provider value names the OpenID provider a group comes from. */
export const LOCAL_GROUP_PROVIDER = 'local';

type GroupRow = {
  id: string;
  name: string;
  provider: string;
  description: string;
  currentRevision: number;
  createdAt: Date;
  updatedAt: Date;
  _count: { members: number };
};

const GROUP_INCLUDE = { _count: { select: { members: true } } } as const;

function toGroupDto(row: GroupRow): Group {
  return {
    id: row.id,
    name: row.name,
    provider: row.provider,
    is_local: row.provider === LOCAL_GROUP_PROVIDER,
    description: row.description,
    member_count: row._count.members,
    current_revision: row.currentRevision,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** Local groups and the identity providers' groups (those seen at some sign-in). */
export async function listGroups(
  ctx: ServiceContext,
  filter: { provider?: string } = {},
): Promise<Group[]> {
  requirePermission(ctx, 'users:read');
  const rows = await ctx.db.group.findMany({
    where: filter.provider ? { provider: filter.provider } : {},
    include: GROUP_INCLUDE,
    orderBy: [{ provider: 'asc' }, { name: 'asc' }],
  });
  return rows.map(toGroupDto);
}

async function loadGroup(ctx: ServiceContext, id: string): Promise<GroupRow> {
  const row = await ctx.db.group.findUnique({ where: { id }, include: GROUP_INCLUDE });
  if (!row) {
    throw notFound('Group', id);
  }
  return row;
}

export async function getGroup(ctx: ServiceContext, id: string): Promise<Group> {
  requirePermission(ctx, 'users:read');
  return toGroupDto(await loadGroup(ctx, id));
}

function assertLocal(row: GroupRow): void {
  if (row.provider !== LOCAL_GROUP_PROVIDER) {
    throw new AppError(
      'conflict',
      `The group ${row.name} comes from the identity provider ${row.provider}: its members are set at each sign-in, not here`,
    );
  }
}

/**
 * Creates a local group, or registers an identity provider's group ahead of the first sign-in
 * that reports it (to bind roles to it). @throws AppError name_taken
 */
export async function createGroup(
  ctx: ServiceContext,
  body: z.input<typeof CreateGroupBodySchema>,
): Promise<Group> {
  requirePermission(ctx, 'users:write');
  const input = CreateGroupBodySchema.parse(body);
  try {
    const id = await ctx.db.$transaction(async (tx) => {
      const row = await tx.group.create({
        data: { name: input.name, description: input.description, provider: input.provider },
      });
      await recordAudit(tx, ctx, {
        action: 'create',
        auditableType: 'Group',
        auditableId: row.id,
        changes: { name: input.name, provider: input.provider, description: input.description },
        workspace: null,
      });
      return row.id;
    });
    return getGroup(ctx, id);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError('name_taken', `A ${input.provider} group named ${input.name} exists`);
    }
    throw error;
  }
}

/** Renames a local group or changes its description; IdP groups take a description only. */
export async function updateGroup(
  ctx: ServiceContext,
  id: string,
  body: z.input<typeof UpdateGroupBodySchema>,
): Promise<Group> {
  requirePermission(ctx, 'users:write');
  const input = UpdateGroupBodySchema.parse(body);
  const row = await loadGroup(ctx, id);
  if (input.name !== undefined && input.name !== row.name) {
    assertLocal(row);
  }
  if (input.current_revision !== undefined && input.current_revision !== row.currentRevision) {
    throw new AppError('stale_revision', 'The group was changed meanwhile', {
      current_revision: row.currentRevision,
    });
  }
  try {
    await ctx.db.$transaction(async (tx) => {
      const updated = await tx.group.update({
        where: { id },
        data: {
          name: input.name ?? row.name,
          description: input.description ?? row.description,
          currentRevision: { increment: 1 },
        },
      });
      await recordAudit(tx, ctx, {
        action: 'update',
        auditableType: 'Group',
        auditableId: id,
        changes: diffChanges(
          { name: row.name, description: row.description },
          { name: updated.name, description: updated.description },
        ),
        workspace: null,
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError('name_taken', `A local group named ${input.name} already exists`);
    }
    throw error;
  }
  return getGroup(ctx, id);
}

/**
 * Deletes a group with its memberships and bindings. An IdP group may be deleted too (it comes
 * back, without bindings, at the next sign-in that reports it).
 */
export async function deleteGroup(ctx: ServiceContext, id: string): Promise<void> {
  requirePermission(ctx, 'users:write');
  const row = await loadGroup(ctx, id);
  await ctx.db.$transaction(async (tx) => {
    const bindings = await tx.roleBinding.count({ where: { groupId: id } });
    await tx.group.delete({ where: { id } });
    await recordAudit(tx, ctx, {
      action: 'delete',
      auditableType: 'Group',
      auditableId: id,
      changes: { name: row.name, provider: row.provider, members: row._count.members, bindings },
      workspace: null,
    });
  });
}

export async function listGroupMembers(ctx: ServiceContext, id: string): Promise<GroupMember[]> {
  requirePermission(ctx, 'users:read');
  await loadGroup(ctx, id);
  const rows = await ctx.db.groupMember.findMany({
    where: { groupId: id },
    include: { user: { select: { email: true, name: true } } },
    orderBy: { user: { email: 'asc' } },
  });
  return rows.map((m) => ({
    user_id: m.userId,
    email: m.user.email,
    name: m.user.name,
    added_at: m.createdAt.toISOString(),
  }));
}

/** Adds a user to a local group. @throws AppError conflict (IdP group, already a member) */
export async function addGroupMember(
  ctx: ServiceContext,
  id: string,
  body: z.input<typeof AddGroupMemberBodySchema>,
): Promise<GroupMember[]> {
  requirePermission(ctx, 'users:write');
  const input = AddGroupMemberBodySchema.parse(body);
  const group = await loadGroup(ctx, id);
  assertLocal(group);
  const user = await ctx.db.user.findUnique({ where: { id: input.user_id } });
  if (!user) {
    throw notFound('User', input.user_id);
  }
  try {
    await ctx.db.$transaction(async (tx) => {
      await tx.groupMember.create({ data: { groupId: id, userId: user.id } });
      await recordAudit(tx, ctx, {
        action: 'add_member',
        auditableType: 'Group',
        auditableId: id,
        changes: { group: group.name, user: user.email },
        workspace: null,
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError('conflict', `${user.email} is already in ${group.name}`);
    }
    throw error;
  }
  return listGroupMembers(ctx, id);
}

export async function removeGroupMember(
  ctx: ServiceContext,
  id: string,
  userId: string,
): Promise<void> {
  requirePermission(ctx, 'users:write');
  const group = await loadGroup(ctx, id);
  assertLocal(group);
  const member = await ctx.db.groupMember.findUnique({
    where: { groupId_userId: { groupId: id, userId } },
    include: { user: { select: { email: true } } },
  });
  if (!member) {
    throw notFound('Group member', userId);
  }
  await ctx.db.$transaction(async (tx) => {
    await tx.groupMember.delete({ where: { groupId_userId: { groupId: id, userId } } });
    await recordAudit(tx, ctx, {
      action: 'remove_member',
      auditableType: 'Group',
      auditableId: id,
      changes: { group: group.name, user: member.user.email },
      workspace: null,
    });
  });
}

/**
 * Every binding that applies to a user, with where it comes from (the user, or which group):
 * what the user's page shows as the origin of each permission.
 */
export async function userEffectiveBindings(
  ctx: ServiceContext,
  userId: string,
): Promise<EffectiveBinding[]> {
  requirePermission(ctx, 'users:read');
  if (!(await ctx.db.user.findUnique({ where: { id: userId }, select: { id: true } }))) {
    throw notFound('User', userId);
  }
  const rows = await ctx.db.roleBinding.findMany({
    where: userBindingsWhere(userId),
    include: {
      role: true,
      group: { select: { name: true, provider: true } },
      workspace: { select: { slug: true } },
    },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map((b) => {
    const permissions = new Set<string>(b.role.permissions);
    if (b.workspaceId === null && b.role.scope === 'GLOBAL' && b.role.name === 'admin') {
      for (const p of BUILT_IN_ROLES.workspace.admin.permissions) {
        permissions.add(p);
      }
    }
    return {
      binding_id: b.id,
      role_id: b.roleId,
      role_name: b.role.name,
      scope: b.role.scope === 'GLOBAL' ? ('global' as const) : ('workspace' as const),
      workspace_id: b.workspaceId,
      workspace_slug: b.workspace?.slug ?? null,
      permissions: [...permissions],
      via: b.groupId ? ('group' as const) : ('user' as const),
      group_id: b.groupId,
      group_name: b.group?.name ?? null,
      group_provider: b.group?.provider ?? null,
    };
  });
}
