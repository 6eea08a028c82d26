import { type Me, SESSION_COOKIE } from '@commander/contracts';
import { type FreshSession, getMe } from '@commander/core';
import type { Db } from '@commander/db';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** The caller as `GET /auth/me` shows it (also answered by sign-in). */
    describeCaller: (request: FastifyRequest, fresh: FreshSession | null) => Promise<Me>;
  }
}

/** `describeCaller`: the request's caller handed to the `getMe` use case. */
export const describeCallerPlugin = fp<{ db: Db }>(
  async (app, { db }) => {
    app.decorate(
      'describeCaller',
      async (request: FastifyRequest, fresh: FreshSession | null): Promise<Me> =>
        getMe(db, {
          principal: request.principal,
          grants: request.grants,
          fresh,
          sessionCookie: request.cookies[SESSION_COOKIE],
        }),
    );
  },
  { name: 'describe-caller' },
);
