// The committed client (packages/client/openapi.json and src/generated/api.ts) is what the API's
// routes generate now: a route or contract change must come with `pnpm --filter
// @commander/client generate`.
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { CLIENT_PATHS, clientArtifacts } from '../src/client-artifacts.js';

describe('the generated client', () => {
  it('is up to date with the OpenAPI document', async () => {
    const fresh = await clientArtifacts();
    const hint = 'stale: run `pnpm --filter @commander/client generate` and commit the result';
    expect(readFileSync(CLIENT_PATHS.document, 'utf8'), hint).toBe(fresh.document);
    expect(readFileSync(CLIENT_PATHS.types, 'utf8'), hint).toBe(fresh.types);
  }, 60_000);

  it('has no dangling references in the document', async () => {
    const doc = JSON.parse((await clientArtifacts()).document) as {
      components?: { schemas?: Record<string, unknown> };
    };
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)];
    for (const [, name] of refs) {
      expect(doc.components?.schemas, `$ref to ${name}`).toHaveProperty([name!]);
    }
  }, 60_000);
});
