import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  AppError,
  createWebhook,
  DEFAULT_DELIVERY_SETTINGS,
  deliverWebhook,
  type DeliverySettings,
  isForbiddenAddress,
  postWebhook,
  retryDelayMs,
  verifyWebhook,
} from '@commander/core';
import { createTestTemplate } from '@commander/core/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { useTestApp } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

type Received = { headers: http.IncomingHttpHeaders; body: string; url: string };

/** A real HTTP receiver: records every request and answers the next queued status (200). */
async function startReceiver() {
  const received: Received[] = [];
  const statuses: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        url: req.url ?? '',
      });
      const status = statuses.shift() ?? 200;
      if (status === 302) {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
        return;
      }
      res.writeHead(status, { 'content-type': 'text/plain' }).end('x'.repeat(200_000));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    received,
    statuses,
    url: (p = '/hook') => `http://127.0.0.1:${port}${p}`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('outgoing webhooks', () => {
  const t = useTestApp({ WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true' });
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const settings: DeliverySettings = {
    ...DEFAULT_DELIVERY_SETTINGS,
    allowPrivateTargets: true,
    timeoutMs: 5_000,
    maxAttempts: 4,
    retryBaseMs: 0,
    retryMaxMs: 0,
    disableAfterFailures: 3,
  };

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });

  /** Runs the queued `webhook/delivery` jobs that are due, in-process, as a manager would. */
  async function drain(): Promise<string[]> {
    const results: string[] = [];
    for (;;) {
      const jobs = await t.db.$queryRaw<{ payload: { deliveryId: string; attempt: number } }[]>`
        DELETE FROM graphile_worker._private_jobs j USING graphile_worker._private_tasks k
         WHERE k.id = j.task_id AND k.identifier = 'webhook/delivery' AND j.run_at <= now()
        RETURNING j.payload`;
      if (jobs.length === 0) {
        return results;
      }
      for (const job of jobs) {
        results.push(await deliverWebhook(t.systemContext(), job.payload, settings));
      }
    }
  }

  const create = async (body: Record<string, unknown>, token = t.token) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: t.headers(token),
      payload: body,
    });

  it('creates a webhook whose secret is shown once, never again, and audited without it', async () => {
    const res = await create({
      name: 'ci',
      url: receiver.url('/ci?token=abc'),
      event_types: ['io.commander.template_version.published'],
    });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const got = await t.app.inject({
      method: 'GET',
      url: `/api/v1/webhooks/${created.id}`,
      headers: t.headers(),
    });
    expect(got.statusCode).toBe(200);
    expect(got.json().secret).toBeUndefined();
    expect(got.body).not.toContain(created.secret);
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/webhooks',
      headers: t.headers(),
    });
    expect(list.body).not.toContain(created.secret.slice(6));
    const row = await t.db.webhookSubscription.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.secretEncrypted).not.toContain(created.secret.slice(6));
    const audit = await t.db.auditEvent.findFirstOrThrow({
      where: { auditableType: 'Webhook', auditableId: created.id, action: 'create' },
    });
    expect(JSON.stringify(audit.changes)).not.toContain(created.secret.slice(6));
    expect(JSON.stringify(audit.changes)).not.toContain('token=abc');
    // Rotation shows a new secret once.
    const rotated = await t.app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/${created.id}/rotate_secret`,
      headers: t.headers(),
    });
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json().secret).not.toBe(created.secret);
    await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/webhooks/${created.id}`,
      headers: t.headers(),
    });
  });

  it('refuses bad URLs and unknown event types', async () => {
    for (const url of ['ftp://example.com/x', 'http://user:pw@example.com/', 'not a url']) {
      const res = await create({ url, event_types: ['io.commander.agent.lost'] });
      expect(res.statusCode, url).toBe(400);
    }
    const res = await create({ url: receiver.url(), event_types: ['io.commander.nope'] });
    expect(res.statusCode).toBe(400);
    const none = await create({ url: receiver.url(), event_types: [] });
    expect(none.statusCode).toBe(400);
  });

  it('records events in the transaction of the change, only for matching subscriptions, and delivers them signed', async () => {
    // No subscription yet in this workspace: a change queues nothing.
    await createTestTemplate(t.db, t.defaultWorkspaceId, { name: `quiet-${t.suffix}` });
    expect(await t.db.webhookDelivery.count()).toBe(0);
    expect(await t.queuedJobs('webhook/delivery')).toHaveLength(0);

    const res = await create({
      url: receiver.url('/signed'),
      event_types: [
        'io.commander.template_version.published',
        'io.commander.cluster.status_changed',
      ],
    });
    const hook = res.json();
    const other = await create({
      url: receiver.url('/other'),
      event_types: ['io.commander.agent.lost'],
    });
    expect(other.statusCode).toBe(201);

    const { templateId, versionId } = await createTestTemplate(t.db, t.defaultWorkspaceId, {
      name: `loud-${t.suffix}`,
    });
    // A change rolled back leaves no delivery behind.
    await t.db
      .$transaction(async (tx) => {
        await tx.clusterTemplateVersion.create({
          data: { clusterTemplateId: templateId, number: 2 },
        });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    const deliveries = await t.db.webhookDelivery.findMany({ where: { subscriptionId: hook.id } });
    expect(deliveries).toHaveLength(1);
    expect(await t.db.webhookDelivery.count({ where: { subscriptionId: other.json().id } })).toBe(
      0,
    );

    const before = receiver.received.length;
    expect(await drain()).toEqual(['succeeded']);
    const got = receiver.received.slice(before);
    expect(got).toHaveLength(1);
    const message = got[0]!;
    expect(message.url).toBe('/signed');
    expect(message.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(
      verifyWebhook(
        hook.secret,
        {
          id: String(message.headers['webhook-id']),
          timestamp: String(message.headers['webhook-timestamp']),
          signature: String(message.headers['webhook-signature']),
        },
        message.body,
      ),
    ).toBe(true);
    // Another secret, a changed body or an old timestamp fails verification.
    const headers = {
      id: String(message.headers['webhook-id']),
      timestamp: String(message.headers['webhook-timestamp']),
      signature: String(message.headers['webhook-signature']),
    };
    expect(verifyWebhook(other.json().secret, headers, message.body)).toBe(false);
    expect(verifyWebhook(hook.secret, headers, message.body.replace('1', '2'))).toBe(false);
    expect(verifyWebhook(hook.secret, headers, message.body, Date.now() + 600_000)).toBe(false);

    const event = JSON.parse(message.body);
    expect(event).toMatchObject({
      specversion: '1.0',
      type: 'io.commander.template_version.published',
      source: `/workspaces/${t.defaultWorkspaceId}`,
      subject: `cluster_templates/${templateId}/versions/${versionId}`,
      datacontenttype: 'application/json',
      data: { template_id: templateId, template_version_id: versionId, version: 1 },
    });
    expect(event.id).toBe(message.headers['webhook-id']);

    // A cluster's status change, made by any code path (here plain SQL), is an event too.
    const cluster = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: t.headers(),
      payload: { name: `hooked-${t.suffix}`, cluster_template_version_id: versionId, values: {} },
    });
    expect(cluster.statusCode, cluster.body).toBe(201);
    await drain();
    const mark = receiver.received.length;
    await t.db
      .$executeRaw`UPDATE clusters SET status = 'UNKNOWN' WHERE id = ${cluster.json().id}::uuid`;
    await drain();
    const changed = receiver.received.slice(mark).map((r) => JSON.parse(r.body));
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({
      type: 'io.commander.cluster.status_changed',
      subject: `clusters/${cluster.json().id}`,
      data: { cluster_id: cluster.json().id, to: 'unknown' },
    });

    const log = await t.app.inject({
      method: 'GET',
      url: `/api/v1/webhooks/${hook.id}/deliveries?limit=1`,
      headers: t.headers(),
    });
    expect(log.statusCode).toBe(200);
    expect(Number(log.headers['x-total-count'])).toBeGreaterThanOrEqual(2);
    expect(log.json()).toHaveLength(1);
    expect(log.json()[0]).toMatchObject({ status: 'succeeded', attempts: 1, response_code: 200 });
    expect(log.json()[0].latency_ms).toEqual(expect.any(Number));
    await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/webhooks/${hook.id}`,
      headers: t.headers(),
    });
    await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/webhooks/${other.json().id}`,
      headers: t.headers(),
    });
  });

  it('emits every catalogued type from the rows that change, whatever changes them', async () => {
    const hook = (
      await create({
        url: receiver.url('/all'),
        event_types: [
          'io.commander.operation.started',
          'io.commander.operation.succeeded',
          'io.commander.operation.failed',
          'io.commander.change_request.opened',
          'io.commander.change_request.approved',
          'io.commander.change_request.rejected',
          'io.commander.agent.lost',
          'io.commander.agent.back',
        ],
      })
    ).json();
    const { versionId } = await createTestTemplate(t.db, t.defaultWorkspaceId, {
      name: `every-${t.suffix}`,
    });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: t.headers(),
      payload: { name: `every-${t.suffix}`, cluster_template_version_id: versionId, values: {} },
    });
    expect(created.statusCode, created.body).toBe(201);
    const clusterId = created.json().id as string;
    const op = await t.db.clusterOperation.findFirstOrThrow({ where: { clusterId } });
    const events = async () =>
      (
        await t.db.webhookDelivery.findMany({
          where: { subscriptionId: hook.id },
          orderBy: { createdAt: 'asc' },
        })
      ).map((d) => ({
        type: d.eventType,
        data: (d.payload as { data: Record<string, unknown> }).data,
      }));

    await t.db
      .$executeRaw`UPDATE cluster_operations SET status = 'RUNNING' WHERE id = ${op.id}::uuid`;
    // Not a status change: nothing.
    await t.db.$executeRaw`UPDATE cluster_operations SET progress = 0.5 WHERE id = ${op.id}::uuid`;
    await t.db
      .$executeRaw`UPDATE cluster_operations SET status = 'FAILED', error = 'boom' WHERE id = ${op.id}::uuid`;
    const cr = await t.db.changeRequest.create({ data: { clusterId } });
    await t.db.changeRequest.update({
      where: { id: cr.id },
      data: { status: 'APPROVED', approvedByName: 'alice' },
    });
    const cr2 = await t.db.changeRequest.create({ data: { clusterId } });
    await t.db.changeRequest.update({ where: { id: cr2.id }, data: { status: 'REJECTED' } });
    await t.db.changeRequest.update({ where: { id: cr2.id }, data: { status: 'SUPERSEDED' } });
    // The agent: unknown → online is not "back"; online → online (every telemetry batch) is nothing.
    await t.db
      .$executeRaw`UPDATE clusters SET agent_status = 'online' WHERE id = ${clusterId}::uuid`;
    await t.db
      .$executeRaw`UPDATE clusters SET agent_status = 'online' WHERE id = ${clusterId}::uuid`;
    await t.db.$executeRaw`UPDATE clusters SET agent_status = 'lost' WHERE id = ${clusterId}::uuid`;
    await t.db
      .$executeRaw`UPDATE clusters SET agent_status = 'online' WHERE id = ${clusterId}::uuid`;

    expect(await events()).toEqual([
      {
        type: 'io.commander.operation.started',
        data: expect.objectContaining({
          operation_id: op.id,
          kind: 'install',
          status: 'running',
          cluster_id: clusterId,
        }),
      },
      {
        type: 'io.commander.operation.failed',
        data: expect.objectContaining({ operation_id: op.id, status: 'failed', error: 'boom' }),
      },
      {
        type: 'io.commander.change_request.opened',
        data: expect.objectContaining({ change_request_id: cr.id, cluster_id: clusterId }),
      },
      {
        type: 'io.commander.change_request.approved',
        data: expect.objectContaining({ change_request_id: cr.id, approved_by: 'alice' }),
      },
      {
        type: 'io.commander.change_request.opened',
        data: expect.objectContaining({ change_request_id: cr2.id }),
      },
      {
        type: 'io.commander.change_request.rejected',
        data: expect.objectContaining({ change_request_id: cr2.id }),
      },
      { type: 'io.commander.agent.lost', data: expect.objectContaining({ cluster_id: clusterId }) },
      { type: 'io.commander.agent.back', data: expect.objectContaining({ cluster_id: clusterId }) },
    ]);
    await drain();
    expect(
      (await t.db.webhookDelivery.findMany({ where: { subscriptionId: hook.id } })).every(
        (d) => d.status === 'succeeded',
      ),
    ).toBe(true);
    await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/webhooks/${hook.id}`,
      headers: t.headers(),
    });
  });

  it('retries after a 5xx with backoff, then succeeds, and redelivers on request', async () => {
    const hook = (
      await create({ url: receiver.url('/flaky'), event_types: ['io.commander.agent.lost'] })
    ).json();
    receiver.statuses.push(503, 302);
    const ping = await t.app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/${hook.id}/ping`,
      headers: t.headers(),
    });
    expect(ping.statusCode).toBe(202);
    const before = receiver.received.length;
    expect(await drain()).toEqual(['retry_scheduled', 'retry_scheduled', 'succeeded']);
    const attempts = receiver.received.slice(before);
    expect(attempts).toHaveLength(3);
    // The redirect was not followed: the third attempt went to the webhook's own URL.
    expect(attempts.every((a) => a.url === '/flaky')).toBe(true);
    // Every attempt carries the same message id (receivers dedupe on it).
    expect(new Set(attempts.map((a) => a.headers['webhook-id'])).size).toBe(1);
    const delivery = await t.db.webhookDelivery.findUniqueOrThrow({
      where: { id: ping.json().id },
    });
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 3, responseCode: 200 });
    expect(
      (await t.db.webhookSubscription.findUniqueOrThrow({ where: { id: hook.id } })).failureStreak,
    ).toBe(0);

    // A re-run of an attempt already made does nothing.
    expect(
      await deliverWebhook(t.systemContext(), { deliveryId: delivery.id, attempt: 3 }, settings),
    ).toBe('skipped');

    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/${hook.id}/deliveries/${delivery.id}/redeliver`,
      headers: t.headers(),
    });
    expect(again.statusCode, again.body).toBe(202);
    expect(again.json()).toMatchObject({ event_id: delivery.eventId, status: 'pending' });
    const mark = receiver.received.length;
    expect(await drain()).toEqual(['succeeded']);
    expect(receiver.received.slice(mark)[0]!.headers['webhook-id']).toBe(delivery.eventId);
  });

  it('a retried test event or redelivery with one Idempotency-Key acts once', async () => {
    const hook = (
      await create({ url: receiver.url('/once'), event_types: ['io.commander.agent.lost'] })
    ).json();
    const send = () =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/webhooks/${hook.id}/ping`,
        headers: { ...t.headers(), 'idempotency-key': `ping-${t.suffix}` },
      });
    const [a, b] = await Promise.all([send(), send()]);
    const again = await send();
    expect([a.statusCode, b.statusCode, again.statusCode]).toEqual([202, 202, 202]);
    expect(b.json().id).toBe(a.json().id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await t.db.webhookDelivery.count({ where: { subscriptionId: hook.id } })).toBe(1);
    await drain();
  });

  it('backs off exponentially with jitter, within the cap', () => {
    const s = { retryBaseMs: 1_000, retryMaxMs: 60_000 };
    expect(retryDelayMs(1, s, 0.5)).toBe(1_000);
    expect(retryDelayMs(3, s, 0.5)).toBe(4_000);
    expect(retryDelayMs(3, s, 0)).toBe(3_200);
    expect(retryDelayMs(3, s, 0.999)).toBeLessThanOrEqual(4_800);
    expect(retryDelayMs(20, s, 0.5)).toBe(60_000);
  });

  it('gives up after the retry limit and disables the webhook after a failure streak, audited', async () => {
    const hook = (
      await create({ url: receiver.url('/down'), event_types: ['io.commander.agent.lost'] })
    ).json();
    receiver.statuses.push(500, 500, 500, 500, 500, 500);
    const first = await t.app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/${hook.id}/ping`,
      headers: t.headers(),
    });
    const second = await t.app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/${hook.id}/ping`,
      headers: t.headers(),
    });
    await drain();
    receiver.statuses.length = 0;
    const row = await t.db.webhookSubscription.findUniqueOrThrow({ where: { id: hook.id } });
    expect(row.active).toBe(false);
    expect(row.failureStreak).toBeGreaterThanOrEqual(3);
    expect(row.disabledReason).toMatch(/failed attempts in a row/);
    const audit = await t.db.auditEvent.findFirst({
      where: { auditableType: 'Webhook', auditableId: hook.id, action: 'disable' },
    });
    expect(audit?.workspaceId).toBe(t.defaultWorkspaceId);
    const states = await t.db.webhookDelivery.findMany({
      where: { id: { in: [first.json().id, second.json().id] } },
    });
    expect(states.every((d) => d.status === 'failed')).toBe(true);
    expect(
      states.some((d) => d.lastError === 'the webhook is disabled' || d.lastError === 'HTTP 500'),
    ).toBe(true);
    // A disabled webhook gets no new deliveries; re-enabling starts a fresh streak.
    const enabled = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/webhooks/${hook.id}`,
      headers: t.headers(),
      payload: { active: true },
    });
    expect(enabled.json()).toMatchObject({
      active: true,
      failure_streak: 0,
      disabled_reason: null,
    });
  });

  it('refuses private, loopback, link-local and metadata targets unless allowed (SSRF guard)', async () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '169.254.169.254',
      '192.168.0.1',
      '172.20.0.1',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '0.0.0.0',
      '100.64.0.1',
    ]) {
      expect(isForbiddenAddress(address), address).toBe(true);
    }
    for (const address of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '8.8.8.8']) {
      expect(isForbiddenAddress(address), address).toBe(false);
    }
    const ctx = {
      ...t.systemContext(),
      workspace: { id: t.defaultWorkspaceId, slug: 'default' },
      permissions: new Set(['webhooks:write']),
    };
    for (const url of [
      'http://127.0.0.1:9/x',
      'http://169.254.169.254/latest',
      'http://[::1]/',
      'http://localhost:9/',
      'http://10.0.0.1/',
    ]) {
      const err = await createWebhook(
        ctx,
        { url, event_types: ['io.commander.agent.lost'] },
        { allowPrivateTargets: false },
      ).catch((e: unknown) => e);
      expect(err, url).toBeInstanceOf(AppError);
      expect((err as AppError).code, url).toBe('webhook_target_forbidden');
    }
    // At delivery time too (the address is resolved again and connected to as checked).
    const before = receiver.received.length;
    const outcome = await postWebhook(
      receiver.url('/ssrf').replace('127.0.0.1', 'localhost'),
      {},
      '{}',
      {
        allowPrivate: false,
        timeoutMs: 2_000,
      },
    );
    expect(outcome.ok).toBe(false);
    expect(receiver.received.length).toBe(before);
  });

  it("answers 404 to another workspace's token and refuses writes with a read token", async () => {
    const hook = (
      await create({ url: receiver.url('/mine'), event_types: ['io.commander.agent.lost'] })
    ).json();
    const ws = await t.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: t.headers(t.globalToken),
      payload: { name: 'Other', slug: `other-${t.suffix}` },
    });
    expect(ws.statusCode, ws.body).toBe(201);
    const foreign = await t.issueToken({ workspaceId: ws.json().id });
    for (const [method, url] of [
      ['GET', `/api/v1/webhooks/${hook.id}`],
      ['PUT', `/api/v1/webhooks/${hook.id}`],
      ['DELETE', `/api/v1/webhooks/${hook.id}`],
      ['GET', `/api/v1/webhooks/${hook.id}/deliveries`],
      ['POST', `/api/v1/webhooks/${hook.id}/ping`],
      ['POST', `/api/v1/webhooks/${hook.id}/rotate_secret`],
    ] as const) {
      const res = await t.app.inject({
        method,
        url,
        headers: t.headers(foreign),
        ...(method === 'PUT' ? { payload: { active: false } } : {}),
      });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/webhooks',
      headers: t.headers(foreign),
    });
    expect(list.json()).toEqual([]);

    const reader = await t.issueToken({ workspaceId: t.defaultWorkspaceId, scope: 'read' });
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/webhooks', headers: t.headers(reader) }))
        .statusCode,
    ).toBe(200);
    const refused = [
      await create({ url: receiver.url(), event_types: ['io.commander.agent.lost'] }, reader),
      await t.app.inject({
        method: 'PUT',
        url: `/api/v1/webhooks/${hook.id}`,
        headers: t.headers(reader),
        payload: { active: false },
      }),
      await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/webhooks/${hook.id}`,
        headers: t.headers(reader),
      }),
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/webhooks/${hook.id}/ping`,
        headers: t.headers(reader),
      }),
    ];
    expect(refused.map((r) => r.statusCode)).toEqual([403, 403, 403, 403]);
    const none = await t.app.inject({ method: 'GET', url: '/api/v1/webhooks' });
    expect(none.statusCode).toBe(401);
  });

  describe('delivered by a real manager process', () => {
    let manager: ChildProcess | null = null;
    const output: string[] = [];
    afterAll(async () => {
      if (manager && manager.exitCode === null) {
        const exited = once(manager, 'exit');
        manager.kill('SIGTERM');
        await exited;
      }
    });

    it('sends a test event through graphile-worker, signed', async () => {
      const hook = (
        await create({ url: receiver.url('/managed'), event_types: ['io.commander.agent.back'] })
      ).json();
      const keys = t.encryptionKeys;
      // Only deliveries for this manager: the install jobs of the clusters above are dropped, and
      // its dhctl address leads nowhere (no simulator of anyone else's is ever reached).
      await t.db.$executeRaw`
        DELETE FROM graphile_worker._private_jobs j USING graphile_worker._private_tasks k
         WHERE k.id = j.task_id AND k.identifier <> 'webhook/delivery'`;
      manager = spawn(process.execPath, ['--import', 'tsx', 'apps/manager/src/main.ts'], {
        cwd: ROOT,
        env: {
          ...process.env,
          DATABASE_URL: t.database.url,
          MANAGER_REPLICA_ID: `hooks-${t.suffix}`,
          MANAGER_RECONCILE_EVERY_MS: '600000',
          DHCTL_SERVER_ADDRESS: '127.0.0.1:1',
          LOG_LEVEL: 'warn',
          WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
          ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: keys.primaryKey as string,
          ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: keys.deterministicKey,
          ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: keys.keyDerivationSalt,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      manager.stdout?.on('data', (c: Buffer) => output.push(c.toString()));
      manager.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
      const ping = await t.app.inject({
        method: 'POST',
        url: `/api/v1/webhooks/${hook.id}/ping`,
        headers: t.headers(),
      });
      expect(ping.statusCode).toBe(202);
      await vi.waitFor(
        async () => {
          const row = await t.db.webhookDelivery.findUniqueOrThrow({
            where: { id: ping.json().id },
          });
          expect(row.status, output.join('')).toBe('succeeded');
        },
        { timeout: 60_000, interval: 200 },
      );
      const message = receiver.received.find((r) => r.url === '/managed')!;
      expect(JSON.parse(message.body).type).toBe('io.commander.webhook.ping');
      expect(
        verifyWebhook(
          hook.secret,
          {
            id: String(message.headers['webhook-id']),
            timestamp: String(message.headers['webhook-timestamp']),
            signature: String(message.headers['webhook-signature']),
          },
          message.body,
        ),
      ).toBe(true);
      expect(await t.queuedJobs('webhook/delivery')).toHaveLength(0);
    });
  });
});
