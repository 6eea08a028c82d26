import type { Workspace } from '@commander/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { meFixture } from '../../../test/fixtures.js';
import { server } from '../../../test/msw-server.js';
import { renderRoutes } from '../../../test/render.js';
import { WorkspacesAdminPage } from './workspaces-admin-page.js';

const NOW = '2026-11-28T12:00:00.000Z';

const busy: Workspace = {
  id: '00000000-0000-4000-8000-0000000000aa',
  name: 'Default',
  slug: 'default',
  current_revision: 4,
  created_at: NOW,
  updated_at: NOW,
  archived_at: null,
  cluster_counts: { in_sync: 2, creating: 1 },
};

function renderPage() {
  const renames: unknown[] = [];
  const me = meFixture({ global_permissions: ['workspaces:read', 'workspaces:write'] });
  server.use(
    // A rename refreshes the caller's permissions too.
    http.get('*/api/v1/auth/me', () => HttpResponse.json(me)),
    http.get('*/api/v1/workspaces', () => HttpResponse.json([busy])),
    http.put(`*/api/v1/workspaces/${busy.id}`, async ({ request }) => {
      renames.push(await request.json());
      return HttpResponse.json({ ...busy, name: 'Production' });
    }),
    http.delete(`*/api/v1/workspaces/${busy.id}`, () =>
      HttpResponse.json(
        {
          error: {
            code: 'workspace_not_empty',
            message: 'The workspace still has 3 cluster(s): delete, detach or move them first',
          },
        },
        { status: 409 },
      ),
    ),
  );
  renderRoutes({
    me,
    path: '/settings/workspaces',
    routes: [{ path: '/settings/workspaces', element: <WorkspacesAdminPage /> }],
  });
  return { renames };
}

describe('workspaces administration', () => {
  it('lists workspaces with their cluster counts and renames one with its revision', async () => {
    const { renames } = renderPage();
    const user = userEvent.setup();
    const table = await screen.findByRole('table', { name: 'Workspaces' });
    expect(within(table).getAllByRole('row')[1]).toHaveTextContent('Defaultdefault3');
    await user.click(screen.getByRole('button', { name: 'Rename workspace Default' }));
    const dialog = await screen.findByRole('dialog', { name: 'Rename workspace Default' });
    const name = within(dialog).getByRole('textbox', { name: /Name/ });
    await user.clear(name);
    expect(within(dialog).getByText('Required')).toBeInTheDocument();
    await user.type(name, 'Production');
    await user.click(within(dialog).getByRole('button', { name: 'Rename' }));
    await waitFor(() => expect(renames).toEqual([{ name: 'Production', current_revision: 4 }]));
  });

  it('asks for the slug before deleting and explains a workspace that still has clusters', async () => {
    renderPage();
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Delete workspace Default' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete workspace Default?' });
    const confirm = within(dialog).getByRole('button', { name: 'Delete' });
    await user.type(
      within(dialog).getByRole('textbox', { name: 'Type default to confirm' }),
      'default',
    );
    await user.click(confirm);
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent(
      'The workspace still has clusters. Delete, detach or move them',
    );
    expect(alert).toHaveTextContent('3 cluster(s)');
    expect(screen.getByRole('dialog', { name: 'Delete workspace Default?' })).toBeInTheDocument();
  });
});
