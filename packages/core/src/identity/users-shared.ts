import { type User } from '@commander/contracts';
import { type Role as RoleRow } from '@commander/db';

import { type ServiceContext } from '../context.js';

export const USER_INCLUDE = {
  roleBindings: { include: { role: true, workspace: { select: { slug: true } } } },
  groupMemberships: {
    select: { group: { select: { id: true, name: true, provider: true } } },
    orderBy: { group: { name: 'asc' } },
  },
  identities: {
    select: { provider: true, issuer: true, subject: true, lastLoginAt: true },
    orderBy: { createdAt: 'asc' },
  },
} as const;

type UserRow = NonNullable<Awaited<ReturnType<ServiceContext['db']['user']['findFirst']>>> & {
  roleBindings: { role: RoleRow; workspaceId: string | null; workspace: { slug: string } | null }[];
  groupMemberships: { group: { id: string; name: string; provider: string } }[];
  identities: { provider: string; issuer: string; subject: string; lastLoginAt: Date }[];
};

export function toUserDto(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    is_disabled: row.isDisabled,
    last_seen_at: row.lastSeenAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    global_roles: row.roleBindings
      .filter((b) => b.workspaceId === null)
      .map((b) => b.role.name)
      .sort(),
    workspace_roles: row.roleBindings
      .filter((b) => b.workspaceId !== null)
      .map((b) => ({
        workspace_id: b.workspaceId!,
        workspace_slug: b.workspace?.slug ?? '',
        role: b.role.name,
      })),
    groups: row.groupMemberships.map((m) => m.group),
    identities: row.identities.map((i) => ({
      provider: i.provider,
      issuer: i.issuer,
      subject: i.subject,
      last_login_at: i.lastLoginAt.toISOString(),
    })),
  };
}

/** The number of enabled users holding the global admin role (never drops to zero). */
export async function enabledAdmins(ctx: ServiceContext, exceptUserId?: string): Promise<number> {
  return ctx.db.roleBinding.count({
    where: {
      workspaceId: null,
      role: { scope: 'GLOBAL', name: 'admin' },
      user: { isDisabled: false, ...(exceptUserId ? { id: { not: exceptUserId } } : {}) },
    },
  });
}
