import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import {
  clusterFixture,
  meFixture,
  templateFixture,
  versionFixture,
} from '../../../test/fixtures.js';
import { server } from '../../../test/msw-server.js';
import { renderRoutes } from '../../../test/render.js';
import { clusterQueries } from '../../cluster-shared/clusters.api.js';
import { ClusterOverviewTab } from './cluster-overview-tab.js';
import { ClusterPage } from './cluster-page.js';
import { ClusterSettingsTab } from './cluster-settings-tab.js';

const version = versionFixture({ number: 4 });
const template = templateFixture({ name: 'Yandex Cloud', cluster_template_versions: [version] });

function renderCluster(
  cluster: ReturnType<typeof clusterFixture>,
  me = meFixture(),
  initiallyGone = false,
  tab = '',
) {
  let gone = initiallyGone;
  server.use(
    http.get('*/api/v1/cluster_templates', () => HttpResponse.json([template])),
    http.get(`*/api/v1/clusters/${cluster.id}`, () =>
      gone
        ? HttpResponse.json(
            { error: { code: 'not_found', message: 'Cluster not found' } },
            { status: 404 },
          )
        : HttpResponse.json(cluster),
    ),
    http.delete(`*/api/v1/clusters/${cluster.id}`, () =>
      HttpResponse.json({ ...cluster, status: 'delete' }),
    ),
    http.get('*/api/v1/clusters', () => HttpResponse.json([])),
    http.get('*/api/v1/cluster_change_requests', () => HttpResponse.json([])),
  );
  const result = renderRoutes({
    me,
    path: `/w/default/clusters/${cluster.id}${tab}`,
    routes: [
      { path: '/w/:slug/clusters', element: <p>Cluster list</p> },
      {
        path: '/w/:slug/clusters/:clusterId',
        element: <ClusterPage />,
        children: [
          { index: true, element: <ClusterOverviewTab /> },
          { path: 'settings', element: <ClusterSettingsTab /> },
        ],
      },
    ],
  });
  return { ...result, finishDeletion: () => (gone = true) };
}

describe('cluster page', () => {
  it('shows the name as the heading, the status, template version, settings and render errors', async () => {
    const cluster = clusterFixture({
      name: 'edge-3',
      status: 'configuration_error',
      cluster_template_version_id: version.id,
      render_errors: [
        { section: 'kubernetes', line: 3, column: 14, message: 'undefined variable "$x"' },
      ],
      settings: { change_mode: 'manual', check_interval: 15 },
      connection_hosts: { masters: [{ host: '10.0.0.5', user: 'ubuntu' }] },
    });
    renderCluster(cluster);
    expect(await screen.findByRole('heading', { level: 1, name: 'edge-3' })).toBeInTheDocument();
    expect(
      screen.getAllByRole('status', { name: 'Status: Configuration error' }).length,
    ).toBeGreaterThan(0);
    expect(await screen.findByText('Yandex Cloud · v4')).toBeInTheDocument();
    const errors = screen.getByRole('alert');
    expect(errors).toHaveTextContent('The configuration does not render');
    expect(errors).toHaveTextContent('kubernetes · 3:14');
    expect(errors).toHaveTextContent('undefined variable "$x"');
    expect(screen.getByText('Manual (changes wait for confirmation)')).toBeInTheDocument();
    expect(screen.getByText('Every 15 minutes')).toBeInTheDocument();
    expect(
      within(screen.getByRole('table', { name: 'Master hosts' })).getByText('10.0.0.5'),
    ).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Overview' })).toHaveAttribute('aria-selected', 'true');
  });

  it('deletes after the name is typed, shows the deletion, and returns to the list once the cluster is gone', async () => {
    const cluster = clusterFixture({ name: 'edge-3', status: 'in_sync' });
    const { queryClient, router, finishDeletion } = renderCluster(
      cluster,
      meFixture(),
      false,
      '/settings',
    );
    const user = userEvent.setup();
    const danger = await screen.findByRole('region', { name: 'Danger zone' });
    await user.click(within(danger).getByRole('button', { name: 'Delete cluster' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete cluster edge-3?' });
    const confirm = within(dialog).getByRole('button', { name: 'Delete cluster' });
    await user.type(
      within(dialog).getByRole('textbox', { name: 'Type edge-3 to confirm' }),
      'edge',
    );
    expect(confirm).toBeDisabled();
    await user.type(within(dialog).getByRole('textbox', { name: 'Type edge-3 to confirm' }), '-3');
    await user.click(confirm);

    expect(await screen.findByText(/Deletion in progress/)).toBeInTheDocument();
    expect(screen.getAllByRole('status', { name: 'Status: Deleting' }).length).toBeGreaterThan(0);
    expect(screen.queryByRole('button', { name: 'Delete cluster' })).not.toBeInTheDocument();

    // The manager finishes; the live stream (or polling) refetches and the API answers 404.
    finishDeletion();
    await queryClient.invalidateQueries({
      queryKey: clusterQueries.detail('default', cluster.id).queryKey,
    });
    expect(await screen.findByText('Cluster list')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/w/default/clusters');
  });

  it('explains a cluster that does not exist', async () => {
    renderCluster(clusterFixture({ name: 'ghost' }), meFixture(), true);
    expect(await screen.findByText('Cluster not found')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back to clusters' })).toHaveAttribute(
      'href',
      '/w/default/clusters',
    );
  });

  it('keeps Delete in the Settings tab danger zone, not in the header of every tab', async () => {
    renderCluster(clusterFixture({ name: 'edge-4', status: 'in_sync' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'edge-4' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete cluster' })).not.toBeInTheDocument();
  });

  it('offers no delete to readers', async () => {
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
    const cluster = clusterFixture({ name: 'edge-3' });
    renderCluster(cluster, reader, false, '/settings');
    expect(await screen.findByRole('heading', { level: 1, name: 'edge-3' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete cluster' })).not.toBeInTheDocument();
  });

  it('offers the Administration tab only with clusters:admin:read', async () => {
    const cluster = clusterFixture({ name: 'edge-5', status: 'in_sync' });
    renderCluster(cluster);
    expect(await screen.findByRole('heading', { level: 1, name: 'edge-5' })).toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: 'Administration' })).not.toBeInTheDocument();
  });

  it('shows the Administration tab to a holder of clusters:admin:read', async () => {
    const admin = meFixture({
      workspaces: [
        {
          id: '00000000-0000-4000-8000-0000000000aa',
          slug: 'default',
          name: 'Default',
          permissions: ['clusters:read', 'clusters:admin:read'],
        },
      ],
    });
    renderCluster(clusterFixture({ name: 'edge-6', status: 'in_sync' }), admin);
    expect(await screen.findByRole('tab', { name: 'Administration' })).toBeInTheDocument();
  });
});
