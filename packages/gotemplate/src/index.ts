// @commander/gotemplate: Go's text/template with the sprig function set, byte-for-byte.

export {
  DEFAULT_RENDER_LIMITS,
  RenderBudget,
  type RenderLimitName,
  type RenderLimits,
  TemplateLimitError,
} from './budget.js';
export { TemplateError, type TemplateErrorDetails, type TemplateErrorKind } from './errors.js';
export {
  type ExecuteOptions,
  executeTemplate,
  type ParsedTemplate,
  parseTemplate,
  render,
  type TemplateOptions,
} from './template.js';
