import type {
  AbortStart,
  BootstrapStart,
  CheckStart,
  CommanderAttachStart,
  CommanderDetachStart,
  ConfigExtenderRequest,
  ConfigExtenderResponse,
  ConvergeStart,
  DestroyStart,
  GetStatusResponse,
  MessageInput,
  ParseConnectionConfigResponse,
  PhaseEnd,
  Progress,
  ValidateChangesRequest,
  ValidateClusterConfigResponse,
  ValidateConfigRequest,
  ValidateErrResponse,
  ValidateProviderSpecificClusterConfigRequest,
} from './messages.js';
import type { CheckResult, CommanderAttachResult, ConvergeResult } from './results.js';

/**
 * The caller's answer to a phase end: go on (`CONTINUE_NEXT_PHASE`), stop gracefully
 * (`CONTINUE_STOP_OPERATION`: the operation returns without error) or fail with a message
 * (`CONTINUE_ERROR`).
 */
export type PhaseDecision = 'next' | 'stop' | { error: string };

/**
 * Callbacks of a streaming operation. They run one after another, in the order the server
 * sent the messages, and each is awaited before the next starts, so logs stored in
 * `onLogs` are in the database before `onPhaseEnd` stores the phase state.
 *
 * A hook that throws ends the operation: a throwing `onPhaseEnd` is answered with
 * `CONTINUE_ERROR`, a throwing `onLogs`/`onProgress` sends `cancel`; the outcome is then
 * `{ ok: false, error: "<hook> hook failed: …" }` with the server's final state.
 */
export type DhctlOperationHooks = {
  /** A batch of log lines (dhctl's tree-style output, one entry per line). */
  onLogs?: (lines: string[]) => void | Promise<void>;
  /** A progress snapshot (see `ProgressTracker` for how it is computed). */
  onProgress?: (progress: Progress) => void | Promise<void>;
  /**
   * A phase boundary; the server waits until this resolves. The first one comes before any
   * work with `completed_phase: ""`. Store `completed_phase_state` here, then return
   * `'next'`. Without this hook every phase end is answered `'next'`.
   */
  onPhaseEnd?: (phaseEnd: PhaseEnd) => PhaseDecision | Promise<PhaseDecision>;
};

/** Per-call options of a streaming operation. */
export type DhctlCallOptions = DhctlOperationHooks & {
  /** Aborting sends `cancel`; the server answers with a `result` whose err is "canceled". */
  signal?: AbortSignal;
  /** gRPC deadline for the whole stream, in ms. Default: the client's `operationDeadlineMs`. */
  deadlineMs?: number;
  /**
   * After `cancel` was sent, how long to wait for the server's `result` before dropping the
   * stream (then a `DhctlTransportError` with code CANCELLED). Default: the client's setting.
   */
  cancelGraceMs?: number;
};

/** Per-call options of a unary call. */
export type DhctlUnaryOptions = { deadlineMs?: number };

/**
 * How an operation ended when the server sent its `result`.
 *
 * - `ok: true`: `err` was empty. `result` is the parsed result JSON (`null` for operations
 *   without one, or when the operation was stopped); `stopped` is true when the caller
 *   answered a phase end with `'stop'`.
 * - `ok: false`: the operation failed (`err`, or a failing hook, or a result JSON that does not
 *   parse). Not thrown, so that the caller stores `state` first.
 *
 * `state` is the raw state string (JSON object of base64 values) in both cases; keep it and
 * send it back on the next attempt, converge, destroy or abort.
 */
export type DhctlOutcome<R> =
  | { ok: true; state: string; result: R; stopped: boolean }
  | { ok: false; state: string; error: string };

/** Unary calls of `dhctl.Validation`. Failures of validation come back in `err` (JSON). */
export type DhctlValidation = {
  validateResources(
    request: MessageInput<ValidateConfigRequest>,
    options?: DhctlUnaryOptions,
  ): Promise<ValidateErrResponse>;
  validateInitConfig(
    request: MessageInput<ValidateConfigRequest>,
    options?: DhctlUnaryOptions,
  ): Promise<ValidateErrResponse>;
  validateClusterConfig(
    request: MessageInput<ValidateConfigRequest>,
    options?: DhctlUnaryOptions,
  ): Promise<ValidateClusterConfigResponse>;
  validateStaticClusterConfig(
    request: MessageInput<ValidateConfigRequest>,
    options?: DhctlUnaryOptions,
  ): Promise<ValidateErrResponse>;
  validateProviderSpecificClusterConfig(
    request: MessageInput<ValidateProviderSpecificClusterConfigRequest>,
    options?: DhctlUnaryOptions,
  ): Promise<ValidateErrResponse>;
  validateChanges(
    request: MessageInput<ValidateChangesRequest>,
    options?: DhctlUnaryOptions,
  ): Promise<ValidateErrResponse>;
  parseConnectionConfig(
    request: MessageInput<ValidateConfigRequest>,
    options?: DhctlUnaryOptions,
  ): Promise<ParseConnectionConfigResponse>;
  configExtender(
    request: MessageInput<ConfigExtenderRequest>,
    options?: DhctlUnaryOptions,
  ): Promise<ConfigExtenderResponse>;
};

/**
 * The dhctl adapter the cluster manager depends on: one dhctl server (one DKP version).
 * `createDhctlClient()` implements it over gRPC; tests may substitute a fake.
 *
 * Every streaming method sends one `start`, feeds the hooks, answers phase ends, and resolves
 * with a {@link DhctlOutcome} once `result` arrived.
 *
 * @throws DhctlTransportError (rejection) when no `result` was received.
 */
export type Dhctl = {
  /** The server address (`host:port`). */
  readonly address: string;
  bootstrap(
    start: MessageInput<BootstrapStart>,
    options?: DhctlCallOptions,
  ): Promise<DhctlOutcome<null>>;
  /** Result `null` only when stopped at a phase end. */
  converge(
    start: MessageInput<ConvergeStart>,
    options?: DhctlCallOptions,
  ): Promise<DhctlOutcome<ConvergeResult | null>>;
  /** Requires `options.commander_mode: true` (dhctl refuses Check otherwise). */
  check(
    start: MessageInput<CheckStart>,
    options?: DhctlCallOptions,
  ): Promise<DhctlOutcome<CheckResult>>;
  destroy(
    start: MessageInput<DestroyStart>,
    options?: DhctlCallOptions,
  ): Promise<DhctlOutcome<null>>;
  /** Cleans up after a failed bootstrap, with that bootstrap's documents and state. */
  abort(start: MessageInput<AbortStart>, options?: DhctlCallOptions): Promise<DhctlOutcome<null>>;
  /** Result `null` only when stopped at a phase end. */
  commanderAttach(
    start: MessageInput<CommanderAttachStart>,
    options?: DhctlCallOptions,
  ): Promise<DhctlOutcome<CommanderAttachResult | null>>;
  commanderDetach(
    start: MessageInput<CommanderDetachStart>,
    options?: DhctlCallOptions,
  ): Promise<DhctlOutcome<null>>;
  readonly validation: DhctlValidation;
  /** `dhctl.Status/GetStatus`: request counters of the server. */
  getStatus(options?: DhctlUnaryOptions): Promise<GetStatusResponse>;
  /** Closes the channel; calls in flight fail with CANCELLED. */
  close(): void;
};
