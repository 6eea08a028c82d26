import type { TemplateSections } from '@commander/contracts';
import {
  renderClusterConfiguration,
  type RenderResult,
  type SpecialVariables,
} from '@commander/renderer';

import type { ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { RenderPoolBusyError, RenderPoolLimitError } from '../render-pool/errors.js';

/** Details of a `render_limit_exceeded` error. */
export type RenderLimitDetails = {
  /** steps, timeout, output, range, depth, string, or heap (the worker's memory). */
  limit: string;
  /** The limit's value (ms for timeout, MiB for heap). */
  max: number;
  /** The section being rendered, when known. */
  section: string | null;
};

/**
 * The one place where the server renders a template version's sections with values: every use
 * case that renders (cluster create/update, preview) goes through here, so the render budget
 * and isolation apply to all of them. With `ctx.renderer` (the API's worker pool) the render
 * runs off the event loop; otherwise in-process, within `ctx.renderLimits`.
 * @throws {AppError} `render_limit_exceeded` (details {@link RenderLimitDetails}) when the
 *   render goes over its budget; `service_unavailable` when the render pool is full.
 */
export async function renderConfiguration(
  ctx: ServiceContext,
  sections: TemplateSections,
  values: Record<string, unknown>,
  specials: SpecialVariables,
): Promise<RenderResult> {
  let result: RenderResult;
  if (ctx.renderer) {
    try {
      result = await ctx.renderer.render(sections, values, specials);
    } catch (e) {
      if (e instanceof RenderPoolLimitError) {
        const details: RenderLimitDetails = { limit: e.limit, max: e.max, section: null };
        throw new AppError('render_limit_exceeded', e.message, details);
      }
      if (e instanceof RenderPoolBusyError) {
        throw new AppError('service_unavailable', e.message);
      }
      throw e;
    }
  } else {
    result = renderClusterConfiguration(sections, values, specials, {
      limits: ctx.renderLimits ?? {},
    });
  }
  if (result.limitExceeded) {
    const { limit, max, section } = result.limitExceeded;
    const details: RenderLimitDetails = { limit, max, section };
    throw new AppError(
      'render_limit_exceeded',
      `Rendering section ${section} went over the render limit: ${result.errors[0]?.message ?? limit}`,
      details,
    );
  }
  return result;
}
