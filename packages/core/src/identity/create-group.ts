import { CreateGroupBodySchema, type Group } from '@commander/contracts';
import { isUniqueViolation } from '@commander/db';
import { type z } from 'zod';

import { recordAudit } from '../audit/record-audit.js';
import { type ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { requirePermission } from '../require-permission.js';
import { getGroup } from './get-group.js';

/**
 * Creates a local group, or registers an identity provider's group ahead of the first sign-in
 * that reports it (to bind roles to it). @throws AppError name_taken
 */
export async function createGroup(
  ctx: ServiceContext,
  body: z.input<typeof CreateGroupBodySchema>,
): Promise<Group> {
  requirePermission(ctx, 'users:write');
  const input = CreateGroupBodySchema.parse(body);
  try {
    const id = await ctx.db.$transaction(async (tx) => {
      const row = await tx.group.create({
        data: { name: input.name, description: input.description, provider: input.provider },
      });
      await recordAudit(tx, ctx, {
        action: 'create',
        auditableType: 'Group',
        auditableId: row.id,
        changes: { name: input.name, provider: input.provider, description: input.description },
        workspace: null,
      });
      return row.id;
    });
    return getGroup(ctx, id);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError('name_taken', `A ${input.provider} group named ${input.name} exists`);
    }
    throw error;
  }
}
