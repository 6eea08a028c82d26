import * as grpc from '@grpc/grpc-js';

import type {
  Dhctl,
  DhctlCallOptions,
  DhctlOutcome,
  DhctlUnaryOptions,
  DhctlValidation,
  PhaseDecision,
} from './adapter.js';
import { DhctlTransportError } from './errors.js';
import type {
  ContinueMessage,
  JsonResult,
  OperationRequest,
  OperationResponse,
  StateResult,
} from './messages.js';
import { dhctlServiceDefinitions } from './proto.js';
import {
  DhctlResultParseError,
  parseCheckResult,
  parseCommanderAttachResult,
  parseConvergeResult,
} from './results.js';
import { dhctlChannel, type DhctlTlsMaterial } from './tls.js';

/** Options of {@link createDhctlClient}. */
export type DhctlClientOptions = {
  /**
   * Channel credentials; when given, the address is used as a raw gRPC target. Default: from
   * the address's scheme and `tls` (see {@link dhctlChannel}).
   */
  credentials?: grpc.ChannelCredentials;
  /** TLS material (CA, client certificate, server name) for TLS addresses ({@link loadDhctlTls}). */
  tls?: DhctlTlsMaterial | null;
  /** Deadline of unary calls (Validation, Status), in ms. Default 30 000. */
  unaryDeadlineMs?: number;
  /** Deadline of a whole streaming operation, in ms. Default: none (a bootstrap takes hours). */
  operationDeadlineMs?: number;
  /** How long to wait for `result` after sending `cancel`, in ms. Default 30 000. */
  cancelGraceMs?: number;
  /**
   * HTTP/2 keepalive ping interval, in ms. Default: off. Go gRPC servers (the real dhctl)
   * answer pings more frequent than every 5 minutes with GOAWAY "too_many_pings", so keep it
   * at 300 000 or more against them.
   */
  keepaliveTimeMs?: number;
  /** How long to wait for a keepalive ping answer, in ms. Default 20 000 (gRPC's default). */
  keepaliveTimeoutMs?: number;
  /** Extra raw channel options (override the ones above). */
  channelOptions?: grpc.ChannelOptions;
};

type MethodDefinition = grpc.MethodDefinition<unknown, unknown>;

const CONTINUE_BY_DECISION = {
  next: 'CONTINUE_NEXT_PHASE',
  stop: 'CONTINUE_STOP_OPERATION',
} as const;

function continueMessage(decision: PhaseDecision): ContinueMessage {
  if (decision === 'next' || decision === 'stop') {
    return { continue: CONTINUE_BY_DECISION[decision], err: '' };
  }
  return { continue: 'CONTINUE_ERROR', err: decision.error };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isServiceError(error: unknown): error is grpc.ServiceError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'number';
}

type StreamSettings = { operationDeadlineMs: number | undefined; cancelGraceMs: number };

/**
 * Runs the §2.1 conversation on one bidi stream and resolves with the final `result`
 * message (plus whether the caller stopped the operation and which hook failed, if any).
 */
