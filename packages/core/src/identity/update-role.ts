import { type Role, UpdateRoleBodySchema } from '@commander/contracts';
import { type z } from 'zod';

import { diffChanges, recordAudit } from '../audit/record-audit.js';
import { type ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { requirePermission } from '../require-permission.js';
import { assertPermissions, toRoleDto } from './roles-shared.js';

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
