import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

import { clusterFixture } from '../../../test/fixtures.js';
import { server } from '../../../test/msw-server.js';
import { renderRoutes } from '../../../test/render.js';
import { AttachClusterModal } from './attach-cluster-modal.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA==\n-----END OPENSSH PRIVATE KEY-----';

/** Sets a field's value at once (typing every character is slow with a live YAML preview). */
function fill(element: HTMLElement, value: string) {
  fireEvent.change(element, { target: { value } });
}

function renderModal() {
  const bodies: { name: string; connection_config: string }[] = [];
  const attached = clusterFixture({ name: 'legacy-1', status: 'new' });
  server.use(
    http.post('*/api/v1/clusters/attach', async ({ request }) => {
      const body = (await request.json()) as { name: string; connection_config: string };
      bodies.push(body);
      if (body.name === 'taken') {
        return HttpResponse.json(
          { error: { code: 'name_taken', message: 'A cluster named "taken" already exists' } },
          { status: 409 },
        );
      }
      return HttpResponse.json(attached, { status: 201 });
    }),
    http.get('*/api/v1/clusters', () => HttpResponse.json([])),
    http.get('*/api/v1/workspaces', () => HttpResponse.json([])),
  );
  const result = renderRoutes({
    path: '/w/default/clusters',
    routes: [
      {
        path: '/w/:slug/clusters',
        element: <AttachClusterModal slug="default" opened onClose={() => undefined} />,
      },
      { path: '/w/:slug/clusters/:clusterId', element: <p>Cluster page</p> },
    ],
  });
  return { ...result, bodies, attached };
}

describe('attach cluster', () => {
  it('composes the connection config from the form and attaches', { timeout: 60_000 }, async () => {
    const { bodies, router, attached } = renderModal();
    const user = userEvent.setup();
    const dialog = await screen.findByRole('dialog', { name: 'Attach an existing cluster' });
    fill(within(dialog).getByRole('textbox', { name: /^Name/ }), 'legacy-1');
    // Pasting is how keys arrive.
    fireEvent.change(within(dialog).getByRole('textbox', { name: /^Private key/ }), {
      target: { value: KEY },
    });
    fill(within(dialog).getByRole('textbox', { name: /^Master host 1/ }), '10.0.0.5');
    await user.click(within(dialog).getByRole('button', { name: 'Add master host' }));
    fill(within(dialog).getByRole('textbox', { name: /^Master host 2/ }), '10.0.0.6');
    await user.click(
      within(dialog).getByRole('switch', { name: /Connect through a bastion host/ }),
    );
    fill(within(dialog).getByRole('textbox', { name: /^Bastion host/ }), 'jump.example.com');

    const preview = await within(dialog).findByRole(
      'textbox',
      { name: 'Connection configuration (YAML)' },
      { timeout: 10_000 },
    );
    await waitFor(() => expect(preview).toHaveTextContent('sshBastionHost: jump.example.com'));
    expect(preview).toHaveTextContent('host: 10.0.0.6');

    await user.click(within(dialog).getByRole('button', { name: 'Attach cluster' }));
    await waitFor(() => expect(bodies).toHaveLength(1));
    expect(bodies[0]?.name).toBe('legacy-1');
    const docs = parseAllDocuments(bodies[0]?.connection_config ?? '').map(
      (d) => d.toJS() as Record<string, unknown>,
    );
    expect(docs.map((d) => d.kind)).toEqual(['SSHConfig', 'SSHHost', 'SSHHost']);
    expect(docs[0]).toMatchObject({
      sshUser: 'ubuntu',
      sshPort: 22,
      sshBastionHost: 'jump.example.com',
      sshBastionPort: 22,
    });
    await waitFor(() =>
      expect(router.state.location.pathname).toBe(`/w/default/clusters/${attached.id}`),
    );
  });

  it(
    'checks the fields as the user types and shows a taken name next to it',
    { timeout: 60_000 },
    async () => {
      const { bodies } = renderModal();
      const user = userEvent.setup();
      const dialog = await screen.findByRole('dialog', { name: 'Attach an existing cluster' });
      await user.click(within(dialog).getByRole('button', { name: 'Attach cluster' }));
      expect(bodies).toEqual([]);
      expect(within(dialog).getByText('At least one master host is required')).toBeInTheDocument();

      fireEvent.change(within(dialog).getByRole('textbox', { name: /^Private key/ }), {
        target: { value: 'not a key' },
      });
      expect(within(dialog).getByText(/Paste the whole key/)).toBeInTheDocument();
      fireEvent.change(within(dialog).getByRole('textbox', { name: /^Private key/ }), {
        target: { value: KEY },
      });
      fill(within(dialog).getByRole('textbox', { name: /^Master host 1/ }), 'bad host!');
      expect(within(dialog).getByText('An IP address or host name')).toBeInTheDocument();
      fill(within(dialog).getByRole('textbox', { name: /^Master host 1/ }), '10.0.0.5');
      fill(within(dialog).getByRole('textbox', { name: /^Name/ }), 'taken');
      await user.click(within(dialog).getByRole('button', { name: 'Attach cluster' }));
      expect(
        await within(dialog).findByText('A cluster named "taken" already exists'),
      ).toBeInTheDocument();
      expect(within(dialog).getByRole('textbox', { name: /^Name/ })).toHaveAttribute(
        'aria-invalid',
        'true',
      );
    },
  );
});
