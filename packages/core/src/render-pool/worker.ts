// The render worker: runs renderClusterConfiguration in a worker thread of the render pool, so a
// template that spends its whole budget (or more) never blocks the API's event loop.

import type { TemplateSections } from '@commander/contracts';
import {
  renderClusterConfiguration,
  type RenderLimits,
  type RenderResult,
  type SpecialVariables,
} from '@commander/renderer';

/** One render task (structured-cloned to the worker). */
export type RenderTask = {
  sections: TemplateSections;
  values: Record<string, unknown>;
  specials: SpecialVariables;
  limits: Partial<RenderLimits>;
  /** Set to 1 by the worker when it starts the task (the pool's clock starts then). */
  started: Int32Array;
};

export function render(task: RenderTask): RenderResult {
  Atomics.store(task.started, 0, 1);
  return renderClusterConfiguration(task.sections, task.values, task.specials, {
    limits: task.limits,
  });
}
