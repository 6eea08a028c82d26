import { randomBytes } from 'node:crypto';

import { generateToken, hashToken, verifyPassword } from '@commander/crypto';

import { recordAudit } from '../audit/record-audit.js';
import type { ServiceContext } from '../context.js';
import { AppError } from '../errors.js';

/** How long a web session lasts. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/**
 * An argon2id hash (same parameters as real ones) of a random password nobody knows (generated
 * once and discarded): what sign-in verifies against when the email has no usable account.
 */
const DUMMY_PASSWORD_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$A1LXGo03ef0gGt97BiVK1A$BgeEM3ve5e+3s009AGpNDWeBEQ09FObJev9L0yDVIRY';

export type CreatedSession = {
  /** Cookie value (the server stores only its hash). */
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
  user: { id: string; email: string; name: string };
};

/**
 * Signs a user in with email and password. The same error, and the same argon2 work, for an
 * unknown email and a wrong password, so neither the response nor its timing reveals which
 * accounts exist.
 * @throws AppError unauthorized
 */
export async function login(
  ctx: ServiceContext,
  input: { email: string; password: string; userAgent?: string },
): Promise<CreatedSession> {
  const email = input.email.trim().toLowerCase();
  const user = await ctx.db.user.findUnique({ where: { email } });
  // One argon2 verification whatever the account: an unknown or disabled account is checked
  // against a dummy hash, so the response time does not tell which emails exist.
  const usable = user !== null && !user.isDisabled;
  const matches = await verifyPassword(
    usable ? user.passwordHash : DUMMY_PASSWORD_HASH,
    input.password,
  );
  const ok = usable && matches;
  if (!ok || user === null) {
    throw new AppError('unauthorized', 'Wrong email or password');
  }
  const sessionToken = generateToken('session');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  const actorCtx: ServiceContext = {
    ...ctx,
    actor: { type: 'user', id: user.id, name: user.email },
  };
  await ctx.db.$transaction(async (tx) => {
    await tx.session.create({
      data: {
        userId: user.id,
        tokenHash: hashToken(sessionToken),
        csrfToken,
        expiresAt,
        remoteAddress: ctx.remoteAddress ?? null,
        userAgent: input.userAgent?.slice(0, 300) ?? null,
      },
    });
    await tx.user.update({ where: { id: user.id }, data: { lastSeenAt: new Date() } });
    await recordAudit(tx, actorCtx, {
      action: 'login',
      auditableType: 'User',
      auditableId: user.id,
      workspace: null,
    });
  });
  return {
    sessionToken,
    csrfToken,
    expiresAt,
    user: { id: user.id, email: user.email, name: user.name },
  };
}

/** Ends a session (the cookie stops working at once). */
export async function logout(ctx: ServiceContext, sessionToken: string): Promise<void> {
  const session = await ctx.db.session.findUnique({
    where: { tokenHash: hashToken(sessionToken) },
  });
  if (!session) {
    return;
  }
  await ctx.db.$transaction(async (tx) => {
    await tx.session.delete({ where: { id: session.id } });
    await recordAudit(tx, ctx, {
      action: 'logout',
      auditableType: 'User',
      auditableId: session.userId,
      workspace: null,
    });
  });
}
