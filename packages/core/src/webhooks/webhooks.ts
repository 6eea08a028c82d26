import {
  type CloudEvent,
  CreateWebhookBodySchema,
  UpdateWebhookBodySchema,
  type Webhook,
  WEBHOOK_PING_TYPE,
  WebhookDeliveriesQuerySchema,
  type WebhookDelivery,
  type WebhookWithSecret,
} from '@commander/contracts';
import type {
  DbOrTx,
  Prisma,
  WebhookDelivery as DeliveryRow,
  WebhookSubscription,
} from '@commander/db';
import type { z } from 'zod';

import { recordAudit } from '../audit/record-audit.js';
import type { ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { enqueueTask } from '../tasks/enqueue.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';
import { generateWebhookSecret } from './signature.js';
import { resolveWebhookTarget } from './target-guard.js';

/** How the API checks webhook URLs (WEBHOOKS_ALLOW_PRIVATE_TARGETS). */
export type WebhookPolicy = { allowPrivateTargets: boolean };

function toDto(row: WebhookSubscription): Webhook {
  return {
    id: row.id,
    workspace_id: row.workspaceId,
    name: row.name,
    url: row.url,
    event_types: row.eventTypes,
    active: row.active,
    failure_streak: row.failureStreak,
    disabled_reason: row.disabledReason,
    disabled_at: row.disabledAt?.toISOString() ?? null,
    current_revision: row.currentRevision,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function webhookDeliveryDto(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    webhook_id: row.subscriptionId,
    event_id: row.eventId,
    event_type: row.eventType,
    status: row.status as WebhookDelivery['status'],
    attempts: row.attempts,
    response_code: row.responseCode,
    latency_ms: row.latencyMs,
    next_attempt_at: row.nextAttemptAt?.toISOString() ?? null,
    last_error: row.lastError,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    delivered_at: row.deliveredAt?.toISOString() ?? null,
    payload: row.payload as CloudEvent,
  };
}

/** The URL as audited and shown in errors: no query string (it may carry a token). */
function urlForAudit(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}${parsed.search ? '?…' : ''}`;
}

async function checkTarget(url: string, policy: WebhookPolicy): Promise<void> {
  try {
    await resolveWebhookTarget(new URL(url), policy.allowPrivateTargets);
  } catch (err) {
    if (err instanceof AppError) {
      throw err;
    }
    throw new AppError('validation_failed', `the webhook host does not resolve`, { field: 'url' });
  }
}

async function load(ctx: ServiceContext, id: string): Promise<WebhookSubscription> {
  const workspace = requireWorkspace(ctx);
  const row = await ctx.db.webhookSubscription.findFirst({
    where: { id, workspaceId: workspace.id },
  });
  if (!row) {
    throw notFound('Webhook', id);
  }
  return row;
}

export async function listWebhooks(ctx: ServiceContext): Promise<Webhook[]> {
  const workspace = requireWorkspace(ctx);
  const rows = await ctx.db.webhookSubscription.findMany({
    where: { workspaceId: workspace.id },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  return rows.map(toDto);
}

export async function getWebhook(ctx: ServiceContext, id: string): Promise<Webhook> {
  return toDto(await load(ctx, id));
}

/** Adds a webhook; the answer carries its signing secret, which is never shown again. */
export async function createWebhook(
  ctx: ServiceContext,
  body: z.input<typeof CreateWebhookBodySchema>,
  policy: WebhookPolicy,
): Promise<WebhookWithSecret> {
  const input = CreateWebhookBodySchema.parse(body);
  const workspace = requireWorkspace(ctx);
  await checkTarget(input.url, policy);
  const secret = generateWebhookSecret();
  const row = await ctx.db.$transaction(async (tx) => {
    const created = await tx.webhookSubscription.create({
      data: {
        workspaceId: workspace.id,
        name: input.name,
        url: input.url,
        secretEncrypted: ctx.encryptor.encrypt(secret),
        eventTypes: [...new Set(input.event_types)],
        active: input.active,
      },
    });
    await recordAudit(tx, ctx, {
      action: 'create',
      auditableType: 'Webhook',
      auditableId: created.id,
      changes: {
        name: input.name,
        url: urlForAudit(input.url),
        event_types: created.eventTypes,
        active: input.active,
      },
    });
    return created;
  });
  return { ...toDto(row), secret };
}

/** Changes a webhook; `active: true` on a disabled one re-enables it with a fresh streak. */
export async function updateWebhook(
  ctx: ServiceContext,
  id: string,
  body: z.input<typeof UpdateWebhookBodySchema>,
  policy: WebhookPolicy,
): Promise<Webhook> {
  const input = UpdateWebhookBodySchema.parse(body);
  const row = await load(ctx, id);
  if (input.current_revision !== undefined && input.current_revision !== row.currentRevision) {
    throw new AppError('stale_revision', 'The webhook was changed meanwhile', {
      current_revision: row.currentRevision,
    });
  }
  if (input.url !== undefined && input.url !== row.url) {
    await checkTarget(input.url, policy);
  }
  const enabling = input.active === true && !row.active;
  const updated = await ctx.db.$transaction(async (tx) => {
    const result = await tx.webhookSubscription.updateMany({
      where: { id, currentRevision: row.currentRevision },
      data: {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.url !== undefined ? { url: input.url } : {}),
        ...(input.event_types !== undefined ? { eventTypes: [...new Set(input.event_types)] } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
        ...(enabling ? { failureStreak: 0, disabledReason: null, disabledAt: null } : {}),
        currentRevision: { increment: 1 },
      },
    });
    if (result.count === 0) {
      throw new AppError('stale_revision', 'The webhook was changed meanwhile');
    }
    const saved = await tx.webhookSubscription.findUniqueOrThrow({ where: { id } });
    await recordAudit(tx, ctx, {
      action: 'update',
      auditableType: 'Webhook',
      auditableId: id,
      changes: {
        ...(input.name !== undefined ? { name: [row.name, saved.name] } : {}),
        ...(input.url !== undefined ? { url: [urlForAudit(row.url), urlForAudit(saved.url)] } : {}),
        ...(input.event_types !== undefined
          ? { event_types: [row.eventTypes, saved.eventTypes] }
          : {}),
        ...(input.active !== undefined ? { active: [row.active, saved.active] } : {}),
      },
    });
    return saved;
  });
  return toDto(updated);
}

/** A new signing secret, in force at once; the answer is the only place it is shown. */
export async function rotateWebhookSecret(
  ctx: ServiceContext,
  id: string,
): Promise<WebhookWithSecret> {
  await load(ctx, id);
  const secret = generateWebhookSecret();
  const row = await ctx.db.$transaction(async (tx) => {
    const saved = await tx.webhookSubscription.update({
      where: { id },
      data: { secretEncrypted: ctx.encryptor.encrypt(secret), currentRevision: { increment: 1 } },
    });
    await recordAudit(tx, ctx, {
      action: 'rotate_secret',
      auditableType: 'Webhook',
      auditableId: id,
      changes: { secret: '[FILTERED]' },
    });
    return saved;
  });
  return { ...toDto(row), secret };
}

export async function deleteWebhook(ctx: ServiceContext, id: string): Promise<void> {
  const row = await load(ctx, id);
  await ctx.db.$transaction(async (tx) => {
    await tx.webhookSubscription.delete({ where: { id } });
    await recordAudit(tx, ctx, {
      action: 'delete',
      auditableType: 'Webhook',
      auditableId: id,
      changes: { name: row.name, url: urlForAudit(row.url) },
    });
  });
}

/** The delivery log of a webhook, newest first; the total for paging. */
export async function listWebhookDeliveries(
  ctx: ServiceContext,
  id: string,
  query: z.input<typeof WebhookDeliveriesQuerySchema>,
): Promise<{ items: WebhookDelivery[]; total: number }> {
  const input = WebhookDeliveriesQuerySchema.parse(query);
  await load(ctx, id);
  const where = { subscriptionId: id, ...(input.status ? { status: input.status } : {}) };
  const [rows, total] = await Promise.all([
    ctx.db.webhookDelivery.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: input.limit,
      skip: input.offset,
    }),
    ctx.db.webhookDelivery.count({ where }),
  ]);
  return { items: rows.map(webhookDeliveryDto), total };
}

/** Queues the first attempt of a delivery (in the caller's transaction). */
async function queueDelivery(tx: DbOrTx, deliveryId: string): Promise<void> {
  await enqueueTask(
    tx,
    'webhook/delivery',
    { deliveryId, attempt: 1 },
    { maxAttempts: 5, priority: 5 },
  );
}

/** Sends a delivery's event again, as a new delivery (same event id, so receivers can dedupe). */
export async function redeliverWebhook(
  ctx: ServiceContext,
  id: string,
  deliveryId: string,
): Promise<WebhookDelivery> {
  await load(ctx, id);
  const original = await ctx.db.webhookDelivery.findFirst({
    where: { id: deliveryId, subscriptionId: id },
  });
  if (!original) {
    throw notFound('Webhook delivery', deliveryId);
  }
  const row = await ctx.db.$transaction(async (tx) => {
    const created = await tx.webhookDelivery.create({
      data: {
        subscriptionId: id,
        eventId: original.eventId,
        eventType: original.eventType,
        payload: original.payload as Prisma.InputJsonValue,
        nextAttemptAt: new Date(),
      },
    });
    await queueDelivery(tx, created.id);
    await recordAudit(tx, ctx, {
      action: 'redeliver',
      auditableType: 'Webhook',
      auditableId: id,
      changes: { delivery_id: deliveryId, new_delivery_id: created.id, event_id: original.eventId },
    });
    return created;
  });
  return webhookDeliveryDto(row);
}

/** Sends a `io.commander.webhook.ping` event to this webhook only, whatever its types. */
export async function pingWebhook(ctx: ServiceContext, id: string): Promise<WebhookDelivery> {
  const webhook = await load(ctx, id);
  const row = await ctx.db.$transaction(async (tx) => {
    const eventId = crypto.randomUUID();
    const payload: CloudEvent = {
      specversion: '1.0',
      id: eventId,
      source: `/workspaces/${webhook.workspaceId}`,
      type: WEBHOOK_PING_TYPE,
      subject: `webhooks/${id}`,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      data: { webhook_id: id, requested_by: ctx.actor.name },
    };
    const created = await tx.webhookDelivery.create({
      data: {
        subscriptionId: id,
        eventId,
        eventType: WEBHOOK_PING_TYPE,
        payload: payload as Prisma.InputJsonValue,
        nextAttemptAt: new Date(),
      },
    });
    await queueDelivery(tx, created.id);
    return created;
  });
  return webhookDeliveryDto(row);
}

/**
 * Emits an event from a use case (rollouts will), in the caller's transaction: what the
 * triggers of migration 20261208100000_webhooks do for status changes. A no-op without a
 * matching active subscription. Returns the number of deliveries queued.
 */
export async function emitWebhookEvent(
  tx: DbOrTx,
  event: { workspaceId: string; type: string; subject: string; data: Record<string, unknown> },
): Promise<number> {
  const rows = await tx.$queryRaw<{ n: number }[]>`
    SELECT commander_emit_webhook_event(${event.workspaceId}::uuid, ${event.type}, ${event.subject},
      ${JSON.stringify(event.data)}::jsonb) AS n`;
  return rows[0]?.n ?? 0;
}
