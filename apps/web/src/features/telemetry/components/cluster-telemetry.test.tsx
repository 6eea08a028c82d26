import type { TelemetryPoint } from '@commander/contracts';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { clusterFixture } from '../../../test/fixtures.js';
import { server } from '../../../test/msw-server.js';
import { renderRoutes } from '../../../test/render.js';
import { ClusterTelemetry } from './cluster-telemetry.js';

const GIB = 1024 ** 3;

const agentData = [
  {
    source: 'overview',
    data: {
      reported_at: new Date(Date.now() - 30_000).toISOString(),
      dkp_version: 'v1.69.3',
      kubernetes_version: '1.31.4',
      update_channel: 'RockSolid',
      update_available: true,
      metrics: {
        cpu_cores: 12,
        cpu_usage: 3,
        memory_bytes: 24 * GIB,
        memory_used_bytes: 12 * GIB,
        storage_bytes: 200 * GIB,
        storage_used_bytes: 180 * GIB,
        node_count: 2,
      },
      warnings: {
        firing_alerts: [
          {
            alert: 'D8ComponentUnavailable',
            severity: 'warning',
            message: 'ingress-nginx is down',
          },
          { alert: 'NodeDiskFull', severity: 'critical', message: 'w-1 root disk at 95%' },
        ],
      },
    },
  },
  {
    source: 'upmeter',
    data: {
      rows: [
        {
          probes: [
            { probe: 'deckhouse', availability: 1 },
            { probe: 'ingress-nginx', availability: 0.2 },
          ],
        },
      ],
    },
  },
];

function point(minutesAgo: number, nodes: number): TelemetryPoint {
  return {
    ts: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    resolution: 'raw',
    cpu_cores: 12,
    cpu_usage: 3,
    memory_bytes: 24 * GIB,
    memory_used_bytes: 12 * GIB,
    storage_bytes: 200 * GIB,
    storage_used_bytes: 180 * GIB,
    node_count: nodes,
  };
}

function renderTelemetry(
  cluster = clusterFixture({ agent_status: 'online', cluster_agent_data: agentData }),
) {
  const asked: string[] = [];
  server.use(
    http.get(`*/api/v1/clusters/${cluster.id}/telemetry`, ({ request }) => {
      const url = new URL(request.url);
      const span =
        Date.parse(url.searchParams.get('to') ?? '') -
        Date.parse(url.searchParams.get('from') ?? '');
      asked.push(`${Math.round(span / 3600_000)}h`);
      return HttpResponse.json([point(3, 2), point(2, 2), point(1, 3)]);
    }),
  );
  const result = renderRoutes({
    path: `/w/default/clusters/${cluster.id}`,
    routes: [
      {
        path: '/w/:slug/clusters/:clusterId',
        element: <ClusterTelemetry slug="default" cluster={cluster} />,
      },
    ],
  });
  return { ...result, asked };
}

describe('cluster telemetry', () => {
  it('shows capacity and use, versions, updates and the agent as cards', async () => {
    renderTelemetry();
    const cpu = screen.getByRole('region', { name: 'CPU' });
    expect(cpu).toHaveTextContent('12 cores');
    expect(cpu).toHaveTextContent('3 cores in use (25%)');
    expect(within(cpu).getByRole('progressbar', { name: 'CPU usage: 25%' })).toBeInTheDocument();
    const memory = screen.getByRole('region', { name: 'Memory' });
    expect(memory).toHaveTextContent('24 GiB');
    expect(memory).toHaveTextContent('12 GiB in use (50%)');
    expect(screen.getByRole('region', { name: 'Storage' })).toHaveTextContent(
      '180 GiB in use (90%)',
    );
    expect(screen.getByRole('region', { name: 'Nodes' })).toHaveTextContent('2');
    const versions = screen.getByRole('region', { name: 'Versions' });
    expect(versions).toHaveTextContent('v1.69.3');
    expect(versions).toHaveTextContent('1.31.4');
    const updates = screen.getByRole('region', { name: 'Updates' });
    expect(updates).toHaveTextContent('RockSolid');
    expect(updates).toHaveTextContent('Update available');
    const agent = screen.getByRole('region', { name: 'Agent' });
    expect(within(agent).getByRole('status', { name: 'Agent: Online' })).toBeInTheDocument();
    expect(agent).toHaveTextContent('Last report 30 seconds ago');
    expect(screen.getByRole('region', { name: 'Firing alerts' })).toHaveTextContent('2');
  });

  it('lists components with their availability and alerts most severe first, in words', () => {
    renderTelemetry();
    const components = screen.getByRole('list', { name: 'Components' });
    const items = within(components).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent('deckhouseAvailable100%');
    expect(items[1]).toHaveTextContent('ingress-nginxUnavailable20%');
    const rows = within(screen.getByRole('table', { name: 'Alerts' })).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('CriticalNodeDiskFullw-1 root disk at 95%');
    expect(rows[2]).toHaveTextContent('WarningD8ComponentUnavailableingress-nginx is down');
  });

  it('charts the history of the range in the URL, and changes the range', async () => {
    const { router, asked } = renderTelemetry();
    for (const chart of ['CPU usage', 'Memory used', 'Storage used', 'Nodes']) {
      expect(
        await screen.findByRole('figure', { name: chart }, { timeout: 10_000 }),
      ).toBeInTheDocument();
    }
    expect(screen.getByText('3 measurements')).toBeInTheDocument();
    expect(screen.getByRole('figure', { name: 'Nodes' })).toHaveTextContent('Now 3 nodes');
    expect(screen.getByRole('figure', { name: 'Memory used' })).toHaveTextContent(
      'Now 12 of 24 GiB',
    );
    expect(asked).toEqual(['6h']);

    await userEvent.click(screen.getByRole('radio', { name: '7 d' }));
    expect(router.state.location.search).toBe('?range=7d');
    await screen.findByText('3 measurements');
    expect(asked).toEqual(['6h', '168h']);
  });

  it('fits the range to a young cluster and offers no longer ones', async () => {
    const { asked } = renderTelemetry(
      clusterFixture({
        agent_status: 'online',
        cluster_agent_data: agentData,
        created_at: new Date(Date.now() - 20 * 60_000).toISOString(),
      }),
    );
    const cpu = await screen.findByRole('figure', { name: 'CPU usage' }, { timeout: 10_000 });
    expect(asked).toEqual(['1h']);
    expect(screen.getByRole('radio', { name: '1 h' })).toBeChecked();
    expect(screen.getByRole('radio', { name: '7 d' })).toBeDisabled();
    expect(cpu).toHaveTextContent('Now 3 of 12 cores');
  });

  it('explains a cluster without telemetry and asks for no history', () => {
    const { asked } = renderTelemetry(
      clusterFixture({ agent_status: 'unknown', cluster_agent_data: [] }),
    );
    expect(screen.getByRole('region', { name: 'No telemetry yet' })).toHaveTextContent(
      'once the cluster is installed or joined',
    );
    expect(asked).toEqual([]);
  });

  it('warns when the agent is lost', () => {
    renderTelemetry(clusterFixture({ agent_status: 'lost', cluster_agent_data: agentData }));
    expect(screen.getByRole('status', { name: 'Agent: Lost' })).toBeInTheDocument();
    expect(screen.getByText('The agent stopped reporting')).toBeInTheDocument();
  });
});
