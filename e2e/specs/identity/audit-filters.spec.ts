import { expect, test } from '../../fixtures.js';
import { createReadyCluster } from '../lifecycle/cluster-helpers.js';

/**
 * Issue 12, "Audit log": objects by name rather than UUID, actions and object types in words,
 * the managers' (system) events hidden until asked for, and a date-time range picker; every
 * filter lives in the URL.
 */
test('the audit log: names, words, system events behind a switch, a time range', async ({
  page,
  api,
  signIn,
  shot,
}) => {
  // Made with the workspace token; the managers then install it (their events are System's).
  const cluster = await createReadyCluster(api, 'e2e-audit');
  await signIn(page);
  await page.goto('/w/default/audit');
  const table = page.getByRole('table', { name: 'Audit events' });

  const created = table
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name: `Cluster ${cluster.name}` }) })
    .first();
  await expect(created).toContainText('Created');
  await expect(created).toContainText('API token');
  await expect(table).not.toContainText(cluster.id);
  // Nothing the managers did shows by default.
  await expect(table.getByRole('row').filter({ hasText: 'System' })).toHaveCount(0);
  await shot(page, 'people');

  // A controlled switch: it turns on once the URL has changed.
  await page.getByRole('switch', { name: 'Show system events' }).click();
  await expect(page).toHaveURL(/system=1/);
  const systemRow = table
    .getByRole('row')
    .filter({ hasText: 'System' })
    .filter({ hasText: cluster.name })
    .first();
  await expect(systemRow).toContainText('Updated');

  // Object type and action as words, sent as the API's codes.
  await page.getByRole('combobox', { name: 'Object type' }).click();
  await page.getByRole('option', { name: 'Cluster', exact: true }).click();
  await expect(page).toHaveURL(/type=Cluster/);
  await page.getByRole('combobox', { name: 'Action' }).click();
  await page.getByRole('option', { name: 'Updated', exact: true }).click();
  await expect(page).toHaveURL(/action=update/);
  await expect(systemRow).toBeVisible();
  await expect(table.getByRole('row').filter({ hasText: 'Created' })).toHaveCount(0);

  // The range picker: "Last hour" keeps today's events.
  await page.getByRole('button', { name: 'Time range' }).click();
  await page.getByRole('button', { name: 'Last hour' }).click();
  await expect(page).toHaveURL(/from=\d{4}-\d{2}-\d{2}T\d{2}(:|%3A)\d{2}/);
  await expect(page).toHaveURL(/to=\d{4}-\d{2}-\d{2}T/);
  await page.keyboard.press('Escape');
  await expect(systemRow).toBeVisible();
  await shot(page, 'filtered');

  // The filtered view is shareable: a reload keeps it.
  await page.reload();
  await expect(page.getByRole('switch', { name: 'Show system events' })).toBeChecked();
  await expect(page.getByRole('combobox', { name: 'Action' })).toHaveValue('Updated');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page).toHaveURL(/\/w\/default\/audit$/);
  await expect(table.getByRole('row').filter({ hasText: 'System' })).toHaveCount(0);
});