function converse<TResult extends StateResult>(
  client: grpc.Client,
  method: MethodDefinition,
  start: unknown,
  options: DhctlCallOptions,
  settings: StreamSettings,
): Promise<{ result: TResult; stopped: boolean; hookError: string | null }> {
  return new Promise((resolve, reject) => {
    const deadlineMs = options.deadlineMs ?? settings.operationDeadlineMs;
    const call = client.makeBidiStreamRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      new grpc.Metadata(),
      deadlineMs === undefined ? {} : { deadline: Date.now() + deadlineMs },
    ) as grpc.ClientDuplexStream<OperationRequest<unknown>, OperationResponse<TResult>>;

    let result: TResult | undefined;
    let halfClosed = false;
    let settled = false;
    let cancelSent = false;
    let stopped = false;
    let hookError: string | null = null;
    let graceTimer: NodeJS.Timeout | undefined;
    // Hooks run strictly in arrival order; the final resolution waits for all of them.
    let hooks: Promise<void> = Promise.resolve();

    const write = (message: OperationRequest<unknown>) => {
      if (!halfClosed && !settled) {
        call.write(message);
      }
    };
    const sendCancel = () => {
      if (cancelSent || halfClosed || settled) {
        return;
      }
      cancelSent = true;
      write({ cancel: {} });
      graceTimer = setTimeout(() => call.cancel(), options.cancelGraceMs ?? settings.cancelGraceMs);
      graceTimer.unref();
    };
    const onAbort = () => sendCancel();
    const enqueue = (name: string, task: () => void | Promise<void>) => {
      hooks = hooks.then(async () => {
        if (hookError !== null) {
          return;
        }
        try {
          await task();
        } catch (error) {
          hookError = `${name} hook failed: ${messageOf(error)}`;
          sendCancel();
        }
      });
    };

    const settle = (error: unknown) => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(graceTimer);
      options.signal?.removeEventListener('abort', onAbort);
      void hooks.then(() => {
        if (result) {
          resolve({ result, stopped, hookError });
        } else if (isServiceError(error)) {
          reject(new DhctlTransportError(method.path, error.code, error.details, { cause: error }));
        } else if (error) {
          reject(
            new DhctlTransportError(method.path, grpc.status.UNKNOWN, messageOf(error), {
              cause: error,
            }),
          );
        } else {
          reject(
            new DhctlTransportError(
              method.path,
              grpc.status.INTERNAL,
              'the stream ended without a result',
            ),
          );
        }
      });
    };

    call.on('data', (message: OperationResponse<TResult>) => {
      if (result) {
        return;
      }
      if (message.result) {
        result = message.result;
        // The server handler returns on our EOF, so half-close only now (§2.1 point 6).
        halfClosed = true;
        call.end();
      } else if (message.logs) {
        const lines = message.logs.logs;
        enqueue('onLogs', () => options.onLogs?.(lines));
      } else if (message.progress) {
        const progress = message.progress;
        enqueue('onProgress', () => options.onProgress?.(progress));
      } else if (message.phase_end) {
        const phaseEnd = message.phase_end;
        hooks = hooks.then(async () => {
          let decision: PhaseDecision;
          if (hookError !== null) {
            decision = { error: hookError };
          } else {
            try {
              decision = options.onPhaseEnd ? await options.onPhaseEnd(phaseEnd) : 'next';
            } catch (error) {
              hookError = `onPhaseEnd hook failed: ${messageOf(error)}`;
              decision = { error: hookError };
            }
          }
          if (decision === 'stop') {
            stopped = true;
          }
          // After `cancel` the server answers with its result; a continue would be noise.
          if (!cancelSent) {
            write({ continue: continueMessage(decision) });
          }
        });
      }
    });
    call.on('error', (error) => settle(error));
    call.on('end', () => settle(undefined));

    write({ start });
    if (options.signal?.aborted) {
      sendCancel();
    } else {
      options.signal?.addEventListener('abort', onAbort, { once: true });
    }
  });
}

function toOutcome<R>(
  converse: {
    result: StateResult & { result?: string };
    stopped: boolean;
    hookError: string | null;
  },
  parse: ((json: string) => R) | null,
): DhctlOutcome<R | null> {
  const { result, stopped, hookError } = converse;
  if (hookError !== null) {
    return { ok: false, state: result.state, error: hookError };
  }
  if (result.err !== '') {
    return { ok: false, state: result.state, error: result.err };
  }
  if (!parse || (stopped && !result.result)) {
    return { ok: true, state: result.state, result: null, stopped };
  }
  try {
    return { ok: true, state: result.state, result: parse(result.result ?? ''), stopped };
  } catch (error) {
    if (error instanceof DhctlResultParseError) {
      return { ok: false, state: result.state, error: `malformed dhctl result: ${error.message}` };
    }
    throw error;
  }
}

/**
 * Creates a typed gRPC client for one dhctl server (real `dhctl server` or dhctl-sim). The
 * channel connects lazily and reconnects by itself; call `close()` when done.
 *
 * @param address `grpcs://host:port` or `tls://host:port` (TLS), `grpc://host:port`,
 *   `tcp://host:port` (plaintext), `unix:///path.sock`, or `host:port` (TLS when `options.tls`
 *   is enabled).
 * @throws DhctlTlsConfigError on an address it cannot parse.
 */
