import { readFileSync } from 'node:fs';
import path from 'node:path';

import { ClusterSchema } from '@commander/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

import { authQueries } from '../features/auth/auth.api.js';
import { clusterQueries } from '../features/cluster-shared/clusters.api.js';
import { filterFromSearch } from '../features/clusters/pages/clusters-page.js';
import { clusterFixture, meFixture } from '../test/fixtures.js';
import { api, BOOT_TTL_MS } from './api-client.js';

// public/boot.js as index.html runs it: a classic script, before the app's module.
const BOOT_JS = readFileSync(path.join(import.meta.dirname, '../../public/boot.js'), 'utf8');

type Call = { url: string; workspace: string | null };

let calls: Call[];
const cluster = clusterFixture();

function respond(url: string): Response {
  const { pathname } = new URL(url, window.location.origin);
  const body =
    pathname === '/api/v1/auth/me' ? meFixture() : pathname === '/api/v1/clusters' ? [cluster] : [];
  return new Response(JSON.stringify(body), {
    headers: { 'content-type': 'application/json', 'x-total-count': '1' },
  });
}

/** Opens `url` and runs boot.js there; every fetch (the script's and the app's) is recorded. */
function boot(url: string): void {
  delete window.__commanderBoot;
  window.history.replaceState(null, '', url);
  vi.stubGlobal(
    'fetch',
    vi.fn((input: string | URL, init?: RequestInit) => {
      const full = new URL(String(input), window.location.origin);
      const headers = new Headers(init?.headers);
      calls.push({ url: `${full.pathname}${full.search}`, workspace: headers.get('x-workspace') });
      return Promise.resolve(respond(full.href));
    }),
  );
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the file, as a <script> runs it
  new Function(BOOT_JS)();
}

/**
 * What the clusters page asks for first (RequireAuth, ClusterList), with an abort signal: no
 * templates (the rows carry their template's name and version number).
 */
async function firstScreen(slug: string, search: string) {
  const signal = new AbortController().signal;
  const filter = filterFromSearch(new URLSearchParams(search));
  const me = authQueries.me().queryFn;
  const list = clusterQueries.list(slug, filter).queryFn;
  const context = { signal, meta: undefined } as never;
  return Promise.all([me?.(context), list?.(context)]);
}

beforeEach(() => {
  calls = [];
});

afterEach(() => {
  delete window.__commanderBoot;
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  window.history.replaceState(null, '', '/');
});

describe('boot.js: the first screen requested before the app runs', () => {
  it("starts the cluster list's requests, which the app then uses instead of asking again", async () => {
    boot('/w/team-a/clusters');
    expect(calls).toEqual([
      { url: '/api/v1/auth/me', workspace: null },
      {
        url: '/api/v1/clusters?without_archived=true&sort=attention&limit=25&offset=0',
        workspace: 'team-a',
      },
    ]);
    const [me, list] = await firstScreen('team-a', '');
    expect(me).toMatchObject({ user: { email: meFixture().user?.email } });
    expect(list).toMatchObject({ total: 1, items: [{ id: cluster.id }] });
    expect(calls).toHaveLength(2);
  });

  it('predicts a later page of the list too', async () => {
    boot('/w/team-a/clusters?page=3');
    expect(calls[1]?.url).toBe(
      '/api/v1/clusters?without_archived=true&sort=attention&limit=25&offset=50',
    );
    await firstScreen('team-a', 'page=3');
    expect(calls).toHaveLength(2);
  });

  it('starts only the session for a filtered list or another page, and nothing on sign-in', async () => {
    boot('/w/team-a/clusters?status=creating');
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/auth/me']);
    await firstScreen('team-a', 'status=creating');
    // The app asked for the list itself, once.
    expect(calls.map((c) => c.url)).toEqual([
      '/api/v1/auth/me',
      '/api/v1/clusters?without_archived=true&status=creating&sort=attention&limit=25&offset=0',
    ]);

    calls = [];
    boot('/w/team-a/templates');
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/auth/me']);

    calls = [];
    boot('/sign-in?next=%2Fw%2Fteam-a%2Fclusters');
    expect(calls).toEqual([]);
    expect(window.__commanderBoot).toBeUndefined();
  });

  it('hands each response over once, to the same workspace only, and not after BOOT_TTL_MS', async () => {
    boot('/w/team-a/clusters');
    const schema = ClusterSchema;
    const query = { without_archived: true, sort: 'attention', limit: 25, offset: 0 };
    // Another workspace's request with the same URL is not served team-a's list.
    await api.list('/clusters', { schema, workspace: 'team-b', query });
    expect(calls).toHaveLength(3);
    expect(calls[2]).toMatchObject({ workspace: 'team-b' });
    await api.list('/clusters', { schema, workspace: 'team-a', query });
    expect(calls).toHaveLength(3);
    // A second request (a refetch) goes to the server.
    await api.list('/clusters', { schema, workspace: 'team-a', query });
    expect(calls).toHaveLength(4);

    // Late: the session started at boot is not used for a first request after the TTL.
    const at = window.__commanderBoot?.at ?? 0;
    vi.spyOn(Date, 'now').mockReturnValue(at + BOOT_TTL_MS + 1);
    await api.get('/auth/me', { schema: z.unknown() });
    expect(calls).toHaveLength(5);
    expect(window.__commanderBoot).toBeUndefined();
  });
});
