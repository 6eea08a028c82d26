import type { Cluster } from '@commander/contracts';
import { useQuery } from '@tanstack/react-query';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { Outlet, useParams } from 'react-router';
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
import { ClusterConfigurationTab } from './cluster-configuration-tab.js';

const TEMPLATE_ID = '00000000-0000-4000-8000-0000000000b1';
const CLUSTER_ID = '00000000-0000-4000-8000-0000000000c1';

const params = [
  { key: 'prefix', type: 'string', title: 'Prefix', immutable: true },
  { key: 'replicas', type: 'number', title: 'Replicas', default: 1, min: 1, max: 5 },
  { key: 'token', type: 'string', format: 'password', title: 'Token' },
];
const sections = { kubernetes_template: 'replicas: {{ .replicas }}\nprefix: {{ .prefix }}\n' };
const v1 = versionFixture({ number: 1, comment: 'first', params, ...sections });
const v2 = versionFixture({ number: 2, comment: 'second', params, ...sections });
const v3 = versionFixture({ number: 3, comment: 'withdrawn', available: false, params });
const template = templateFixture({
  id: TEMPLATE_ID,
  name: 'Static',
  cluster_template_versions: [v1, v2, v3],
  current_cluster_template_version_id: v2.id,
});

function cluster(overrides: Partial<Cluster> = {}): Cluster {
  return clusterFixture({
    id: CLUSTER_ID,
    name: 'prod-1',
    status: 'in_sync',
    cluster_template_id: TEMPLATE_ID,
    cluster_template_version_id: v1.id,
    current_revision: 3,
    values: { prefix: 'prod', replicas: 2, token: null },
    secret_values: { token: { has_value: true } },
    desired_cluster_configuration_rendered: 'replicas: 2\n',
    applied_cluster_configuration_rendered: 'replicas: 1\n',
    ...overrides,
  });
}

/** The cluster page's part that matters here: the cluster from the cache, as outlet context. */
function ClusterRoute() {
  const { clusterId = '' } = useParams();
  const detail = useQuery(clusterQueries.detail('default', clusterId));
  return detail.data ? <Outlet context={{ slug: 'default', cluster: detail.data }} /> : null;
}

function renderTab(initial: Cluster) {
  let current = initial;
  server.use(
    http.get(`*/api/v1/clusters/${CLUSTER_ID}`, () => HttpResponse.json(current)),
    http.get(`*/api/v1/cluster_templates/${TEMPLATE_ID}`, () => HttpResponse.json(template)),
  );
  const result = renderRoutes({
    path: `/w/default/clusters/${CLUSTER_ID}/configuration`,
    me: meFixture(),
    routes: [
      {
        path: '/w/:slug/clusters/:clusterId',
        element: <ClusterRoute />,
        children: [{ path: 'configuration', element: <ClusterConfigurationTab /> }],
      },
    ],
  });
  return {
    ...result,
    setServerCluster: (next: Cluster) => {
      current = next;
    },
  };
}

