import { describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

type Doc = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
};

/** The OpenAPI document declares each route's error answers, not only its 2xx. */
describe('OpenAPI error responses', () => {
  const t = useTestApp();

  async function doc(): Promise<Doc> {
    const res = await t.app.inject({ method: 'GET', url: '/documentation/json' });
    expect(res.statusCode).toBe(200);
    return res.json<Doc>();
  }

  const codes = (d: Doc, path: string, method: string) =>
    Object.keys(d.paths[path]?.[method]?.responses ?? {}).sort();

  it('declares 401/403/404 on reads, 400/409/422 on writes, 429 where rate limited', async () => {
    const d = await doc();
    expect(codes(d, '/api/v1/clusters/', 'get')).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '404']),
    );
    expect(codes(d, '/api/v1/clusters/', 'post')).toEqual(
      expect.arrayContaining(['400', '401', '403', '404', '409', '422']),
    );
    const login = codes(d, '/api/v1/auth/login', 'post');
    expect(login).toEqual(expect.arrayContaining(['400', '429']));
    expect(login).not.toContain('401');
    expect(codes(d, '/agent_api/{cluster_uuid}/telemetry', 'post')).toEqual(
      expect.arrayContaining(['204', '400', '401']),
    );
  });

  it('every error response is the shared error body', async () => {
    const d = await doc();
    let seen = 0;
    for (const methods of Object.values(d.paths)) {
      for (const op of Object.values(methods)) {
        for (const [code, response] of Object.entries(op.responses)) {
          if (Number(code) >= 400) {
            seen++;
            const schema = response.content?.['application/json']?.schema as {
              properties?: { error?: { properties?: Record<string, unknown> } };
            };
            expect(Object.keys(schema?.properties?.error?.properties ?? {})).toEqual(
              expect.arrayContaining(['code', 'message']),
            );
          }
        }
      }
    }
    expect(seen).toBeGreaterThan(100);
  });
});
