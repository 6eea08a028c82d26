import {
  advanceRollout,
  DEFAULT_ROLLOUT_ENGINE_SETTINGS,
  deliverWebhook,
  type DeliverySettings,
  type RolloutEngineSettings,
  TaskPayloads,
} from '@commander/core';
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
 * The second runner's task list: webhook deliveries and the steps of staged rollouts run in a
 * runner of their own (its own concurrency), so a slow receiver never holds up an operation,
 * nor an operation a delivery or a rollout.
 */
export function buildWebhookTaskList(
  deps: ManagerDeps,
  settings: DeliverySettings,
  rollouts: RolloutEngineSettings = DEFAULT_ROLLOUT_ENGINE_SETTINGS,
): TaskList {
  return {
    'rollout/advance': async (payload) => {
      const job = TaskPayloads['rollout/advance'].parse(payload);
      const result = await advanceRollout(systemContext(deps), job.rolloutId, rollouts);
      deps.log.debug({ rolloutId: job.rolloutId, result }, 'rollout step');
    },
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
