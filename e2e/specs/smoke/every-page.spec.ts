import type { Page } from '@playwright/test';

import { expect, test, unwrap } from '../../fixtures.js';
import { clusterStatus, getCluster, staticTemplate } from '../lifecycle/cluster-helpers.js';

/**
 * Every page of the UI, with data in it: it renders its heading, stays responsive when the app
 * re-renders (the theme switch), and logs no errors. The cluster list with rows also opens and
 * closes a dialog: that re-render once sent its table into an endless render loop.
 */
test('every page renders, survives a re-render and logs no errors', async ({
  page,
  api,
  signIn,
}) => {
  test.setTimeout(240_000);
  const template = await staticTemplate(api);
  const cluster = await unwrap(
    api.client.POST('/api/v1/clusters/', {
      body: {
        name: `smoke-${Date.now().toString(36)}`,
        cluster_template_version_id: template.current_cluster_template_version_id,
        values: {},
      },
    }),
  );
  await expect.poll(() => clusterStatus(api, cluster.id), { timeout: 90_000 }).toBe('in_sync');
  const detail = await getCluster(api, cluster.id);
  const catalogs = await unwrap(api.client.GET('/api/v1/catalogs/'));

  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
  page.on('console', (message) => {
    // The first /auth/me before signing in answers 401 by design.
    if (message.type() === 'error' && !message.text().includes('401')) {
      problems.push(`${page.url()}: ${message.text()}`);
    }
  });

  await signIn(page);
  const w = '/w/default';
  const c = `${w}/clusters/${cluster.id}`;
  const paths = [
    '/',
    `${w}/clusters`,
    `${w}/clusters/new`,
    c,
    `${c}/operations`,
    ...(detail.last_operation ? [`${c}/operations/${detail.last_operation.id}`] : []),
    `${c}/configuration`,
    `${c}/resources`,
    `${c}/audit`,
    `${c}/settings`,
    `${w}/templates`,
    `${w}/templates/${template.id}/versions`,
    `${w}/templates/${template.id}/editor`,
    `${w}/templates/${template.id}/clusters`,
    `${w}/rollouts`,
    `${w}/inventory`,
    ...(catalogs[0] ? [`${w}/inventory/${catalogs[0].id}`] : []),
    `${w}/settings/tokens`,
    `${w}/settings/members`,
    `${w}/audit`,
    '/settings/users',
    '/settings/groups',
    '/settings/roles',
    '/settings/tokens',
    '/settings/workspaces',
    '/settings/audit',
  ];
  await test.step('the cluster list re-renders with rows', async () => {
    await page.goto(`${w}/clusters`);
    await expect(page.getByRole('table', { name: 'Clusters' }).getByRole('row')).not.toHaveCount(1);
    await page.getByRole('button', { name: 'Attach cluster' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expectPageAlive(page);
  });
  for (const path of paths) {
    await test.step(path, async () => {
      await page.goto(path);
      await expectPageAlive(page);
      // The theme switch re-renders every component of the page.
      await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click();
      await expectPageAlive(page);
      await expect(
        page.getByRole('button', { name: /Switch to (dark|light) theme/ }),
      ).toBeVisible();
    });
  }
  expect(problems).toEqual([]);
});

async function expectPageAlive(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
  await expect(page.getByText('Page not found')).toHaveCount(0);
  // A frozen main thread never answers: this evaluation would time out.
  await page.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))),
  );
}
