import { type GroupMember } from '@commander/contracts';

import { type ServiceContext } from '../context.js';
import { requirePermission } from '../require-permission.js';
import { loadGroup } from './groups-shared.js';

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
