import type { RolloutDetail, RolloutPlan } from '@commander/contracts';
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
import { TemplateClustersTab } from './template-clusters-tab.js';
import { TemplatePage } from './template-page.js';

const WS = '00000000-0000-4000-8000-0000000000aa';
const member = (permissions: string[]) =>
  meFixture({ workspaces: [{ id: WS, slug: 'default', name: 'Default', permissions }] });
const writer = member(['clusters:write', 'cluster_templates:write', 'rollouts:write']);

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

function startedRollout(): RolloutDetail {
  return {
    id: ROLLOUT,
    workspace_id: WS,
    cluster_template_id: template.id,
    cluster_template_name: 'Edge',
    cluster_template_version_id: v2.id,
    target_version_number: 2,
    status: 'running',
    wave_plan: [{ size: 1 }, { percent: 10 }, { rest: true }],
    wave_count: 2,
    current_wave: 0,
    soak_seconds: 5,
    pause_reason: null,
    created_by: 'admin@example.com',
    counts: {
      total: 2,
      pending: 2,
      updating: 0,
      awaiting_approval: 0,
      soaking: 0,
      done: 0,
      failed: 0,
      skipped: 0,
    },
    current_revision: 1,
    created_at: NOW,
    updated_at: NOW,
    started_at: NOW,
    finished_at: null,
    waves: [],
    skipped: [],
  };
}

/** "Roll out version…" on a template's Clusters tab (the dialog lives in features/rollouts). */
describe('rolling out a version from the template', () => {
  it('shows the plan first, then starts the rollout and opens its page', async () => {
    const sent: Record<string, unknown>[] = [];
    const plan: RolloutPlan = {
      dry_run: true,
      cluster_template_id: template.id,
      cluster_template_version_id: v2.id,
      target_version_number: 2,
      soak_seconds: 5,
      waves: [
        {
          index: 0,
          clusters: [
            {
              cluster_id: alpha.id,
              cluster_name: 'alpha',
              status: 'in_sync',
              from_version_id: v1.id,
              from_version_number: 1,
              change: 'destructive',
              error: null,
            },
          ],
        },
        {
          index: 1,
          clusters: [
            {
              cluster_id: beta.id,
              cluster_name: 'beta',
              status: 'in_sync',
              from_version_id: v1.id,
              from_version_number: 1,
              change: 'change',
              error: null,
            },
          ],
        },
      ],
      skipped: [],
      invalid: [],
      counts: { total: 2, none: 0, change: 1, destructive: 1, invalid: 0 },
    };
    server.use(
      http.get(`*/api/v1/cluster_templates/${template.id}`, () => HttpResponse.json(template)),
      http.get('*/api/v1/clusters', () =>
        HttpResponse.json([alpha, beta], { headers: { 'x-total-count': '2' } }),
      ),
      http.post('*/api/v1/rollouts', async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        sent.push(body);
        return body.dry_run
          ? HttpResponse.json(plan)
          : HttpResponse.json(startedRollout(), { status: 201 });
      }),
    );
    const user = userEvent.setup({ delay: null });
    const { router } = renderRoutes({
      path: `/w/default/templates/${template.id}/clusters`,
      me: writer,
      routes: [
        {
          path: '/w/:slug/templates/:templateId',
          element: <TemplatePage />,
          children: [{ path: 'clusters', element: <TemplateClustersTab /> }],
        },
        { path: '/w/:slug/rollouts/:rolloutId', element: <p>The rollout page</p> },
      ],
    });
    await screen.findByRole('table', { name: 'Clusters on this template' });
    await user.click(screen.getByRole('checkbox', { name: 'Select alpha' }));
    await user.click(screen.getByRole('checkbox', { name: 'Select beta' }));
    await user.click(screen.getByRole('button', { name: 'Roll out version…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Roll out a version of Edge' });
    expect(within(dialog).getByRole('combobox', { name: 'Target version' })).toHaveValue(
      'Version 2 — second',
    );
    expect(within(dialog).getByRole('radio', { name: 'The 2 selected clusters' })).toBeChecked();
    const soak = within(dialog).getByRole('textbox', { name: /Soak time/ });
    await user.clear(soak);
    await user.type(soak, '5');
    // Nothing starts before the plan is shown.
    expect(within(dialog).getByRole('button', { name: 'Start rollout' })).toBeDisabled();
    await user.click(within(dialog).getByRole('button', { name: 'Plan' }));

    const shown = await within(dialog).findByRole('region', { name: 'Plan' });
    expect(sent[0]).toEqual({
      cluster_template_id: template.id,
      cluster_template_version_id: v2.id,
      cluster_ids: [alpha.id, beta.id],
      waves: [{ size: 1 }, { percent: 10 }, { rest: true }],
      soak_seconds: 5,
      dry_run: true,
    });
    expect(shown).toHaveTextContent('1 change');
    expect(shown).toHaveTextContent('1 destructive');
    expect(within(shown).getByRole('table', { name: 'Wave 1 of 2' })).toHaveTextContent(
      'Destructive',
    );
    expect(within(shown).getByRole('table', { name: 'Wave 2 of 2' })).toHaveTextContent('beta');

    await user.click(within(dialog).getByRole('button', { name: 'Start rollout' }));
    await waitFor(() =>
      expect(router.state.location.pathname).toBe(`/w/default/rollouts/${ROLLOUT}`),
    );
    expect(sent[1]).toMatchObject({ dry_run: false, soak_seconds: 5 });
    expect(await screen.findByText('The rollout page')).toBeInTheDocument();
  });

  it('is not offered without rollouts:write', async () => {
    server.use(
      http.get(`*/api/v1/cluster_templates/${template.id}`, () => HttpResponse.json(template)),
      http.get('*/api/v1/clusters', () =>
        HttpResponse.json([alpha, beta], { headers: { 'x-total-count': '2' } }),
      ),
    );
    renderRoutes({
      path: `/w/default/templates/${template.id}/clusters`,
      me: member(['clusters:write', 'cluster_templates:write', 'rollouts:read']),
      routes: [
        {
          path: '/w/:slug/templates/:templateId',
          element: <TemplatePage />,
          children: [{ path: 'clusters', element: <TemplateClustersTab /> }],
        },
      ],
    });
    await screen.findByRole('table', { name: 'Clusters on this template' });
    expect(screen.queryByRole('button', { name: 'Roll out version…' })).not.toBeInTheDocument();
  });
});
