import { useQuery } from '@tanstack/react-query';
import { screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { createQueryClient } from '../../app/query-client.js';
import { clusterFixture } from '../../test/fixtures.js';
import { createI18n } from '../../test/i18n.js';
import { server } from '../../test/msw-server.js';
import { renderWithProviders } from '../../test/render.js';
import { type ClusterListFilter, clusterQueries } from '../cluster-shared/clusters.api.js';
import { useLiveEvents } from './live-events.js';

function ListText({ filter, label }: { filter: ClusterListFilter; label: string }) {
  const clusters = useQuery(clusterQueries.list('default', filter));
  return (
    <p>
      {label}:
      {clusters.isError
        ? 'error'
        : clusters.data
          ? clusters.data.items.map((c) => `${c.name}:${c.status}`).join(',') || 'none'
          : 'loading'}
    </p>
  );
}

function LiveNames({ second = false }: { second?: boolean }) {
  useLiveEvents('default');
  return (
    <>
      <ListText label="first" filter={{ page: 1, sort: 'attention' }} />
      {second && <ListText label="second" filter={{ page: 1, sort: 'name' }} />}
    </>
  );
}

/** An /events stream the test writes change events into. */
function eventStream() {
  const encoder = new TextEncoder();
  let push: ((text: string) => void) | null = null;
  const requests: (string | null)[] = [];
  server.use(
    http.get('*/api/v1/events', ({ request }) => {
      requests.push(request.headers.get('x-workspace'));
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          push = (text) => controller.enqueue(encoder.encode(text));
          push(': connected\n\n');
        },
      });
      return new HttpResponse(body, { headers: { 'content-type': 'text/event-stream' } });
    }),
  );
  return {
    requests,
    send(event: Record<string, unknown>) {
      if (!push) {
        throw new Error('the stream is not open yet');
      }
      push(`event: change\ndata: ${JSON.stringify({ workspace_id: 'w', ...event })}\n\n`);
    },
  };
}

const ID = '00000000-0000-4000-8000-0000000000e1';

describe('useLiveEvents', () => {
  it('refetches the cluster list when the stream announces a new cluster in the workspace', async () => {
    const stream = eventStream();
    let listCalls = 0;
    server.use(
      http.get('*/api/v1/clusters', () => {
        listCalls += 1;
        return HttpResponse.json(
          listCalls === 1 ? [] : [clusterFixture({ name: 'fresh', status: 'creating' })],
        );
      }),
    );
    renderWithProviders(<LiveNames />);
    expect(await screen.findByText('first:none')).toBeInTheDocument();
    await waitFor(() => expect(stream.requests).toEqual(['default']));

    stream.send({ type: 'cluster', id: ID, cluster_id: ID, action: 'create' });
    expect(
      await screen.findByText('first:fresh:creating', {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(listCalls).toBe(2);
  });

  it('replaces a changed row from the cluster alone, without refetching the list per event', async () => {
    const stream = eventStream();
    let listCalls = 0;
    let detailCalls = 0;
    let status: 'creating' | 'in_sync' = 'creating';
    server.use(
      http.get('*/api/v1/clusters', () => {
        listCalls += 1;
        return HttpResponse.json([
          clusterFixture({ id: ID, name: 'prod', status: 'creating' }),
          clusterFixture({ name: 'stage', status: 'in_sync' }),
        ]);
      }),
      http.get(`*/api/v1/clusters/${ID}`, () => {
        detailCalls += 1;
        return HttpResponse.json(clusterFixture({ id: ID, name: 'prod', status }));
      }),
    );
    renderWithProviders(<LiveNames />);
    expect(await screen.findByText('first:prod:creating,stage:in_sync')).toBeInTheDocument();
    await waitFor(() => expect(stream.requests).toHaveLength(1));

    // An operation's progress: many events, the row's status unchanged.
    for (let i = 0; i < 20; i += 1) {
      stream.send({ type: 'operation', id: 'op', cluster_id: ID, action: 'update' });
    }
    await waitFor(() => expect(detailCalls).toBe(1));
    status = 'in_sync';
    stream.send({ type: 'operation', id: 'op', cluster_id: ID, action: 'update' });
    expect(
      await screen.findByText('first:prod:in_sync,stage:in_sync', {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(detailCalls).toBe(2);
    // 21 events: the rows came from two GETs of the cluster; the list was fetched once, plus at
    // most one throttled refresh because the status (and so the order) changed.
    expect(listCalls).toBeLessThanOrEqual(2);
  });

  it('does not restart a list that failed when events arrive', async () => {
    const stream = eventStream();
    const calls = { attention: 0, name: 0 };
    server.use(
      http.get('*/api/v1/clusters', ({ request }) => {
        const sort =
          new URL(request.url).searchParams.get('sort') === 'name' ? 'name' : 'attention';
        calls[sort] += 1;
        return sort === 'attention'
          ? HttpResponse.json({ error: { code: 'internal', message: 'boom' } }, { status: 500 })
          : HttpResponse.json([clusterFixture({ name: `n${calls.name}`, status: 'in_sync' })]);
      }),
    );
    // The app's QueryClient: a failure without data is an error at once, no retries.
    const queryClient = createQueryClient(createI18n('en'));
    renderWithProviders(<LiveNames second />, '/', { queryClient });
    expect(await screen.findByText('first:error')).toBeInTheDocument();
    expect(await screen.findByText('second:n1:in_sync')).toBeInTheDocument();
    expect(calls.attention).toBe(1);
    await waitFor(() => expect(stream.requests).toHaveLength(1));

    stream.send({ type: 'cluster', id: ID, cluster_id: ID, action: 'create' });
    // The healthy list refreshes (the event was applied), the failed one stays as it was.
    expect(await screen.findByText('second:n2:in_sync', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByText('first:error')).toBeInTheDocument();
    expect(calls.attention).toBe(1);
  });
});
