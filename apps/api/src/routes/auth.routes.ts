import { LoginBodySchema, MeSchema } from '@commander/contracts';
import { AppError, login, logout, SESSION_TTL_MS } from '@commander/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { SESSION_COOKIE } from '../plugins/auth.js';

export type AuthRoutesOptions = { secureCookies: boolean; loginRateLimit: number };

export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, options) => {
  app.post(
    '/login',
    {
      config: {
        public: true,
        rateLimit: { max: options.loginRateLimit, timeWindow: '1 minute' },
      },
      schema: {
        tags: ['auth'],
        summary: 'Sign in (web session)',
        body: LoginBodySchema,
        response: { 200: MeSchema },
      },
    },
    async (request, reply) => {
      const session = await login(request.ctx, {
        ...request.body,
        userAgent: request.headers['user-agent'],
      });
      void reply.setCookie(SESSION_COOKIE, session.sessionToken, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: options.secureCookies,
        maxAge: Math.floor(SESSION_TTL_MS / 1000),
      });
      return app.describeCaller(request, {
        userId: session.user.id,
        csrfToken: session.csrfToken,
        expiresAt: session.expiresAt,
      });
    },
  );

  app.post(
    '/logout',
    {
      config: { public: true },
      schema: { tags: ['auth'], summary: 'Sign out', response: { 204: z.null() } },
    },
    async (request, reply) => {
      const cookie = request.cookies[SESSION_COOKIE];
      if (cookie) {
        await logout(request.ctx, cookie);
      }
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
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
