import type { ChangeRequest } from '@commander/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { clusterFixture } from '../../../test/fixtures.js';
import { server } from '../../../test/msw-server.js';
import { renderWithProviders } from '../../../test/render.js';
import { ChangeRequestsPanel } from './change-requests-panel.js';

const NOW = '2026-11-28T12:00:00.000Z';

function requestFixture(overrides: Partial<ChangeRequest> = {}): ChangeRequest {
  return {
    id: '00000000-0000-4000-8000-00000000c001',
    cluster_id: '00000000-0000-4000-8000-00000000a001',
    status: 'pending',
    destructive: true,
    destructive_change_id: 'ab12cd34ef56ab12cd34ef56',
    desired_revision: 3,
    diff: {
      cluster_configuration: {
        applied:
          'apiVersion: deckhouse.io/v1\nkind: ClusterConfiguration\npodSubnetCIDR: 10.111.0.0/16\n',
        desired:
          'apiVersion: deckhouse.io/v1\nkind: ClusterConfiguration\npodSubnetCIDR: 10.112.0.0/16\n',
      },
      provider_specific_cluster_configuration: {
        applied: 'kind: StaticClusterConfiguration\n',
        desired: 'kind: StaticClusterConfiguration\n',
      },
    },
    check_result: {
      status: 'DestructiveOutOfSync',
      status_details: {
        configuration_status: 'OutOfSync',
        nodes: null,
        cluster: {
          status: 'destructively_changed',
          destructive_changes: {
            resourced_recreated: [
              {
                type: 'ClusterConfiguration.podSubnetCIDR',
                current_value: '10.111.0.0/16',
                next_value: '10.112.0.0/16',
              },
            ],
          },
        },
      },
      destructive_change_id: 'ab12cd34ef56ab12cd34ef56',
    },
    approved_by: null,
    approved_at: null,
    created_at: NOW,
    updated_at: NOW,
    ...overrides,
  };
}

function setup(requests: ChangeRequest[], approve?: () => Response) {
  const cluster = clusterFixture({
    id: '00000000-0000-4000-8000-00000000a001',
    name: 'edge-7',
    status: 'destructive_changes',
  });
  const approvals: string[] = [];
  server.use(
    http.get('*/api/v1/cluster_change_requests', ({ request }) => {
      expect(new URL(request.url).searchParams.get('cluster_id')).toBe(cluster.id);
      return HttpResponse.json(requests);
    }),
    http.post('*/api/v1/cluster_change_requests/:id/approve', ({ params }) => {
      approvals.push(String(params.id));
      return approve
        ? approve()
        : HttpResponse.json({
            ...requests[0],
            status: 'approved',
            approved_by: 'admin@example.com',
          });
    }),
    http.get('*/api/v1/clusters/:id', () => HttpResponse.json(cluster)),
  );
  renderWithProviders(
    <ChangeRequestsPanel slug="default" cluster={cluster} canDecide mode="all" />,
  );
  return { approvals, cluster };
}

