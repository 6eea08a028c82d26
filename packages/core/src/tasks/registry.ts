import { z } from 'zod';

/**
 * The payload of every cluster operation job: the operation's id only (its kind, cluster and
 * state are read from its row, so a job queued by an older version stays readable).
 */
export const OperationPayloadSchema = z.object({ operationId: z.uuid() });
export type OperationPayload = z.infer<typeof OperationPayloadSchema>;

/**
 * Every graphile-worker task and its payload. Payloads carry ids only; executors reload state.
 * Cluster operations share one payload shape; the task name says what kind of work it is.
 */
export const TaskPayloads = {
  'cluster/install': OperationPayloadSchema,
  'cluster/update': OperationPayloadSchema,
  'cluster/delete': OperationPayloadSchema,
  'cluster/check': OperationPayloadSchema,
  'cluster/attach': OperationPayloadSchema,
  'cluster/detach': OperationPayloadSchema,
  'cluster/reconcile-scheduler': z.object({}).passthrough(),
  'manager/recover': z.object({}).passthrough(),
  'telemetry/rollup': z.object({}).passthrough(),
  /** One attempt of a webhook delivery (a later attempt is a new job with its number). */
  'webhook/delivery': z.object({ deliveryId: z.uuid(), attempt: z.number().int().min(1) }),
  /** One step of a staged rollout's engine (re-queued while the rollout runs; job key per rollout). */
  'rollout/advance': z.object({ rolloutId: z.uuid() }),
} as const;

export type TaskName = keyof typeof TaskPayloads;
export type TaskPayload<N extends TaskName> = z.infer<(typeof TaskPayloads)[N]>;

/** The task that executes an operation of each kind. */
export const OPERATION_TASKS = {
  INSTALL: 'cluster/install',
  UPDATE: 'cluster/update',
  DELETE: 'cluster/delete',
  CHECK: 'cluster/check',
  ATTACH: 'cluster/attach',
  DETACH: 'cluster/detach',
} as const satisfies Record<string, TaskName>;
