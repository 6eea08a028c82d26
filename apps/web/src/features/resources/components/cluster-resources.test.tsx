import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { clusterFixture } from '../../../test/fixtures.js';
import { renderWithProviders } from '../../../test/render.js';
import { groupResourceResults, syncState } from '../resource-results.js';
import { ClusterResources } from './cluster-resources.js';

const results = [
  {
    group: 'apps',
    api_version: 'v1',
    kind: 'ConfigMap',
    namespace: 'apps',
    name: 'settings',
    status: 'applied',
    errors: [],
  },
  {
    group: 'apps',
    api_version: 'apps/v1',
    kind: 'Deployment',
    namespace: 'apps',
    name: 'web',
    status: 'error',
    errors: ['admission webhook "policy.example.com" denied the request'],
  },
  {
    group: 'base',
    api_version: 'deckhouse.io/v1alpha1',
    kind: 'ModuleConfig',
    namespace: null,
    name: 'prometheus',
    status: 'applied',
    errors: [],
  },
  {
    group: 'base',
    api_version: 'v1',
    kind: 'Namespace',
    namespace: null,
    name: 'old',
    status: 'orphaned',
    errors: [],
  },
];

describe('resources tab', () => {
  it('shows the sync state and each group with its resources and errors', () => {
    const cluster = clusterFixture({
      resources_sync_state: 'not_configured',
      resources_state_results: results,
      agent_status: 'online',
      cluster_agent_data: [{ source: 'overview', data: { reported_at: new Date().toISOString() } }],
    });
    renderWithProviders(<ClusterResources cluster={cluster} />);
    expect(screen.getByRole('status', { name: 'Resources: Not configured' })).toBeInTheDocument();
    expect(screen.getByRole('status', { name: 'Agent: Online' })).toBeInTheDocument();
    expect(screen.getByText('4 resources, 1 with errors')).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('1 resource failed to apply');

    const apps = screen.getByRole('table', { name: 'Resources of group apps' });
    const rows = within(apps).getAllByRole('row');
    // Errors first.
    expect(rows[1]).toHaveTextContent('Deployment');
    expect(rows[1]).toHaveTextContent('Error');
    expect(rows[1]).toHaveTextContent('admission webhook "policy.example.com" denied the request');
    expect(rows[2]).toHaveTextContent('ConfigMapv1settingsappsApplied');
    const base = screen.getByRole('table', { name: 'Resources of group base' });
    expect(base).toHaveTextContent('Orphaned');
    expect(screen.getByRole('region', { name: 'base' })).toHaveTextContent(
      '2 resources, 0 with errors',
    );
  });

  it('explains a cluster whose agent has not reported', () => {
    renderWithProviders(
      <ClusterResources cluster={clusterFixture({ resources_sync_state: 'no_data' })} />,
    );
    expect(screen.getByRole('status', { name: 'Resources: No data' })).toBeInTheDocument();
    expect(screen.getByText('No results yet')).toBeInTheDocument();
    expect(screen.getByText('No report from the agent yet')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});

describe('groupResourceResults', () => {
  it('groups by name, counts statuses and skips malformed entries', () => {
    const groups = groupResourceResults([
      ...results,
      'junk',
      { group: 'x', kind: 'A', name: 'a', status: 'weird' },
    ]);
    expect(groups.map((g) => g.name)).toEqual(['apps', 'base', 'x']);
    expect(groups[0]?.counts).toMatchObject({ applied: 1, error: 1 });
    expect(groups[2]?.resources[0]?.status).toBe('unknown');
  });

  it('maps unknown sync states to no data', () => {
    expect(syncState('configured')).toBe('configured');
    expect(syncState('no')).toBe('no_data');
  });
});
