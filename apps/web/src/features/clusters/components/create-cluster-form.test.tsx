import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { clusterFixture, templateFixture, versionFixture } from '../../../test/fixtures.js';
import { server } from '../../../test/msw-server.js';
import { renderRoutes } from '../../../test/render.js';
import { CreateClusterPage } from '../pages/create-cluster-page.js';

const v1 = versionFixture({ number: 1, available: true });
const v2 = versionFixture({
  number: 2,
  available: true,
  comment: 'newer',
  params: [{ key: 'replicas', type: 'number', title: 'Replicas', default: 5 }],
});
const hidden = versionFixture({ number: 3, available: false });
const template = templateFixture({
  name: 'Static cluster',
  cluster_template_versions: [v1, v2, hidden],
  current_cluster_template_version_id: v2.id,
});

function renderCreate() {
  server.use(http.get('*/api/v1/cluster_templates', () => HttpResponse.json([template])));
  return renderRoutes({
    path: '/w/default/clusters/new',
    routes: [
      { path: '/w/:slug/clusters/new', element: <CreateClusterPage /> },
      { path: '/w/:slug/clusters/:clusterId', element: <p>Cluster page</p> },
      { path: '/w/:slug/clusters', element: <p>Cluster list</p> },
    ],
  });
}

async function fillName(name: string) {
  const user = userEvent.setup();
  const input = await screen.findByRole('textbox', { name: /^name/i });
  await user.type(input, name);
  return { user, input };
}

describe('create cluster form', () => {
  it('shows a taken name next to the Name field', async () => {
    server.use(
      http.post('*/api/v1/clusters', () =>
        HttpResponse.json(
          {
            error: {
              code: 'name_taken',
              message: 'A cluster named "prod" already exists in this workspace',
            },
          },
          { status: 409 },
        ),
      ),
    );
    renderCreate();
    const { user, input } = await fillName('prod');
    await user.click(screen.getByRole('button', { name: 'Create cluster' }));
    await waitFor(() =>
      expect(input).toHaveAccessibleDescription(
        expect.stringContaining('A cluster with this name already exists in this workspace'),
      ),
    );
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByText('Cluster page')).not.toBeInTheDocument();
  });

  it('puts validation_failed issues next to their fields', async () => {
    server.use(
      http.post('*/api/v1/clusters', () =>
        HttpResponse.json(
          {
            error: {
              code: 'validation_failed',
              message: 'Invalid request',
              details: {
                issues: [
                  { path: 'body.name', message: 'must not start with a space or contain slashes' },
                ],
              },
            },
          },
          { status: 400 },
        ),
      ),
    );
    renderCreate();
    const { user, input } = await fillName('ok-name');
    await user.click(screen.getByRole('button', { name: 'Create cluster' }));
    await waitFor(() =>
      expect(input).toHaveAccessibleDescription(
        expect.stringContaining('must not start with a space or contain slashes'),
      ),
    );
  });

  it('shows values the template refuses next to their fields', async () => {
    server.use(
      http.post('*/api/v1/clusters', () =>
        HttpResponse.json(
          {
            error: {
              code: 'invalid_values',
              message: "The values do not match the template's input parameters",
              details: [
                { path: 'replicas', message: 'must be at most 3' },
                { path: 'other', message: 'Unknown parameter' },
              ],
            },
          },
          { status: 422 },
        ),
      ),
    );
    renderCreate();
    const { user } = await fillName('prod');
    await user.click(screen.getByRole('button', { name: 'Create cluster' }));
    const replicas = await screen.findByRole('textbox', { name: 'Replicas' });
    await waitFor(() =>
      expect(replicas).toHaveAccessibleDescription(expect.stringContaining('must be at most 3')),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent('other: Unknown parameter');
  });

  it('shows errors that belong to no field above the form', async () => {
    server.use(
      http.post('*/api/v1/clusters', () =>
        HttpResponse.json(
          { error: { code: 'forbidden', message: 'This needs the clusters:write permission' } },
          { status: 403 },
        ),
      ),
    );
    renderCreate();
    const { user } = await fillName('prod');
    await user.click(screen.getByRole('button', { name: 'Create cluster' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'This needs the clusters:write permission (forbidden)',
    );
  });

  it('validates the name as the user types, with the server schema', async () => {
    renderCreate();
    const { input } = await fillName('a/b');
    expect(input).toHaveAccessibleDescription(
      expect.stringContaining('Must not start with a space or contain slashes'),
    );
  });

  it('creates the cluster from the current version with its default values and opens its page', async () => {
    let body: unknown = null;
    server.use(
      http.post('*/api/v1/clusters', async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(clusterFixture({ name: 'prod', status: 'new' }), { status: 201 });
      }),
    );
    const { router } = renderCreate();
    const { user } = await fillName('prod');
    expect(screen.getByRole('combobox', { name: /^version/i })).toHaveValue('Version 2 — newer');
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Create cluster' })).toBeEnabled(),
    );
    await user.click(screen.getByRole('button', { name: 'Create cluster' }));
    expect(await screen.findByText('Cluster page')).toBeInTheDocument();
    expect(router.state.location.pathname).toMatch(/^\/w\/default\/clusters\/[0-9a-f-]+$/);
    expect(body).toEqual({
      name: 'prod',
      cluster_template_version_id: v2.id,
      values: { replicas: 5 },
    });
  });
});
