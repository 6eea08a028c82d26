import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { meFixture, registryFixture } from '../../../test/fixtures.js';
import { server } from '../../../test/msw-server.js';
import { renderRoutes } from '../../../test/render.js';
import { RegistriesPage } from './registries-page.js';

const WS = '00000000-0000-4000-8000-0000000000aa';
const DOCKER_CFG = btoa(JSON.stringify({ auths: { 'r.example.com': { auth: btoa('u:p') } } }));

const registry = registryFixture;

const me = (permissions: string[]) =>
  meFixture({
    workspaces: [{ id: WS, slug: 'default', name: 'Default', permissions }],
  });
const WRITER = me([
  'registries:read',
  'registries:write',
  'clusters:read',
  'clusters:write',
  'cluster_templates:read',
]);

function renderPage(permissions = WRITER) {
  return renderRoutes({
    path: '/w/default/registries',
    me: permissions,
    routes: [{ path: '/w/:slug/registries', element: <RegistriesPage /> }],
  });
}

describe('registries page', () => {
  it('lists registries with credentials shown only as set / not set', async () => {
    server.use(
      http.get('*/api/v1/registries', () =>
        HttpResponse.json([
          registry(1, { has_auth: true, ca: '-----BEGIN CERTIFICATE-----\n' }),
          registry(2),
        ]),
      ),
    );
    renderPage();
    const table = await screen.findByRole('table', { name: 'Registries' });
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('r1.example.com/deckhouse/ee');
    expect(rows[1]).toHaveTextContent('Custom CA');
    expect(within(rows[1]!).getByText('set')).toBeInTheDocument();
    expect(within(rows[2]!).getByText('not set')).toBeInTheDocument();
  });

  it('creates a registry with a CA and write-only credentials', async () => {
    let body: Record<string, unknown> | null = null;
    server.use(
      http.get('*/api/v1/registries', () => HttpResponse.json([])),
      http.post('*/api/v1/registries', async ({ request }) => {
        body = (await request.json()) as Record<string, unknown>;
        return HttpResponse.json(registry(3, { has_auth: true }), { status: 201 });
      }),
    );
    renderPage();
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByRole('button', { name: 'Add registry' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByRole('textbox', { name: /^name/i }), 'Mirror');
    await user.type(
      within(dialog).getByRole('textbox', { name: /^images repository/i }),
      'r3.example.com/deckhouse/ee',
    );
    await user.type(within(dialog).getByRole('textbox', { name: /^CA bundle/i }), 'PEM');
    await user.click(within(dialog).getByRole('textbox', { name: 'Credentials' }));
    await user.paste(DOCKER_CFG);
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(body).not.toBeNull());
    expect(body).toEqual({
      name: 'Mirror',
      images_repo: 'r3.example.com/deckhouse/ee',
      scheme: 'HTTPS',
      ca: 'PEM',
      auth: DOCKER_CFG,
    });
  });

  it('keeps credentials when editing without typing new ones', async () => {
    let body: Record<string, unknown> | null = null;
    server.use(
      http.get('*/api/v1/registries', () => HttpResponse.json([registry(1, { has_auth: true })])),
      http.put('*/api/v1/registries/:id', async ({ request }) => {
        body = (await request.json()) as Record<string, unknown>;
        return HttpResponse.json(registry(1, { has_auth: true, name: 'Renamed' }));
      }),
    );
    renderPage();
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByRole('button', { name: 'Edit Registry 1' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByRole('textbox', { name: 'Credentials' })).toHaveValue('');
    expect(within(dialog).getByText('set')).toBeInTheDocument();
    const name = within(dialog).getByRole('textbox', { name: /^name/i });
    await user.clear(name);
    await user.type(name, 'Renamed');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(body).not.toBeNull());
    expect(body).toMatchObject({ name: 'Renamed', current_revision: 1 });
    expect(body).not.toHaveProperty('auth');
  });

  it('explains a 409 when the registry is in use', async () => {
    server.use(
      http.get('*/api/v1/registries', () => HttpResponse.json([registry(1)])),
      http.delete('*/api/v1/registries/:id', () =>
        HttpResponse.json(
          { error: { code: 'in_use', message: '1 cluster(s) use this registry' } },
          { status: 409 },
        ),
      ),
    );
    renderPage();
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByRole('button', { name: 'Delete Registry 1' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Clusters use this registry',
    );
  });

  it('hides the add and edit actions from readers', async () => {
    server.use(http.get('*/api/v1/registries', () => HttpResponse.json([registry(1)])));
    renderPage(me(['registries:read']));
    await screen.findByRole('table', { name: 'Registries' });
    expect(screen.queryByRole('button', { name: 'Add registry' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Edit Registry 1' })).not.toBeInTheDocument();
  });
});
