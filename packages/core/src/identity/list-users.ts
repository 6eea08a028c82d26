import { type User } from '@commander/contracts';

import { type ServiceContext } from '../context.js';
import { requirePermission } from '../require-permission.js';
import { toUserDto, USER_INCLUDE } from './users-shared.js';

export async function listUsers(ctx: ServiceContext): Promise<User[]> {
  requirePermission(ctx, 'users:read');
  const rows = await ctx.db.user.findMany({ include: USER_INCLUDE, orderBy: { email: 'asc' } });
  return rows.map(toUserDto);
}
