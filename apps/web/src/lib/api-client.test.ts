import { ClusterSchema } from '@commander/contracts';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

import { server } from '../test/msw-server.js';
import { api, ApiError, onUnauthorized, setCsrfToken } from './api-client.js';

afterEach(() => setCsrfToken(null));

describe('api client', () => {
  it('sends the workspace and, on writes, the CSRF token', async () => {
    const seen: Record<string, string | null>[] = [];
    server.use(
      http.all('*/api/v1/things', ({ request }) => {
        seen.push({
          method: request.method,
          workspace: request.headers.get('x-workspace'),
          csrf: request.headers.get('x-csrf-token'),
        });
        return HttpResponse.json({ ok: true });
      }),
    );
    setCsrfToken('token-1');
    const schema = z.object({ ok: z.boolean() });
    await api.get('/things', { schema, workspace: 'team-a' });
    await api.post('/things', { schema, workspace: 'team-a', body: {} });
    expect(seen).toEqual([
      { method: 'GET', workspace: 'team-a', csrf: null },
      { method: 'POST', workspace: 'team-a', csrf: 'token-1' },
    ]);
  });

  it('turns the error body into an ApiError and reports 401s', async () => {
    server.use(
      http.get('*/api/v1/gone', () =>
        HttpResponse.json(
          { error: { code: 'session_expired', message: 'Your session has expired' } },
          { status: 401 },
        ),
      ),
    );
    const listener = vi.fn();
    const unsubscribe = onUnauthorized(listener);
    const error = await api.get('/gone', { schema: z.unknown() }).catch((e: unknown) => e);
    unsubscribe();
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 401,
      code: 'session_expired',
      message: 'Your session has expired',
    });
    expect(listener).toHaveBeenCalledWith('session_expired');
  });

  it('reads the total of a list from X-Total-Count and rejects responses off contract', async () => {
    server.use(
      http.get('*/api/v1/clusters', () =>
        HttpResponse.json([{ id: 'not-a-cluster' }], { headers: { 'x-total-count': '41' } }),
      ),
      http.get('*/api/v1/empty', () =>
        HttpResponse.json([], { headers: { 'x-total-count': '41' } }),
      ),
    );
    await expect(api.list('/empty', { schema: ClusterSchema })).resolves.toEqual({
      items: [],
      total: 41,
    });
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await expect(api.list('/clusters', { schema: ClusterSchema })).rejects.toMatchObject({
      code: 'invalid_response',
    });
  });

  it('streams server-sent events in batches', async () => {
    server.use(
      http.get('*/api/v1/stream', () => {
        const encoder = new TextEncoder();
        const body = new ReadableStream({
          start(controller) {
            controller.enqueue(
              encoder.encode(': connected\n\nevent: change\ndata: {"id":"1"}\n\n'),
            );
            controller.enqueue(encoder.encode('event: change\ndata: {"id":"2"}\n\n'));
            controller.close();
          },
        });
        return new HttpResponse(body, { headers: { 'content-type': 'text/event-stream' } });
      }),
    );
    const events: string[] = [];
    for await (const batch of api.stream('/stream', {})) {
      events.push(...batch.map((e) => e.data));
    }
    expect(events).toEqual(['{"id":"1"}', '{"id":"2"}']);
  });
});
