import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { expect, test } from '../../fixtures.js';

type Received = { headers: http.IncomingHttpHeaders; body: string };

/** The receiver's own check (as the README shows it). */
function verify(secret: string, message: Received): boolean {
  const id = String(message.headers['webhook-id']);
  const timestamp = String(message.headers['webhook-timestamp']);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key)
    .update(`${id}.${timestamp}.${message.body}`)
    .digest('base64');
  return (
    Math.abs(Date.now() / 1000 - Number(timestamp)) < 300 &&
    String(message.headers['webhook-signature']).split(' ').includes(`v1,${expected}`)
  );
}

/**
 * Webhooks end to end: an administrator adds a webhook in the UI (its secret shown once), sends
 * a test event that a real receiver gets signed, sees it in the delivery log, and redelivers it
 * to a receiver now failing: the log shows the 500 and the next attempt. Then the page in Russian.
 */
test('add a webhook, receive a signed test event, see the delivery log and redeliver', async ({
  page,
  signIn,
  shot,
}) => {
  const received: Received[] = [];
  const statuses: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(statuses.shift() ?? 200).end('ok');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/commander`;
  try {
    await signIn(page);
    await page.goto('/w/default/clusters');
    await page
      .getByRole('navigation', { name: 'Workspace navigation' })
      .getByRole('link', { name: 'Webhooks' })
      .click();
    await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a webhook' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('CI pipeline');
    await dialog.getByRole('textbox', { name: /^URL/ }).fill(url);
    await dialog.getByRole('checkbox', { name: 'Operation failed' }).check();
    await dialog.getByRole('checkbox', { name: 'Agent lost' }).check();
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();

    const shown = page.getByRole('dialog', { name: 'Signing secret' });
    await expect(shown.getByText('it is not shown again')).toBeVisible();
    const secret = (await shown.getByLabel('Signing secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^whsec_/);
    await shot(page, 'secret');
    await shown.getByRole('button', { name: 'Done' }).click();
    const table = page.getByRole('table', { name: 'Webhooks' });
    await expect(table).toContainText('CI pipeline');
    await expect(table).toContainText('2 event types');
    await expect(table).toContainText('Active');

    // A test event, delivered by a manager, signed with the secret shown once.
    await page.getByRole('button', { name: 'Send a test event to CI pipeline' }).click();
    await expect.poll(() => received.length, { timeout: 60_000 }).toBe(1);
    const ping = received[0]!;
    expect(verify(secret, ping)).toBe(true);
    expect(JSON.parse(ping.body)).toMatchObject({
      specversion: '1.0',
      type: 'io.commander.webhook.ping',
    });

    // The delivery log.
    await table.getByRole('link', { name: 'CI pipeline' }).click();
    await expect(page.getByRole('heading', { name: 'CI pipeline', level: 1 })).toBeVisible();
    const log = page.getByRole('table', { name: 'Deliveries' });
    const rows = log.getByTestId('webhook-delivery');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('webhook.ping');
    await expect(rows.first()).toContainText('Delivered');
    await expect(rows.first()).toContainText('200');
    await expect(rows.first()).toContainText(/\d+ ms/);

    // Redeliver to a receiver that now fails: the log shows the 500 and when it is tried again.
    statuses.push(500);
    await rows.first().getByRole('button', { name: 'Redeliver' }).click();
    await expect.poll(() => received.length, { timeout: 60_000 }).toBe(2);
    expect(received[1]!.headers['webhook-id']).toBe(ping.headers['webhook-id']);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(rows).toHaveCount(2);
    await expect(rows.first()).toContainText('500', { timeout: 30_000 });
    await expect(rows.first()).toContainText('Pending');
    await expect(rows.first()).toContainText(/in \d+ seconds|in 1 minute/);
    await shot(page, 'deliveries');

    // In Russian.
    await page.evaluate(() => window.localStorage.setItem('commander.language', 'ru'));
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Доставки' })).toBeVisible();
    await expect(
      page.getByRole('table', { name: 'Доставки' }).getByTestId('webhook-delivery').first(),
    ).toContainText('Ожидает');
    await page.evaluate(() => window.localStorage.setItem('commander.language', 'en'));
  } finally {
    server.close();
  }
});
