import type { Page } from '@playwright/test';

import { expect, test } from '../../fixtures.js';
import { createReadyCluster } from '../lifecycle/cluster-helpers.js';

/**
 * Issue 12, "Phone (390 px)": the user menu is reachable, the cluster list is a list of cards,
 * and no page of a cluster is wider than the screen (tables scroll inside their cards).
 */
test.use({ viewport: { width: 390, height: 844 }, hasTouch: true });

/**
 * Elements sticking out past the right edge of the screen (outermost first), for the message.
 * Children of a horizontal scroller are inside it, not out.
 */
async function overflowing(page: Page): Promise<{ width: number; culprits: string[] }> {
  return page.evaluate(() => {
    const limit = document.documentElement.clientWidth;
    const culprits: string[] = [];
    const scrolls = (el: Element) => {
      const style = getComputedStyle(el);
      return ['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX);
    };
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.right <= limit + 1) {
        continue;
      }
      let parent = el.parentElement;
      let inside = false;
      while (parent && parent !== document.body) {
        if (scrolls(parent)) {
          inside = true;
          break;
        }
        parent = parent.parentElement;
      }
      if (!inside && culprits.length < 8) {
        const name = el.getAttribute('aria-label') ?? el.className.toString().slice(0, 60);
        culprits.push(`${el.tagName.toLowerCase()} "${name}" right=${Math.round(rect.right)}`);
      }
    }
    return { width: document.documentElement.scrollWidth, culprits };
  });
}

async function expectNoSideScroll(page: Page, where: string) {
  await expect
    .poll(async () => {
      const { width, culprits } = await overflowing(page);
      return width <= 390 ? 'fits' : `${where}: ${width} px wide; ${culprits.join('; ')}`;
    })
    .toBe('fits');
}

test('on a phone: the user menu, the cluster list as cards, cluster pages that fit', async ({
  page,
  api,
  signIn,
  shot,
}) => {
  const cluster = await createReadyCluster(api, 'e2e-phone');
  // Issue 12 item 10: no React Router HydrateFallback warnings on a deep link; no errors at all.
  const problems: string[] = [];
  page.on('console', (message) => {
    const text = message.text();
    // The 401 is the sign-in page asking who is signed in (nobody yet).
    if (text.includes('HydrateFallback') || (message.type() === 'error' && !text.includes('401'))) {
      problems.push(`${message.type()}: ${text}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  await signIn(page);

  // The header keeps the user menu on screen; it opens and offers sign-out.
  const userMenu = page.getByRole('button', { name: /^User menu/ });
  await expect(userMenu).toBeInViewport();
  await userMenu.click();
  await expect(page.getByRole('menuitem', { name: 'Sign out' })).toBeVisible();
  await page.keyboard.press('Escape');

  await page.goto('/w/default/clusters');
  const list = page.getByRole('list', { name: 'Clusters' });
  await expect(list).toBeVisible();
  await expect(page.getByRole('table', { name: 'Clusters' })).toHaveCount(0);
  const card = list.getByRole('listitem', { name: cluster.name });
  await expect(card.getByRole('status', { name: 'Status: Ready' })).toBeVisible();
  await expectNoSideScroll(page, 'cluster list');
  await shot(page, 'clusters');

  await card.getByRole('link', { name: cluster.name }).click();
  await expect(page.getByRole('heading', { level: 1, name: cluster.name })).toBeVisible();
  await expect(page.getByRole('region', { name: 'CPU' })).toBeVisible();
  await expectNoSideScroll(page, 'overview');
  await shot(page, 'cluster');
  for (const tab of ['Configuration', 'Operations', 'Resources', 'Audit', 'Settings']) {
    await page.getByRole('tab', { name: tab, exact: true }).click();
    await expect(page.getByRole('tab', { name: tab, exact: true })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await expectNoSideScroll(page, tab);
  }
  await expect(userMenu).toBeInViewport();
  await page.goto(`/w/default/clusters/${cluster.id}/operations`);
  await expect(page.getByRole('heading', { level: 1, name: cluster.name })).toBeVisible();
  expect(problems).toEqual([]);
});
