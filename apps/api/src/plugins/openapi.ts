import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

import { registerPublic } from './auth.js';

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
      transform: jsonSchemaTransform,
      // Schemas registered with an id (`.meta({ id })`, e.g. JsonValue) become components/schemas.
      transformObject: jsonSchemaTransformObject,
    });
    // Swagger UI's routes cannot declare access themselves: deliberately public.
    await registerPublic(app, swaggerUi, { routePrefix: '/documentation' });
  },
  { name: 'openapi' },
);