describe('cluster Configuration tab', () => {
  it('prefills the form; immutable values are read-only, secrets unchanged', async () => {
    renderTab(cluster());
    const form = await screen.findByRole(
      'form',
      { name: 'Cluster configuration' },
      { timeout: 5_000 },
    );
    expect(within(form).getByRole('textbox', { name: 'Replicas' })).toHaveValue('2');
    const prefix = within(form).getByRole('textbox', { name: 'Prefix' });
    expect(prefix).toHaveValue('prod');
    expect(prefix).toBeDisabled();
    // Locked values wrap in full (a multi-line box), never cut at the input's edge.
    expect(prefix.tagName).toBe('TEXTAREA');
    expect(within(form).getByLabelText(/^Token/)).toHaveAttribute('placeholder', 'Unchanged');
    // Available versions and the cluster's own one; the withdrawn v3 is not offered.
    await userEvent
      .setup({ delay: null })
      .click(within(form).getByRole('combobox', { name: 'Template version' }));
    const options = await screen.findAllByRole('option', { hidden: true });
    expect(options.map((o) => o.textContent)).toEqual(['Version 2 — second', 'Version 1 — first']);
  });

  it('saves with the revision it started from and shows the status the change led to', async () => {
    let body: unknown = null;
    const { setServerCluster } = renderTab(cluster());
    server.use(
      http.put(`*/api/v1/clusters/${CLUSTER_ID}`, async ({ request }) => {
        body = await request.json();
        const saved = cluster({
          status: 'changing',
          current_revision: 4,
          values: { prefix: 'prod', replicas: 4, token: null },
        });
        setServerCluster(saved);
        return HttpResponse.json(saved);
      }),
    );
    const user = userEvent.setup({ delay: null });
    const replicas = await screen.findByRole('textbox', { name: 'Replicas' }, { timeout: 5_000 });
    await user.clear(replicas);
    await user.type(replicas, '4');
    await user.click(screen.getByRole('button', { name: 'Save configuration' }));
    await waitFor(() =>
      expect(body).toEqual({
        name: 'prod-1',
        cluster_template_version_id: v1.id,
        values: { prefix: 'prod', replicas: 4, token: null },
        current_revision: 3,
      }),
    );
    const outcome = (await screen.findByText('Saved as revision 4. Status: Changing')).closest(
      '[role="status"]',
    );
    expect(outcome).toHaveTextContent('A change queues a converge');
    // The form starts again from the saved configuration.
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Replicas' })).toHaveValue('4'));
  });

  it('asks to reload when the configuration changed meanwhile (409 stale_revision)', async () => {
    const { setServerCluster } = renderTab(cluster());
    server.use(
      http.put(`*/api/v1/clusters/${CLUSTER_ID}`, () =>
        HttpResponse.json(
          {
            error: {
              code: 'stale_revision',
              message: 'The cluster was changed by someone else; reload it',
              details: { current_revision: 5 },
            },
          },
          { status: 409 },
        ),
      ),
    );
    const user = userEvent.setup({ delay: null });
    const replicas = await screen.findByRole('textbox', { name: 'Replicas' }, { timeout: 5_000 });
    await user.clear(replicas);
    await user.type(replicas, '3');
    await user.click(screen.getByRole('button', { name: 'Save configuration' }));
    const alert = (await screen.findByText('The configuration changed meanwhile')).closest(
      '[role="alert"]',
    );
    expect(alert).toHaveTextContent('Someone saved this cluster');

    setServerCluster(
      cluster({ current_revision: 5, values: { prefix: 'prod', replicas: 5, token: null } }),
    );
    await user.click(screen.getByRole('button', { name: 'Reload' }));
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Replicas' })).toHaveValue('5'));
    expect(screen.queryByText('The configuration changed meanwhile')).not.toBeInTheDocument();
  });

  it('explains a configuration that does not render', async () => {
    renderTab(
      cluster({
        status: 'configuration_error',
        render_errors: [
          {
            section: 'kubernetes',
            document: 0,
            line: 2,
            column: null,
            field: 'podSubnetCIDR',
            message: 'ClusterConfiguration.podSubnetCIDR: must be an IPv4 CIDR',
          },
        ],
      }),
    );
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The saved configuration does not render');
    expect(alert).toHaveTextContent(
      'Kubernetes, document 1, line 2 · podSubnetCIDR: ClusterConfiguration.podSubnetCIDR: must be an IPv4 CIDR',
    );
  });

  it('shows desired against applied configuration per part', async () => {
    renderTab(cluster());
    const diff = await screen.findByRole('region', { name: 'Desired and applied configuration' });
    const tabs = within(diff).getByRole('tablist', { name: 'Configuration parts' });
    expect(
      within(tabs).getByRole('tab', { name: /Cluster configuration · changed/ }),
    ).toBeInTheDocument();
    expect(within(tabs).getByRole('tab', { name: 'Provider-specific' })).toBeInTheDocument();
    expect(diff).toHaveTextContent('Cluster configuration: applied');
    expect(diff).toHaveTextContent('Cluster configuration: desired');
  });
});
