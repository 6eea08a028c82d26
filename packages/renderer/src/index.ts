// @commander/renderer: input schema → values validator and form; template version + values →
// rendered, validated documents. Isomorphic: no Node built-ins, so the web UI renders live.

export {
  type ClusterFacts,
  type ConfigurationValidation,
  type RenderedConfiguration,
  type RenderedResourceGroup,
  type SectionText,
  sectionTexts,
  validateConfiguration,
  validateSections,
} from './configuration.js';
export { fieldValueSchema } from './field-schema.js';
export {
  describeForm,
  FORM_ROW_UNITS,
  type FormDescription,
  type FormField,
  type FormHeader,
  type FormOption,
  type FormOptions,
  type FormRow,
  type FormWidget,
} from './form.js';
export {
  CLOUD_PROVIDERS,
  dockerCfgProblem,
  type DocumentIssue,
  KUBERNETES_VERSION_PATTERN,
  validateDocument,
} from './kinds.js';
export {
  type EnumValue,
  type FieldTranslations,
  type HeaderTranslations,
  isMultiValueField,
  isSecretField,
  PARAM_FORMATS,
  PARAM_TYPES,
  type ParamField,
  paramFields,
  type ParamFormat,
  type ParamHeader,
  type ParamItem,
  type ParamsError,
  type ParamType,
  type ParsedParams,
  parseParams,
  RECORD_ID_KEY,
  secretKeys,
  type SelectOption,
  SPECIAL_VARIABLE_NAMES,
} from './params.js';
export { patternProblem, patternRegExp } from './pattern.js';
export {
  applyRegistry,
  type ClusterRegistry,
  REGISTRY_DOCKER_CFG_SECRET,
  REGISTRY_MODES,
  type RegistryMode,
  registryVariables,
} from './registry.js';
export {
  checkTemplateVersion,
  NO_REGISTRY_VARIABLES,
  type RegistryVariables,
  renderClusterConfiguration,
  type RenderLimitExceeded,
  type RenderOptions,
  type RenderResult,
  type SpecialVariables,
  templateData,
  templateErrorToRenderError,
} from './render.js';
export {
  publicSpecialVariables,
  SECRET_SPECIAL_VARIABLES,
  secretPlaceholder,
  withSecretPlaceholders,
} from './secrets.js';
export {
  compileValuesSchema,
  immutableKeys,
  immutableViolations,
  uniqueKeys,
  validateValues,
  type ValueError,
  type ValuesSchemaOptions,
  type ValuesValidation,
} from './values.js';
export {
  DEFAULT_RENDER_LIMITS,
  type RenderLimitName,
  type RenderLimits,
  TemplateLimitError,
} from '@commander/gotemplate';
