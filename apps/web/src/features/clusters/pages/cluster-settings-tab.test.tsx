import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { clusterFixture, meFixture, operationFixture } from '../../../test/fixtures.js';
import { server } from '../../../test/msw-server.js';
import { renderRoutes } from '../../../test/render.js';
import { ClusterPage } from './cluster-page.js';
import { ClusterSettingsTab } from './cluster-settings-tab.js';

function renderSettings(cluster = clusterFixture({ name: 'edge-3', status: 'in_sync' })) {
  const calls: { path: string; body: unknown }[] = [];
  let current = cluster;
  server.use(
    http.get(`*/api/v1/clusters/${cluster.id}`, () => HttpResponse.json(current)),
    http.get('*/api/v1/cluster_templates', () => HttpResponse.json([])),
    http.get('*/api/v1/clusters', () => HttpResponse.json([])),
    http.put(`*/api/v1/clusters/${cluster.id}/settings`, async ({ request }) => {
      const body = (await request.json()) as typeof cluster.settings;
      calls.push({ path: 'settings', body });
      current = { ...current, settings: { ...current.settings, ...body } };
      return HttpResponse.json(current);
    }),
    http.post(`*/api/v1/clusters/${cluster.id}/:action`, ({ params }) => {
      calls.push({ path: String(params.action), body: null });
      return HttpResponse.json(
        operationFixture({ cluster_id: cluster.id, kind: 'check', status: 'queued' }),
        {
          status: 202,
        },
      );
    }),
  );
  const me = meFixture({
    workspaces: [
      ...meFixture().workspaces,
      {
        id: '00000000-0000-4000-8000-0000000000bb',
        slug: 'staging',
        name: 'Staging',
        permissions: ['clusters:read', 'clusters:write'],
      },
      {
        id: '00000000-0000-4000-8000-0000000000cc',
        slug: 'audit-only',
        name: 'Audit only',
        permissions: ['clusters:read'],
      },
    ],
  });
  const result = renderRoutes({
    me,
    path: `/w/default/clusters/${cluster.id}/settings`,
    routes: [
      {
        path: '/w/:slug/clusters/:clusterId',
        element: <ClusterPage />,
        children: [{ path: 'settings', element: <ClusterSettingsTab /> }],
      },
    ],
  });
  return { ...result, calls };
}

describe('cluster settings tab', () => {
  it('saves the change mode and check interval, validating the interval as typed', async () => {
    const { calls } = renderSettings();
    const user = userEvent.setup();
    const form = await screen.findByRole('form', { name: 'Cluster settings' });
    expect(screen.getByRole('tab', { name: 'Settings' })).toHaveAttribute('aria-selected', 'true');
    const save = within(form).getByRole('button', { name: 'Save settings' });
    expect(save).toBeDisabled();
    await user.click(within(form).getByRole('radio', { name: /^Manual/ }));
    const interval = within(form).getByRole('textbox', { name: /Check interval/ });
    await user.clear(interval);
    expect(within(form).getByText('A whole number of minutes from 1 to 10080')).toBeInTheDocument();
    await user.type(interval, '15');
    await user.click(save);
    await waitFor(() =>
      expect(calls).toEqual([
        { path: 'settings', body: { change_mode: 'manual', check_interval: 15 } },
      ]),
    );
    // The saved settings come back: the form starts afresh from them.
    await waitFor(() =>
      expect(
        within(screen.getByRole('form', { name: 'Cluster settings' })).getByRole('button', {
          name: 'Save settings',
        }),
      ).toBeDisabled(),
    );
    expect(screen.getByRole('radio', { name: /^Manual/ })).toBeChecked();
  });

  it('checks now, and offers only workspaces the user can write as move targets', async () => {
    const { calls } = renderSettings();
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Check now' }));
    await waitFor(() => expect(calls.map((c) => c.path)).toEqual(['check']));

    await user.click(screen.getByRole('combobox', { name: 'Target workspace' }));
    // The dropdown animates in; its options exist before they are visible.
    const options = await screen.findAllByRole('option', { hidden: true });
    expect(options.map((o) => o.textContent)).toEqual(['Staging']);
  });

  it('detaches only after the name is typed', async () => {
    const { calls } = renderSettings();
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Detach cluster' }));
    const dialog = await screen.findByRole('dialog', { name: 'Detach cluster edge-3?' });
    const confirm = within(dialog).getByRole('button', { name: 'Detach cluster' });
    expect(confirm).toBeDisabled();
    await user.type(
      within(dialog).getByRole('textbox', { name: 'Type edge-3 to confirm' }),
      'edge-3',
    );
    await user.click(confirm);
    await waitFor(() => expect(calls.map((c) => c.path)).toEqual(['detach']));
  });

  it('disables check and detach while the cluster is not installed', async () => {
    renderSettings(clusterFixture({ name: 'fresh', status: 'creating', was_created: false }));
    expect(await screen.findByRole('button', { name: 'Check now' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Detach cluster' })).toBeDisabled();
  });
});