describe('change requests panel', () => {
  it('shows a destructive request with its check result and the applied and desired configuration side by side', async () => {
    setup([requestFixture()]);
    const card = await screen.findByRole('region', {
      name: 'Destructive change waits for approval',
    });
    expect(within(card).getByText('Destructive')).toBeInTheDocument();
    expect(
      within(card).getByRole('status', { name: 'Change request: Pending' }),
    ).toBeInTheDocument();
    const check = within(card).getByRole('group', { name: 'Check result' });
    expect(check).toHaveTextContent('Destructive changes');
    const changes = within(check).getByRole('table', { name: 'Destructive changes' });
    expect(changes).toHaveTextContent('ClusterConfiguration.podSubnetCIDR');
    expect(changes).toHaveTextContent('Recreated');
    expect(changes).toHaveTextContent('10.111.0.0/16');
    expect(changes).toHaveTextContent('10.112.0.0/16');

    // CodeMirror loads lazily: the first import takes a moment.
    const applied = await within(card).findByRole(
      'textbox',
      { name: 'Applied: Cluster configuration' },
      { timeout: 10_000 },
    );
    const desired = within(card).getByRole('textbox', { name: 'Desired: Cluster configuration' });
    expect(applied).toHaveTextContent('podSubnetCIDR: 10.111.0.0/16');
    expect(desired).toHaveTextContent('podSubnetCIDR: 10.112.0.0/16');

    // The other section, chosen with the section switch.
    await userEvent.click(within(card).getByRole('radio', { name: 'Placement configuration' }));
    expect(
      await within(card).findByRole(
        'textbox',
        { name: 'Desired: Placement configuration' },
        { timeout: 10_000 },
      ),
    ).toHaveTextContent('StaticClusterConfiguration');
    expect(within(card).queryByText(/the difference is in the cluster itself/)).toBeNull();
  });

  it('says so when the drift is in the cluster and Commander agrees with itself', async () => {
    const same = {
      applied: 'kind: ClusterConfiguration\n',
      desired: 'kind: ClusterConfiguration\n',
    };
    setup([requestFixture({ diff: { cluster_configuration: same } })]);
    const card = await screen.findByRole('region', {
      name: 'Destructive change waits for approval',
    });
    expect(within(card).getByText(/the difference is in the cluster itself/)).toBeInTheDocument();
    // One section: no section switch.
    expect(within(card).queryByRole('radiogroup')).toBeNull();
  });

  it('approves a destructive change only after the cluster name is typed', async () => {
    const { approvals } = setup([requestFixture()]);
    const user = userEvent.setup();
    const card = await screen.findByRole('region', {
      name: 'Destructive change waits for approval',
    });
    await user.click(within(card).getByRole('button', { name: 'Approve' }));
    expect(approvals).toEqual([]);
    const dialog = await screen.findByRole('dialog', {
      name: 'Approve the destructive change to edge-7?',
    });
    const confirm = within(dialog).getByRole('button', { name: 'Approve' });
    const field = within(dialog).getByRole('textbox', { name: 'Type edge-7 to confirm' });
    await user.type(field, 'edge');
    expect(confirm).toBeDisabled();
    await user.type(field, '-7');
    await user.click(confirm);
    await waitFor(() => expect(approvals).toEqual(['00000000-0000-4000-8000-00000000c001']));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('approves a manual-mode change at once and explains a 409 answer', async () => {
    const { approvals } = setup(
      [requestFixture({ destructive: false, destructive_change_id: null, check_result: null })],
      () =>
        HttpResponse.json(
          {
            error: {
              code: 'cluster_cannot_be_converged',
              message: 'A cluster in status changing cannot be converged',
            },
          },
          { status: 409 },
        ),
    );
    const user = userEvent.setup();
    const card = await screen.findByRole('region', { name: 'Change waits for confirmation' });
    expect(within(card).getByText('Manual mode')).toBeInTheDocument();
    await user.click(within(card).getByRole('button', { name: 'Approve' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    const alert = await within(card).findByRole('alert');
    expect(alert).toHaveTextContent(
      'The cluster cannot apply this change now: A cluster in status changing cannot be converged',
    );
    expect(approvals).toHaveLength(1);
  });

  it('lists decided requests as history and offers no decision to readers', async () => {
    const cluster = clusterFixture({ name: 'edge-7' });
    server.use(
      http.get('*/api/v1/cluster_change_requests', () =>
        HttpResponse.json([
          requestFixture({ status: 'completed', approved_by: 'ops@example.com', diff: {} }),
          requestFixture({
            id: '00000000-0000-4000-8000-00000000c002',
            status: 'pending',
            destructive: false,
          }),
        ]),
      ),
    );
    renderWithProviders(
      <ChangeRequestsPanel slug="default" cluster={cluster} canDecide={false} mode="all" />,
    );
    const history = await screen.findByRole('table', { name: 'Earlier change requests' });
    expect(history).toHaveTextContent('Completed');
    expect(history).toHaveTextContent('ops@example.com');
    expect(
      screen.getByRole('region', { name: 'Change waits for confirmation' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Approve' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Reject' })).not.toBeInTheDocument();
  });

  it('shows nothing on the Overview when no request is pending', async () => {
    const cluster = clusterFixture();
    let asked = false;
    server.use(
      http.get('*/api/v1/cluster_change_requests', () => {
        asked = true;
        return HttpResponse.json([requestFixture({ status: 'rejected' })]);
      }),
    );
    const { container } = renderWithProviders(
      <ChangeRequestsPanel slug="default" cluster={cluster} canDecide mode="pending" />,
    );
    await waitFor(() => expect(asked).toBe(true));
    expect(container.querySelector('section')).toBeNull();
  });
});
