// Handlers of `dhctl.DHCTL` and `dhctl.Status`: each streaming call takes a slot of the
// parallel-tasks limit, runs one operation over a Conversation and always ends with one
// `result` carrying the state.
import os from 'node:os';

import { decodeDhctlState, encodeDhctlState } from '@commander/dhctl';
import * as grpc from '@grpc/grpc-js';

import {
  Conversation,
  type OperationCall,
  OperationFailed,
  StopOperation,
} from './conversation.js';
import type { SimDeps, StateBag } from './operation-run.js';
import { runCommanderAttach, runCommanderDetach } from './operations/attach.js';
import { runBootstrap } from './operations/bootstrap.js';
import { runCheck } from './operations/check.js';
import type { OperationHandler } from './operations/common.js';
import { runConverge } from './operations/converge.js';
import { runAbort, runDestroy } from './operations/destroy.js';
import type { RequestStats, TaskLimiter } from './request-stats.js';

/**
 * The configuration of a start message as log lines (DHCTL_SIM_DEBUG_CONFIG_LOGS=true only),
 * like the real dhctl server prints it at debug level. The state is left out (it is large).
 */
export function configurationLines(start: unknown): string[] {
  const lines = ['Configuration (DHCTL_SIM_DEBUG_CONFIG_LOGS=true):'];
  for (const [field, value] of Object.entries((start ?? {}) as Record<string, unknown>)) {
    if (field === 'state' || field === 'options' || typeof value !== 'string' || value === '') {
      continue;
    }
    lines.push(`${field}:`, ...value.split('\n').map((line) => `  ${line}`));
  }
  return lines;
}

/** How long a call waits for a free slot before ResourceExhausted (upstream: 1 s). */
const SLOT_WAIT_MS = 1000;

async function serveOperation<TStart>(
  call: OperationCall,
  method: string,
  handler: OperationHandler<TStart>,
  hasJsonResult: boolean,
  deps: SimDeps,
): Promise<void> {
  const conversation = new Conversation<TStart>(call);
  const start = await conversation.waitForStart();
  if (!start) {
    conversation.close();
    return;
  }
  conversation.logs([
    `Task is running by DHCTL Server pod/dhctl-sim-${os.hostname()} (${deps.version})`,
    `DHCTL logs: dhctl-sim ${method}`,
  ]);
  if (deps.debugConfigLogs) {
    // Only on request: the configuration holds SSH keys, passwords and registry credentials.
    conversation.logs(configurationLines(start));
  }
  const rawState = (start as { state?: string }).state ?? '';
  const result = (state: string, err: string, json: string | null) => ({
    state,
    err,
    ...(hasJsonResult ? { result: json ?? '' } : {}),
  });
  let state: StateBag;
  try {
    state = new Map(Object.entries(decodeDhctlState(rawState)));
  } catch (error) {
    await conversation.finish(
      result(rawState, `cannot load state: ${(error as Error).message}`, null),
    );
    return;
  }
  let err = '';
  let json: string | null = null;
  try {
    json = await handler({
      conversation: conversation as Conversation<unknown>,
      start,
      deps,
      state,
    });
  } catch (error) {
    if (error instanceof StopOperation) {
      conversation.logs(['Operation stopped by the client']);
    } else if (error instanceof OperationFailed) {
      err = error.message;
    } else {
      // Upstream turns panics into a result with "panic: …" and the last state.
      err = `panic: ${(error as Error).message}`;
      deps.log(`${method} failed unexpectedly: ${(error as Error).stack ?? String(error)}`);
    }
  }
  const uuid = state.get('uuid')?.toString('utf8') ?? '-';
  deps.log(`${method} cluster=${uuid}: ${err === '' ? 'ok' : `error: ${err}`}`);
  await conversation.finish(result(encodeDhctlState(Object.fromEntries(state)), err, json));
}

/** Handlers of the `dhctl.DHCTL` service. */
export function dhctlHandlers(
  deps: SimDeps,
  stats: RequestStats,
  limiter: TaskLimiter,
): grpc.UntypedServiceImplementation {
  const stream =
    <TStart>(method: string, handler: OperationHandler<TStart>, hasJsonResult: boolean) =>
    (call: OperationCall) => {
      const done = stats.begin(`/dhctl.DHCTL/${method}`);
      void (async () => {
        try {
          if (!(await limiter.acquire(SLOT_WAIT_MS))) {
            call.emit('error', {
              code: grpc.status.RESOURCE_EXHAUSTED,
              details: 'too many dhctl operations have already started',
            });
            return;
          }
          try {
            await serveOperation(call, method, handler, hasJsonResult, deps);
          } finally {
            limiter.release();
          }
        } catch (error) {
          deps.log(`${method}: ${(error as Error).stack ?? String(error)}`);
          call.emit('error', { code: grpc.status.INTERNAL, details: (error as Error).message });
        } finally {
          done();
        }
      })();
    };
  return {
    Check: stream('Check', runCheck, true),
    Bootstrap: stream('Bootstrap', runBootstrap, false),
    Destroy: stream('Destroy', runDestroy, false),
    Abort: stream('Abort', runAbort, false),
    Converge: stream('Converge', runConverge, true),
    CommanderAttach: stream('CommanderAttach', runCommanderAttach, true),
    CommanderDetach: stream('CommanderDetach', runCommanderDetach, false),
  };
}

/** Handlers of the `dhctl.Status` service. */
export function statusHandlers(stats: RequestStats): grpc.UntypedServiceImplementation {
  return {
    GetStatus: (
      _call: grpc.ServerUnaryCall<unknown, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => {
      callback(null, stats.snapshot());
    },
  };
}

/** Wraps unary handlers so that every call is counted in `stats`. */
export function countedUnary(
  service: string,
  handlers: grpc.UntypedServiceImplementation,
  stats: RequestStats,
): grpc.UntypedServiceImplementation {
  return Object.fromEntries(
    Object.entries(handlers).map(([name, handler]) => [
      name,
      (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        const done = stats.begin(`/${service}/${name}`);
        (handler as grpc.handleUnaryCall<unknown, unknown>)(call, (error, value) => {
          done();
          callback(error, value);
        });
      },
    ]),
  );
}
