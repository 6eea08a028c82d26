import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { clusterFixture, meFixture } from '../../../test/fixtures.js';
import { server } from '../../../test/msw-server.js';
import { renderRoutes } from '../../../test/render.js';
import { ClusterOverviewTab } from './cluster-overview-tab.js';
import { ClusterPage } from './cluster-page.js';

const reader = meFixture({
  workspaces: [
    {
      id: '00000000-0000-4000-8000-0000000000aa',
      slug: 'default',
      name: 'Default',
      permissions: ['clusters:read'],
    },
  ],
});

function renderCluster(cluster: ReturnType<typeof clusterFixture>, me = meFixture()) {
  const calls: string[] = [];
  server.use(
    http.get('*/api/v1/cluster_templates', () => HttpResponse.json([])),
    http.get(`*/api/v1/clusters/${cluster.id}`, () => HttpResponse.json(cluster)),
    http.get('*/api/v1/clusters', () => HttpResponse.json([])),
    http.get('*/api/v1/cluster_change_requests', () => HttpResponse.json([])),
    http.post(`*/api/v1/clusters/${cluster.id}/:action`, ({ params }) => {
      calls.push(String(params.action));
      return HttpResponse.json(cluster);
    }),
  );
  renderRoutes({
    me,
    path: `/w/default/clusters/${cluster.id}`,
    routes: [
      { path: '/w/:slug/clusters', element: <p>Cluster list</p> },
      {
        path: '/w/:slug/clusters/:clusterId',
        element: <ClusterPage />,
        children: [{ index: true, element: <ClusterOverviewTab /> }],
      },
    ],
  });
  return calls;
}

describe('recovery actions', () => {
  it('offers "Archive without cleanup" after a failed deletion, confirmed by the name', async () => {
    const cluster = clusterFixture({
      name: 'edge-9',
      status: 'deletion_failed',
      was_created: true,
    });
    const calls = renderCluster(cluster);
    await userEvent.click(await screen.findByRole('button', { name: 'Archive without cleanup' }));
    const dialog = await screen.findByRole('dialog');
    const confirm = within(dialog).getByRole('button', { name: 'Archive without cleanup' });
    expect(confirm).toBeDisabled();
    await userEvent.type(within(dialog).getByLabelText('Type edge-9 to confirm'), 'edge-9');
    await userEvent.click(confirm);
    expect(await screen.findByText('Cluster list')).toBeInTheDocument();
    expect(calls).toEqual(['archive_without_cleanup']);
    expect(screen.queryByRole('button', { name: 'Roll back' })).not.toBeInTheDocument();
  });

  it('offers "Roll back" after a failed change, with a confirmation', async () => {
    const cluster = clusterFixture({
      name: 'edge-8',
      status: 'synchronization_failure',
      was_created: true,
    });
    const calls = renderCluster(cluster);
    await userEvent.click(await screen.findByRole('button', { name: 'Roll back' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText(/a converge to it is queued/)).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Roll back' }));
    await waitFor(() => expect(calls).toEqual(['rollback']));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(
      screen.queryByRole('button', { name: 'Archive without cleanup' }),
    ).not.toBeInTheDocument();
  });

  it('shows neither in other states', async () => {
    renderCluster(clusterFixture({ name: 'edge-7', status: 'in_sync', was_created: true }));
    expect(await screen.findByRole('heading', { level: 1, name: 'edge-7' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Roll back' })).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Archive without cleanup' }),
    ).not.toBeInTheDocument();
  });

  it('hides them from readers', async () => {
    renderCluster(
      clusterFixture({ name: 'edge-6', status: 'deletion_failed', was_created: true }),
      reader,
    );
    expect(await screen.findByRole('heading', { level: 1, name: 'edge-6' })).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Archive without cleanup' }),
    ).not.toBeInTheDocument();
  });
});
