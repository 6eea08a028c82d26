import { ApiErrorBodySchema } from '@commander/contracts';
import swagger, { type SwaggerTransform } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

import { accessKind, registerPublic, type RouteAccess } from './auth.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The error answers a route can give, by what it declares (every body is `ApiErrorBody`):
 * 400 when it takes input, 401 unless public, 403 and 404 (another workspace's object, an
 * unknown workspace) for callers of /api/v1, 409 and 422 on writes (conflicts, invalid
 * values, a reused Idempotency-Key), 429 when rate limited.
 */
export function errorStatuses(route: Pick<RouteOptions, 'method' | 'schema' | 'config'>): number[] {
  const config = route.config as (RouteAccess & { rateLimit?: unknown }) | undefined;
  const kind = accessKind(config);
  const schema = route.schema ?? {};
  const methods = [route.method].flat().map((m) => String(m).toUpperCase());
  const codes = new Set<number>();
  if (schema.body || schema.querystring || schema.params) {
    codes.add(400);
  }
  if (kind !== 'public') {
    codes.add(401);
  }
  if (kind === 'permission' || kind === 'authenticated' || kind === 'metrics') {
    codes.add(403);
  }
  if (kind === 'permission' || kind === 'authenticated' || schema.params) {
    codes.add(404);
  }
  if ((kind === 'permission' || kind === 'authenticated') && methods.some((m) => WRITES.has(m))) {
    codes.add(409);
    codes.add(422);
  }
  if (config?.rateLimit) {
    codes.add(429);
  }
  return [...codes].sort();
}

/** The zod → JSON Schema transform, with each route's error responses added (documentation only). */
const withErrorResponses: SwaggerTransform = (input) => {
  const schema = input.schema ?? {};
  const declared = (schema.response ?? {}) as Record<string, unknown>;
  const errors = Object.fromEntries(
    errorStatuses(input.route)
      .filter((code) => declared[code] === undefined)
      .map((code) => [code, ApiErrorBodySchema]),
  );
  return jsonSchemaTransform({
    ...input,
    schema: { ...schema, response: { ...declared, ...errors } },
  });
};

/** OpenAPI document generated from the zod contracts, served with Swagger UI at /documentation. */
export const openApiPlugin = fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        info: {
          title: 'Commander API',
          version: '1',
          description:
            'Deckhouse Commander compatible Integration API. Authenticate with `X-Auth-Token: <token>`. ' +
            'Workspace tokens see their workspace; global tokens manage workspaces, roles and bindings.\n\n' +
            '**Safe retries.** Every authenticated `POST` accepts `Idempotency-Key: <1–255 visible ASCII characters>`: ' +
            'a retry with the same key and the same request (method, URL, body) within 24 h gets the first answer again ' +
            '(`Idempotent-Replayed: true`) without acting twice; the same key for another request is 422 ' +
            '`idempotency_key_reused`; while the first is still being answered a retry waits, then 409 ' +
            '`idempotency_in_progress` (Retry-After). Keys are per caller. ' +
            'Clusters, cluster templates, catalogs and records answer `ETag: "<current_revision>"`; their `PUT` honours ' +
            '`If-Match: "<revision>"` (412 `precondition_failed` when the object is at another revision) and `If-Match: *`.',
        },
        components: {
          securitySchemes: {
            token: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' },
          },
        },
        security: [{ token: [] }],
      },
      transform: withErrorResponses,
      // Schemas registered with an id (`.meta({ id })`, e.g. JsonValue) become components/schemas.
      transformObject: jsonSchemaTransformObject,
    });
    // Swagger UI's routes cannot declare access themselves: deliberately public.
    await registerPublic(app, swaggerUi, { routePrefix: '/documentation' });
  },
  { name: 'openapi' },
);
