import { expect, test, unwrap } from '../../fixtures.js';
import { clusterStatus, createReadyCluster } from './cluster-helpers.js';

/**
 * A deletion that keeps failing (the simulated dhctl's Destroy fails): the cluster stays in
 * "Deletion failed"; the operator archives it without cleanup from the Overview (typing its
 * name), lands on the cluster list, and the cluster is gone from the API.
 */
test('deletion failed: archive without cleanup, confirmed by name', async ({
  page,
  api,
  signIn,
  shot,
}) => {
  const cluster = await createReadyCluster(api, 'e2e-awc');
  await api.sim('POST', '/sim/faults', { operation: 'Destroy', times: 20 });
  try {
    await unwrap(
      api.client.DELETE('/api/v1/clusters/{id}', { params: { path: { id: cluster.id } } }),
    );
    await expect
      .poll(() => clusterStatus(api, cluster.id), { timeout: 120_000 })
      .toBe('deletion_failed');
  } finally {
    await api.sim('DELETE', '/sim/faults');
  }

  await signIn(page);
  await page.goto(`/w/default/clusters/${cluster.id}`);
  await expect(page.getByRole('heading', { level: 1, name: cluster.name })).toBeVisible();
  await page.getByRole('button', { name: 'Archive without cleanup' }).click();
  const dialog = page.getByRole('dialog', { name: `Archive ${cluster.name} without cleanup?` });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel(`Type ${cluster.name} to confirm`).fill(cluster.name);
  await shot(page, 'archive-without-cleanup');
  await dialog.getByRole('button', { name: 'Archive without cleanup' }).click();
  await expect(page).toHaveURL(/\/w\/default\/clusters$/);

  const gone = await api.client.GET('/api/v1/clusters/{id}', {
    params: { path: { id: cluster.id } },
  });
  expect(gone.response.status).toBe(404);
});
