import { AddGroupMemberBodySchema, type GroupMember } from '@commander/contracts';
import { isUniqueViolation } from '@commander/db';
import { type z } from 'zod';

import { recordAudit } from '../audit/record-audit.js';
import { type ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { requirePermission } from '../require-permission.js';
import { assertLocal, loadGroup } from './groups-shared.js';
import { listGroupMembers } from './list-group-members.js';

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
