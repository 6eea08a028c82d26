import { type Group } from '@commander/contracts';

import { type ServiceContext } from '../context.js';
import { requirePermission } from '../require-permission.js';
import { loadGroup, toGroupDto } from './groups-shared.js';

export async function getGroup(ctx: ServiceContext, id: string): Promise<Group> {
  requirePermission(ctx, 'users:read');
  return toGroupDto(await loadGroup(ctx, id));
}
