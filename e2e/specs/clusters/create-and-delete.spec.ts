import { expect, test, unwrap } from '../../fixtures.js';
import { clusterStatus, staticTemplate } from '../lifecycle/cluster-helpers.js';

/**
 * The walking skeleton, as a user does it: sign in, create a cluster from the preset static
 * template, watch it become Ready, delete it. Also through the API with a token.
 */
test('sign in, create a cluster, see it Ready, delete it', async ({ page, signIn, shot }) => {
  await signIn(page);
  await shot(page, 'workspaces');
  await page.goto('/w/default/clusters');
  await shot(page, 'clusters-empty');
  await page.getByRole('link', { name: 'Create cluster' }).first().click();

  await page.getByRole('combobox', { name: 'Template' }).click();
  await page.getByRole('option', { name: 'Static cluster' }).click();
  const name = `e2e-static-${Date.now().toString(36)}`;
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await shot(page, 'create-form');
  await page.getByRole('button', { name: 'Create cluster' }).click();

  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByRole('status', { name: 'Status: Ready' }).first()).toBeVisible({
    timeout: 90_000,
  });
  await shot(page, 'cluster-ready');

  await page.getByRole('tab', { name: 'Operations' }).click();
  await expect(page.getByRole('log', { name: 'Operation log' })).toContainText(
    'Deckhouse cluster was created successfully!',
  );
  await shot(page, 'operations');

  // Deleting lives in the Settings tab's danger zone.
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page
    .getByRole('region', { name: 'Danger zone' })
    .getByRole('button', { name: 'Delete cluster' })
    .click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('textbox').fill(name);
  await dialog.getByRole('button', { name: /Delete/ }).click();
  await expect(page.getByText(`Cluster ${name} was deleted`)).toBeVisible({ timeout: 90_000 });
  await shot(page, 'deleted');
});

test('create and delete a cluster through the API with a workspace token', async ({ api }) => {
  const template = await staticTemplate(api);
  const cluster = await unwrap(
    api.client.POST('/api/v1/clusters/', {
      body: {
        name: `api-${Date.now().toString(36)}`,
        cluster_template_version_id: template.current_cluster_template_version_id,
        values: {},
      },
    }),
  );
  expect(cluster.status).toBe('new');
  await expect.poll(() => clusterStatus(api, cluster.id), { timeout: 90_000 }).toBe('in_sync');
  const path = { path: { id: cluster.id } };
  const deleting = await unwrap(api.client.DELETE('/api/v1/clusters/{id}', { params: path }));
  expect(deleting.status).toBe('delete');
  await expect
    .poll(
      async () => (await api.client.GET('/api/v1/clusters/{id}', { params: path })).response.status,
      { timeout: 90_000 },
    )
    .toBe(404);
});
