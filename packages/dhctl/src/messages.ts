/**
 * Hand-written TypeScript shapes of the dhctl protobuf messages, as `@grpc/proto-loader`
 * decodes them with {@link dhctlProtoLoaderOptions} (`keepCase`, `longs: String`,
 * `enums: String`, `defaults: true`, `oneofs: true`):
 *
 * - field names are the proto names (snake_case);
 * - scalar fields are always present (defaults applied), unset sub-messages are `null`;
 * - `int64` values are decimal strings, `bytes` are `Buffer`s, enums are their names;
 * - a oneof member is present only when set, and the virtual `message` key names it.
 *
 * Outgoing messages may omit any field ({@link MessageInput}).
 *
 * @module
 */

/** `dhctl.Continue`: the client's answer to a phase end. */
export type ContinueValue =
  'CONTINUE_UNSPECIFIED' | 'CONTINUE_NEXT_PHASE' | 'CONTINUE_STOP_OPERATION' | 'CONTINUE_ERROR';

/** `google.protobuf.Duration` (`seconds` is an int64, so a string when decoded). */
export type Duration = { seconds: string | number; nanos: number };

/**
 * `google.protobuf.Value`. proto-loader always uses protobufjs's bundled copy of the
 * well-known types, whose field names are camelCase, so these stay camelCase even with
 * `keepCase`. Exactly one kind is set.
 */
export type ProtoValue = {
  nullValue?: 'NULL_VALUE' | 0;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: ProtoStruct;
  listValue?: { values: ProtoValue[] };
  kind?: 'nullValue' | 'numberValue' | 'stringValue' | 'boolValue' | 'structValue' | 'listValue';
};

/** `google.protobuf.Struct`: use `toProtoStruct` / `fromProtoStruct` to convert plain JSON. */
export type ProtoStruct = { fields: Record<string, ProtoValue> };

/** `dhctl.Logs`: one batch of log lines. */
export type Logs = { logs: string[] };

/** `dhctl.Progress.PhaseWithSubPhases`. `action` is `""` or `"skip"`. */
export type PhaseWithSubPhases = { phase: string; sub_phases: string[]; action: string };

/** Operation names used in `Progress.operation`. Abort reports `"Destroy"`. */
export type DhctlOperationName =
  'Bootstrap' | 'Converge' | 'Check' | 'Destroy' | 'CommanderAttach' | 'CommanderDetach';

/** `dhctl.Progress`: a progress snapshot (see the progress helpers for the computation). */
export type Progress = {
  operation: string;
  /** 0.0 .. 1.0 */
  progress: number;
  completed_phase: string;
  current_phase: string;
  next_phase: string;
  completed_sub_phase: string;
  current_sub_phase: string;
  next_sub_phase: string;
  /** The full planned phase list of the operation. */
  phases: PhaseWithSubPhases[];
};

/** `dhctl.OperationOptions`. */
export type OperationOptions = { skip_preflight_checks: string[] };

/** Options shared by Bootstrap, Destroy, Abort, CommanderAttach and CommanderDetach starts. */
export type BaseStartOptions = {
  commander_mode: boolean;
  /** Must parse as a UUID when set. */
  commander_uuid: string;
  log_width: number;
  resources_timeout: Duration | null;
  deckhouse_timeout: Duration | null;
  common_options: OperationOptions | null;
};

/** `dhctl.CheckStartOptions` and `dhctl.ConvergeStartOptions` (same fields and tags). */
export type ApiServerStartOptions = BaseStartOptions & {
  api_server_url: string;
  api_server_token: string;
  api_server_insecure_skip_tls_verify: boolean;
  api_server_certificate_authority_data: string;
};

/** `dhctl.BootstrapStartOptions`. */
export type BootstrapStartOptions = BaseStartOptions;
/** `dhctl.ConvergeStartOptions`. */
export type ConvergeStartOptions = ApiServerStartOptions;
/** `dhctl.CheckStartOptions`. */
export type CheckStartOptions = ApiServerStartOptions;
/** `dhctl.DestroyStartOptions`. */
export type DestroyStartOptions = BaseStartOptions;
/** `dhctl.AbortStartOptions`. */
export type AbortStartOptions = BaseStartOptions;
/** `dhctl.CommanderAttachStartOptions`. */
export type CommanderAttachStartOptions = BaseStartOptions;
/** `dhctl.CommanderDetachStartOptions`. */
export type CommanderDetachStartOptions = BaseStartOptions;

/** `dhctl.BootstrapStart`. Every config field is a multi-document YAML string. */
export type BootstrapStart = {
  connection_config: string;
  init_config: string;
  cluster_config: string;
  provider_specific_cluster_config: string;
  init_resources: string;
  resources: string;
  /** JSON object of base64 values from an earlier attempt ("" for a fresh bootstrap). */
  state: string;
  post_bootstrap_script: string;
  options: BootstrapStartOptions | null;
};

/** `dhctl.ConvergeStart`. */
export type ConvergeStart = {
  connection_config: string;
  cluster_config: string;
  provider_specific_cluster_config: string;
  state: string;
  /** The `destructive_change_id` a human approved, or "". */
  approve_destruction_change_id: string;
  options: ConvergeStartOptions | null;
};

