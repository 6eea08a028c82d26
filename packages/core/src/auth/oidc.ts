import { createHash } from 'node:crypto';

import { hashToken } from '@commander/crypto';
import { type Db, isUniqueViolation, type Tx } from '@commander/db';

import { recordAudit } from '../audit/record-audit.js';
import type { ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { type CreatedSession, createSession, NO_PASSWORD } from './sessions.js';

/** How long a sign-in may stay at the identity provider before its state is refused. */
export const OIDC_STATE_TTL_MS = 10 * 60 * 1000;

/** Longest group name kept from a groups claim (longer ones are ignored). */
export const MAX_GROUP_NAME_LENGTH = 256;

/** Most groups kept from one sign-in (a claim beyond it is cut, and the cut is audited). */
export const MAX_GROUPS_PER_SIGN_IN = 5_000;

/** Who the provider says signed in, after the ID token was validated. */
export type OidcIdentity = {
  /** The configured provider id (groups from it are named `<provider>` groups). */
  provider: string;
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  /** Group names from the groups claim (null: the provider sent none). */
  groups: string[] | null;
};

/** Why a callback was refused (the `sso_error` the sign-in page explains). */
export type OidcFailure =
  | 'provider_error'
  | 'invalid_state'
  | 'state_expired'
  | 'wrong_browser'
  | 'token_rejected'
  | 'account_disabled'
  | 'email_taken'
  | 'provider_unavailable';

export class OidcSignInError extends AppError {
  readonly reason: OidcFailure;
  constructor(reason: OidcFailure, message: string) {
    super('sso_failed', message, { reason });
    this.reason = reason;
  }
}

/** What the login route remembers of a sign-in under way (server-side, single use). */
export type PendingOidcLogin = {
  provider: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
};

/**
 * Records a sign-in under way. `state` and `binding` (the random value of the browser's
 * short-lived cookie) are stored hashed; the row is removed at its first use or after
 * OIDC_STATE_TTL_MS. Old rows are swept here.
 */
export async function beginOidcLogin(
  db: Db,
  input: PendingOidcLogin & { state: string; binding: string },
): Promise<void> {
  await db.oidcLoginState.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  await db.oidcLoginState.create({
    data: {
      stateHash: hashToken(input.state),
      bindingHash: hashToken(input.binding),
      provider: input.provider,
      nonce: input.nonce,
      codeVerifier: input.codeVerifier,
      returnTo: input.returnTo,
      expiresAt: new Date(Date.now() + OIDC_STATE_TTL_MS),
    },
  });
}

/**
 * Takes (and deletes, whatever the outcome) the sign-in a callback's `state` names: a state is
 * used at most once, so a replayed callback finds nothing.
 * @throws OidcSignInError invalid_state (unknown or used), state_expired, wrong_browser
 */
export async function takeOidcLogin(
  db: Db,
  state: string | undefined,
  binding: string | undefined,
): Promise<PendingOidcLogin> {
  if (!state) {
    throw new OidcSignInError('invalid_state', 'The callback carries no state');
  }
  const rows = await db.$queryRaw<
    {
      binding_hash: string;
      provider: string;
      nonce: string;
      code_verifier: string;
      return_to: string;
      expires_at: Date;
    }[]
  >`DELETE FROM oidc_login_states WHERE state_hash = ${hashToken(state)}
    RETURNING binding_hash, provider, nonce, code_verifier, return_to, expires_at`;
  const row = rows[0];
  if (!row) {
    throw new OidcSignInError(
      'invalid_state',
      'Unknown or already used sign-in state (a replayed or forged callback)',
    );
  }
  if (row.expires_at <= new Date()) {
    throw new OidcSignInError('state_expired', 'The sign-in took too long; start again');
  }
  if (!binding || hashToken(binding) !== row.binding_hash) {
    throw new OidcSignInError(
      'wrong_browser',
      'The sign-in was started in another browser (its cookie is missing or different)',
    );
  }
  return {
    provider: row.provider,
    nonce: row.nonce,
    codeVerifier: row.code_verifier,
    returnTo: row.return_to,
  };
}

/** Records a refused callback (never with the code or any token). */
export async function recordOidcFailure(
  ctx: ServiceContext,
  input: { provider: string | null; reason: OidcFailure; message: string },
): Promise<void> {
  await ctx.db.$transaction(async (tx) => {
    await recordAudit(tx, ctx, {
      action: 'login_failed',
      auditableType: 'OidcProvider',
      auditableId: input.provider ?? 'unknown',
      changes: { reason: input.reason, message: input.message.slice(0, 500) },
      workspace: null,
    });
  });
}

/** Distinct, trimmed, non-empty group names of reasonable length, at most MAX_GROUPS_PER_SIGN_IN. */
export function normalizeGroups(groups: readonly string[] | null): {
  names: string[];
  dropped: number;
} {
  const seen = new Set<string>();
  let dropped = 0;
  for (const raw of groups ?? []) {
    const name = raw.trim();
    if (name.length === 0 || name.length > MAX_GROUP_NAME_LENGTH) {
      dropped += 1;
    } else if (!seen.has(name)) {
      if (seen.size >= MAX_GROUPS_PER_SIGN_IN) {
        dropped += 1;
      } else {
        seen.add(name);
      }
    }
  }
  return { names: [...seen], dropped };
}

/**
 * Makes the user's memberships in `provider`'s groups exactly `names` (local groups and other
 * providers' are left alone). Creates the groups it has not seen yet. Statements run only for
 * real changes, so an unchanged sign-in does not empty every API process's principal cache.
 */
export async function syncProviderGroups(
  tx: Tx,
  userId: string,
  provider: string,
  names: string[],
): Promise<{ joined: string[]; left: string[] }> {
  const current = await tx.groupMember.findMany({
    where: { userId, group: { provider } },
    select: { groupId: true, group: { select: { name: true } } },
  });
  const currentNames = new Map(current.map((m) => [m.group.name, m.groupId]));
  const wanted = new Set(names);
  const joinNames = names.filter((n) => !currentNames.has(n));
  const left = [...currentNames.keys()].filter((n) => !wanted.has(n));
  if (joinNames.length > 0) {
    await tx.group.createMany({
      data: joinNames.map((name) => ({ name, provider })),
      skipDuplicates: true,
    });
    const groups = await tx.group.findMany({
      where: { provider, name: { in: joinNames } },
      select: { id: true },
    });
    await tx.groupMember.createMany({
      data: groups.map((g) => ({ groupId: g.id, userId })),
      skipDuplicates: true,
    });
  }
  if (left.length > 0) {
    await tx.groupMember.deleteMany({
      where: { userId, groupId: { in: left.map((n) => currentNames.get(n)!) } },
    });
  }
  return { joined: joinNames, left };
}

/** An address for a provider account that gave no email (unique, never deliverable). */
function placeholderEmail(identity: OidcIdentity): string {
  const h = createHash('sha256')
    .update(`${identity.issuer}\n${identity.subject}`)
    .digest('hex')
    .slice(0, 20);
  return `${h}@${identity.provider.toLowerCase().replace(/[^a-z0-9-]/g, '-')}.sso.invalid`;
}

/**
 * Signs in the user an OpenID provider vouched for: the account linked to (issuer, subject);
 * else, when `linkByEmail` is on and the provider says the email is verified, the local account
 * with that email (linked from then on); else a new account. Their memberships in the
 * provider's groups are refreshed, and a session is opened, in one transaction.
 * @throws OidcSignInError account_disabled, email_taken
 */
export async function signInWithOidc(
  ctx: ServiceContext,
  identity: OidcIdentity,
  options: { linkByEmail: boolean; userAgent?: string | undefined },
): Promise<CreatedSession> {
  const email = identity.email?.trim().toLowerCase() || null;
  const linked = await ctx.db.userIdentity.findUnique({
    where: { issuer_subject: { issuer: identity.issuer, subject: identity.subject } },
    include: { user: true },
  });
  let user = linked?.user ?? null;
  let created = false;
  let linkedByEmail = false;
  if (!user && options.linkByEmail && email && identity.emailVerified) {
    user = await ctx.db.user.findUnique({ where: { email } });
    linkedByEmail = user !== null;
  }
  if (!user) {
    const address = email ?? placeholderEmail(identity);
    if (await ctx.db.user.findUnique({ where: { email: address }, select: { id: true } })) {
      throw new OidcSignInError(
        'email_taken',
        `An account with the email ${address} exists and is not linked to this identity provider account` +
          (options.linkByEmail ? ' (the provider does not say the email is verified)' : ''),
      );
    }
    try {
      user = await ctx.db.$transaction(async (tx) => {
        const row = await tx.user.create({
          data: {
            email: address,
            name: identity.name?.trim().slice(0, 200) || address,
            passwordHash: NO_PASSWORD,
          },
        });
        await recordAudit(
          tx,
          { ...ctx, actor: { type: 'system', id: null, name: `oidc:${identity.provider}` } },
          {
            action: 'create',
            auditableType: 'User',
            auditableId: row.id,
            changes: {
              email: address,
              name: row.name,
              provider: identity.provider,
              issuer: identity.issuer,
              subject: identity.subject,
            },
            workspace: null,
          },
        );
        return row;
      });
      created = true;
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new OidcSignInError('email_taken', `An account with the email ${address} exists`);
      }
      throw error;
    }
  }
  if (user.isDisabled) {
    throw new OidcSignInError('account_disabled', 'This account is disabled here');
  }
  const account = user;
  const { names, dropped } = normalizeGroups(identity.groups);
  let change: { joined: string[]; left: string[] } = { joined: [], left: [] };
  return createSession(ctx, account, {
    userAgent: options.userAgent,
    provider: identity.provider,
    // Read after `before` ran, so it names the groups joined and left.
    audit: () => ({
      provider: identity.provider,
      issuer: identity.issuer,
      subject: identity.subject,
      ...(created ? { created: true } : {}),
      ...(linkedByEmail ? { linked_by_email: true } : {}),
      groups: names.length,
      ...(dropped > 0 ? { groups_dropped: dropped } : {}),
      joined: change.joined.slice(0, 50),
      left: change.left.slice(0, 50),
    }),
    before: async (tx) => {
      await tx.userIdentity.upsert({
        where: { issuer_subject: { issuer: identity.issuer, subject: identity.subject } },
        create: {
          userId: account.id,
          provider: identity.provider,
          issuer: identity.issuer,
          subject: identity.subject,
          email,
        },
        update: { lastLoginAt: new Date(), email },
      });
      const name = identity.name?.trim().slice(0, 200);
      if (name && name !== account.name && !created) {
        await tx.user.update({ where: { id: account.id }, data: { name } });
      }
      change = await syncProviderGroups(tx, account.id, identity.provider, names);
    },
  });
}
