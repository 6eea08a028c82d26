import { randomUUID } from 'node:crypto';

import type { InjectOptions } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

/**
 * Authentication is decided by the route the router MATCHED, never by the raw URL. Every route
 * of the app is tried through spellings the router may decode or normalise (`/%61pi/…`, an
 * encoded letter of the resource name, doubled slashes, dot segments, a trailing slash, upper
 * case, an encoded slash), without credentials and with read tokens: a variant is never 2xx
 * where the plain path is refused, and never 5xx.
 */
function variants(path: string): string[] {
  const segments = path.split('/'); // ['', 'api', 'v1', 'users', …]
  const out = new Set<string>();
  const encode = (c: string) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  // an encoded first letter of each static segment
  segments.forEach((segment, i) => {
    if (segment.length > 0 && /^[a-z_]/i.test(segment) && !/^[0-9a-f]{8}-/.test(segment)) {
      const copy = [...segments];
      copy[i] = encode(segment[0]!) + segment.slice(1);
      out.add(copy.join('/'));
      const upper = [...segments];
      upper[i] = `%${segment.charCodeAt(0).toString(16).toUpperCase()}${segment.slice(1)}`;
      out.add(upper.join('/'));
    }
  });
  out.add(`/${path}`);
  out.add(path.replace(/^\/([^/]+)\//, '/$1//'));
  out.add(path.replace(/^\/([^/]+)\//, '/$1/./'));
  out.add(path.replace(/^\/([^/]+)\//, '/$1/x/../'));
  out.add(path.replace(/^\/([^/]+)\//, '/$1%2F'));
  out.add(`${path}/`);
  out.add(`${path}//`);
  out.add(path.toUpperCase());
  out.add(path.replace(/^\/([a-z])/, (_m, c: string) => `/${c.toUpperCase()}`));
  out.add(`${path};x=1`);
  out.add(`${path}%00`);
  out.add(`${path}%20`);
  out.delete(path);
  return [...out];
}

describe('path variants', () => {
  const t = useTestApp();
  const callers: { name: string; headers: Record<string, string> }[] = [];

  beforeAll(async () => {
    callers.push(
      { name: 'no credentials', headers: {} },
      {
        name: 'workspace read token',
        headers: {
          'x-auth-token': await t.issueToken({ workspaceId: t.defaultWorkspaceId, scope: 'read' }),
        },
      },
      {
        name: 'global read token',
        headers: { 'x-auth-token': await t.issueToken({ workspaceId: null, scope: 'read' }) },
      },
    );
  });

  it('the variants of a path include the encoded ones of the finding', () => {
    expect(variants('/api/v1/users')).toEqual(
      expect.arrayContaining(['/%61pi/v1/users', '/api/v1/%75sers', '//api/v1/users']),
    );
  });

  it('GET /%61pi/v1/users without credentials is refused (the finding)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/%61pi/v1/users' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthorized');
  });

  it('no variant of any route is 2xx where the plain path is refused, nor 5xx', async () => {
    const routes = t.app.routeTable.filter((r) => r.kind !== 'public');
    expect(routes.length).toBeGreaterThan(40);
    const failures: string[] = [];
    let tried = 0;
    for (const route of routes) {
      const id = randomUUID();
      const plain = route.url.replace(/:[a-zA-Z_]+/g, id);
      const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
      // An open event stream never ends: count it as a 200 after two seconds.
      const inject = (opts: InjectOptions) =>
        route.url === '/api/v1/events'
          ? Promise.race([
              t.app.inject(opts),
              new Promise<{ statusCode: number; body: string }>((resolve) =>
                setTimeout(() => resolve({ statusCode: 200, body: '(event stream opened)' }), 2000),
              ),
            ])
          : t.app.inject(opts);
      for (const caller of callers) {
        const send = (url: string) =>
          inject({
            method: route.method,
            url,
            headers: {
              ...caller.headers,
              ...(hasBody ? { 'content-type': 'application/json' } : {}),
            },
            ...(hasBody ? { payload: '{}' } : {}),
          });
        // An allowed caller of the event stream would get a never-ending response.
        if (route.url === '/api/v1/events' && caller.name === 'workspace read token') {
          continue;
        }
        const base = await send(plain);
        tried++;
        const refused = base.statusCode === 401 || base.statusCode === 403;
        if (caller.name === 'no credentials' && !refused) {
          failures.push(`plain ${route.method} ${plain} without credentials → ${base.statusCode}`);
        }
        for (const url of variants(plain)) {
          if (route.url === '/api/v1/events' && !refused) {
            continue;
          }
          const res = await send(url);
          tried++;
          const where = `${caller.name}: ${route.method} ${url} → ${res.statusCode} (plain ${base.statusCode}) ${res.body.slice(0, 100)}`;
          if (res.statusCode >= 500) {
            failures.push(`5xx for ${where}`);
          }
          if (refused && res.statusCode >= 200 && res.statusCode < 300) {
            failures.push(`2xx where the plain path is refused: ${where}`);
          }
        }
      }
    }
    expect(tried).toBeGreaterThan(1000);
    expect(failures).toEqual([]);
  }, 300_000);
});
