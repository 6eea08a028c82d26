import { type RoleBinding, UpdateRoleBindingBodySchema } from '@commander/contracts';
import { type z } from 'zod';

import { recordAudit } from '../audit/record-audit.js';
import { type ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import {
  assertCanManage,
  assertHoldsRole,
  assertNotLastAdmin,
  BINDING_INCLUDE,
  loadBinding,
  toBindingDto,
} from './role-bindings-shared.js';

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
