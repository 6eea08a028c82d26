import type { RolloutDetail } from '@commander/contracts';
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
import { parseWaves } from '../rollouts.api.js';
import { RolloutPage } from './rollout-page.js';
import { RolloutsPage } from './rollouts-page.js';

const WS = '00000000-0000-4000-8000-0000000000aa';
const member = (permissions: string[]) =>
  meFixture({ workspaces: [{ id: WS, slug: 'default', name: 'Default', permissions }] });
const writer = member(['clusters:write', 'cluster_templates:write', 'rollouts:write']);
const reader = member(['clusters:read', 'cluster_templates:read', 'rollouts:read']);

const v1 = versionFixture({ number: 1, comment: 'first' });
const v2 = versionFixture({ number: 2, comment: 'second' });
const template = templateFixture({
  name: 'Edge',
  clusters_count: 2,
  cluster_template_versions: [v1, v2],
  current_cluster_template_version_id: v1.id,
});
const alpha = clusterFixture({ name: 'alpha', cluster_template_version_id: v1.id });
const beta = clusterFixture({ name: 'beta', cluster_template_version_id: v1.id });
const ROLLOUT = '00000000-0000-4000-8000-00000000f001';
const NOW = '2026-12-06T12:00:00.000Z';

function rolloutCluster(
  cluster: { id: string; name: string },
  wave: number,
  state: RolloutDetail['skipped'][number]['state'],
  error: string | null = null,
): RolloutDetail['skipped'][number] {
  return {
    cluster_id: cluster.id,
    cluster_name: cluster.name,
    wave,
    state,
    change: 'change',
    cluster_status: state === 'failed' ? 'synchronization_failure' : 'in_sync',
    from_version_id: v1.id,
    target_revision: state === 'pending' ? null : 2,
    error,
    started_at: state === 'pending' ? null : NOW,
    healthy_since: null,
    finished_at: state === 'failed' ? NOW : null,
  };
}

function pausedRollout(overrides: Partial<RolloutDetail> = {}): RolloutDetail {
  return {
    id: ROLLOUT,
    workspace_id: WS,
    cluster_template_id: template.id,
    cluster_template_name: 'Edge',
    cluster_template_version_id: v2.id,
    target_version_number: 2,
    status: 'paused',
    wave_plan: [{ size: 1 }, { rest: true }],
    wave_count: 2,
    current_wave: 0,
    soak_seconds: 30,
    pause_reason: 'alpha: synchronization_failure (converge nodes: timeout)',
    created_by: 'admin@example.com',
    counts: {
      total: 2,
      pending: 1,
      updating: 0,
      awaiting_approval: 0,
      soaking: 0,
      done: 0,
      failed: 1,
      skipped: 0,
    },
    current_revision: 3,
    created_at: NOW,
    updated_at: NOW,
    started_at: NOW,
    finished_at: null,
    waves: [
      {
        index: 0,
        status: 'running',
        clusters: [rolloutCluster(alpha, 0, 'failed', 'converge nodes: timeout')],
      },
      { index: 1, status: 'pending', clusters: [rolloutCluster(beta, 1, 'pending')] },
    ],
    skipped: [],
    ...overrides,
  };
}

const rolloutRoutes = [
  { path: '/w/:slug/rollouts', element: <RolloutsPage /> },
  { path: '/w/:slug/rollouts/:rolloutId', element: <RolloutPage /> },
];

