import { expect, test } from '../../fixtures.js';

/**
 * Issue 12, "Errors show": with `/api/v1/clusters` failing, the list shows the error at once
 * (not a skeleton forever) and Retry recovers once the API answers again. That live events do
 * not restart the failed query is covered by apps/web/src/features/events/use-live-events.test.tsx.
 */
test('the cluster list shows a failing API at once and recovers on Retry', async ({
  page,
  signIn,
  shot,
}) => {
  await signIn(page);
  let failing = true;
  let listCalls = 0;
  // The list endpoint only (`/clusters?…`), not `/clusters/:id` nor other pages' requests.
  await page.route(/\/api\/v1\/clusters(\?|$)/, async (route) => {
    listCalls += 1;
    if (failing) {
      await route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'unavailable', message: 'Database unavailable' } }),
      });
    } else {
      await route.fallback();
    }
  });

  await page.goto('/w/default/clusters');
  const alert = page.getByRole('alert').filter({ hasText: 'Database unavailable' });
  await expect(alert).toBeVisible();
  await expect(page.getByRole('table', { name: 'Loading' })).toHaveCount(0);
  const callsWhenShown = listCalls;
  await shot(page, 'clusters-error');

  failing = false;
  await alert.getByRole('button', { name: 'Retry' }).click();
  await expect(alert).toHaveCount(0);
  // The page answers with the list again: the empty state or the table of clusters.
  await expect(
    page.getByText('No clusters yet').or(page.getByRole('table', { name: 'Clusters' })),
  ).toBeVisible();
  expect(listCalls).toBeGreaterThan(callsWhenShown);
});
