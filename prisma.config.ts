import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { defineConfig } from 'prisma/config';

// Prisma's native schema engine cannot be downloaded on air-gapped machines (nor on ours). The
// CLI runs whatever PRISMA_SCHEMA_ENGINE_BINARY names: point it at the Wasm-engine shim.
const here = path.dirname(fileURLToPath(import.meta.url));
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(here, 'packages/db/engine/schema-engine.mjs');

export default defineConfig({
  schema: path.join(here, 'prisma/schema.prisma'),
  migrations: { path: path.join(here, 'prisma/migrations') },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/commander',
    // Optional; otherwise `migrate dev` creates and drops a temporary shadow database.
    shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL,
  },
});
