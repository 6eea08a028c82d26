import type { TemplateSections } from '@commander/contracts';
import {
  renderClusterConfiguration,
  type RenderResult,
  type SpecialVariables,
} from '@commander/renderer';

import type { ServiceContext } from '../context.js';

/**
 * The one place where the server renders a template version's sections with values: every use
 * case that renders (cluster create/update, preview) goes through here, so the render budget
 * and isolation apply to all of them.
 */
export async function renderConfiguration(
  _ctx: ServiceContext,
  sections: TemplateSections,
  values: Record<string, unknown>,
  specials: SpecialVariables,
): Promise<RenderResult> {
  return Promise.resolve(renderClusterConfiguration(sections, values, specials));
}
