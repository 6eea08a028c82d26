import { z } from 'zod';

import { TimestampSchema } from './common.js';

/**
 * Outgoing webhooks (issue 16): the CloudEvents 1.0 types Commander emits, their `data`, and the
 * API of subscriptions and deliveries. Every event is sent as a structured-mode CloudEvent
 * (`application/cloudevents+json`), signed as Standard Webhooks specify (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`).
 */

const ClusterRef = { cluster_id: z.uuid(), cluster_name: z.string() };

/** `data` of the rollout events (subject `rollouts/<id>`). */
const RolloutEventData = z.object({
  rollout_id: z.uuid(),
  cluster_template_id: z.uuid(),
  cluster_template_version_id: z.uuid(),
  status: z.string(),
  pause_reason: z.string().nullable(),
  current_wave: z.number().int(),
  wave_count: z.number().int(),
});

/** `data` of each event type. */
export const WEBHOOK_EVENT_DATA = {
  'io.commander.cluster.status_changed': z.object({
    ...ClusterRef,
    from: z.string(),
    to: z.string(),
  }),
  'io.commander.operation.started': z.object({
    ...ClusterRef,
    operation_id: z.uuid(),
    kind: z.string(),
    status: z.string(),
    error: z.string().nullable(),
  }),
  'io.commander.operation.succeeded': z.object({
    ...ClusterRef,
    operation_id: z.uuid(),
    kind: z.string(),
    status: z.string(),
    error: z.string().nullable(),
  }),
  'io.commander.operation.failed': z.object({
    ...ClusterRef,
    operation_id: z.uuid(),
    kind: z.string(),
    status: z.string(),
    error: z.string().nullable(),
  }),
  'io.commander.change_request.opened': z.object({
    ...ClusterRef,
    change_request_id: z.uuid(),
    destructive: z.boolean(),
    status: z.string(),
    approved_by: z.string().nullable(),
  }),
  'io.commander.change_request.approved': z.object({
    ...ClusterRef,
    change_request_id: z.uuid(),
    destructive: z.boolean(),
    status: z.string(),
    approved_by: z.string().nullable(),
  }),
  'io.commander.change_request.rejected': z.object({
    ...ClusterRef,
    change_request_id: z.uuid(),
    destructive: z.boolean(),
    status: z.string(),
    approved_by: z.string().nullable(),
  }),
  'io.commander.agent.lost': z.object({ ...ClusterRef, last_seen_at: z.string().nullable() }),
  'io.commander.agent.back': z.object({ ...ClusterRef, last_seen_at: z.string().nullable() }),
  'io.commander.template_version.published': z.object({
    template_id: z.uuid(),
    template_name: z.string(),
    template_version_id: z.uuid(),
    version: z.number().int(),
    comment: z.string(),
  }),
  'io.commander.rollout.started': RolloutEventData,
  'io.commander.rollout.paused': RolloutEventData,
  'io.commander.rollout.resumed': RolloutEventData,
  'io.commander.rollout.completed': RolloutEventData,
  'io.commander.rollout.aborted': RolloutEventData,
  /** A wave's clusters are all done (or skipped); `wave` is its 0-based index. */
  'io.commander.rollout.wave.completed': RolloutEventData.extend({ wave: z.number().int() }),
} as const;

/** The event types a subscription can choose (the catalogue). */
export const WEBHOOK_EVENT_TYPES = Object.keys(WEBHOOK_EVENT_DATA) as [
  keyof typeof WEBHOOK_EVENT_DATA,
  ...(keyof typeof WEBHOOK_EVENT_DATA)[],
];
export const WebhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventTypeSchema>;

/** Sent by "Send test event" only, to one subscription whatever its types. */
export const WEBHOOK_PING_TYPE = 'io.commander.webhook.ping';

/** The CloudEvents 1.0 envelope of every delivery (structured mode, JSON). */
export const CloudEventSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string(),
  /** `/workspaces/<workspace id>` */
  source: z.string(),
  type: z.string(),
  /** `clusters/<id>`, `operations/<id>`, `change_requests/<id>`, `cluster_templates/<id>/versions/<id>`, `rollouts/<id>` */
  subject: z.string(),
  time: z.string(),
  datacontenttype: z.literal('application/json'),
  data: z.record(z.string(), z.unknown()),
});
export type CloudEvent = z.infer<typeof CloudEventSchema>;

export const WebhookSchema = z.object({
  id: z.uuid(),
  workspace_id: z.uuid(),
  name: z.string(),
  url: z.string(),
  event_types: z.array(z.string()),
  active: z.boolean(),
  /** Failed attempts in a row; at the configured limit the webhook is disabled. */
  failure_streak: z.number().int(),
  disabled_reason: z.string().nullable(),
  disabled_at: TimestampSchema.nullable(),
  current_revision: z.number().int(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
});
export type Webhook = z.infer<typeof WebhookSchema>;

/** Creation and secret rotation: the only answers that carry the signing secret. */
export const WebhookWithSecretSchema = WebhookSchema.extend({
  /** `whsec_<base64>`: the HMAC key is the base64-decoded part. Shown once. */
  secret: z.string(),
});
export type WebhookWithSecret = z.infer<typeof WebhookWithSecretSchema>;

const WebhookUrlSchema = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (
        (url.protocol === 'https:' || url.protocol === 'http:') &&
        url.username === '' &&
        url.password === '' &&
        url.hash === ''
      );
    } catch {
      return false;
    }
  }, 'an http(s) URL without credentials or fragment');

export const CreateWebhookBodySchema = z.strictObject({
  name: z.string().trim().max(200).default(''),
  url: WebhookUrlSchema,
  event_types: z.array(WebhookEventTypeSchema).min(1).max(WEBHOOK_EVENT_TYPES.length),
  active: z.boolean().default(true),
});

/** Every field optional; `active: true` re-enables a disabled webhook (its streak starts over). */
export const UpdateWebhookBodySchema = z.strictObject({
  name: z.string().trim().max(200).optional(),
  url: WebhookUrlSchema.optional(),
  event_types: z.array(WebhookEventTypeSchema).min(1).max(WEBHOOK_EVENT_TYPES.length).optional(),
  active: z.boolean().optional(),
  current_revision: z.number().int().optional(),
});

export const WebhookDeliveryStatusSchema = z.enum(['pending', 'succeeded', 'failed']);

export const WebhookDeliverySchema = z.object({
  id: z.uuid(),
  webhook_id: z.uuid(),
  event_id: z.uuid(),
  event_type: z.string(),
  status: WebhookDeliveryStatusSchema,
  attempts: z.number().int(),
  response_code: z.number().int().nullable(),
  latency_ms: z.number().int().nullable(),
  next_attempt_at: TimestampSchema.nullable(),
  last_error: z.string().nullable(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
  delivered_at: TimestampSchema.nullable(),
  /** The CloudEvent as sent. */
  payload: CloudEventSchema,
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export const WebhookDeliveriesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  status: WebhookDeliveryStatusSchema.optional(),
});

export const WebhookDeliveryParamsSchema = z.object({ id: z.uuid(), deliveryId: z.uuid() });
