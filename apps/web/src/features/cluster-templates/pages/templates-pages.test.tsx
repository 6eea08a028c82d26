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
import { TemplatesPage } from './templates-page.js';

const v1 = versionFixture({ number: 1, comment: 'first' });
const v2 = versionFixture({ number: 2, comment: 'second' });
const template = templateFixture({
  name: 'Static cluster',
  comment: 'On our hosts',
  clusters_count: 2,
  cluster_template_versions: [v1, v2],
  current_cluster_template_version_id: v2.id,
});

const admin = meFixture({
  workspaces: [
    {
      id: '00000000-0000-4000-8000-0000000000aa',
      slug: 'default',
      name: 'Default',
      permissions: ['clusters:write', 'cluster_templates:write'],
    },
  ],
});

describe('templates list', () => {
  it('lists templates with their current version and clusters', async () => {
    server.use(http.get('*/api/v1/cluster_templates', () => HttpResponse.json([template])));
    renderRoutes({
      path: '/w/default/templates',
      me: admin,
      routes: [{ path: '/w/:slug/templates', element: <TemplatesPage /> }],
    });
    const table = await screen.findByRole('table', { name: 'Cluster templates' });
    const row = within(table).getByRole('row', { name: /Static cluster/ });
    expect(within(row).getByRole('link', { name: 'Static cluster' })).toHaveAttribute(
      'href',
      `/w/default/templates/${template.id}/versions`,
    );
    expect(row).toHaveTextContent('On our hosts');
    expect(row).toHaveTextContent('v2');
    expect(row).toHaveTextContent('2 clusters');
  });

  it('shows every problem of a refused import', async () => {
    let sent: unknown = null;
    server.use(
      http.get('*/api/v1/cluster_templates', () => HttpResponse.json([template])),
      http.post('*/api/v1/cluster_templates/import', async ({ request }) => {
        sent = await request.json();
        return HttpResponse.json(
          {
            error: {
              code: 'invalid_template',
              message: 'The template has errors',
              details: [
                {
                  section: 'kubernetes',
                  line: 3,
                  message: 'template: kubernetes:3: unclosed action',
                },
              ],
            },
          },
          { status: 422 },
        );
      }),
    );
    const user = userEvent.setup({ delay: null });
    renderRoutes({
      path: '/w/default/templates',
      me: admin,
      routes: [{ path: '/w/:slug/templates', element: <TemplatesPage /> }],
    });
    await user.click(await screen.findByRole('button', { name: 'Import template' }));
    const dialog = await screen.findByRole('dialog', { name: 'Import a template' });
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));
    expect(
      within(dialog).getByRole('textbox', { name: 'Template (YAML or JSON)' }),
    ).toHaveAccessibleDescription(expect.stringContaining('Required'));
    await user.click(within(dialog).getByRole('textbox', { name: 'Template (YAML or JSON)' }));
    await user.paste('name: Broken\nkubernetes_template: "{{ .x"\n');
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('The template has errors');
    expect(alert).toHaveTextContent('kubernetes, line 3: template: kubernetes:3: unclosed action');
    expect(sent).toEqual({ content: 'name: Broken\nkubernetes_template: "{{ .x"\n' });
  });

  it('explains why a template in use cannot be archived', async () => {
    server.use(
      http.get('*/api/v1/cluster_templates', () => HttpResponse.json([template])),
      http.delete(`*/api/v1/cluster_templates/${template.id}`, () =>
        HttpResponse.json(
          {
            error: {
              code: 'in_use',
              message: '2 cluster(s) use this template; switch or delete them first',
            },
          },
          { status: 409 },
        ),
      ),
    );
    const user = userEvent.setup({ delay: null });
    renderRoutes({
      path: '/w/default/templates',
      me: admin,
      routes: [{ path: '/w/:slug/templates', element: <TemplatesPage /> }],
    });
    await user.click(await screen.findByRole('button', { name: 'Actions for Static cluster' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Archive', hidden: true }));
    const dialog = await screen.findByRole('dialog', { name: 'Archive template Static cluster?' });
    await user.click(within(dialog).getByRole('button', { name: 'Archive template' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('2 cluster(s) use this template; switch or delete them first');
    expect(alert).toHaveTextContent('in_use');
  });
});

describe('clusters of a template', () => {
  it('switches the chosen clusters to a version and shows each result', async () => {
    const a = clusterFixture({ name: 'alpha', cluster_template_version_id: v1.id });
    const b = clusterFixture({ name: 'beta', cluster_template_version_id: v1.id });
    let sent: unknown = null;
    server.use(
      http.get(`*/api/v1/cluster_templates/${template.id}`, () => HttpResponse.json(template)),
      http.get('*/api/v1/clusters', ({ request }) => {
        expect(new URL(request.url).searchParams.get('cluster_template_id')).toBe(template.id);
        return HttpResponse.json([a, b]);
      }),
      http.post(`*/api/v1/cluster_templates/${template.id}/switch_version`, async ({ request }) => {
        sent = await request.json();
        return HttpResponse.json([
          { cluster_id: a.id, ok: true, status: 'changing', error: null },
          {
            cluster_id: b.id,
            ok: false,
            status: null,
            error: { code: 'invalid_values', message: 'The values do not match' },
          },
        ]);
      }),
    );
    const user = userEvent.setup({ delay: null });
    renderRoutes({
      path: `/w/default/templates/${template.id}/clusters`,
      me: admin,
      routes: [
        {
          path: '/w/:slug/templates/:templateId',
          element: <TemplatePage />,
          children: [{ path: 'clusters', element: <TemplateClustersTab /> }],
        },
      ],
    });
    const table = await screen.findByRole('table', { name: 'Clusters on this template' });
    expect(screen.getByRole('tab', { name: 'Clusters' })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('combobox', { name: 'Target version' })).toHaveValue(
      'Version 2 — second',
    );
    await user.click(screen.getByRole('checkbox', { name: 'Select all clusters' }));
    await user.click(screen.getByRole('button', { name: 'Switch 2 clusters to version' }));
    await waitFor(() =>
      expect(sent).toEqual({ cluster_template_version_id: v2.id, cluster_ids: [a.id, b.id] }),
    );
    const alpha = within(table).getByRole('row', { name: /alpha/ });
    const beta = within(table).getByRole('row', { name: /beta/ });
    expect(await within(alpha).findByText('Switched · Changing')).toBeInTheDocument();
    expect(beta).toHaveTextContent('The values do not match (invalid_values)');
    expect(screen.getByText('1 switched, 1 failed.')).toBeInTheDocument();
  });

  it('pages and searches like the cluster list, and switches every matching cluster at once', async () => {
    // 120 clusters match "edge": three pages of 50; the switch gets them all in one request.
    const all = Array.from({ length: 120 }, (_, i) =>
      clusterFixture({
        name: `edge-${String(i).padStart(3, '0')}`,
        cluster_template_version_id: v1.id,
      }),
    );
    const asked: URLSearchParams[] = [];
    let sent: { cluster_ids: string[] } | null = null;
    server.use(
      http.get(`*/api/v1/cluster_templates/${template.id}`, () => HttpResponse.json(template)),
      http.get('*/api/v1/clusters', ({ request }) => {
        const params = new URL(request.url).searchParams;
        asked.push(params);
        const matching = all.filter((c) => c.name.includes(params.get('q') ?? ''));
        const offset = Number(params.get('offset') ?? 0);
        const limit = Number(params.get('limit') ?? 100);
        return HttpResponse.json(matching.slice(offset, offset + limit), {
          headers: { 'x-total-count': String(matching.length) },
        });
      }),
      http.post(`*/api/v1/cluster_templates/${template.id}/switch_version`, async ({ request }) => {
        sent = (await request.json()) as { cluster_ids: string[] };
        return HttpResponse.json(
          sent.cluster_ids.map((id) => ({
            cluster_id: id,
            ok: true,
            status: 'changing',
            error: null,
          })),
        );
      }),
    );
    const user = userEvent.setup({ delay: null });
    const { router } = renderRoutes({
      path: `/w/default/templates/${template.id}/clusters?q=edge`,
      me: admin,
      routes: [
        {
          path: '/w/:slug/templates/:templateId',
          element: <TemplatePage />,
          children: [{ path: 'clusters', element: <TemplateClustersTab /> }],
        },
      ],
    });
    const table = await screen.findByRole('table', { name: 'Clusters on this template' });
    expect(within(table).getAllByRole('row')).toHaveLength(51);
    expect(asked[0]?.get('q')).toBe('edge');
    expect(asked[0]?.get('limit')).toBe('50');
    expect(screen.getByText('1–50 of 120')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Page 2' }));
    await waitFor(() => expect(router.state.location.search).toContain('page=2'));
    expect(await screen.findByText('51–100 of 120')).toBeInTheDocument();

    await user.click(screen.getByRole('checkbox', { name: 'Select all clusters' }));
    expect(screen.getByText('All 50 clusters on this page are selected.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Select all 120 matching clusters' }));
    await user.click(screen.getByRole('button', { name: 'Switch 120 clusters to version' }));
    await waitFor(() => expect(sent?.cluster_ids).toHaveLength(120));
    expect(new Set(sent!.cluster_ids)).toEqual(new Set(all.map((c) => c.id)));
    expect(await screen.findByText('120 switched, 0 failed.')).toBeInTheDocument();
  });
});