/** `dhctl.CheckStart`. */
export type CheckStart = {
  connection_config: string;
  cluster_config: string;
  provider_specific_cluster_config: string;
  state: string;
  options: CheckStartOptions | null;
};

/** `dhctl.DestroyStart`. */
export type DestroyStart = {
  connection_config: string;
  init_config: string;
  cluster_config: string;
  provider_specific_cluster_config: string;
  state: string;
  options: DestroyStartOptions | null;
};

/** `dhctl.AbortStart`: the same documents as the failed bootstrap, plus its state. */
export type AbortStart = {
  connection_config: string;
  init_config: string;
  cluster_config: string;
  provider_specific_cluster_config: string;
  init_resources: string;
  resources: string;
  state: string;
  options: AbortStartOptions | null;
};

/** `dhctl.CommanderAttachStart`. */
export type CommanderAttachStart = {
  connection_config: string;
  /** proto3 `optional`: absent when not set. */
  scan_only?: boolean;
  resources_template: string;
  resources_values: ProtoStruct | null;
  options: CommanderAttachStartOptions | null;
};

/** `dhctl.CommanderDetachStart`. */
export type CommanderDetachStart = {
  connection_config: string;
  cluster_config: string;
  provider_specific_cluster_config: string;
  state: string;
  create_resources_template: string;
  delete_resources_template: string;
  create_resources_values: ProtoStruct | null;
  delete_resources_values: ProtoStruct | null;
  options: CommanderDetachStartOptions | null;
};

/**
 * `dhctl.<Op>PhaseEnd`. The state is the full state cache as of the end of `completed_phase`.
 * `completed_phase_data` exists on CommanderAttach only (JSON).
 */
export type PhaseEnd = {
  completed_phase: string;
  completed_phase_state: Record<string, Buffer>;
  next_phase: string;
  next_phase_critical: boolean;
  completed_phase_data?: string;
};

/** `dhctl.<Op>Continue`. */
export type ContinueMessage = { continue: ContinueValue; err: string };

/** `dhctl.<Op>Cancel` (empty). */
export type CancelMessage = Record<string, never>;

/** `dhctl.BootstrapResult`, `DestroyResult`, `AbortResult`, `CommanderDetachResult`. */
export type StateResult = { state: string; err: string };

/** `dhctl.ConvergeResult`, `CheckResult`, `CommanderAttachResult` (`result` is JSON). */
export type JsonResult = { state: string; result: string; err: string };

/** A request on any DHCTL stream (Check and CommanderDetach never send `continue`). */
export type OperationRequest<TStart> = {
  start?: TStart;
  continue?: ContinueMessage;
  cancel?: CancelMessage;
  message?: 'start' | 'continue' | 'cancel';
};

/** A response on any DHCTL stream (Check and CommanderDetach never send `phase_end`). */
export type OperationResponse<TResult> = {
  result?: TResult;
  phase_end?: PhaseEnd;
  logs?: Logs;
  progress?: Progress;
  message?: 'result' | 'phase_end' | 'logs' | 'progress';
};

/** `dhctl.ValidateOptions`. */
export type ValidateOptions = {
  commander_mode: boolean;
  strict_unmarshal: boolean;
  validate_extensions: boolean;
  required_ssh_host: boolean;
};

/** Request of ValidateResources, ValidateInitConfig, ValidateClusterConfig, ValidateStaticClusterConfig, ParseConnectionConfig. */
export type ValidateConfigRequest = { config: string; opts: ValidateOptions | null };
/** `dhctl.ValidateProviderSpecificClusterConfigRequest`. */
export type ValidateProviderSpecificClusterConfigRequest = {
  config: string;
  /** The JSON returned by ValidateClusterConfig. */
  cluster_config: string;
  opts: ValidateOptions | null;
};
/** `dhctl.ValidateChangesRequest`. */
export type ValidateChangesRequest = {
  phase: string;
  old_config: string;
  new_config: string;
  opts: ValidateOptions | null;
};
/** `dhctl.ConfigExtensionKind`. */
export type ConfigExtensionKind = 'CONFIG_EXTENSION_KIND_UNSPECIFIED' | 'CONFIG_EXTENSION_KIND_CNI';
/** `dhctl.ConfigExtenderRequest`. */
export type ConfigExtenderRequest = { config: string; kind: ConfigExtensionKind };

/** Response with only `err` (a `ValidationError` JSON string, "" when valid). */
export type ValidateErrResponse = { err: string };
/** `dhctl.ValidateClusterConfigResponse`. */
export type ValidateClusterConfigResponse = { cluster_config: string; err: string };
/** `dhctl.ParseConnectionConfigResponse`. */
export type ParseConnectionConfigResponse = { connection_config: string; err: string };
/** `dhctl.ConfigExtenderResponse`. */
export type ConfigExtenderResponse = { err: string; config: string };

/** `dhctl.GetStatusResponse` (int64 values are decimal strings). */
export type GetStatusResponse = {
  requests_by_method: Record<string, string>;
  requests_in_progress?: string;
};

/**
 * A message as the caller may write it: every field optional, recursively. Plain values
 * (`Buffer`, arrays) are kept as they are.
 */
export type MessageInput<T> = T extends Buffer | readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: MessageInput<NonNullable<T[K]>> | null }
    : T;
