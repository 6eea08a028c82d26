import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

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
            'Workspace tokens see their workspace; global tokens manage workspaces, roles and bindings.',
        },
        components: {
          securitySchemes: {
            token: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' },
          },
        },
        security: [{ token: [] }],
      },
      transform: jsonSchemaTransform,
    });
    // Swagger UI's routes cannot declare access themselves: deliberately public.
    await registerPublic(app, swaggerUi, { routePrefix: '/documentation' });
  },
  { name: 'openapi' },
);
