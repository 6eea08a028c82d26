export type {
  Dhctl,
  DhctlCallOptions,
  DhctlOperationHooks,
  DhctlOutcome,
  DhctlUnaryOptions,
  DhctlValidation,
  PhaseDecision,
} from './adapter.js';
export { createDhctlClient, type DhctlClientOptions, durationFromMs } from './client.js';
export { DhctlServerNotFoundError, DhctlTransportError } from './errors.js';
export type * from './messages.js';
export {
  BOOTSTRAP_PHASES,
  CHECK_PHASES,
  type ClusterType,
  COMMANDER_ATTACH_PHASES,
  COMMANDER_DETACH_PHASES,
  CONVERGE_PHASES,
  DESTROY_PHASE_ENDS_CLOUD,
  DESTROY_PHASE_ENDS_STATIC,
  DESTROY_PHASES,
  LEGACY_BOOTSTRAP_PHASES,
  PHASE_TITLES,
  type PhaseDefinition,
  phaseTitle,
  type PlannedOperation,
  plannedPhases,
  SUB_PHASE_TITLES,
  subPhaseTitle,
} from './phases.js';
export { progressPercent, ProgressTracker } from './progress.js';
export {
  DHCTL_PROTO_DIR,
  DHCTL_PROTO_FILES,
  DHCTL_SERVICE_NAMES,
  dhctlProtoLoaderOptions,
  type DhctlServiceDefinitions,
  dhctlServiceDefinitions,
  loadDhctlProto,
} from './proto.js';
export {
  type CheckResult,
  type CheckStatus,
  type ClusterCheckResult,
  type CommanderAttachResult,
  type ConvergeResult,
  type ConvergeStatus,
  type DestructiveChangeEntry,
  type DestructiveChanges,
  DhctlResultParseError,
  type NodeCheckResult,
  type NodeTemplateCheckResult,
  type ObjectCheckStatus,
  parseCheckResult,
  parseCommanderAttachResult,
  parseConvergeResult,
  type ScanResult,
} from './results.js';
export { DEFAULT_DHCTL_SERVER_KEY, pickDhctlServer } from './servers.js';
export {
  decodeDhctlState,
  DhctlStateError,
  type DhctlStateMap,
  dhctlStateUuid,
  encodeDhctlState,
} from './state.js';
export { fromProtoStruct, type JsonValue, toProtoStruct } from './struct.js';
export {
  type DhctlAddress,
  type DhctlChannel,
  dhctlChannel,
  DhctlTlsConfigError,
  type DhctlTlsMaterial,
  type DhctlTlsSettings,
  dhctlTlsSettingsFromEnv,
  loadDhctlTls,
  parseDhctlAddress,
} from './tls.js';
export {
  type DhctlValidationError,
  formatValidationError,
  parseValidationError,
  VALIDATION_ERROR_KIND,
  type ValidationErrorDetails,
} from './validation-error.js';
