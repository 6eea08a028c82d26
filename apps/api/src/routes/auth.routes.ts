import { randomBytes } from 'node:crypto';

import {
  AuthProvidersSchema,
  LoginBodySchema,
  LogoutResultSchema,
  MeSchema,
} from '@commander/contracts';
import {
  AppError,
  beginOidcLogin,
  type CreatedSession,
  type LocalLoginMode,
  login,
  logout,
  OidcSignInError,
  recordOidcFailure,
  SESSION_TTL_MS,
  signInWithOidc,
  takeOidcLogin,
} from '@commander/core';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as client from 'openid-client';
import { z } from 'zod';

import type { OidcProviders } from '../oidc.js';
import { SESSION_COOKIE } from '../plugins/auth.js';

/** The browser's half of a sign-in under way (its hash is stored with the state). */
export const OIDC_COOKIE = 'commander_oidc';
const OIDC_COOKIE_PATH = '/api/v1/auth/oidc';

export type AuthRoutesOptions = {
  secureCookies: boolean;
  loginRateLimit: number;
  localLogin: LocalLoginMode;
  oidc: OidcProviders;
};

/** A path of this site to return to after signing in (never another origin). */
const ReturnToSchema = z
  .string()
  .max(2000)
  .regex(/^\/(?![/\\])[^\s\\]*$/, 'a path of this site')
  .optional();

