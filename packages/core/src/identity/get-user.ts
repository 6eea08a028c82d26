import { type User } from '@commander/contracts';

import { type ServiceContext } from '../context.js';
import { notFound } from '../errors.js';
import { requirePermission } from '../require-permission.js';
import { toUserDto, USER_INCLUDE } from './users-shared.js';

export async function getUser(ctx: ServiceContext, id: string): Promise<User> {
  requirePermission(ctx, 'users:read');
  const row = await ctx.db.user.findUnique({ where: { id }, include: USER_INCLUDE });
  if (!row) {
    throw notFound('User', id);
  }
  return toUserDto(row);
}
