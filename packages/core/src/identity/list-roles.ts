import { type Role } from '@commander/contracts';

import { type ServiceContext } from '../context.js';
import { requirePermission } from '../require-permission.js';
import { toRoleDto } from './roles-shared.js';

export async function listRoles(
  ctx: ServiceContext,
  scope?: 'global' | 'workspace',
): Promise<Role[]> {
  requirePermission(ctx, 'roles:read');
  const rows = await ctx.db.role.findMany({
    where: scope ? { scope: scope === 'global' ? 'GLOBAL' : 'WORKSPACE' } : {},
    orderBy: [{ scope: 'asc' }, { name: 'asc' }],
  });
  return rows.map(toRoleDto);
}
