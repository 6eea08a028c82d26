import type { Prisma } from '@commander/db';

import { recordAudit } from '../audit/record-audit.js';
import type { ServiceContext } from '../context.js';
import { enqueueTask } from '../tasks/enqueue.js';
import { type PostOutcome, postWebhook } from './http-post.js';
import { signWebhook } from './signature.js';

/** How the managers deliver (WEBHOOK_* variables of the manager). */
export type DeliverySettings = {
  allowPrivateTargets: boolean;
  /** One attempt's limit, connection to last byte read. */
  timeoutMs: number;
  /** Attempts per delivery before it is `failed`. */
  maxAttempts: number;
  /** Delay before the second attempt; doubled each time, ±20 % jitter, at most `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Failed attempts in a row after which a subscription is disabled. */
  disableAfterFailures: number;
};

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = {
  allowPrivateTargets: false,
  timeoutMs: 10_000,
  maxAttempts: 10,
  retryBaseMs: 30_000,
  retryMaxMs: 6 * 3600_000,
  disableAfterFailures: 50,
};

/** The wait before attempt `attempt + 1`, with jitter (`random` in [0, 1)). */
export function retryDelayMs(
  attempt: number,
  settings: Pick<DeliverySettings, 'retryBaseMs' | 'retryMaxMs'>,
  random: number = Math.random(),
): number {
  const base = Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** (attempt - 1));
  return Math.max(0, Math.round(base * (0.8 + 0.4 * random)));
}

export type DeliveryResult =
  'skipped' | 'succeeded' | 'retry_scheduled' | 'failed' | 'subscription_inactive';

/**
 * One attempt of a delivery (the `webhook/delivery` task). The attempt number in the job makes
 * it idempotent: a delivery already past that attempt (a duplicate or re-run job) is skipped,
 * and the outcome is stored only if no one else stored it meanwhile. A failure schedules the
 * next attempt as a new job in the same transaction; the subscription's failure streak moves
 * there too, and at the limit the subscription is disabled (audited as `disable`).
 */
export async function deliverWebhook(
  ctx: ServiceContext,
  job: { deliveryId: string; attempt: number },
  settings: DeliverySettings,
  post: typeof postWebhook = postWebhook,
): Promise<DeliveryResult> {
  const delivery = await ctx.db.webhookDelivery.findUnique({
    where: { id: job.deliveryId },
    include: { subscription: { include: { workspace: { select: { slug: true } } } } },
  });
  if (!delivery || delivery.status !== 'pending' || delivery.attempts >= job.attempt) {
    return 'skipped';
  }
  const subscription = delivery.subscription;
  if (!subscription.active) {
    await ctx.db.webhookDelivery.updateMany({
      where: { id: delivery.id, status: 'pending', attempts: job.attempt - 1 },
      data: {
        status: 'failed',
        nextAttemptAt: null,
        lastError: 'the webhook is disabled',
      },
    });
    return 'subscription_inactive';
  }
  const body = JSON.stringify(delivery.payload);
  const timestamp = Math.floor(Date.now() / 1000);
  const secret = ctx.encryptor.decrypt(subscription.secretEncrypted);
  const outcome: PostOutcome = await post(
    subscription.url,
    {
      'content-type': 'application/cloudevents+json; charset=utf-8',
      'user-agent': 'Commander-Webhooks/1.0',
      'webhook-id': delivery.eventId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook(secret, delivery.eventId, timestamp, body),
    },
    body,
    { allowPrivate: settings.allowPrivateTargets, timeoutMs: settings.timeoutMs },
  );
  const workspace = { id: subscription.workspaceId, slug: subscription.workspace.slug };
  return ctx.db.$transaction(async (tx) => {
    const last = job.attempt >= settings.maxAttempts;
    const nextAt = outcome.ok
      ? null
      : last
        ? null
        : new Date(Date.now() + retryDelayMs(job.attempt, settings));
    const data: Prisma.WebhookDeliveryUpdateManyMutationInput = {
      attempts: job.attempt,
      responseCode: outcome.status,
      latencyMs: outcome.latencyMs,
      lastError: outcome.ok ? null : outcome.error.slice(0, 1000),
      status: outcome.ok ? 'succeeded' : last ? 'failed' : 'pending',
      nextAttemptAt: nextAt,
      ...(outcome.ok ? { deliveredAt: new Date() } : {}),
    };
    const stored = await tx.webhookDelivery.updateMany({
      where: { id: delivery.id, status: 'pending', attempts: job.attempt - 1 },
      data,
    });
    if (stored.count === 0) {
      return 'skipped';
    }
    if (outcome.ok) {
      await tx.webhookSubscription.updateMany({
        where: { id: subscription.id, failureStreak: { gt: 0 } },
        data: { failureStreak: 0 },
      });
      return 'succeeded';
    }
    if (nextAt) {
      await enqueueTask(
        tx,
        'webhook/delivery',
        { deliveryId: delivery.id, attempt: job.attempt + 1 },
        { runAt: nextAt, maxAttempts: 5, priority: 5 },
      );
    }
    const [streak] = await tx.$queryRaw<{ failure_streak: number; active: boolean }[]>`
      UPDATE webhook_subscriptions SET failure_streak = failure_streak + 1
       WHERE id = ${subscription.id}::uuid
       RETURNING failure_streak, active`;
    if (streak && streak.active && streak.failure_streak >= settings.disableAfterFailures) {
      const reason = `${streak.failure_streak} failed attempts in a row (last: ${outcome.error.slice(0, 200)})`;
      await tx.webhookSubscription.update({
        where: { id: subscription.id },
        data: {
          active: false,
          disabledReason: reason,
          disabledAt: new Date(),
          currentRevision: { increment: 1 },
        },
      });
      await recordAudit(tx, ctx, {
        action: 'disable',
        auditableType: 'Webhook',
        auditableId: subscription.id,
        workspace,
        changes: { active: [true, false], reason },
      });
    }
    return nextAt ? 'retry_scheduled' : 'failed';
  });
}
