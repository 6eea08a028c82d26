import { createCommanderClient } from '@commander/client';

import { expect, test, unwrap } from '../../fixtures.js';
import { E2E } from '../../playwright.config.js';

/**
 * API tokens end to end: an administrator issues a workspace token in the UI (its value is shown
 * once), a script uses it, and the audit log tells who did what: the token's creation by the
 * administrator and the cluster created with the token.
 */
test('issue a workspace token in the UI, use it with the API, find both in the audit log', async ({
  page,
  context,
  signIn,
  shot,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: E2E.baseURL });
  await signIn(page);
  await page.goto('/w/default/settings/tokens');
  await page.getByRole('button', { name: 'Create token' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create an API token' });
  const tokenName = `e2e-ci-${Date.now().toString(36)}`;
  await dialog.getByRole('textbox', { name: 'Name' }).fill(tokenName);
  await dialog.getByRole('radio', { name: /Read and write/ }).check();
  await dialog.getByRole('button', { name: 'Create token' }).click();

  const created = page.getByRole('dialog', { name: 'Your new API token' });
  await expect(created.getByText('It is shown only once')).toBeVisible();
  const token = (await created.getByLabel('Token value').textContent())?.trim() ?? '';
  expect(token.length).toBeGreaterThan(20);
  await created.getByRole('button', { name: 'Copy token' }).click();
  await expect(created.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  await shot(page, 'token-created');
  await created.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('table', { name: 'API tokens' })).toContainText(tokenName);

  // A script with the token: it creates a cluster.
  const script = createCommanderClient({ baseUrl: E2E.baseURL, token });
  const templates = await unwrap(script.GET('/api/v1/cluster_templates/'));
  const version = templates.find(
    (t) => t.name === 'Static cluster',
  )?.current_cluster_template_version_id;
  expect(version, 'the preset "Static cluster" template').toBeTruthy();
  const clusterName = `e2e-token-${Date.now().toString(36)}`;
  const response = await script.POST('/api/v1/clusters/', {
    body: { name: clusterName, cluster_template_version_id: version!, values: {} },
  });
  expect(response.response.status, JSON.stringify(response.error)).toBe(201);

  // The workspace's audit log: newest first, who (user or token), what, with its changes.
  await page
    .getByRole('navigation', { name: 'Workspace navigation' })
    .getByRole('link', { name: 'Audit log' })
    .click();
  await expect(page).toHaveURL(/\/w\/default\/audit/);
  const table = page.getByRole('table', { name: 'Audit events' });
  const clusterRow = table
    .getByRole('row')
    .filter({ hasText: tokenName })
    .filter({ hasText: 'Cluster' })
    .first();
  await expect(clusterRow).toContainText('API token');
  await expect(clusterRow).toContainText('Created');
  await expect(clusterRow.getByRole('link', { name: `Cluster ${clusterName}` })).toBeVisible();
  const tokenRow = table
    .getByRole('row')
    .filter({ hasText: tokenName })
    .filter({ hasText: E2E.adminEmail })
    .first();
  await expect(tokenRow).toContainText('Created');
  await tokenRow.getByRole('button', { name: 'Show changes' }).click();
  await expect(table.getByLabel(`Changes of API token ${tokenName}`).first()).toContainText(
    tokenName,
  );
  await shot(page, 'audit');

  // Filters live in the URL: only what the token did.
  await page.getByRole('textbox', { name: 'Who' }).fill(tokenName);
  await expect(page).toHaveURL(new RegExp(`user=${tokenName}`));
  await expect(table.getByRole('row').filter({ hasText: E2E.adminEmail })).toHaveCount(0);
  await expect(table.getByRole('row').filter({ hasText: tokenName }).first()).toBeVisible();

  // The export downloads the same events as JSON lines.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export JSON lines' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('audit-default.jsonl');
  const text = await (await file.createReadStream()).toArray();
  const lines = Buffer.concat(text as Buffer[])
    .toString('utf8')
    .trim()
    .split('\n');
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    expect((JSON.parse(line) as { user_name: string }).user_name).toBe(tokenName);
  }

  // The cluster's own Audit tab shows the creation too.
  await clusterRow.getByRole('link', { name: `Cluster ${clusterName}` }).click();
  await page.getByRole('tab', { name: 'Audit' }).click();
  await expect(page.getByRole('table', { name: 'Audit events' })).toContainText(tokenName);
});
