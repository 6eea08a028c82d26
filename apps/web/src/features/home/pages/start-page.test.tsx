import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { meFixture } from '../../../test/fixtures.js';
import { server } from '../../../test/msw-server.js';
import { renderRoutes } from '../../../test/render.js';
import { StartPage } from './start-page.js';

const second = {
  id: '00000000-0000-4000-8000-0000000000bb',
  slug: 'edge',
  name: 'Edge',
  permissions: ['clusters:read'],
};

function renderStart(path: string, me = meFixture()) {
  server.use(
    http.get('*/api/v1/workspaces', () =>
      HttpResponse.json(
        me.workspaces.map((w) => ({
          id: w.id,
          name: w.name,
          slug: w.slug,
          current_revision: 1,
          created_at: '2026-11-28T12:00:00.000Z',
          updated_at: '2026-11-28T12:00:00.000Z',
          archived_at: null,
          cluster_counts: {},
        })),
      ),
    ),
  );
  return renderRoutes({
    me,
    path,
    routes: [
      { path: '/', element: <StartPage /> },
      { path: '/w/:slug/clusters', element: <p>Cluster list</p> },
    ],
  });
}

describe('start page', () => {
  it('goes straight into the only workspace (where sign-in lands)', async () => {
    const { router } = renderStart('/');
    expect(await screen.findByText('Cluster list')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/w/default/clusters');
  });

  it('shows the workspaces with ?all=1, and with more than one', async () => {
    renderStart('/?all=1');
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Workspaces' }),
    ).toBeInTheDocument();
  });

  it('lists several workspaces', async () => {
    const me = meFixture();
    const { router } = renderStart('/', { ...me, workspaces: [...me.workspaces, second] });
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Workspaces' }),
    ).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/');
  });
});
