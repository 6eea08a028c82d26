import { CreateUserBodySchema, type User } from '@commander/contracts';
import { hashPassword } from '@commander/crypto';
import { isUniqueViolation } from '@commander/db';
import { type z } from 'zod';

import { recordAudit } from '../audit/record-audit.js';
import { type ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { requirePermission } from '../require-permission.js';
import { getUser } from './get-user.js';

/** Creates a user (argon2id password). @throws AppError conflict when the email is taken */
export async function createUser(
  ctx: ServiceContext,
  body: z.input<typeof CreateUserBodySchema>,
): Promise<User> {
  requirePermission(ctx, 'users:write');
  const input = CreateUserBodySchema.parse(body);
  const email = input.email.trim().toLowerCase();
  try {
    const row = await ctx.db.$transaction(async (tx) => {
      const created = await tx.user.create({
        data: { email, name: input.name, passwordHash: await hashPassword(input.password) },
      });
      await recordAudit(tx, ctx, {
        action: 'create',
        auditableType: 'User',
        auditableId: created.id,
        changes: { email, name: input.name },
        workspace: null,
      });
      return created;
    });
    return getUser(ctx, row.id);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError('conflict', `A user with email ${email} already exists`);
    }
    throw error;
  }
}
