import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import {
  clusterFixture,
  meFixture,
  registryFixture,
  templateFixture,
  versionFixture,
} from '../../../test/fixtures.js';
import { server } from '../../../test/msw-server.js';
import { renderRoutes } from '../../../test/render.js';
import { ClusterPage } from './cluster-page.js';
import { ClusterSettingsTab } from './cluster-settings-tab.js';
import { CreateClusterPage } from './create-cluster-page.js';

const WS = '00000000-0000-4000-8000-0000000000aa';

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
