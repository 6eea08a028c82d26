import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { Profiler, useState } from 'react';
import { describe, expect, it, vi } from 'vitest';

import { createQueryClient } from '../../../app/query-client.js';
import { clusterFixture } from '../../../test/fixtures.js';
import { createI18n } from '../../../test/i18n.js';
import { server } from '../../../test/msw-server.js';
import { renderRoutes, renderWithProviders } from '../../../test/render.js';
import { ClustersPage } from '../pages/clusters-page.js';
import { ClusterListView, type ClusterListViewProps } from './cluster-list.js';

function renderView(props: Partial<ClusterListViewProps>) {
  return renderWithProviders(
    <ClusterListView
      slug="default"
      clusters={[]}
      total={0}
      page={1}
      hasFilters={false}
      canCreate
      onClearFilters={() => undefined}
      onPageChange={() => undefined}
      {...props}
    />,
  );
}

describe('ClusterListView', () => {
  it('shows each cluster with its status as words, template version and operation progress', () => {
    renderView({
      total: 3,
      clusters: [
        clusterFixture({
          name: 'prod-1',
          status: 'in_sync',
          cluster_template_version_id: '00000000-0000-4000-8000-00000000c003',
          cluster_template_name: 'Yandex Cloud',
          cluster_template_version_number: 3,
        }),
        clusterFixture({ name: 'stage', status: 'creation_failed' }),
        clusterFixture({
          name: 'dev',
          status: 'creating',
          last_operation: {
            id: '00000000-0000-4000-8000-00000000ffff',
            kind: 'install',
            status: 'running',
            progress: 0.42,
            phase: 'base-infrastructure',
          },
        }),
      ],
    });
    const table = screen.getByRole('table', { name: 'Clusters' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(4);
    const prod = rows[1]!;
    expect(within(prod).getByRole('link', { name: 'prod-1' })).toHaveAttribute(
      'href',
      expect.stringMatching(/^\/w\/default\/clusters\/[0-9a-f-]+$/),
    );
    expect(within(prod).getByRole('status', { name: 'Status: Ready' })).toBeInTheDocument();
    expect(within(prod).getByText('Yandex Cloud · v3')).toBeInTheDocument();
    expect(
      within(rows[2]!).getByRole('status', { name: 'Status: Creation error' }),
    ).toBeInTheDocument();
    expect(within(rows[3]!).getByRole('status', { name: 'Status: Creating' })).toBeInTheDocument();
    expect(
      within(rows[3]!).getByRole('progressbar', { name: 'Installation progress: 42%' }),
    ).toHaveAttribute('aria-valuenow', '42');
    expect(screen.getByText('1–3 of 3')).toBeInTheDocument();
  });

  it('shows each cluster as a card on a phone, with the same words and links', () => {
    renderView({
      layout: 'cards',
      total: 2,
      clusters: [
        clusterFixture({
          name: 'prod-1',
          status: 'in_sync',
          agent_status: 'online',
          cluster_template_version_id: '00000000-0000-4000-8000-00000000c003',
          cluster_template_name: 'Yandex Cloud',
          cluster_template_version_number: 3,
          cluster_agent_data: [
            {
              source: 'overview',
              data: { dkp_version: 'v1.70.1', metrics: { node_count: 3 } },
            },
          ],
        }),
        clusterFixture({
          name: 'dev',
          status: 'creating',
          last_operation: {
            id: '00000000-0000-4000-8000-00000000ffff',
            kind: 'install',
            status: 'running',
            progress: 0.42,
            phase: 'base-infrastructure',
          },
        }),
      ],
    });
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    const list = screen.getByRole('list', { name: 'Clusters' });
    const [prod, dev] = within(list).getAllByRole('listitem');
    expect(within(prod!).getByRole('link', { name: 'prod-1' })).toHaveAttribute(
      'href',
      expect.stringMatching(/^\/w\/default\/clusters\/[0-9a-f-]+$/),
    );
    expect(within(prod!).getByRole('status', { name: 'Status: Ready' })).toBeInTheDocument();
    expect(prod).toHaveTextContent('DKP v1.70.1 · 3 nodes');
    expect(prod).toHaveTextContent('Yandex Cloud · v3');
    expect(
      within(dev!).getByRole('progressbar', { name: 'Installation progress: 42%' }),
    ).toBeInTheDocument();
    expect(screen.getByText('1–2 of 2')).toBeInTheDocument();
  });

  it('renders a bounded number of times when its parent re-renders (no update loop)', async () => {
    // Regression: a sorting array made anew on every render made the table reset its state on
    // every render, which froze the page once the list had rows and the page re-rendered.
    const clusters = [clusterFixture({ name: 'prod' }), clusterFixture({ name: 'stage' })];
    let commits = 0;
    let rerender: () => void = () => undefined;
    function Parent() {
      const [, setTick] = useState(0);
      rerender = () => setTick((n) => n + 1);
      return (
        <Profiler id="list" onRender={() => void commits++}>
          <ClusterListView
            slug="default"
            clusters={clusters}
            total={2}
            page={1}
            sort="name"
            onSortChange={() => undefined}
            hasFilters={false}
            canCreate
            onClearFilters={() => undefined}
            onPageChange={() => undefined}
          />
        </Profiler>
      );
    }
    renderWithProviders(<Parent />);
    expect(await screen.findByRole('link', { name: 'prod' })).toBeInTheDocument();
    const before = commits;
    act(() => rerender());
    act(() => rerender());
    // Flush every pending effect and render (a render loop would keep committing here).
    await act(() => Promise.resolve());
    // Three commits per parent render at most (the loop made more and, in a browser, never stopped).
    expect(commits - before).toBeLessThanOrEqual(6);
  });

  it('explains how to create the first cluster when there is none', () => {
    renderView({ clusters: [] });
    expect(screen.getByText('No clusters yet')).toBeInTheDocument();
    expect(screen.getByText(/Create a cluster from a template/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Create cluster' })).toHaveAttribute(
      'href',
      '/w/default/clusters/new',
    );
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('offers no create button to readers', () => {
    renderView({ clusters: [], canCreate: false });
    expect(screen.queryByRole('link', { name: 'Create cluster' })).not.toBeInTheDocument();
  });

  it('offers to clear filters that match nothing', async () => {
    const onClearFilters = vi.fn();
    renderView({ clusters: [], hasFilters: true, onClearFilters });
    expect(screen.getByText('No clusters match the filters')).toBeInTheDocument();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(onClearFilters).toHaveBeenCalledOnce();
  });
});

describe('ClustersPage', () => {
  it('asks the API with the filters and page from the URL, in the workspace of the URL', async () => {
    const requests: URL[] = [];
    const workspaces: (string | null)[] = [];
    server.use(
      http.get('*/api/v1/clusters', ({ request }) => {
        requests.push(new URL(request.url));
        workspaces.push(request.headers.get('x-workspace'));
        return HttpResponse.json([clusterFixture({ name: 'prod-7', status: 'in_sync' })], {
          headers: { 'x-total-count': '51' },
        });
      }),
    );
    renderRoutes({
      path: '/w/default/clusters?status=in_sync&q=prod&page=3',
      routes: [{ path: '/w/:slug/clusters', element: <ClustersPage /> }],
    });
    expect(await screen.findByRole('link', { name: 'prod-7' })).toBeInTheDocument();
    const url = requests.at(-1)!;
    expect(Object.fromEntries(url.searchParams)).toEqual({
      without_archived: 'true',
      status: 'in_sync',
      q: 'prod',
      sort: 'attention',
      limit: '25',
      offset: '50',
    });
    expect(workspaces.at(-1)).toBe('default');
    expect(screen.getByLabelText('Search by name')).toHaveValue('prod');
    expect(screen.getByRole('navigation', { name: 'Cluster pages' })).toBeInTheDocument();
    expect(screen.getByText('51–51 of 51')).toBeInTheDocument();
  });

  it('shows the error as soon as the list fails, without retrying, and recovers on Retry', async () => {
    let calls = 0;
    server.use(
      http.get('*/api/v1/clusters', () => {
        calls += 1;
        return calls === 1
          ? HttpResponse.json(
              { error: { code: 'internal', message: 'database down' } },
              { status: 500 },
            )
          : HttpResponse.json([clusterFixture({ name: 'back' })]);
      }),
    );
    renderRoutes({
      path: '/w/default/clusters',
      routes: [{ path: '/w/:slug/clusters', element: <ClustersPage /> }],
      // The app's own client: its retry rule is what is under test.
      queryClient: createQueryClient(createI18n('en')),
    });
    expect(await screen.findByRole('alert')).toHaveTextContent('database down');
    expect(calls).toBe(1);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('link', { name: 'back' })).toBeInTheDocument();
  });

  it('orders by a column on the server, both ways, then back to "needs attention first"', async () => {
    const sorts: (string | null)[] = [];
    server.use(
      http.get('*/api/v1/clusters', ({ request }) => {
        sorts.push(new URL(request.url).searchParams.get('sort'));
        return HttpResponse.json([clusterFixture({ name: 'prod', status: 'creation_failed' })], {
          headers: { 'x-total-count': '1' },
        });
      }),
    );
    const { router } = renderRoutes({
      path: '/w/default/clusters?page=2',
      routes: [{ path: '/w/:slug/clusters', element: <ClustersPage /> }],
    });
    expect(await screen.findByText('Needs attention first')).toBeInTheDocument();
    expect(sorts).toEqual(['attention']);
    // The status badge keeps its whole word (no ellipsis) and is not a sort button.
    expect(screen.getByRole('status', { name: 'Status: Creation error' })).toHaveTextContent(
      'Creation error',
    );
    expect(screen.queryByRole('button', { name: /Nodes/ })).not.toBeInTheDocument();

    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Name' }));
    await screen.findByText('By Name, ascending');
    expect(router.state.location.search).toBe('?sort=name');
    expect(screen.getByRole('columnheader', { name: 'Name' })).toHaveAttribute(
      'aria-sort',
      'ascending',
    );
    await user.click(screen.getByRole('button', { name: 'Name' }));
    await screen.findByText('By Name, descending');
    await user.click(screen.getByRole('button', { name: 'Name' }));
    await screen.findByText('Needs attention first');
    expect(router.state.location.search).toBe('');
    // Back to the default order: its cached page is refreshed.
    expect(sorts).toEqual(['attention', 'name', '-name', 'attention']);
  });

  it('shows a skeleton while loading, not a spinner', async () => {
    server.use(
      http.get('*/api/v1/clusters', async () => {
        await new Promise((resolve) => setTimeout(resolve, 200));
        return HttpResponse.json([]);
      }),
    );
    renderRoutes({
      path: '/w/default/clusters',
      routes: [{ path: '/w/:slug/clusters', element: <ClustersPage /> }],
    });
    expect(screen.getByRole('table', { name: 'Loading' })).toHaveAttribute('aria-busy', 'true');
    expect(await screen.findByText('No clusters yet', {}, { timeout: 5000 })).toBeInTheDocument();
  });
});
