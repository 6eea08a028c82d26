import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { meFixture } from '../../../test/fixtures.js';
import { server } from '../../../test/msw-server.js';
import { renderRoutes } from '../../../test/render.js';
import { CatalogPage } from './catalog-page.js';

const NOW = '2026-11-28T12:00:00.000Z';
const CATALOG_ID = '00000000-0000-4000-8000-0000000000d1';

const catalog = {
  id: CATALOG_ID,
  workspace_id: '00000000-0000-4000-8000-0000000000aa',
  slug: 'static-hosts',
  name: 'Static hosts',
  params: [
    { key: 'host', type: 'string', format: 'ipv4', title: 'IP address', identifier: true },
    { key: 'hostname', type: 'string', title: 'Hostname', identifier: true },
    { key: 'rack', type: 'string', title: 'Rack' },
    {
      key: 'bmcPassword',
      type: 'string',
      format: 'password',
      title: 'BMC password',
      optional: true,
    },
  ],
  usage: 'exclusive',
  records_count: 3,
  used_records_count: 1,
  current_revision: 1,
  created_at: NOW,
  updated_at: NOW,
  archived_at: null,
  archive_number: null,
};

function record(n: number, overrides: Record<string, unknown> = {}) {
  return {
    id: `00000000-0000-4000-8000-00000000e${String(n).padStart(3, '0')}`,
    catalog_id: CATALOG_ID,
    cluster_id: null,
    values: { host: `10.0.1.${n}`, hostname: `node-${n}`, rack: 'r1', bmcPassword: null },
    secret_values: { bmcPassword: { has_value: true } },
    schema_matches: true,
    used_by: [],
    current_revision: 1,
    created_at: NOW,
    updated_at: NOW,
    archived_at: null,
    archive_number: null,
    ...overrides,
  };
}

const records = [
  record(1, {
    cluster_id: '00000000-0000-4000-8000-0000000000c1',
    used_by: [{ cluster_id: '00000000-0000-4000-8000-0000000000c1', cluster_name: 'prod-1' }],
  }),
  record(2),
  record(3, { values: { ip: '192.0.2.1' }, schema_matches: false }),
];

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

function renderCatalog(path = `/w/default/inventory/${CATALOG_ID}`) {
  server.use(
    http.get(`*/api/v1/catalogs/${CATALOG_ID}`, () => HttpResponse.json(catalog)),
    http.get('*/api/v1/records', () =>
      HttpResponse.json(records, { headers: { 'X-Total-Count': String(records.length) } }),
    ),
  );
  return renderRoutes({
    path,
    me: writer,
    routes: [
      { path: '/w/:slug/inventory/:catalogId', element: <CatalogPage /> },
      { path: '/w/:slug/clusters/:clusterId', element: <p>Cluster page</p> },
    ],
  });
}

describe('catalog records', () => {
  it('shows identifier fields as columns, the clusters using a record and schema matches', async () => {
    renderCatalog();
    const table = await screen.findByRole('table', { name: 'Records' });
    const headers = within(table)
      .getAllByRole('columnheader')
      .map((h) => h.textContent);
    // Only the identifier fields; never the password.
    expect(headers).toEqual(['IP address', 'Hostname', 'Used by', 'Schema', 'Actions']);
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);
    expect(within(rows[0]!).getByRole('link', { name: 'prod-1' })).toHaveAttribute(
      'href',
      '/w/default/clusters/00000000-0000-4000-8000-0000000000c1',
    );
    expect(rows[0]).toHaveTextContent('10.0.1.1');
    expect(rows[0]).toHaveTextContent('Matches');
    expect(rows[1]).toHaveTextContent('Free');
    expect(rows[2]).toHaveTextContent('Does not match');
    expect(rows[2]).not.toHaveTextContent('192.0.2.1');
  });

  it('filters free and used records, with the filter in the URL', async () => {
    const user = userEvent.setup({ delay: null });
    const { router } = renderCatalog();
    const table = await screen.findByRole('table', { name: 'Records' });
    await user.click(screen.getByRole('radio', { name: 'Used' }));
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(2));
    expect(router.state.location.search).toBe('?filter=used');
    expect(within(table).getByRole('link', { name: 'prod-1' })).toBeInTheDocument();
    await user.click(screen.getByRole('radio', { name: 'Free' }));
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(3));
    expect(within(table).queryByRole('link', { name: 'prod-1' })).not.toBeInTheDocument();
  });

  it('starts from the filter in the URL', async () => {
    renderCatalog(`/w/default/inventory/${CATALOG_ID}?filter=free`);
    const table = await screen.findByRole('table', { name: 'Records' });
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(screen.getByRole('radio', { name: 'Free' })).toBeChecked();
  });

  it('edits a record with the form its schema generates, keeping the stored password', async () => {
    let body: unknown = null;
    server.use(
      http.put(`*/api/v1/records/${records[1]!.id}`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(records[1]);
      }),
    );
    const user = userEvent.setup({ delay: null });
    renderCatalog();
    await user.click(await screen.findByRole('button', { name: 'Edit record 10.0.1.2, node-2' }));
    const dialog = await screen.findByRole('dialog');
    const host = within(dialog).getByRole('textbox', { name: 'IP address' });
    expect(host).toHaveValue('10.0.1.2');
    await user.clear(host);
    await user.type(host, '10.0.1.300');
    expect(host).toHaveAccessibleDescription(expect.stringContaining('Must be an IPv4 address'));
    await user.clear(host);
    await user.type(host, '10.0.1.22');
    expect(within(dialog).getByLabelText(/^BMC password/)).toHaveAttribute(
      'placeholder',
      'Unchanged',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(body).toEqual({
        values: { host: '10.0.1.22', hostname: 'node-2', rack: 'r1', bmcPassword: null },
        current_revision: 1,
      }),
    );
  });

  it('explains why a used record cannot be archived', async () => {
    server.use(
      http.delete(`*/api/v1/records/${records[0]!.id}`, () =>
        HttpResponse.json(
          {
            error: {
              code: 'in_use',
              message:
                'The record is used by a cluster; free it first (change or delete the cluster)',
            },
          },
          { status: 409 },
        ),
      ),
    );
    const user = userEvent.setup({ delay: null });
    renderCatalog();
    await user.click(
      await screen.findByRole('button', { name: 'Archive record 10.0.1.1, node-1' }),
    );
    const dialog = await screen.findByRole('dialog', { name: 'Archive this record?' });
    await user.click(within(dialog).getByRole('button', { name: 'Archive record' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('The record is used by a cluster; free it first');
    expect(alert).toHaveTextContent('in_use');
  });
});
