import { ChangePasswordBodySchema } from '@commander/contracts';
import { hashPassword, verifyPassword } from '@commander/crypto';
import { type z } from 'zod';

import { recordAudit } from '../audit/record-audit.js';
import { type ServiceContext } from '../context.js';
import { AppError } from '../errors.js';

/** A signed-in user changes their own password (other sessions end). @throws AppError forbidden */
export async function changeOwnPassword(
  ctx: ServiceContext,
  body: z.input<typeof ChangePasswordBodySchema>,
  keepSessionId: string | null,
): Promise<void> {
  const input = ChangePasswordBodySchema.parse(body);
  if (ctx.actor.type !== 'user' || !ctx.actor.id) {
    throw new AppError('forbidden', 'Only a signed-in user can change their password');
  }
  const user = await ctx.db.user.findUniqueOrThrow({ where: { id: ctx.actor.id } });
  if (!user.passwordHash.startsWith('$argon2')) {
    throw new AppError(
      'forbidden',
      'This account signs in through its identity provider and has no password here',
    );
  }
  if (!(await verifyPassword(user.passwordHash, input.current_password))) {
    throw new AppError('forbidden', 'The current password is wrong');
  }
  await ctx.db.$transaction(async (tx) => {
    await tx.user.update({
      where: { id: user.id },
      data: {
        passwordHash: await hashPassword(input.new_password),
        currentRevision: { increment: 1 },
      },
    });
    await tx.session.deleteMany({
      where: { userId: user.id, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) },
    });
    await recordAudit(tx, ctx, {
      action: 'update',
      auditableType: 'User',
      auditableId: user.id,
      changes: { password: '[FILTERED]' },
      workspace: null,
    });
  });
}
