import { UpdateUserBodySchema, type User } from '@commander/contracts';
import { hashPassword } from '@commander/crypto';
import { type z } from 'zod';

import { diffChanges, recordAudit } from '../audit/record-audit.js';
import { type ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { requirePermission } from '../require-permission.js';
import { getUser } from './get-user.js';
import { enabledAdmins } from './users-shared.js';

/**
 * Renames, disables or sets a new password for a user. Disabling ends their sessions. The last
 * enabled administrator cannot be disabled.
 */
export async function updateUser(
  ctx: ServiceContext,
  id: string,
  body: z.input<typeof UpdateUserBodySchema>,
): Promise<User> {
  requirePermission(ctx, 'users:write');
  const input = UpdateUserBodySchema.parse(body);
  const user = await ctx.db.user.findUnique({ where: { id } });
  if (!user) {
    throw notFound('User', id);
  }
  if (
    input.is_disabled === true &&
    !user.isDisabled &&
    (await enabledAdmins(ctx, id)) === 0 &&
    (await enabledAdmins(ctx)) > 0
  ) {
    throw new AppError('conflict', 'The last enabled administrator cannot be disabled');
  }
  await ctx.db.$transaction(async (tx) => {
    const updated = await tx.user.update({
      where: { id },
      data: {
        name: input.name ?? user.name,
        isDisabled: input.is_disabled ?? user.isDisabled,
        ...(input.password ? { passwordHash: await hashPassword(input.password) } : {}),
        currentRevision: { increment: 1 },
      },
    });
    if (updated.isDisabled || input.password) {
      await tx.session.deleteMany({ where: { userId: id } });
    }
    await recordAudit(tx, ctx, {
      action: 'update',
      auditableType: 'User',
      auditableId: id,
      changes: {
        ...diffChanges(
          { name: user.name, is_disabled: user.isDisabled },
          { name: updated.name, is_disabled: updated.isDisabled },
        ),
        ...(input.password ? { password: '[FILTERED]' } : {}),
      },
      workspace: null,
    });
  });
  return getUser(ctx, id);
}
