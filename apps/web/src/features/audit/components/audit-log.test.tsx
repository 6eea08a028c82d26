import type { AuditEvent } from '@commander/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { server } from '../../../test/msw-server.js';
import { renderRoutes } from '../../../test/render.js';
import { auditFilterFromSearch, AuditLog } from './audit-log.js';

const events: AuditEvent[] = [
  {
    id: '2',
    ts: '2026-11-28T12:05:00.000Z',
    workspace_id: '00000000-0000-4000-8000-0000000000aa',
    workspace_slug: 'default',
    user_type: 'AuthToken',
    user_id: '00000000-0000-4000-8000-0000000000d1',
    user_name: 'ci-pipeline',
    action: 'create',
    auditable_type: 'Cluster',
    auditable_id: '00000000-0000-4000-8000-0000000000c1',
    auditable_name: 'edge-1',
    audited_changes: { name: 'edge-1', values: { replicas: 3 } },
    remote_address: '10.0.0.9',
    request_id: 'req-0123456789',
  },
  {
    id: '1',
    ts: '2026-11-28T12:00:00.000Z',
    workspace_id: '00000000-0000-4000-8000-0000000000aa',
    workspace_slug: 'default',
    user_type: 'User',
    user_id: '00000000-0000-4000-8000-000000000001',
    user_name: 'admin@example.com',
    action: 'create',
    auditable_type: 'AuthToken',
    auditable_id: '00000000-0000-4000-8000-0000000000d1',
    auditable_name: null,
    audited_changes: { name: 'ci-pipeline' },
    remote_address: '127.0.0.1',
    request_id: null,
  },
];

function renderLog(path = '/w/default/audit') {
  const asked: URLSearchParams[] = [];
  const workspaces: (string | null)[] = [];
  server.use(
    http.get('*/api/v1/audit_events', ({ request }) => {
      const url = new URL(request.url);
      asked.push(url.searchParams);
      workspaces.push(request.headers.get('x-workspace'));
      if (url.searchParams.get('format') === 'jsonl') {
        return new HttpResponse(`${JSON.stringify(events[0])}\n`, {
          headers: { 'content-type': 'application/x-ndjson' },
        });
      }
      const user = url.searchParams.get('user_name');
      const items = user ? events.filter((e) => e.user_name.includes(user)) : events;
      return HttpResponse.json(items, { headers: { 'x-total-count': String(items.length) } });
    }),
  );
  const result = renderRoutes({
    path,
    routes: [
      { path: '/w/:slug/audit', element: <AuditLog scope="default" exportName="audit-default" /> },
      { path: '/w/:slug/clusters/:clusterId', element: <p>Cluster page</p> },
    ],
  });
  return { ...result, asked, workspaces };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('audit log', () => {
  it('shows who did what, with the object linked and the changes expandable', async () => {
    const { workspaces } = renderLog();
    const table = await screen.findByRole('table', { name: 'Audit events' });
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('ci-pipeline');
    expect(rows[1]).toHaveTextContent('API token');
    expect(rows[1]).toHaveTextContent('10.0.0.9');
    expect(rows[1]).toHaveTextContent('req-0123');
    expect(rows[2]).toHaveTextContent('admin@example.com');
    expect(rows[2]).toHaveTextContent('User');
    // Actions and object types in words; objects by name, linked when they have a page.
    expect(rows[1]).toHaveTextContent('Created');
    expect(rows[2]).toHaveTextContent('API token');
    expect(within(table).getByRole('link', { name: 'Cluster edge-1' })).toHaveAttribute(
      'href',
      '/w/default/clusters/00000000-0000-4000-8000-0000000000c1',
    );
    expect(rows[1]).not.toHaveTextContent('00000000-0000-4000-8000-0000000000c1');
    // A token has no page, and this one no name: the start of its id, as plain text.
    expect(within(rows[2]!).queryByRole('link')).not.toBeInTheDocument();
    expect(rows[2]).toHaveTextContent('00000000…');

    const show = within(rows[1]!).getByRole('button', { name: 'Show changes' });
    expect(show).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(show);
    const changes = within(table).getByLabelText('Changes of Cluster edge-1');
    expect(changes).toHaveTextContent('"replicas": 3');
    expect(within(rows[1]!).getByRole('button', { name: 'Hide changes' })).toHaveAttribute(
      'aria-expanded',
      'true',
    );
    expect(workspaces[0]).toBe('default');
    expect(screen.getByText('1–2 of 2')).toBeInTheDocument();
  });

  it('keeps the filters in the URL and sends them to the API', async () => {
    const { router, asked } = renderLog('/w/default/audit?type=Cluster&from=2026-11-28T10:00');
    await screen.findByRole('table', { name: 'Audit events' });
    expect(asked[0]?.get('auditable_type')).toBe('Cluster');
    expect(asked[0]?.get('from')).toBe(new Date('2026-11-28T10:00').toISOString());
    // People and their tokens only, until the system's events are asked for.
    expect(asked[0]?.get('user_type')).toBe('User,AuthToken');
    expect(screen.getByRole('combobox', { name: 'Object type' })).toHaveValue('Cluster');

    const user = userEvent.setup();
    await user.type(screen.getByRole('textbox', { name: 'Who' }), 'ci');
    await waitFor(() => expect(router.state.location.search).toContain('user=ci'));
    await waitFor(() => expect(asked.at(-1)?.get('user_name')).toBe('ci'));
    expect(router.state.location.search).toContain('type=Cluster');
    expect(await screen.findByText('1–1 of 1')).toBeInTheDocument();

    await user.click(screen.getByRole('switch', { name: 'Show system events' }));
    await waitFor(() => expect(router.state.location.search).toContain('system=1'));
    await waitFor(() => expect(asked.at(-1)?.has('user_type')).toBe(false));

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(router.state.location.search).toBe(''));
    expect(screen.getByRole('textbox', { name: 'Who' })).toHaveValue('');
  });

  it('exports the filtered events as JSON lines', async () => {
    const created: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      created.push(blob as Blob);
      return 'blob:audit';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    const clicks: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicks.push(this.download);
    });
    const { asked } = renderLog('/w/default/audit?action=create');
    await screen.findByRole('table', { name: 'Audit events' });
    await userEvent.click(screen.getByRole('button', { name: 'Export JSON lines' }));
    await waitFor(() => expect(clicks).toEqual(['audit-default.jsonl']));
    const exported = asked.find((q) => q.get('format') === 'jsonl');
    expect(exported?.get('action')).toBe('create');
    expect(exported?.get('limit')).toBe('10000');
    expect(await created[0]?.text()).toContain('"user_name":"ci-pipeline"');
  });

  it('reads filters from the URL, ignoring bad pages', () => {
    expect(auditFilterFromSearch(new URLSearchParams('page=0&user=%20x%20&action='))).toEqual({
      page: 1,
      user: 'x',
    });
  });
});
