import { z } from 'zod';

import { TimestampSchema } from './common.js';

/** The web session's cookie (HttpOnly; its SHA-256 is stored in `sessions`). */
export const SESSION_COOKIE = 'commander_session';

export const LoginBodySchema = z.strictObject({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1024),
});
export type LoginBody = z.infer<typeof LoginBodySchema>;

/** Who may sign in with a password: everyone, global administrators only, or nobody. */
export const LocalLoginModeSchema = z.enum(['on', 'admin-only', 'off']);
export type LocalLoginMode = z.infer<typeof LocalLoginModeSchema>;

/** How one may sign in (`GET /auth/providers`, public): the sign-in page's buttons. */
export const AuthProvidersSchema = z.object({
  local_login: LocalLoginModeSchema,
  providers: z.array(
    z.object({
      id: z.string(),
      /** Shown as "Sign in with <name>". */
      name: z.string(),
      /** Where the browser goes to start the sign-in (GET). */
      login_url: z.string(),
    }),
  ),
});
export type AuthProviders = z.infer<typeof AuthProvidersSchema>;

/** `POST /auth/logout`: where the browser goes next to end the IdP session too (if any). */
export const LogoutResultSchema = z.object({ logout_url: z.string().nullable() });
export type LogoutResult = z.infer<typeof LogoutResultSchema>;

export const SessionUserSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  /** False for an account that signs in only through an identity provider (no password here). */
  has_password: z.boolean(),
});
export type SessionUser = z.infer<typeof SessionUserSchema>;

/** Who the caller is and what they may do (`GET /auth/me`). */
export const MeSchema = z.object({
  kind: z.enum(['user', 'auth_token']),
  user: SessionUserSchema.nullable(),
  token: z
    .object({
      id: z.uuid(),
      name: z.string(),
      scope: z.enum(['read', 'write']),
      /** The permissions fixed when the token was issued (its effective ones are below). */
      permissions: z.array(z.string()),
    })
    .nullable(),
  /** Workspaces the caller can enter, with the permissions held in each. */
  workspaces: z.array(
    z.object({
      id: z.uuid(),
      slug: z.string(),
      name: z.string(),
      permissions: z.array(z.string()),
    }),
  ),
  /** Global permissions (workspaces, users, roles, bindings, global tokens, audit). */
  global_permissions: z.array(z.string()),
  /** Echo of the CSRF token the web app sends in X-CSRF-Token on writes (session only). */
  csrf_token: z.string().nullable(),
  session_expires_at: TimestampSchema.nullable(),
});
export type Me = z.infer<typeof MeSchema>;

export const TokenScopeSchema = z.enum(['read', 'write']);
export type TokenScope = z.infer<typeof TokenScopeSchema>;

export const AuthTokenSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  workspace_id: z.uuid().nullable(),
  scope: TokenScopeSchema,
  prefix: z.string(),
  expires_at: TimestampSchema.nullable(),
  last_used_at: TimestampSchema.nullable(),
  revoked_at: TimestampSchema.nullable(),
  /**
   * The permissions fixed when the token was issued: its scope's permissions that the issuer
   * held. At each use they are bounded again by the issuer's current rights.
   */
  permissions: z.array(z.string()),
  created_by: z.string().nullable(),
  created_at: TimestampSchema,
});
export type AuthToken = z.infer<typeof AuthTokenSchema>;

export const CreateAuthTokenBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  workspace_id: z.uuid().nullable().optional(),
  scope: TokenScopeSchema.default('write'),
  expires_at: TimestampSchema.nullable().optional(),
});
export type CreateAuthTokenBody = z.input<typeof CreateAuthTokenBodySchema>;

/** The only response that carries the token itself. */
export const CreatedAuthTokenSchema = AuthTokenSchema.extend({ token: z.string() });
export type CreatedAuthToken = z.infer<typeof CreatedAuthTokenSchema>;
