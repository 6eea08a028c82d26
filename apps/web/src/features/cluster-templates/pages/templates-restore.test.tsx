import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { meFixture, templateFixture } from '../../../test/fixtures.js';
import { server } from '../../../test/msw-server.js';
import { renderRoutes } from '../../../test/render.js';
import { TemplatePage } from './template-page.js';
import { TemplatesPage } from './templates-page.js';

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

describe('restoring archived templates', () => {
  it('offers Restore for archived templates only, and calls the API', async () => {
    const live = templateFixture({ name: 'Live one' });
    const archived = templateFixture({
      name: 'Old one',
      archived_at: '2026-12-01T00:00:00.000Z',
      archive_number: 1,
    });
    const restored: string[] = [];
    server.use(
      http.get('*/api/v1/cluster_templates', () => HttpResponse.json([live, archived])),
      http.post('*/api/v1/cluster_templates/:id/restore', ({ params }) => {
        restored.push(String(params.id));
        return HttpResponse.json({ ...archived, archived_at: null, archive_number: null });
      }),
    );
    const user = userEvent.setup({ delay: null });
    renderRoutes({
      path: '/w/default/templates?archived=show',
      me: admin,
      routes: [{ path: '/w/:slug/templates', element: <TemplatesPage /> }],
    });
    await user.click(await screen.findByRole('button', { name: 'Actions for Live one' }));
    expect(await screen.findByRole('menuitem', { name: 'Archive', hidden: true })).toBeTruthy();
    expect(screen.queryByRole('menuitem', { name: 'Restore', hidden: true })).toBeNull();
    await user.keyboard('{Escape}');
    await user.click(await screen.findByRole('button', { name: 'Actions for Old one' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Restore', hidden: true }));
    await waitFor(() => expect(restored).toEqual([archived.id]));
  });

  it('offers Restore on the page of an archived template', async () => {
    const archived = templateFixture({
      name: 'Gone one',
      archived_at: '2026-12-01T00:00:00.000Z',
      archive_number: 1,
    });
    const restored: string[] = [];
    server.use(
      http.get(`*/api/v1/cluster_templates/${archived.id}`, () => HttpResponse.json(archived)),
      http.get('*/api/v1/clusters', () => HttpResponse.json([])),
      http.post('*/api/v1/cluster_templates/:id/restore', ({ params }) => {
        restored.push(String(params.id));
        return HttpResponse.json({ ...archived, archived_at: null, archive_number: null });
      }),
    );
    const user = userEvent.setup({ delay: null });
    renderRoutes({
      path: `/w/default/templates/${archived.id}`,
      me: admin,
      routes: [{ path: '/w/:slug/templates/:templateId', element: <TemplatePage /> }],
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'Gone one' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Restore' }));
    await waitFor(() => expect(restored).toEqual([archived.id]));
  });
});
