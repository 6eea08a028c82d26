import type { FastifyReply, preHandlerHookHandler, preSerializationHookHandler } from 'fastify';
import fp from 'fastify-plugin';

import { prependHook } from './route-hooks.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route answers one object with `current_revision`: its answer carries
     * `ETag: "<current_revision>"`, and (on PUT) `If-Match` is honoured.
     */
    revisioned?: boolean;
  }
  interface FastifyRequest {
    /** The revision `If-Match` asked for, when the request carried one. */
    ifMatchRevision: number | null;
  }
}

/** `"12"`: the strong entity tag of revision 12 (weak tags never match If-Match, RFC 9110). */
const TAG = /^"(\d{1,9})"$/;

function refuse(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

/**
 * `ETag` and `If-Match` on the objects edited with optimistic locking (clusters, cluster
 * templates, catalogs and records): the entity tag is the object's `current_revision`, the
 * revision of what a caller edits (status fields that the system changes do not move it). A PUT
 * with `If-Match: "N"` acts only while the object is at revision N, else 412
 * `precondition_failed` (the same check as `current_revision` in the body, which it fills in);
 * `If-Match: *` only asks that the object exist. `If-Match` on any other write is refused (400)
 * rather than ignored.
 */
export const conditionalRequestsPlugin = fp(
  async (app) => {
    app.decorateRequest('ifMatchRevision', null);

    // Route-level hooks, attached only where they can act: a GET or HEAD route never reads
    // If-Match, and only revisioned routes get an ETag (each global hook is a promise and a
    // turn of the hook runner on every request of the hot reads).
    const ifMatch: preHandlerHookHandler = (request, reply, done) => {
      const header = request.headers['if-match'];
      if (
        header === undefined ||
        request.method === 'GET' ||
        request.method === 'HEAD' ||
        request.routeOptions.config.passthrough === true
      ) {
        done();
        return;
      }
      const route = request.routeOptions;
      if (!route.config.revisioned || request.method !== 'PUT') {
        refuse(reply, 400, 'bad_request', 'If-Match is not supported on this route');
        return; // answered: the chain stops here
      }
      const value = (Array.isArray(header) ? header.join(',') : header).trim();
      if (value === '*') {
        done();
        return;
      }
      const match = TAG.exec(value);
      const body = request.body as { current_revision?: number } | null;
      if (!match || !body || typeof body !== 'object') {
        refuse(
          reply,
          412,
          'precondition_failed',
          'If-Match must be one strong entity tag from this object\'s ETag, such as "3"',
        );
        return;
      }
      const revision = Number(match[1]);
      if (body.current_revision !== undefined && body.current_revision !== revision) {
        refuse(
          reply,
          412,
          'precondition_failed',
          'If-Match and current_revision name different revisions',
        );
        return;
      }
      body.current_revision = revision;
      request.ifMatchRevision = revision;
      done();
    };

    const etag: preSerializationHookHandler<unknown> = (_request, reply, payload, done) => {
      if (
        reply.statusCode < 300 &&
        payload !== null &&
        typeof payload === 'object' &&
        typeof (payload as { current_revision?: unknown }).current_revision === 'number'
      ) {
        void reply.header(
          'etag',
          `"${(payload as { current_revision: number }).current_revision}"`,
        );
      }
      done(null, payload);
    };

    app.addHook('onRoute', (route) => {
      const methods = [route.method].flat();
      if (methods.some((m) => m !== 'GET' && m !== 'HEAD')) {
        route.preHandler = prependHook(route.preHandler, ifMatch);
      }
      if (route.config?.revisioned === true) {
        route.preSerialization = prependHook(route.preSerialization, etag);
      }
    });
  },
  { name: 'conditional-requests' },
);
