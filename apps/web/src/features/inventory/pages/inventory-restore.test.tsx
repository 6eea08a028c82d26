import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { meFixture } from '../../../test/fixtures.js';
import { server } from '../../../test/msw-server.js';
import { renderRoutes } from '../../../test/render.js';
import { CatalogPage } from './catalog-page.js';
import { InventoryPage } from './inventory-page.js';

const NOW = '2026-11-28T12:00:00.000Z';

function catalogFixture(n: number, archived: boolean) {
  return {
    id: `00000000-0000-4000-8000-0000000000d${n}`,
    workspace_id: '00000000-0000-4000-8000-0000000000aa',
    slug: `hosts-${n}`,
    name: `Hosts ${n}`,
    params: [{ key: 'host', type: 'string', title: 'IP address', identifier: true }],
    usage: 'exclusive',
    records_count: 1,
    used_records_count: 0,
    current_revision: 1,
    created_at: NOW,
    updated_at: NOW,
    archived_at: archived ? NOW : null,
    archive_number: archived ? 1 : null,
  };
}

function recordFixture(n: number, catalogId: string, archived: boolean) {
  return {
    id: `00000000-0000-4000-8000-00000000e00${n}`,
    catalog_id: catalogId,
    cluster_id: null,
    values: { host: `10.0.9.${n}` },
    secret_values: {},
    schema_matches: true,
    used_by: [],
    current_revision: 1,
    created_at: NOW,
    updated_at: NOW,
    archived_at: archived ? NOW : null,
    archive_number: archived ? 1 : null,
  };
}

const writer = meFixture({
  workspaces: [
    {
      id: '00000000-0000-4000-8000-0000000000aa',
      slug: 'default',
      name: 'Default',
      permissions: ['catalogs:read', 'catalogs:write', 'clusters:read'],
    },
  ],
});

describe('restoring archived inventory', () => {
  it('lists archived catalogs on request and restores one', async () => {
    const live = catalogFixture(1, false);
    const archived = catalogFixture(2, true);
    const queries: string[] = [];
    const restored: string[] = [];
    server.use(
      http.get('*/api/v1/catalogs', ({ request }) => {
        const showAll = new URL(request.url).searchParams.get('without_archived') === 'false';
        queries.push(showAll ? 'all' : 'live');
        return HttpResponse.json(showAll ? [live, archived] : [live]);
      }),
      http.post('*/api/v1/catalogs/:id/restore', ({ params }) => {
        restored.push(String(params.id));
        return HttpResponse.json({ ...archived, archived_at: null, archive_number: null });
      }),
    );
    const user = userEvent.setup({ delay: null });
    renderRoutes({
      path: '/w/default/inventory',
      me: writer,
      routes: [{ path: '/w/:slug/inventory', element: <InventoryPage /> }],
    });
    await screen.findByRole('link', { name: 'Hosts 1' });
    expect(screen.queryByRole('link', { name: 'Hosts 2' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Restore/ })).toBeNull();

    await user.click(screen.getByRole('switch', { name: 'Show archived' }));
    const table = await screen.findByRole('table', { name: 'Catalogs' });
    const row = await within(table).findByRole('row', { name: /Hosts 2/ });
    expect(row).toHaveTextContent('archived');
    const liveRow = within(table).getByRole('row', { name: /Hosts 1/ });
    expect(within(liveRow).queryByRole('button', { name: /Restore/ })).toBeNull();
    await user.click(within(row).getByRole('button', { name: 'Restore Hosts 2' }));
    await waitFor(() => expect(restored).toEqual([archived.id]));
    expect(queries).toContain('all');
  });

  it('shows archived records with a Restore action on the catalog page', async () => {
    const catalog = catalogFixture(3, false);
    const live = recordFixture(1, catalog.id, false);
    const archived = recordFixture(2, catalog.id, true);
    const restored: string[] = [];
    server.use(
      http.get(`*/api/v1/catalogs/${catalog.id}`, () => HttpResponse.json(catalog)),
      http.get('*/api/v1/records', ({ request }) => {
        const showAll = new URL(request.url).searchParams.get('without_archived') === 'false';
        const items = showAll ? [live, archived] : [live];
        return HttpResponse.json(items, { headers: { 'X-Total-Count': String(items.length) } });
      }),
      http.post('*/api/v1/records/:id/restore', ({ params }) => {
        restored.push(String(params.id));
        return HttpResponse.json({ ...archived, archived_at: null, archive_number: null });
      }),
    );
    const user = userEvent.setup({ delay: null });
    renderRoutes({
      path: `/w/default/inventory/${catalog.id}?archived=show`,
      me: writer,
      routes: [{ path: '/w/:slug/inventory/:catalogId', element: <CatalogPage /> }],
    });
    const table = await screen.findByRole('table', { name: 'Records' });
    const row = await within(table).findByRole('row', { name: /10\.0\.9\.2/ });
    const liveRow = within(table).getByRole('row', { name: /10\.0\.9\.1/ });
    expect(within(liveRow).queryByRole('button', { name: /^Restore/ })).toBeNull();
    await user.click(within(row).getByRole('button', { name: /^Restore/ }));
    await waitFor(() => expect(restored).toEqual([archived.id]));
  });
});
