import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

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

    app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
      const header = request.headers['if-match'];
      if (
        header === undefined ||
        request.method === 'GET' ||
        request.method === 'HEAD' ||
        request.routeOptions.config.passthrough === true
      ) {
        return;
      }
      const route = request.routeOptions;
      if (!route.config.revisioned || request.method !== 'PUT') {
        return refuse(reply, 400, 'bad_request', 'If-Match is not supported on this route');
      }
      const value = (Array.isArray(header) ? header.join(',') : header).trim();
      if (value === '*') {
        return;
      }
      const match = TAG.exec(value);
      const body = request.body as { current_revision?: number } | null;
      if (!match || !body || typeof body !== 'object') {
        return refuse(
          reply,
          412,
          'precondition_failed',
          'If-Match must be one strong entity tag from this object\'s ETag, such as "3"',
        );
      }
      const revision = Number(match[1]);
      if (body.current_revision !== undefined && body.current_revision !== revision) {
        return refuse(
          reply,
          412,
          'precondition_failed',
          'If-Match and current_revision name different revisions',
        );
      }
      body.current_revision = revision;
      request.ifMatchRevision = revision;
    });

    app.addHook('preSerialization', async (request, reply, payload: unknown) => {
      if (
        request.routeOptions.config.revisioned &&
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
      return payload;
    });
  },
  { name: 'conditional-requests' },
);
