import { CreateRoleBodySchema, type Role } from '@commander/contracts';
import { isUniqueViolation } from '@commander/db';
import { type z } from 'zod';

import { recordAudit } from '../audit/record-audit.js';
import { type ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { requirePermission } from '../require-permission.js';
import { assertPermissions, toRoleDto } from './roles-shared.js';

/** Creates a custom role. @throws AppError validation_failed (permissions), conflict (name) */
export async function createRole(
  ctx: ServiceContext,
  body: z.input<typeof CreateRoleBodySchema>,
): Promise<Role> {
  requirePermission(ctx, 'roles:write');
  const input = CreateRoleBodySchema.parse(body);
  assertPermissions(input.scope, input.permissions);
  try {
    const row = await ctx.db.$transaction(async (tx) => {
      const created = await tx.role.create({
        data: {
          name: input.name,
          scope: input.scope === 'global' ? 'GLOBAL' : 'WORKSPACE',
          description: input.description,
          permissions: [...new Set(input.permissions)],
        },
      });
      await recordAudit(tx, ctx, {
        action: 'create',
        auditableType: 'Role',
        auditableId: created.id,
        changes: { name: input.name, scope: input.scope, permissions: input.permissions },
        workspace: null,
      });
      return created;
    });
    return toRoleDto(row);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError('conflict', `A ${input.scope} role named ${input.name} already exists`);
    }
    throw error;
  }
}
