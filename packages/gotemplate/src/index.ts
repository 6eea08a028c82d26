// @commander/gotemplate: Go's text/template with the sprig function set, byte-for-byte.

export { TemplateError, type TemplateErrorDetails, type TemplateErrorKind } from './errors.js';
export {
  executeTemplate,
  type ParsedTemplate,
  parseTemplate,
  render,
  type TemplateOptions,
} from './template.js';
