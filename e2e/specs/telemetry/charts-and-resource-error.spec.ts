import type { Page } from '@playwright/test';

import { expect, test } from '../../fixtures.js';
import { createReadyCluster, getCluster, simulatorUuid } from '../lifecycle/cluster-helpers.js';

/** How many telemetry points the charts hold (their accessible summary says so). */
async function measurements(page: Page): Promise<number> {
  const summary = page.getByText(/^\d+ measurements?$/);
  // Not there while the charts load (or when there is nothing to chart yet).
  if ((await summary.count()) === 0) {
    return 0;
  }
  return Number.parseInt((await summary.textContent()) ?? '0', 10);
}

/**
 * A Ready cluster's health on the Overview: telemetry cards from its (simulated) agent and
 * charts that fill as reports arrive; then a resource that fails to apply shows on the
 * Resources tab with its error.
 */
test('telemetry cards and charts fill in; a resource error shows on the Resources tab', async ({
  page,
  api,
  signIn,
  shot,
}) => {
  const cluster = await createReadyCluster(api, 'e2e-telemetry');
  await expect
    .poll(async () => (await getCluster(api, cluster.id)).agent_status, { timeout: 60_000 })
    .toBe('online');

  await signIn(page);
  await page.goto(`/w/default/clusters/${cluster.id}`);
  await expect(page.getByRole('heading', { level: 1, name: cluster.name })).toBeVisible();
  const health = page.getByRole('region', { name: 'Health' });
  await expect(health).toBeVisible({ timeout: 30_000 });
  await expect(health.getByRole('region', { name: 'CPU' })).toContainText(/\d+ cores/);
  await expect(health.getByRole('region', { name: 'Memory' })).toContainText(/GiB/);
  await expect(health.getByRole('region', { name: 'Storage' })).toContainText(/GiB/);
  await expect(health.getByRole('region', { name: 'Nodes' })).toContainText(/\d/);
  await expect(health.getByRole('region', { name: 'Versions' })).toContainText(
    /Kubernetes\s*1\.\d+/,
  );
  await expect(
    health.getByRole('region', { name: 'Agent' }).getByRole('status', { name: 'Agent: Online' }),
  ).toBeVisible();
  await expect(health.getByRole('region', { name: 'Components' })).toContainText('deckhouse');
  for (const chart of ['CPU usage', 'Memory used', 'Storage used', 'Nodes']) {
    await expect(health.getByRole('figure', { name: chart })).toBeVisible();
  }

  // The range fits the cluster's age: minutes old, it shows 1 h (the API averages into 8-second
  // buckets) and offers no longer range; one asked for in the URL falls back to it.
  await expect(page.getByRole('radio', { name: '1 h' })).toBeChecked();
  await expect(page.getByRole('radio', { name: '7 d' })).toBeDisabled();
  await page.goto(`/w/default/clusters/${cluster.id}?range=30d`);
  await expect(page.getByRole('radio', { name: '1 h' })).toBeChecked();

  // The agents report every couple of seconds; the live stream refetches, the charts grow.
  await expect.poll(() => measurements(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
  const before = await measurements(page);
  await expect.poll(() => measurements(page), { timeout: 45_000 }).toBeGreaterThan(before);
  await shot(page, 'overview');

  // Break one resource in the cluster: the agent reports it, the Resources tab shows it.
  const current = await getCluster(api, cluster.id);
  // The contract leaves the agent's result objects open (`unknown`); these are their fields.
  const results = current.resources_state_results as {
    group: string;
    kind: string;
    name: string;
    status: string;
  }[];
  const target = results.find((r) => r.status === 'applied' && r.kind !== 'Secret');
  expect(target, 'an applied resource to break').toBeTruthy();
  const message = 'admission webhook "e2e.example.com" denied the request';
  const uuid = await simulatorUuid(api, cluster);
  await api.sim('POST', `/sim/clusters/${uuid}/resource-errors`, {
    kind: target!.kind,
    name: target!.name,
    message,
  });

  await page.getByRole('tab', { name: 'Resources' }).click();
  await expect(page).toHaveURL(new RegExp(`/clusters/${cluster.id}/resources`));
  await expect(page.getByRole('status', { name: 'Resources: Not configured' })).toBeVisible({
    timeout: 30_000,
  });
  await expect(page.getByRole('alert').filter({ hasText: 'failed to apply' })).toBeVisible();
  const group = page.getByRole('table', { name: `Resources of group ${target!.group}` });
  const row = group.getByRole('row').filter({ hasText: target!.name });
  await expect(row).toContainText('Error');
  await expect(row).toContainText(message);
  await shot(page, 'resource-error');

  // Cleared, the agent applies it again.
  await api.sim('DELETE', `/sim/clusters/${uuid}/resource-errors`);
  await expect(page.getByRole('status', { name: 'Resources: Configured' })).toBeVisible({
    timeout: 30_000,
  });
  await expect(row).toContainText('Applied');
});
