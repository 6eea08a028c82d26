import type { TaskList } from 'graphile-worker';

import type { ManagerDeps } from './deps.js';
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
