import { createTestTemplate } from '@commander/core/testing';
import Fastify from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';

import { errorHandler } from '../src/plugins/error-handler.js';
import { findInputProblem, hasInputProblem, MAX_INPUT_DEPTH } from '../src/plugins/input-guard.js';
import { useTestApp } from './helpers.js';

/** `{"a":{"a":…}}` nested `depth` levels, as raw JSON (so building it needs no recursion). */
const deepObject = (depth: number, leaf = '1') =>
  `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('hostile input', () => {
  const t = useTestApp();
  let versionId = '';

  beforeAll(async () => {
    ({ versionId } = await createTestTemplate(t.db, t.defaultWorkspaceId));
  });

  const post = (url: string, payload: string, headers: Record<string, string> = t.headers()) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { ...headers, 'content-type': 'application/json' },
      payload,
      remoteAddress: `10.66.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
    });

  const expectRefused = (res: { statusCode: number; body: string }, what: string) => {
    expect(res.statusCode, `${what}: ${res.body.slice(0, 200)}`).toBe(400);
    expect(JSON.parse(res.body).error.code, what).toBe('validation_failed');
  };

  it('NUL in names, emails and tokens is 400, never 500', async () => {
    const cases: [string, unknown, Record<string, string>?][] = [
      ['/api/v1/auth/login', { email: 'admin\u0000@example.com', password: 'x' }, {}],
      ['/api/v1/auth/login', { email: 'admin@example.com', password: 'pass\u0000word' }, {}],
      ['/api/v1/clusters', { name: 'c\u0000x', cluster_template_version_id: versionId }],
      ['/api/v1/auth_tokens', { name: 'token\u0000', scope: 'read' }],
      ['/api/v1/catalogs', { name: 'cat\u0000', slug: `cat-${t.suffix}` }],
      ['/api/v1/cluster_templates', { name: 'tpl\u0000' }],
      [
        '/api/v1/workspaces',
        { name: 'ws\u0000', slug: `ws-${t.suffix}` },
        t.headers(t.globalToken),
      ],
    ];
    for (const [url, body, headers] of cases) {
      expectRefused(
        await post(url, JSON.stringify(body), headers),
        `${url} ${JSON.stringify(body)}`,
      );
    }
  });

  it('NUL inside JSON values and keys (jsonb) is 400', async () => {
    for (const values of [
      { kubeVersion: 'x\u0000y' },
      { host: '\u0000' },
      { host: '\ud800' },
      { 'k\u0000': 1 },
      { list: [{ deep: '\u0000' }] },
    ]) {
      const body = JSON.stringify({
        name: `jsonb-${t.suffix}`,
        cluster_template_version_id: versionId,
        values,
      });
      expectRefused(await post('/api/v1/clusters', body), JSON.stringify(values));
    }
  });

  it('lone surrogates are 400; a well-formed pair is fine', async () => {
    for (const name of ['\\ud800', 'x\\udfffy', 'a\\ud800\\ud800b']) {
      const body = `{"name":"${name}","cluster_template_version_id":"${versionId}"}`;
      expectRefused(await post('/api/v1/clusters', body), name);
    }
    const pair = await post(
      '/api/v1/auth_tokens',
      JSON.stringify({ name: `pair \ud83d\ude00 ${t.suffix}`, scope: 'read' }),
    );
    expect(pair.statusCode, pair.body).toBe(201);
  });

  it('values nested 5000 deep are 400 on several routes', async () => {
    const deep = deepObject(5000);
    const cases: [string, string, Record<string, string>?][] = [
      [
        '/api/v1/clusters',
        `{"name":"deep","cluster_template_version_id":"${versionId}","values":${deep}}`,
      ],
      [
        '/api/v1/clusters',
        `{"name":"deep","cluster_template_version_id":"${versionId}","values":{"a":${deepArray(5000)}}}`,
      ],
      ['/api/v1/render', `{"values":${deep}}`],
      [
        '/api/v1/catalogs',
        `{"name":"deep","slug":"deep-${t.suffix}","resources":[{"values":${deep}}]}`,
      ],
      ['/api/v1/cluster_templates', `{"name":"deep","version":${deep}}`],
      ['/api/v1/auth/login', `{"email":${deep},"password":"x"}`, {}],
      ['/api/v1/auth_tokens', deep],
    ];
    for (const [url, body, headers] of cases) {
      expectRefused(await post(url, body, headers), `${url} (depth 5000)`);
    }
  });

  it('the depth limit is 64 levels', async () => {
    const at = (depth: number) =>
      post(
        '/api/v1/clusters',
        `{"name":"depth-${depth}-${t.suffix}","cluster_template_version_id":"${versionId}","values":${deepObject(depth - 1)}}`,
      );
    // 64 levels pass the guard and reach the use case (which refuses the unknown field)
    const deepest = await at(MAX_INPUT_DEPTH);
    expect(deepest.statusCode, deepest.body).toBe(422);
    expect(deepest.json().error.code).toBe('invalid_values');
    expectRefused(await at(MAX_INPUT_DEPTH + 1), 'one level too deep');
  });

  it('NUL in query strings and path parameters is 400', async () => {
    for (const url of [
      '/api/v1/clusters?name=%00',
      '/api/v1/audit_events?action=x%00',
      '/api/v1/clusters/%00',
      '/api/v1/cluster_templates/abc%00',
    ]) {
      const res = await t.app.inject({ method: 'GET', url, headers: t.headers() });
      expectRefused(res, url);
    }
  });

  it('the check is iterative: a million levels do not overflow the stack', () => {
    let value: unknown = 1;
    for (let i = 0; i < 1_000_000; i++) {
      value = [value];
    }
    expect(findInputProblem(value, 'body')?.message).toMatch(/deeper than 64/);
    expect(hasInputProblem(value)).toBe(true);
    expect(findInputProblem({ ok: ['fine', { x: 'y' }] }, 'body')).toBeNull();
  });

  it('the quick check (no paths) and the full one agree', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < MAX_INPUT_DEPTH; i++) {
      deep = { d: deep };
    }
    const values: unknown[] = [
      'plain',
      'a\u0000b',
      '\ud800',
      '\udc00x',
      '\ud83d\ude00',
      { fine: ['x', 1, null, true, { y: 'z' }] },
      { ['k\u0000']: 1 },
      { nested: [{ deeper: ['ok', 'bad\u0000'] }] },
      JSON.parse('{"__proto__": {"x": "\\u0000"}}'),
      deep,
      { over: deep },
      [[[[]]]],
    ];
    for (const v of values) {
      expect(hasInputProblem(v), JSON.stringify(v)?.slice(0, 80)).toBe(
        findInputProblem(v, 'body') !== null,
      );
    }
  });

  it('PostgreSQL character errors (22021, 22P05) are answered 400 as a backstop', async () => {
    const app = Fastify();
    await app.register(errorHandler);
    app.get('/text', async () => t.db.$queryRawUnsafe('SELECT $1::text AS v', 'a\u0000b'));
    app.get('/jsonb', async () =>
      t.db.$queryRawUnsafe(`SELECT '{"a":"\\u0000"}'::jsonb::text AS v`),
    );
    for (const url of ['/text', '/jsonb']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
    }
    await app.close();
  });
});
