import { recordAudit } from '../audit/record-audit.js';
import { type ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { requirePermission } from '../require-permission.js';

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
