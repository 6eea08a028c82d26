import { expect, test } from '../../fixtures.js';

const KEY = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  '-----END OPENSSH PRIVATE KEY-----',
].join('\n');

/**
 * Attaching a DKP cluster that already runs: the dialog composes dhctl's connection config,
 * Commander scans the cluster ("Ready to join" with what it found), Join takes it under
 * management and it becomes Ready.
 */
test('attach an existing cluster over SSH, review the scan, join it', async ({
  page,
  api,
  signIn,
  shot,
}) => {
  const host = `10.77.${Math.floor(Math.random() * 200) + 1}.${Math.floor(Math.random() * 200) + 1}`;
  await api.sim('POST', '/sim/clusters', {
    host,
    cluster_type: 'Static',
    kubernetes_version: '1.33',
  });
  const name = `e2e-attach-${Date.now().toString(36)}`;

  await signIn(page);
  await page.goto('/w/default/clusters');
  await expect(page.getByRole('heading', { level: 1, name: 'Clusters' })).toBeVisible();
  await shot(page, 'clusters');
  await page.getByRole('button', { name: 'Attach cluster' }).click();
  const dialog = page.getByRole('dialog', { name: 'Attach an existing cluster' });
  await dialog.getByRole('textbox', { name: 'Name' }).fill(name);
  await dialog.getByRole('textbox', { name: 'SSH user' }).fill('debian');
  await dialog.getByRole('textbox', { name: 'Private key' }).fill(KEY);
  await dialog.getByRole('textbox', { name: 'Master host 1' }).fill(host);
  const preview = dialog.getByRole('textbox', { name: 'Connection configuration (YAML)' });
  await expect(preview).toContainText('kind: SSHConfig');
  await expect(preview).toContainText(`host: ${host}`);
  await expect(preview).toContainText('sshUser: debian');
  await shot(page, 'dialog');
  await dialog.getByRole('button', { name: 'Attach cluster' }).click();

  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  const ready = page.getByRole('region', { name: 'Ready to join' });
  await expect(ready).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('status', { name: 'Status: Ready to join' }).first()).toBeVisible();
  await expect(ready.getByRole('textbox', { name: 'Cluster configuration found' })).toContainText(
    'ClusterConfiguration',
  );
  await shot(page, 'ready-to-join');
  await ready.getByRole('button', { name: 'Join' }).click();
  await expect(page.getByRole('status', { name: 'Status: Ready' }).first()).toBeVisible({
    timeout: 90_000,
  });
  await shot(page, 'joined');
});