describe('rollout page', () => {
  it('shows why it paused and each wave, and resumes it', async () => {
    let resumed: unknown = null;
    server.use(
      http.get(`*/api/v1/rollouts/${ROLLOUT}`, () => HttpResponse.json(pausedRollout())),
      http.post(`*/api/v1/rollouts/${ROLLOUT}/resume`, async ({ request }) => {
        resumed = await request.json();
        return HttpResponse.json(pausedRollout({ status: 'running', pause_reason: null }));
      }),
    );
    const user = userEvent.setup({ delay: null });
    renderRoutes({ path: `/w/default/rollouts/${ROLLOUT}`, me: writer, routes: rolloutRoutes });

    expect(await screen.findByRole('heading', { level: 1, name: 'Edge → v2' })).toBeVisible();
    expect(screen.getByRole('status', { name: 'Rollout: Paused' })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent(
      'alpha: synchronization_failure (converge nodes: timeout)',
    );
    const wave1 = screen.getByRole('region', { name: 'Wave 1 of 2' });
    expect(within(wave1).getByRole('status', { name: 'alpha: Failed' })).toBeInTheDocument();
    expect(within(wave1).getByRole('link', { name: 'alpha' })).toHaveAttribute(
      'href',
      `/w/default/clusters/${alpha.id}`,
    );
    const wave2 = screen.getByRole('region', { name: 'Wave 2 of 2' });
    expect(wave2).toHaveTextContent('Not started');
    expect(within(wave2).getByRole('status', { name: 'beta: Pending' })).toBeInTheDocument();
    expect(screen.getByText('0 of 2 clusters done · wave 1 of 2')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Pause' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Resume' }));
    await waitFor(() => expect(resumed).toEqual({}));
    expect(await screen.findByRole('status', { name: 'Rollout: Running' })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Pause' })).toBeInTheDocument();
  });

  it('aborts only after confirmation, with the reason given', async () => {
    let aborted: unknown = null;
    server.use(
      http.get(`*/api/v1/rollouts/${ROLLOUT}`, () =>
        HttpResponse.json(pausedRollout({ status: 'running', pause_reason: null })),
      ),
      http.post(`*/api/v1/rollouts/${ROLLOUT}/abort`, async ({ request }) => {
        aborted = await request.json();
        return HttpResponse.json(pausedRollout({ status: 'aborted', pause_reason: null }));
      }),
    );
    const user = userEvent.setup({ delay: null });
    renderRoutes({ path: `/w/default/rollouts/${ROLLOUT}`, me: writer, routes: rolloutRoutes });
    await user.click(await screen.findByRole('button', { name: 'Abort' }));
    const dialog = await screen.findByRole('dialog', { name: 'Abort Edge → v2?' });
    expect(aborted).toBeNull();
    await user.type(within(dialog).getByRole('textbox', { name: 'Reason (optional)' }), 'wrong');
    await user.click(within(dialog).getByRole('button', { name: 'Abort rollout' }));
    await waitFor(() => expect(aborted).toEqual({ reason: 'wrong' }));
    expect(await screen.findByRole('status', { name: 'Rollout: Aborted' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Abort' })).not.toBeInTheDocument();
  });

  it('offers no Pause, Resume or Abort without rollouts:write', async () => {
    server.use(http.get(`*/api/v1/rollouts/${ROLLOUT}`, () => HttpResponse.json(pausedRollout())));
    renderRoutes({ path: `/w/default/rollouts/${ROLLOUT}`, me: reader, routes: rolloutRoutes });
    expect(await screen.findByRole('status', { name: 'Rollout: Paused' })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toBeInTheDocument();
    for (const name of ['Pause', 'Resume', 'Abort']) {
      expect(screen.queryByRole('button', { name })).not.toBeInTheDocument();
    }
  });

  it('lists rollouts with their progress and filters by status in the URL', async () => {
    const asked: URLSearchParams[] = [];
    server.use(
      http.get('*/api/v1/cluster_templates', () =>
        HttpResponse.json([template], { headers: { 'x-total-count': '1' } }),
      ),
      http.get('*/api/v1/rollouts', ({ request }) => {
        asked.push(new URL(request.url).searchParams);
        const { waves: _waves, skipped: _skipped, ...rollout } = pausedRollout();
        return HttpResponse.json([rollout], { headers: { 'x-total-count': '1' } });
      }),
    );
    renderRoutes({ path: '/w/default/rollouts?status=paused', me: reader, routes: rolloutRoutes });
    const table = await screen.findByRole('table', { name: 'Rollouts' });
    const row = within(table).getByRole('row', { name: /Edge → v2/ });
    expect(within(row).getByRole('link', { name: 'Edge → v2' })).toHaveAttribute(
      'href',
      `/w/default/rollouts/${ROLLOUT}`,
    );
    expect(row).toHaveTextContent('alpha: synchronization_failure');
    expect(row).toHaveTextContent('0 / 2');
    expect(row).toHaveTextContent('Wave 1 of 2');
    expect(asked[0]?.get('status')).toBe('paused');
  });
});

describe('rollouts list: template filter', () => {
  const other = templateFixture({
    id: '00000000-0000-4000-8000-00000000c0e2',
    name: 'Core',
    archived_at: NOW,
  });

  it('filters by template in the URL, offers archived templates, and clears', async () => {
    const asked: (string | null)[] = [];
    server.use(
      http.get('*/api/v1/cluster_templates', ({ request }) => {
        // Archived templates are asked for too: rollouts outlive a template's archiving.
        expect(new URL(request.url).searchParams.get('without_archived')).toBe('false');
        return HttpResponse.json([template, other], { headers: { 'x-total-count': '2' } });
      }),
      http.get('*/api/v1/rollouts', ({ request }) => {
        const wanted = new URL(request.url).searchParams.get('cluster_template_id');
        asked.push(wanted);
        const { waves: _waves, skipped: _skipped, ...rollout } = pausedRollout();
        const items = wanted === null || wanted === template.id ? [rollout] : [];
        return HttpResponse.json(items, { headers: { 'x-total-count': String(items.length) } });
      }),
    );
    const user = userEvent.setup({ delay: null });
    const { router } = renderRoutes({
      path: `/w/default/rollouts?template=${template.id}&page=1`,
      me: reader,
      routes: rolloutRoutes,
    });
    const table = await screen.findByRole('table', { name: 'Rollouts' });
    expect(within(table).getByRole('row', { name: /Edge → v2/ })).toBeInTheDocument();
    expect(asked[0]).toBe(template.id);
    const select = screen.getByRole('combobox', { name: 'Template' });
    await waitFor(() => expect(select).toHaveValue('Edge'));

    await user.click(select);
    await user.click(await screen.findByRole('option', { name: 'Core (archived)', hidden: true }));
    expect(await screen.findByText('No rollouts match the filter')).toBeInTheDocument();
    expect(asked.at(-1)).toBe(other.id);
    expect(router.state.location.search).toBe(`?template=${other.id}`);

    // Choosing the chosen template again clears the filter.
    await user.click(select);
    await user.click(await screen.findByRole('option', { name: 'Core (archived)', hidden: true }));
    await waitFor(() => expect(router.state.location.search).toBe(''));
    expect(await screen.findByRole('table', { name: 'Rollouts' })).toBeInTheDocument();
    expect(asked.at(-1)).toBeNull();
  });

  it('ignores a template parameter that is not an id', async () => {
    const asked: (string | null)[] = [];
    server.use(
      http.get('*/api/v1/cluster_templates', () =>
        HttpResponse.json([template], { headers: { 'x-total-count': '1' } }),
      ),
      http.get('*/api/v1/rollouts', ({ request }) => {
        asked.push(new URL(request.url).searchParams.get('cluster_template_id'));
        return HttpResponse.json([], { headers: { 'x-total-count': '0' } });
      }),
    );
    renderRoutes({
      path: "/w/default/rollouts?template=../x'%20OR%201=1",
      me: reader,
      routes: rolloutRoutes,
    });
    expect(await screen.findByText('No rollouts yet')).toBeInTheDocument();
    expect(asked).toEqual([null]);
  });
});

describe('parseWaves', () => {
  it('reads sizes, percentages and the rest', () => {
    expect(parseWaves('1, 10 %, rest')).toEqual([{ size: 1 }, { percent: 10 }, { rest: true }]);
    expect(parseWaves('2,25%,остальные')).toEqual([{ size: 2 }, { percent: 25 }, { rest: true }]);
  });

  it('refuses anything else', () => {
    for (const text of ['', '0', '1, ten', '150 %', '-1', '1.5']) {
      expect(parseWaves(text), text).toBeNull();
    }
  });
});
