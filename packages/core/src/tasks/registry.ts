import { z } from 'zod';

const OperationPayload = z.object({ operationId: z.uuid() });

/**
 * Every graphile-worker task and its payload. Payloads carry ids only; executors reload state.
 * Cluster operations share one payload shape; the task name says what kind of work it is.
 */
export const TaskPayloads = {
  'cluster/install': OperationPayload,
  'cluster/update': OperationPayload,
  'cluster/delete': OperationPayload,
  'cluster/check': OperationPayload,
  'cluster/attach': OperationPayload,
  'cluster/detach': OperationPayload,
  'cluster/reconcile-scheduler': z.object({}).passthrough(),
  'manager/recover': z.object({}).passthrough(),
  'telemetry/rollup': z.object({}).passthrough(),
  /** One attempt of a webhook delivery (a later attempt is a new job with its number). */
  'webhook/delivery': z.object({ deliveryId: z.uuid(), attempt: z.number().int().min(1) }),
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