export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, options) => {
  const { oidc } = options;

  function setSessionCookie(reply: FastifyReply, session: CreatedSession): void {
    void reply.setCookie(SESSION_COOKIE, session.sessionToken, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: options.secureCookies,
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
    });
  }

  app.post(
    '/login',
    {
      config: {
        public: true,
        rateLimit: { max: options.loginRateLimit, timeWindow: '1 minute' },
      },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password (web session)',
        description:
          'COMMANDER_LOCAL_LOGIN=admin-only lets only global administrators in (break-glass); off refuses everyone (local_login_disabled).',
        body: LoginBodySchema,
        response: { 200: MeSchema },
      },
    },
    async (request, reply) => {
      const session = await login(request.ctx, {
        ...request.body,
        userAgent: request.headers['user-agent'],
        localLogin: options.localLogin,
      });
      setSessionCookie(reply, session);
      return app.describeCaller(request, {
        userId: session.user.id,
        csrfToken: session.csrfToken,
        expiresAt: session.expiresAt,
      });
    },
  );

  app.get(
    '/providers',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'How one may sign in: password, and the OpenID providers',
        response: { 200: AuthProvidersSchema },
      },
    },
    async () => ({
      local_login: options.localLogin,
      providers: oidc.list().map((p) => ({
        id: p.id,
        name: p.name,
        login_url: `/api/v1/auth/oidc/login?provider=${encodeURIComponent(p.id)}`,
      })),
    }),
  );

  app.get(
    '/oidc/login',
    {
      config: {
        public: true,
        rateLimit: { max: options.loginRateLimit * 3, timeWindow: '1 minute' },
      },
      schema: {
        tags: ['auth'],
        summary: 'Start signing in through an OpenID provider (redirects to it)',
        description:
          'Authorization code flow with PKCE (S256), state and nonce. The state is kept server-side, single use, for 10 minutes, bound to this browser by a short-lived cookie.',
        querystring: z.object({
          provider: z.string().max(63).optional(),
          return_to: ReturnToSchema,
        }),
        response: { 302: z.null() },
      },
    },
    async (request, reply) => {
      const provider = oidc.get(request.query.provider);
      if (!provider) {
        throw new AppError(
          'not_found',
          request.query.provider === undefined && oidc.list().length > 1
            ? 'Several identity providers are configured: give ?provider='
            : `No identity provider ${request.query.provider ?? ''} is configured`,
          { providers: oidc.list().map((p) => p.id) },
        );
      }
      const state = client.randomState();
      const nonce = client.randomNonce();
      const codeVerifier = client.randomPKCECodeVerifier();
      const binding = randomBytes(32).toString('base64url');
      let url: URL;
      try {
        url = await oidc.authorizationUrl(provider, { state, nonce, codeVerifier });
      } catch (err) {
        const reason = err instanceof OidcSignInError ? err.reason : 'provider_unavailable';
        const message = err instanceof Error ? err.message : 'unknown error';
        await recordOidcFailure(request.ctx, { provider: provider.id, reason, message });
        request.log.warn({ provider: provider.id, reason }, message);
        return reply.redirect(`/sign-in?sso_error=${reason}`, 302);
      }
      await beginOidcLogin(request.ctx.db, {
        provider: provider.id,
        state,
        binding,
        nonce,
        codeVerifier,
        returnTo: request.query.return_to ?? '/',
      });
      void reply.setCookie(OIDC_COOKIE, binding, {
        path: OIDC_COOKIE_PATH,
        httpOnly: true,
        // Lax: the provider's redirect back is a cross-site top-level navigation.
        sameSite: 'lax',
        secure: options.secureCookies,
        maxAge: 10 * 60,
      });
      return reply.redirect(url.toString(), 302);
    },
  );

  app.get(
    '/oidc/callback',
    {
      config: {
        public: true,
        rateLimit: { max: options.loginRateLimit * 3, timeWindow: '1 minute' },
      },
      schema: {
        tags: ['auth'],
        summary: 'The OpenID provider returns here (the redirect URI to register)',
        description:
          'Success: a session cookie and a redirect to the page the sign-in started from. Failure: a redirect to /sign-in?sso_error=<reason> (invalid_state, state_expired, wrong_browser, token_rejected, provider_error, provider_unavailable, account_disabled, email_taken), and a login_failed audit event.',
        // The provider's answer (RFC 6749 §4.1.2); other parameters (iss, session_state...) pass through.
        querystring: z.looseObject({
          state: z.union([z.string(), z.array(z.string())]).optional(),
          code: z.union([z.string(), z.array(z.string())]).optional(),
          error: z.union([z.string(), z.array(z.string())]).optional(),
        }),
        response: { 302: z.null() },
      },
    },
    async (request, reply) => {
      const rawQuery = request.url.includes('?')
        ? request.url.slice(request.url.indexOf('?') + 1)
        : '';
      const state = typeof request.query.state === 'string' ? request.query.state : undefined;
      void reply.clearCookie(OIDC_COOKIE, { path: OIDC_COOKIE_PATH });
      let providerId: string | null = null;
      try {
        const pending = await takeOidcLogin(request.ctx.db, state, request.cookies[OIDC_COOKIE]);
        providerId = pending.provider;
        const provider = oidc.get(pending.provider);
        if (!provider) {
          throw new OidcSignInError(
            'provider_unavailable',
            `No identity provider ${pending.provider}`,
          );
        }
        const identity = await oidc.complete(provider, rawQuery, {
          state: state!,
          nonce: pending.nonce,
          codeVerifier: pending.codeVerifier,
        });
        const session = await signInWithOidc(request.ctx, identity, {
          linkByEmail: provider.linkByEmail,
          userAgent: request.headers['user-agent'],
        });
        setSessionCookie(reply, session);
        return reply.redirect(pending.returnTo, 302);
      } catch (err) {
        if (!(err instanceof OidcSignInError)) {
          throw err;
        }
        await recordOidcFailure(request.ctx, {
          provider: providerId,
          reason: err.reason,
          message: err.message,
        });
        request.log.warn({ provider: providerId, reason: err.reason }, err.message);
        return reply.redirect(`/sign-in?sso_error=${err.reason}`, 302);
      }
    },
  );

  app.post(
    '/logout',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Sign out',
        description:
          'Ends the session. For a session opened through an OpenID provider with an end-session endpoint, logout_url is where the browser goes next to end the provider session too (RP-initiated logout).',
        response: { 200: LogoutResultSchema },
      },
    },
    async (request, reply) => {
      const cookie = request.cookies[SESSION_COOKIE];
      const ended = cookie ? await logout(request.ctx, cookie) : null;
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      const logoutUrl = ended?.provider ? await oidc.endSessionUrl(ended.provider) : null;
      return { logout_url: logoutUrl };
    },
  );

  app.get(
    '/me',
    {
      config: { authenticated: true },
      schema: {
        tags: ['auth'],
        summary: 'Who am I and what may I do',
        response: { 200: MeSchema },
      },
    },
    async (request) => {
      if (!request.principal) {
        throw new AppError('unauthorized', 'Authentication required');
      }
      return app.describeCaller(request, null);
    },
  );
};
