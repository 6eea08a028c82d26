import { createHash } from 'node:crypto';

import { type Encryptor, type Principal } from '@commander/core';
import { type Db, sqlPool } from '@commander/db';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

import { prependHook } from './route-hooks.js';

/** How long a key is remembered. */
const KEEP_MS = 24 * 60 * 60 * 1000;
/** How long a request holds its key while being answered; then a retry may take it over. */
const LOCK_MS = 60_000;
/** How long a retry waits for the first request with its key to be answered. */
const WAIT_MS = 15_000;
const POLL_MS = 50;
/** Headers of the first answer that a replay repeats. */
const REPLAYED_HEADERS = ['content-type', 'location', 'x-total-count'] as const;
/** A key: 1–255 visible ASCII characters (a UUID, a ULID, a hash…). */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

declare module 'fastify' {
  interface FastifyRequest {
    /** The idempotency row this request answers, when it carries a key it claimed. */
    idempotencyKeyId: string | null;
  }
}

export type IdempotencyOptions = { db: Db; encryptor: Encryptor };

type Stored = { headers: Record<string, string>; body: string };

function principalKey(principal: Principal): string {
  return principal.kind === 'auth_token'
    ? `token:${principal.token.id}`
    : `user:${principal.user.id}`;
}

function refuse(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

/**
 * `Idempotency-Key` on every authenticated `POST /api/v1/...` (sign-in and sign-out aside): the
 * first request with a key is answered and its answer kept for 24 h (per caller: another
 * caller's key is another key); a retry with the same key and the same request gets that answer
 * again (`Idempotent-Replayed: true`) without acting twice, while the first is still running it
 * waits for it; the same key with another method, URL or body is refused (422
 * `idempotency_key_reused`). Answers of 5xx are not kept (the retry runs). Runs in `preHandler`,
 * after authentication, authorization and body validation: a refused request never holds a key.
 */
export const idempotencyPlugin = fp<IdempotencyOptions>(
  async (app, options) => {
    const pool = sqlPool(options.db);
    app.decorateRequest('idempotencyKeyId', null);

    const sweep = setInterval(() => {
      pool
        .query('DELETE FROM idempotency_keys WHERE expires_at < now()')
        .catch((err: unknown) => app.log.warn({ err }, 'cannot delete expired idempotency keys'));
    }, 10 * 60_000);
    sweep.unref();
    app.addHook('onClose', async () => clearInterval(sweep));

    const claim = async (request: FastifyRequest, reply: FastifyReply) => {
      const header = request.headers['idempotency-key'];
      if (
        header === undefined ||
        request.method !== 'POST' ||
        request.routeOptions.config.passthrough === true
      ) {
        return;
      }
      const route = request.routeOptions.url ?? '';
      if (!route.startsWith('/api/v1/') || route.startsWith('/api/v1/auth/')) {
        return;
      }
      if (!request.principal) {
        return;
      }
      if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
        return refuse(
          reply,
          400,
          'bad_request',
          'Idempotency-Key must be one value of 1 to 255 visible ASCII characters',
        );
      }
      const principal = principalKey(request.principal);
      const fingerprint = createHash('sha256')
        .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
        .digest('hex');
      // Claim the key: a new one, an expired one, or one whose holder gave up (crashed).
      const claimed = await pool.query<{ id: string }>(
        `INSERT INTO idempotency_keys (principal, key, fingerprint, locked_until, expires_at)
         VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond', now() + $5 * interval '1 millisecond')
         ON CONFLICT (principal, key) DO UPDATE
           SET fingerprint = EXCLUDED.fingerprint, locked_until = EXCLUDED.locked_until,
               expires_at = EXCLUDED.expires_at, status_code = NULL, response_encrypted = NULL,
               created_at = now()
           WHERE idempotency_keys.expires_at < now()
              OR (idempotency_keys.status_code IS NULL AND idempotency_keys.locked_until < now()
                  AND idempotency_keys.fingerprint = EXCLUDED.fingerprint)
         RETURNING id`,
        [principal, header, fingerprint, LOCK_MS, KEEP_MS],
      );
      if (claimed.rows[0]) {
        request.idempotencyKeyId = claimed.rows[0].id;
        return;
      }
      const deadline = Date.now() + WAIT_MS;
      for (;;) {
        const { rows } = await pool.query<{
          fingerprint: string;
          status_code: number | null;
          response_encrypted: string | null;
        }>(
          'SELECT fingerprint, status_code, response_encrypted FROM idempotency_keys WHERE principal = $1 AND key = $2',
          [principal, header],
        );
        const row = rows[0];
        if (row && row.fingerprint !== fingerprint) {
          return refuse(
            reply,
            422,
            'idempotency_key_reused',
            'This Idempotency-Key was used for another request; use a new key for a new request',
          );
        }
        if (row?.status_code != null && row.response_encrypted) {
          const stored = JSON.parse(options.encryptor.decrypt(row.response_encrypted)) as Stored;
          void reply.headers(stored.headers).header('idempotent-replayed', 'true');
          // A Buffer is sent as it is (a string could be serialized again).
          return reply.code(row.status_code).send(Buffer.from(stored.body, 'utf8'));
        }
        if (!row || Date.now() >= deadline) {
          // Gone (its 5xx answer was dropped) or still running: the caller retries.
          void reply.header('retry-after', '1');
          return refuse(
            reply,
            409,
            'idempotency_in_progress',
            'A request with this Idempotency-Key is still being answered; retry shortly',
          );
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    };

    const keep = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const id = request.idempotencyKeyId;
      if (!id) {
        return payload;
      }
      request.idempotencyKeyId = null;
      const body =
        typeof payload === 'string'
          ? payload
          : Buffer.isBuffer(payload)
            ? payload.toString('utf8')
            : null;
      if (reply.statusCode >= 500 || body === null) {
        await pool.query('DELETE FROM idempotency_keys WHERE id = $1', [id]);
        return payload;
      }
      const headers: Record<string, string> = {};
      for (const name of REPLAYED_HEADERS) {
        const value = reply.getHeader(name);
        if (value !== undefined) {
          headers[name] = String(value);
        }
      }
      const stored: Stored = { headers, body };
      await pool.query(
        'UPDATE idempotency_keys SET status_code = $2, response_encrypted = $3 WHERE id = $1',
        [id, reply.statusCode, options.encryptor.encrypt(JSON.stringify(stored))],
      );
      return payload;
    };

    // Only on the routes a key can apply to (POST under /api/v1/, sign-in and sign-out aside,
    // not passthrough): every other route, the hot reads among them, runs neither hook.
    app.addHook('onRoute', (route) => {
      if (
        ![route.method].flat().includes('POST') ||
        !route.url.startsWith('/api/v1/') ||
        route.url.startsWith('/api/v1/auth/') ||
        route.config?.passthrough === true
      ) {
        return;
      }
      route.preHandler = prependHook(route.preHandler, claim);
      route.onSend = prependHook(route.onSend, keep);
    });
  },
  { name: 'idempotency', dependencies: ['error-handler'] },
);