export function createDhctlClient(address: string, options: DhctlClientOptions = {}): Dhctl {
  const definitions = dhctlServiceDefinitions();
  const channel = options.credentials
    ? { target: address, credentials: options.credentials, channelOptions: {} }
    : (() => {
        const resolved = dhctlChannel(address, options.tls);
        return { ...resolved, target: resolved.address.target };
      })();
  const channelOptions: grpc.ChannelOptions = {
    ...channel.channelOptions,
    ...(options.keepaliveTimeMs === undefined
      ? {}
      : {
          'grpc.keepalive_time_ms': options.keepaliveTimeMs,
          'grpc.keepalive_timeout_ms': options.keepaliveTimeoutMs ?? 20_000,
          'grpc.keepalive_permit_without_calls': 0,
        }),
    ...options.channelOptions,
  };
  const client = new grpc.Client(channel.target, channel.credentials, channelOptions);
  const settings: StreamSettings = {
    operationDeadlineMs: options.operationDeadlineMs,
    cancelGraceMs: options.cancelGraceMs ?? 30_000,
  };
  const unaryDeadlineMs = options.unaryDeadlineMs ?? 30_000;

  const streamMethod = (name: string): MethodDefinition => {
    const method = definitions.dhctl[name];
    if (!method) {
      throw new Error(`dhctl proto: DHCTL.${name} not found`);
    }
    return method as MethodDefinition;
  };

  const stateOperation =
    (name: string) =>
    async (start: unknown, callOptions: DhctlCallOptions = {}): Promise<DhctlOutcome<null>> =>
      toOutcome(
        await converse<StateResult>(client, streamMethod(name), start, callOptions, settings),
        null,
      );

  const unary =
    <TResponse>(service: grpc.ServiceDefinition, name: string) =>
    (request: unknown, callOptions: DhctlUnaryOptions = {}): Promise<TResponse> => {
      const method = service[name] as MethodDefinition | undefined;
      if (!method) {
        return Promise.reject(new Error(`dhctl proto: method ${name} not found`));
      }
      return new Promise((resolve, reject) => {
        client.makeUnaryRequest(
          method.path,
          method.requestSerialize,
          method.responseDeserialize,
          request,
          new grpc.Metadata(),
          { deadline: Date.now() + (callOptions.deadlineMs ?? unaryDeadlineMs) },
          (error, response) => {
            if (error) {
              reject(
                new DhctlTransportError(method.path, error.code, error.details, { cause: error }),
              );
            } else {
              resolve(response as TResponse);
            }
          },
        );
      });
    };

  const validation: DhctlValidation = {
    validateResources: unary(definitions.validation, 'ValidateResources'),
    validateInitConfig: unary(definitions.validation, 'ValidateInitConfig'),
    validateClusterConfig: unary(definitions.validation, 'ValidateClusterConfig'),
    validateStaticClusterConfig: unary(definitions.validation, 'ValidateStaticClusterConfig'),
    validateProviderSpecificClusterConfig: unary(
      definitions.validation,
      'ValidateProviderSpecificClusterConfig',
    ),
    validateChanges: unary(definitions.validation, 'ValidateChanges'),
    parseConnectionConfig: unary(definitions.validation, 'ParseConnectionConfig'),
    configExtender: unary(definitions.validation, 'ConfigExtender'),
  };

  return {
    address,
    bootstrap: stateOperation('Bootstrap'),
    destroy: stateOperation('Destroy'),
    abort: stateOperation('Abort'),
    commanderDetach: stateOperation('CommanderDetach'),
    async check(start, callOptions = {}) {
      const outcome = toOutcome(
        await converse<JsonResult>(client, streamMethod('Check'), start, callOptions, settings),
        parseCheckResult,
      );
      // Check has no phase ends, so it cannot be stopped: a success always carries a result.
      if (outcome.ok && outcome.result === null) {
        return {
          ok: false,
          state: outcome.state,
          error: 'malformed dhctl result: empty check result',
        };
      }
      return outcome as DhctlOutcome<ReturnType<typeof parseCheckResult>>;
    },
    async converge(start, callOptions = {}) {
      return toOutcome(
        await converse<JsonResult>(client, streamMethod('Converge'), start, callOptions, settings),
        parseConvergeResult,
      );
    },
    async commanderAttach(start, callOptions = {}) {
      return toOutcome(
        await converse<JsonResult>(
          client,
          streamMethod('CommanderAttach'),
          start,
          callOptions,
          settings,
        ),
        parseCommanderAttachResult,
      );
    },
    validation,
    getStatus: unary(definitions.status, 'GetStatus'),
    close: () => client.close(),
  };
}

/** Converts milliseconds to a `google.protobuf.Duration` (e.g. `resources_timeout`). */
export function durationFromMs(ms: number): { seconds: string; nanos: number } {
  const seconds = Math.floor(ms / 1000);
  return { seconds: String(seconds), nanos: Math.round((ms - seconds * 1000) * 1e6) };
}
