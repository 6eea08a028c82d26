import { screen, waitFor, within } from '@testing-library/react';
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
import { ClusterPage } from '../../clusters/pages/cluster-page.js';
import { CreateClusterPage } from '../../clusters/pages/create-cluster-page.js';
import { ClusterSettingsTab } from '../../lifecycle/pages/cluster-settings-tab.js';
import { RegistriesPage } from './registries-page.js';

const NOW = '2026-11-28T12:00:00.000Z';
const WS = '00000000-0000-4000-8000-0000000000aa';
const DOCKER_CFG = btoa(JSON.stringify({ auths: { 'r.example.com': { auth: btoa('u:p') } } }));

function registry(n: number, overrides: Record<string, unknown> = {}) {
  return {
    id: `00000000-0000-4000-8000-00000000f00${n}`,
    workspace_id: WS,
    name: `Registry ${n}`,
    images_repo: `r${n}.example.com/deckhouse/ee`,
    scheme: 'HTTPS',
    ca: '',
    has_auth: false,
    current_revision: 1,
    created_at: NOW,
    updated_at: NOW,
    archived_at: null,
    ...overrides,
  };
}

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

describe('registry picker in the create cluster form', () => {
  it('sends the chosen registry with mode Direct by default, or Unmanaged', async () => {
    const version = versionFixture({ number: 1, available: true });
    const template = templateFixture({
      name: 'Static',
      cluster_template_versions: [version],
      current_cluster_template_version_id: version.id,
    });
    let body: Record<string, unknown> | null = null;
    server.use(
      http.get('*/api/v1/cluster_templates', () => HttpResponse.json([template])),
      http.get('*/api/v1/registries', () => HttpResponse.json([registry(1), registry(2)])),
      http.post('*/api/v1/clusters', async ({ request }) => {
        body = (await request.json()) as Record<string, unknown>;
        return HttpResponse.json(clusterFixture({ name: 'prod', status: 'new' }), { status: 201 });
      }),
    );
    renderRoutes({
      path: '/w/default/clusters/new',
      me: WRITER,
      routes: [
        { path: '/w/:slug/clusters/new', element: <CreateClusterPage /> },
        { path: '/w/:slug/clusters/:clusterId', element: <p>Cluster page</p> },
      ],
    });
    const user = userEvent.setup({ delay: null });
    await user.type(await screen.findByRole('textbox', { name: /^name/i }), 'prod');
    await user.click(screen.getByRole('combobox', { name: 'Container registry' }));
    await user.click(
      await screen.findByRole('option', {
        name: 'Registry 2 (r2.example.com/deckhouse/ee)',
        hidden: true,
      }),
    );
    expect(screen.getByRole('radio', { name: 'Direct' })).toBeChecked();
    await user.click(screen.getByRole('radio', { name: 'Unmanaged' }));
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Create cluster' })).toBeEnabled(),
    );
    await user.click(screen.getByRole('button', { name: 'Create cluster' }));
    expect(await screen.findByText('Cluster page')).toBeInTheDocument();
    expect(body).toMatchObject({
      name: 'prod',
      registry_id: registry(2).id,
      registry_mode: 'Unmanaged',
    });
  });
});

describe('registry in cluster settings', () => {
  it('changes the registry with a PUT of the cluster that keeps its values and revision', async () => {
    const cluster = clusterFixture({
      name: 'edge-1',
      status: 'new',
      cluster_template_version_id: '00000000-0000-4000-8000-0000000000e1',
      values: { replicas: 3, password: null },
      registry_id: registry(1).id,
      registry_mode: 'Direct',
      current_revision: 4,
    });
    let body: Record<string, unknown> | null = null;
    server.use(
      http.get(`*/api/v1/clusters/${cluster.id}`, () => HttpResponse.json(cluster)),
      http.get('*/api/v1/cluster_templates', () => HttpResponse.json([])),
      http.get('*/api/v1/clusters', () => HttpResponse.json([])),
      http.get('*/api/v1/registries', () => HttpResponse.json([registry(1), registry(2)])),
      http.put(`*/api/v1/clusters/${cluster.id}`, async ({ request }) => {
        body = (await request.json()) as Record<string, unknown>;
        return HttpResponse.json({ ...cluster, registry_id: registry(2).id, current_revision: 5 });
      }),
    );
    renderRoutes({
      me: WRITER,
      path: `/w/default/clusters/${cluster.id}/settings`,
      routes: [
        {
          path: '/w/:slug/clusters/:clusterId',
          element: <ClusterPage />,
          children: [{ path: 'settings', element: <ClusterSettingsTab /> }],
        },
      ],
    });
    const user = userEvent.setup({ delay: null });
    const picker = await screen.findByRole('combobox', { name: 'Container registry' });
    await waitFor(() => expect(picker).toHaveValue('Registry 1 (r1.example.com/deckhouse/ee)'));
    await user.click(picker);
    await user.click(
      await screen.findByRole('option', {
        name: 'Registry 2 (r2.example.com/deckhouse/ee)',
        hidden: true,
      }),
    );
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(body).not.toBeNull());
    expect(body).toEqual({
      name: 'edge-1',
      cluster_template_version_id: cluster.cluster_template_version_id,
      values: { replicas: 3, password: null },
      current_revision: 4,
      registry_id: registry(2).id,
      registry_mode: 'Direct',
    });
  });
});
