import { recordAudit } from '../audit/record-audit.js';
import { type ServiceContext } from '../context.js';
import { requirePermission } from '../require-permission.js';
import { loadGroup } from './groups-shared.js';

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
