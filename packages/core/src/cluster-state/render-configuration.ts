import type { RenderError, TemplateSections } from '@commander/contracts';
import {
  publicSpecialVariables,
  renderClusterConfiguration,
  type RenderResult,
  type SpecialVariables,
  withSecretPlaceholders,
} from '@commander/renderer';

import type { ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { RenderPoolBusyError, RenderPoolLimitError } from '../render-pool/errors.js';
import type { RenderedConfig } from './rendered-config.js';

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

/**
 * The "public render": the same sections rendered with every secret (the values of `secretKeys`
 * and the secret special variables) replaced by `<secret:key>` before rendering, so the output
 * holds no form of a secret whatever the template does with it. This is what callers who do not
 * reveal secrets see; only the manager gets the real render.
 */
export async function renderPublicConfiguration(
  ctx: ServiceContext,
  sections: TemplateSections,
  values: Record<string, unknown>,
  specials: SpecialVariables,
  secretKeys: Iterable<string>,
): Promise<RenderResult> {
  return renderConfiguration(
    ctx,
    sections,
    withSecretPlaceholders(values, secretKeys),
    publicSpecialVariables(specials),
  );
}

/** Shown instead of a section that renders with the real values but not with placeholders. */
export function withheldSectionText(section: string): string {
  return `# The ${section} section does not render with secret placeholders; reveal secrets to see it.\n`;
}

/**
 * A public render as a configuration, section by section: a section the template could not
 * render with placeholders (e.g. it decodes a secret) is replaced by a comment.
 */
export function publicRenderedConfig(
  sections: TemplateSections,
  result: RenderResult,
): RenderedConfig {
  const text = (name: string): string => result.texts[name] ?? withheldSectionText(name);
  return {
    cluster_configuration: text('kubernetes'),
    provider_specific_cluster_configuration: text('placement'),
    init_configuration: text('installation'),
    connection_config: text('ssh'),
    primary_resources: text('primary_resources'),
    resources: sections.resources.map((g) => ({
      name: g.name,
      sync_mode: g.sync_mode,
      yaml: text(`resources/${g.name}`),
    })),
  };
}

/**
 * The render errors a caller may see. Errors of the real render can quote secret values (Go's
 * messages, YAML excerpts), so callers see the public render's errors; a section that fails
 * only with the real values gets a generic error without details.
 */
export function publicRenderErrors(
  realErrors: RenderError[],
  publicErrors: RenderError[],
): RenderError[] {
  if (realErrors.length === 0) {
    return [];
  }
  const shown = new Set(publicErrors.map((e) => e.section));
  const out = [...publicErrors];
  for (const section of new Set(realErrors.map((e) => e.section))) {
    if (!shown.has(section)) {
      out.push({
        section,
        document: null,
        line: null,
        column: null,
        field: null,
        message:
          'This section does not render or validate with the secret values (details withheld: they could quote a secret)',
      });
    }
  }
  return out;
}
