import { type Group } from '@commander/contracts';

import { type ServiceContext } from '../context.js';
import { requirePermission } from '../require-permission.js';
import { GROUP_INCLUDE, toGroupDto } from './groups-shared.js';

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
