import { createEncryptor, generateEncryptionKeys } from '@commander/crypto';
import { createDb } from '@commander/db';
import type { OpenAPIV3 } from 'openapi-types';

import { buildApp } from './app.js';
import { loadConfig } from './config.js';

/**
 * The API's OpenAPI document, built from the routes' zod schemas without a database: the app is
 * built against an address nothing listens on (no request is served, so no query runs) and a
 * renderer that is never called, then asked for its document.
 */
export async function buildOpenApiDocument(): Promise<OpenAPIV3.Document> {
  const databaseUrl = 'postgresql://openapi@127.0.0.1:9/openapi';
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'silent',
    COMMANDER_WEB_DIST: '/nonexistent',
    COMMANDER_PUBLIC_URL: 'http://commander.local',
  });
  const db = createDb(databaseUrl, { poolSize: 1, applicationName: 'commander-openapi' });
  const app = await buildApp(config, {
    db,
    encryptor: createEncryptor(generateEncryptionKeys()),
    instance: {
      publicHost: 'commander.local',
      publicUrl: 'http://commander.local',
      caBundle: '',
      commanderUuid: '00000000-0000-4000-8000-000000000000',
      agentImage: null,
    },
    renderer: {
      render: () => Promise.reject(new Error('the OpenAPI document builder renders nothing')),
    } as never,
  });
  try {
    await app.ready();
    return app.swagger() as OpenAPIV3.Document;
  } finally {
    await app.close();
    await db.$disconnect();
  }
}
