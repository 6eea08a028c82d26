import { ERROR_STATUS, type ErrorCode } from '@commander/contracts';
import { AppError } from '@commander/core';
import { EncryptionKeyError } from '@commander/crypto';
import type { FastifyError } from 'fastify';
import fp from 'fastify-plugin';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
} from 'fastify-type-provider-zod';
import { ZodError } from 'zod';

function isClientError(error: unknown): error is FastifyError & { statusCode: number } {
  const status = (error as Partial<FastifyError> | null)?.statusCode;
  return error instanceof Error && typeof status === 'number' && status >= 400 && status < 500;
}

/** PostgreSQL is unreachable or restarting: the request may succeed later (503, short log). */
function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as {
    code?: string;
    meta?: { driverAdapterError?: { cause?: { kind?: string; originalCode?: string } } };
  } | null;
  const cause = e?.meta?.driverAdapterError?.cause;
  return (
    e?.code === 'P1001' ||
    e?.code === 'P1017' ||
    cause?.kind === 'DatabaseNotReachable' ||
    ['57P01', '57P02', '57P03', '08006', '08001'].includes(cause?.originalCode ?? '') ||
    (error instanceof Error &&
      /not queryable|Connection terminated|ECONNREFUSED/.test(error.message))
  );
}

/**
 * PostgreSQL refused a character it cannot store: 22021 (NUL in text, invalid byte sequence) or
 * 22P05 (\u0000 in jsonb). The input guard refuses these first; this is the backstop.
 */
function isInvalidCharacter(error: unknown): boolean {
  const e = error as {
    code?: unknown;
    cause?: { code?: unknown; originalCode?: unknown };
    meta?: { code?: unknown; driverAdapterError?: { cause?: { originalCode?: unknown } } };
  } | null;
  const codes = [
    e?.code,
    e?.cause?.code,
    e?.cause?.originalCode,
    e?.meta?.code,
    e?.meta?.driverAdapterError?.cause?.originalCode,
  ];
  return codes.some((c) => c === '22021' || c === '22P05');
}

function zodIssues(error: ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/**
 * The one place that turns errors into responses: `{error: {code, message, details?}}` with the
 * status of the code (contracts ERROR_STATUS). Never a stack trace; unexpected errors are logged
 * and answered 500.
 */
export const errorHandler = fp(
  async (app) => {
    app.setErrorHandler((error, request, reply) => {
      if (hasZodFastifySchemaValidationErrors(error)) {
        const issues = error.validation.map((v) => ({
          path: `${error.validationContext ?? ''}${v.instancePath.replace(/\//g, '.')}`,
          message: v.message ?? 'invalid',
        }));
        return reply.code(400).send({
          error: { code: 'validation_failed', message: 'Invalid request', details: { issues } },
        });
      }
      if (error instanceof AppError) {
        if (error.code === 'stale_revision' && request.ifMatchRevision != null) {
          // The revision came from If-Match: HTTP's answer to a failed precondition.
          return reply.code(412).send({
            error: {
              code: 'precondition_failed',
              message: `If-Match names revision ${request.ifMatchRevision}, not the current one`,
              details: error.details,
            },
          });
        }
        const status = ERROR_STATUS[error.code];
        if (error.code === 'service_unavailable') {
          // Expected while a dependency is away (database, busy ingest): one line, no stack.
          request.log.warn({ code: error.code, reason: error.message }, 'service unavailable');
        } else if (status >= 500) {
          request.log.error({ err: error }, 'request failed');
        }
        return reply
          .code(status)
          .send({ error: { code: error.code, message: error.message, details: error.details } });
      }
      if (error instanceof ZodError) {
        return reply.code(400).send({
          error: {
            code: 'validation_failed',
            message: 'Invalid request',
            details: { issues: zodIssues(error) },
          },
        });
      }
      if (error instanceof EncryptionKeyError) {
        request.log.error({ err: error }, 'encryption key error');
        return reply
          .code(500)
          .send({ error: { code: 'encryption_key_error', message: error.message } });
      }
      if (isResponseSerializationError(error)) {
        request.log.error(
          { err: error, issues: error.cause.issues },
          'response does not match its contract',
        );
        return reply
          .code(500)
          .send({ error: { code: 'internal', message: 'Internal server error' } });
      }
      if (isInvalidCharacter(error)) {
        request.log.warn({ err: error }, 'database refused a character');
        return reply.code(400).send({
          error: {
            code: 'validation_failed',
            message: 'Invalid request: a value contains a character that cannot be stored',
          },
        });
      }
      if (isDatabaseUnavailable(error)) {
        request.log.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'database unavailable',
        );
        return reply.code(503).send({
          error: {
            code: 'service_unavailable',
            message: 'The database is unavailable; try again shortly',
          },
        });
      }
      if (isClientError(error)) {
        const code: ErrorCode =
          error.statusCode === 429
            ? 'rate_limited'
            : error.statusCode === 404
              ? 'not_found'
              : error.statusCode === 401
                ? 'unauthorized'
                : 'bad_request';
        return reply.code(error.statusCode).send({ error: { code, message: error.message } });
      }
      request.log.error({ err: error }, 'request failed');
      return reply
        .code(500)
        .send({ error: { code: 'internal', message: 'Internal server error' } });
    });
  },
  { name: 'error-handler' },
);
