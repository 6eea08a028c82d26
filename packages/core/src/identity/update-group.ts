import { type Group, UpdateGroupBodySchema } from '@commander/contracts';
import { isUniqueViolation } from '@commander/db';
import { type z } from 'zod';

import { diffChanges, recordAudit } from '../audit/record-audit.js';
import { type ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { requirePermission } from '../require-permission.js';
import { getGroup } from './get-group.js';
import { assertLocal, loadGroup } from './groups-shared.js';

/** Renames a local group or changes its description; IdP groups take a description only. */
export async function updateGroup(
  ctx: ServiceContext,
  id: string,
  body: z.input<typeof UpdateGroupBodySchema>,
): Promise<Group> {
  requirePermission(ctx, 'users:write');
  const input = UpdateGroupBodySchema.parse(body);
  const row = await loadGroup(ctx, id);
  if (input.name !== undefined && input.name !== row.name) {
    assertLocal(row);
  }
  if (input.current_revision !== undefined && input.current_revision !== row.currentRevision) {
    throw new AppError('stale_revision', 'The group was changed meanwhile', {
      current_revision: row.currentRevision,
    });
  }
  try {
    await ctx.db.$transaction(async (tx) => {
      const updated = await tx.group.update({
        where: { id },
        data: {
          name: input.name ?? row.name,
          description: input.description ?? row.description,
          currentRevision: { increment: 1 },
        },
      });
      await recordAudit(tx, ctx, {
        action: 'update',
        auditableType: 'Group',
        auditableId: id,
        changes: diffChanges(
          { name: row.name, description: row.description },
          { name: updated.name, description: updated.description },
        ),
        workspace: null,
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError('name_taken', `A local group named ${input.name} already exists`);
    }
    throw error;
  }
  return getGroup(ctx, id);
}
