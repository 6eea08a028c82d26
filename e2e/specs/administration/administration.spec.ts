import { expect, test } from '../../fixtures.js';
import { createReadyCluster, getCluster } from '../lifecycle/cluster-helpers.js';

/**
 * The Administration tab of a Ready cluster whose (simulated) agent holds the tunnel: the
 * cluster's pods, a config map edited with the server's dry-run diff before applying, a pod's
 * log stream, and a command run in the web terminal. Everything goes through
 * /api/v1/clusters/:id/kubernetes under the signed-in administrator.
 */
test('browse pods, edit a config map with a diff, follow a log and use the terminal', async ({
  page,
  api,
  signIn,
  shot,
}) => {
  const cluster = await createReadyCluster(api, 'e2e-admin');
  await expect
    .poll(async () => (await getCluster(api, cluster.id)).agent_status, { timeout: 60_000 })
    .toBe('online');

  await signIn(page);
  await page.goto(`/w/default/clusters/${cluster.id}`);
  await page.getByRole('tab', { name: 'Administration' }).click();
  await expect(page).toHaveURL(new RegExp(`/clusters/${cluster.id}/administration`));

  // Pods (the default table), following watch.
  const pods = page.getByRole('table', { name: 'Pods of the cluster' });
  await expect(pods.getByRole('row', { name: /web-\w+-\w+/ }).first()).toBeVisible({
    timeout: 60_000,
  });
  await expect(pods).toContainText('Running');
  const podName = (
    await pods
      .getByRole('row', { name: /web-\w+-\w+/ })
      .first()
      .getByRole('cell')
      .first()
      .innerText()
  ).trim();
  await shot(page, 'pods');

  // Edit a config map: YAML, server dry run, the diff, then apply.
  await page.getByRole('tab', { name: 'Config maps' }).click();
  await page.getByRole('button', { name: 'YAML of web-config' }).click();
  const dialog = page.getByRole('dialog', { name: 'ConfigMap web-config' });
  const editor = dialog.getByRole('textbox', { name: 'YAML' });
  await expect(editor).toContainText('LOG_LEVEL: info');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  const current = await editor.innerText();
  await page.keyboard.insertText(current.replace('LOG_LEVEL: info', 'LOG_LEVEL: debug'));
  await dialog.getByRole('button', { name: 'Review changes' }).click();
  await expect(dialog.getByText('After applying (server dry run)')).toBeVisible();
  await expect(dialog).toContainText('LOG_LEVEL: debug');
  await shot(page, 'config-map-diff');
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole('button', { name: 'YAML of web-config' }).click();
  await expect(
    page
      .getByRole('dialog', { name: 'ConfigMap web-config' })
      .getByRole('textbox', { name: 'YAML' }),
  ).toContainText('LOG_LEVEL: debug');
  await page
    .getByRole('dialog', { name: 'ConfigMap web-config' })
    .getByRole('button', { name: 'Cancel' })
    .click();

  // A pod's live log.
  await page.getByRole('tab', { name: 'Pods' }).click();
  await page.getByRole('button', { name: `Logs of ${podName}` }).click();
  const logs = page.getByRole('dialog', { name: `Logs of ${podName}` });
  await expect(logs.getByRole('log', { name: `Log of ${podName}` })).toContainText('INFO');
  await page.keyboard.press('Escape');
  await expect(logs).toBeHidden();

  // The web terminal: run a command and see its output.
  await page.getByRole('button', { name: `Terminal in ${podName}` }).click();
  const terminal = page.getByRole('dialog', { name: `Terminal in ${podName}` });
  await expect(terminal.getByRole('status')).toHaveText('Connected');
  await terminal.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type('echo terminal-works');
  await page.keyboard.press('Enter');
  await expect(terminal.locator('.xterm-rows')).toContainText(
    /echo terminal-works[\s\S]*terminal-works/,
  );
  await page.keyboard.type('hostname');
  await page.keyboard.press('Enter');
  await expect(terminal.locator('.xterm-rows')).toContainText(podName);
  await shot(page, 'terminal');
  await page.keyboard.type('exit 3');
  await page.keyboard.press('Enter');
  await expect(terminal.getByRole('status')).toHaveText('Session ended (exit code 3)');
});
