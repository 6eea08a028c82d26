import { deliverWebhook, type DeliverySettings, TaskPayloads } from '@commander/core';
import type { TaskList } from 'graphile-worker';

import { type ManagerDeps, systemContext } from './deps.js';
import { DEFAULT_HANDLERS, type OperationHandlers, operationTask } from './tasks/run-operation.js';

/** The explicit task list: identifier → executor. */
export function buildTaskList(
  deps: ManagerDeps,
  handlers: OperationHandlers = DEFAULT_HANDLERS,
): TaskList {
  const operation = operationTask(deps, handlers);
  return {
    'cluster/install': operation,
    'cluster/update': operation,
    'cluster/delete': operation,
    'cluster/check': operation,
    'cluster/attach': operation,
    'cluster/detach': operation,
  };
}

/**
 * The webhook runner's task list: deliveries run in a runner of their own (its own
 * concurrency), so a slow receiver never holds up an operation, nor an operation a delivery.
 */
export function buildWebhookTaskList(deps: ManagerDeps, settings: DeliverySettings): TaskList {
  return {
    'webhook/delivery': async (payload) => {
      const job = TaskPayloads['webhook/delivery'].parse(payload);
      const result = await deliverWebhook(systemContext(deps), job, settings);
      deps.log.debug(
        { deliveryId: job.deliveryId, attempt: job.attempt, result },
        'webhook delivery',
      );
    },
  };
}
