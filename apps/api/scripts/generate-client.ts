// `pnpm --filter @commander/client generate`: writes the API's OpenAPI document to
// packages/client/openapi.json and the TypeScript types generated from it (openapi-typescript) to
// packages/client/src/generated/api.ts. apps/api/test/client-fresh.test.ts fails when either is
// stale, so a route or contract change comes with its regenerated client.
import { writeFileSync } from 'node:fs';

import { CLIENT_PATHS, clientArtifacts } from '../src/client-artifacts.js';

const artifacts = await clientArtifacts();
writeFileSync(CLIENT_PATHS.document, artifacts.document);
writeFileSync(CLIENT_PATHS.types, artifacts.types);
process.stdout.write(`wrote ${CLIENT_PATHS.document}\nwrote ${CLIENT_PATHS.types}\n`);
