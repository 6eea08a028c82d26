import path from 'node:path';
import { fileURLToPath } from 'node:url';

import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';

import { buildOpenApiDocument } from './openapi-document.js';

const CLIENT_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../packages/client',
);

/** Where the generated client's files live (committed, checked for freshness by a test). */
export const CLIENT_PATHS = {
  document: path.join(CLIENT_DIR, 'openapi.json'),
  types: path.join(CLIENT_DIR, 'src/generated/api.ts'),
};

const BANNER =
  "// Generated from the API's OpenAPI document by `pnpm --filter @commander/client generate`.\n" +
  "// Do not edit: change the routes' zod schemas and regenerate.\n" +
  '/** Any JSON value (the OpenAPI schema `JsonValue`, recursive). */\n' +
  'export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };\n';

/**
 * Recursive schemas become the recursive alias above: as properties of `components` they would
 * refer to themselves through an indexed access, which TypeScript rejects (TS2502).
 */
const RECURSIVE_SCHEMAS = new Set([
  '#/components/schemas/JsonValue',
  '#/components/schemas/JsonValueInput',
]);

/** The OpenAPI document (JSON text) and the TypeScript types generated from it. */
export async function clientArtifacts(): Promise<{ document: string; types: string }> {
  const doc = await buildOpenApiDocument();
  const document = `${JSON.stringify(doc, null, 2)}\n`;
  const ast = await openapiTS(JSON.parse(document) as Parameters<typeof openapiTS>[0], {
    alphabetize: false,
    transform: (_schema, options) =>
      RECURSIVE_SCHEMAS.has(options.path ?? '')
        ? ts.factory.createTypeReferenceNode('JsonValue')
        : undefined,
  });
  return { document, types: BANNER + astToString(ast) };
}
