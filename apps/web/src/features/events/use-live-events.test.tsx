import { useQuery } from '@tanstack/react-query';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { clusterFixture } from '../../test/fixtures.js';
import { server } from '../../test/msw-server.js';
import { renderWithProviders } from '../../test/render.js';
import { clusterQueries } from '../clusters/clusters.api.js';
import { useLiveEvents } from './live-events.js';

function LiveNames() {
  useLiveEvents('default');
  const clusters = useQuery(clusterQueries.list('default', { page: 1 }));
  return (
    <p>
      {clusters.data
        ? clusters.data.items.map((c) => `${c.name}:${c.status}`).join(',') || 'none'
        : 'loading'}
    </p>
  );
}

describe('useLiveEvents', () => {
  it('refetches the cluster list when the stream announces a change in the workspace', async () => {
    const encoder = new TextEncoder();
    let push!: (text: string) => void;
    const eventRequests: (string | null)[] = [];
    let listCalls = 0;
    server.use(
      http.get('*/api/v1/events', ({ request }) => {
        eventRequests.push(request.headers.get('x-workspace'));
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            push = (text) => controller.enqueue(encoder.encode(text));
            push(': connected\n\n');
          },
        });
        return new HttpResponse(body, { headers: { 'content-type': 'text/event-stream' } });
      }),
      http.get('*/api/v1/clusters', () => {
        listCalls += 1;
        return HttpResponse.json(
          listCalls === 1 ? [] : [clusterFixture({ name: 'fresh', status: 'creating' })],
        );
      }),
    );
    renderWithProviders(<LiveNames />);
    expect(await screen.findByText('none')).toBeInTheDocument();
    expect(eventRequests).toEqual(['default']);

    const id = '00000000-0000-4000-8000-0000000000e1';
    push(
      `event: change\ndata: ${JSON.stringify({ type: 'cluster', id, workspace_id: 'w', cluster_id: id, action: 'create' })}\n\n`,
    );
    expect(await screen.findByText('fresh:creating')).toBeInTheDocument();
    expect(listCalls).toBe(2);
  });
});
