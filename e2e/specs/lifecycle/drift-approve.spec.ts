import { expect, test } from '../../fixtures.js';
import { createReadyCluster, simulatorUuid } from './cluster-helpers.js';

/**
 * Destructive drift, as an operator meets it: the cluster's pod subnet changed behind
 * Commander's back; "Check now" finds it, the cluster waits in "Destructive changes" with a
 * change request (check result and diff), and approving it (typing the name) converges the
 * cluster back to Ready.
 */
test('destructive drift: check now, review the change request, approve by name, Ready again', async ({
  page,
  api,
  signIn,
  shot,
}) => {
  const cluster = await createReadyCluster(api, 'e2e-drift');
  const uuid = await simulatorUuid(api, cluster);
  await api.sim('POST', `/sim/clusters/${uuid}/drift`, { destructive: true });

  await signIn(page);
  await page.goto(`/w/default/clusters/${cluster.id}/settings`);
  await expect(page.getByRole('heading', { level: 1, name: cluster.name })).toBeVisible();
  await page.getByRole('button', { name: 'Check now' }).click();
  await expect(page.getByText('Check queued')).toBeVisible();
  await expect(
    page.getByRole('status', { name: 'Status: Destructive changes' }).first(),
  ).toBeVisible({
    timeout: 60_000,
  });

  // Pending change requests are prominent on the Overview…
  await page.getByRole('tab', { name: 'Overview' }).click();
  const request = page.getByRole('region', { name: 'Destructive change waits for approval' });
  await expect(request).toBeVisible();
  await expect(request.getByRole('status', { name: 'Change request: Pending' })).toBeVisible();
  await expect(request.getByText('Destructive', { exact: true })).toBeVisible();
  const check = request.getByRole('group', { name: 'Check result' });
  await expect(check).toContainText('Destructive changes');
  await expect(check.getByRole('table', { name: 'Destructive changes' })).toContainText(
    'podSubnetCIDR',
  );
  // …with applied and desired configuration side by side (CodeMirror's merge view).
  await expect(
    request.getByRole('textbox', { name: 'Applied: Cluster configuration' }),
  ).toContainText('ClusterConfiguration');
  await expect(
    request.getByRole('textbox', { name: 'Desired: Cluster configuration' }),
  ).toContainText('ClusterConfiguration');
  await shot(page, 'change-request');

  // The Operations tab lists it too, with the check that found it.
  await page.getByRole('tab', { name: 'Operations' }).click();
  await expect(page.getByRole('region', { name: 'Change requests' })).toBeVisible();
  await expect(
    page.getByRole('table', { name: 'Operations' }).getByRole('link', { name: 'Check' }).first(),
  ).toBeVisible();

  await page
    .getByRole('region', { name: 'Destructive change waits for approval' })
    .getByRole('button', { name: 'Approve' })
    .click();
  const dialog = page.getByRole('dialog', {
    name: `Approve the destructive change to ${cluster.name}?`,
  });
  const confirm = dialog.getByRole('button', { name: 'Approve' });
  await expect(confirm).toBeDisabled();
  await dialog.getByRole('textbox', { name: `Type ${cluster.name} to confirm` }).fill(cluster.name);
  await shot(page, 'approve-dialog');
  await confirm.click();
  await expect(page.getByText('Change approved: it is being applied')).toBeVisible();

  await expect(page.getByRole('status', { name: 'Status: Ready' }).first()).toBeVisible({
    timeout: 90_000,
  });
  await expect(page.getByRole('table', { name: 'Earlier change requests' })).toContainText(
    'Completed',
    {
      timeout: 30_000,
    },
  );
  await expect(
    page.getByRole('table', { name: 'Operations' }).getByRole('link', { name: 'Update' }).first(),
  ).toBeVisible();
  await shot(page, 'ready-again');
});
