import { CreateRoleBindingBodySchema, type RoleBinding } from '@commander/contracts';
import { type z } from 'zod';

import { recordAudit } from '../audit/record-audit.js';
import { type ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import {
  assertCanManage,
  assertHoldsRole,
  BINDING_INCLUDE,
  subjectOf,
  toBindingDto,
} from './role-bindings-shared.js';

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
