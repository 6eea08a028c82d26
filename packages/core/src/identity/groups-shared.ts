import { type Group } from '@commander/contracts';

import { type ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';

/** Groups managed here; any other provider value names the OpenID provider a group comes from. */
export const LOCAL_GROUP_PROVIDER = 'local';

type GroupRow = {
  id: string;
  name: string;
  provider: string;
  description: string;
  currentRevision: number;
  createdAt: Date;
  updatedAt: Date;
  _count: { members: number };
};

export const GROUP_INCLUDE = { _count: { select: { members: true } } } as const;

export function toGroupDto(row: GroupRow): Group {
  return {
    id: row.id,
    name: row.name,
    provider: row.provider,
    is_local: row.provider === LOCAL_GROUP_PROVIDER,
    description: row.description,
    member_count: row._count.members,
    current_revision: row.currentRevision,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export async function loadGroup(ctx: ServiceContext, id: string): Promise<GroupRow> {
  const row = await ctx.db.group.findUnique({ where: { id }, include: GROUP_INCLUDE });
  if (!row) {
    throw notFound('Group', id);
  }
  return row;
}

export function assertLocal(row: GroupRow): void {
  if (row.provider !== LOCAL_GROUP_PROVIDER) {
    throw new AppError(
      'conflict',
      `The group ${row.name} comes from the identity provider ${row.provider}: its members are set at each sign-in, not here`,
    );
  }
}
