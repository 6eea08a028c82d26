import { recordAudit } from '../audit/record-audit.js';
import { type ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { requirePermission } from '../require-permission.js';
import { enabledAdmins } from './users-shared.js';

/** Deletes a user (their sessions and bindings go with them). Not the last admin, not oneself. */
export async function deleteUser(ctx: ServiceContext, id: string): Promise<void> {
  requirePermission(ctx, 'users:write');
  const user = await ctx.db.user.findUnique({ where: { id } });
  if (!user) {
    throw notFound('User', id);
  }
  if (ctx.actor.type === 'user' && ctx.actor.id === id) {
    throw new AppError('conflict', 'You cannot delete your own account');
  }
  if ((await enabledAdmins(ctx, id)) === 0) {
    throw new AppError('conflict', 'The last enabled administrator cannot be deleted');
  }
  await ctx.db.$transaction(async (tx) => {
    // The tokens they issued, and those these issued in turn, stop for good (disabling only
    // suspends them: authentication checks the issuer chain at each use).
    const revoked = await tx.$executeRaw`
      WITH RECURSIVE issued AS (
        SELECT id FROM auth_tokens WHERE created_by_user_id = ${id}::uuid
        UNION
        SELECT t.id FROM auth_tokens t JOIN issued i ON t.created_by_token_id = i.id
      )
      UPDATE auth_tokens SET revoked_at = CURRENT_TIMESTAMP
      WHERE id IN (SELECT id FROM issued) AND revoked_at IS NULL`;
    await tx.user.delete({ where: { id } });
    await recordAudit(tx, ctx, {
      action: 'delete',
      auditableType: 'User',
      auditableId: id,
      changes: { email: user.email, revoked_tokens: revoked },
      workspace: null,
    });
  });
}
