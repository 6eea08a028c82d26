import { recordAudit } from '../audit/record-audit.js';
import { type ServiceContext } from '../context.js';
import {
  assertCanManage,
  assertNotLastAdmin,
  loadBinding,
  subjectOf,
} from './role-bindings-shared.js';

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
