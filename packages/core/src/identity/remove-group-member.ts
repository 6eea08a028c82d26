import { recordAudit } from '../audit/record-audit.js';
import { type ServiceContext } from '../context.js';
import { notFound } from '../errors.js';
import { requirePermission } from '../require-permission.js';
import { assertLocal, loadGroup } from './groups-shared.js';

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
