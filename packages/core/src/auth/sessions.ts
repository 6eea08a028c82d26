import { randomBytes } from 'node:crypto';

import { generateToken, hashToken, verifyPassword } from '@commander/crypto';
import type { Tx } from '@commander/db';

import { recordAudit } from '../audit/record-audit.js';
import type { ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { requirePermission } from '../require-permission.js';

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

/** Who may sign in with a password (COMMANDER_LOCAL_LOGIN). */
export type LocalLoginMode = 'on' | 'admin-only' | 'off';

/** The password of an account that signs in only through an OpenID provider (never matches). */
export const NO_PASSWORD = '!sso';

/**
 * Signs a user in with email and password. The same error, and the same argon2 work, for an
 * unknown email and a wrong password, so neither the response nor its timing reveals which
 * accounts exist. With `localLogin` 'admin-only', only users bound directly to the global admin
 * role get in (the break-glass account); with 'off', nobody.
 * @throws AppError unauthorized, local_login_disabled
 */
export async function login(
  ctx: ServiceContext,
  input: { email: string; password: string; userAgent?: string; localLogin?: LocalLoginMode },
): Promise<CreatedSession> {
  const mode = input.localLogin ?? 'on';
  if (mode === 'off') {
    throw new AppError(
      'local_login_disabled',
      'Password sign-in is turned off here: sign in with your identity provider',
    );
  }
  const email = input.email.trim().toLowerCase();
  const user = await ctx.db.user.findUnique({ where: { email } });
  // One argon2 verification whatever the account: an unknown or disabled account (or one that
  // signs in only through SSO) is checked against a dummy hash, so the response time does not
  // tell which emails exist.
  const usable = user !== null && !user.isDisabled && user.passwordHash.startsWith('$argon2');
  const matches = await verifyPassword(
    usable ? user.passwordHash : DUMMY_PASSWORD_HASH,
    input.password,
  );
  const ok = usable && matches;
  if (!ok || user === null) {
    throw new AppError('unauthorized', 'Wrong email or password');
  }
  if (mode === 'admin-only') {
    const admin = await ctx.db.roleBinding.count({
      where: { userId: user.id, workspaceId: null, role: { scope: 'GLOBAL', name: 'admin' } },
    });
    if (admin === 0) {
      throw new AppError(
        'local_login_disabled',
        'Password sign-in is limited to administrators here: sign in with your identity provider',
      );
    }
  }
  return createSession(ctx, user, { userAgent: input.userAgent, provider: null, audit: {} });
}

/**
 * Opens a web session for a user who has proven who they are (password or OpenID provider),
 * and records the sign-in (`login`, with `audit` as its changes) in the same transaction.
 */
export async function createSession(
  ctx: ServiceContext,
  user: { id: string; email: string; name: string },
  options: {
    userAgent?: string | undefined;
    provider: string | null;
    /** The changes recorded with the `login` event (a function: read after `before`). */
    audit: Record<string, unknown> | (() => Record<string, unknown>);
    /** Runs in the session's transaction first (the OpenID sign-in's group refresh). */
    before?: (tx: Tx) => Promise<void>;
  },
): Promise<CreatedSession> {
  const sessionToken = generateToken('session');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  const actorCtx: ServiceContext = {
    ...ctx,
    actor: { type: 'user', id: user.id, name: user.email },
  };
  await ctx.db.$transaction(async (tx) => {
    await options.before?.(tx);
    await tx.session.create({
      data: {
        userId: user.id,
        tokenHash: hashToken(sessionToken),
        csrfToken,
        expiresAt,
        remoteAddress: ctx.remoteAddress ?? null,
        userAgent: options.userAgent?.slice(0, 300) ?? null,
        provider: options.provider,
      },
    });
    await tx.user.update({ where: { id: user.id }, data: { lastSeenAt: new Date() } });
    const changes = typeof options.audit === 'function' ? options.audit() : options.audit;
    await recordAudit(tx, actorCtx, {
      action: 'login',
      auditableType: 'User',
      auditableId: user.id,
      ...(Object.keys(changes).length > 0 ? { changes } : {}),
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

/** An administrator ends every session of a user (they must sign in again). */
export async function endUserSessions(ctx: ServiceContext, userId: string): Promise<number> {
  requirePermission(ctx, 'users:write');
  const user = await ctx.db.user.findUnique({ where: { id: userId } });
  if (!user) {
    throw notFound('User', userId);
  }
  return ctx.db.$transaction(async (tx) => {
    const { count } = await tx.session.deleteMany({ where: { userId } });
    await recordAudit(tx, ctx, {
      action: 'end_sessions',
      auditableType: 'User',
      auditableId: userId,
      changes: { email: user.email, sessions: count },
      workspace: null,
    });
    return count;
  });
}

/** Ends a session (the cookie stops working at once). */
export async function logout(
  ctx: ServiceContext,
  sessionToken: string,
): Promise<{ provider: string | null } | null> {
  const session = await ctx.db.session.findUnique({
    where: { tokenHash: hashToken(sessionToken) },
  });
  if (!session) {
    return null;
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
  return { provider: session.provider };
}
