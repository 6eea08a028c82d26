// The server side of one DHCTL stream, following the upstream FSM: one `start` (a second one
// is ignored), phase ends that block until `continue`, `cancel` at any time, exactly one final
// `result`, and the stream closed only after the client half-closes.
import type {
  ContinueMessage,
  OperationRequest,
  OperationResponse,
  PhaseEnd,
  Progress,
} from '@commander/dhctl';
import type * as grpc from '@grpc/grpc-js';

/** `CONTINUE_STOP_OPERATION`: the operation returns without error. */
export class StopOperation extends Error {
  override readonly name = 'StopOperation';
  constructor() {
    super('stopped');
  }
}

/** The operation fails with this text as the result's `err`. */
export class OperationFailed extends Error {
  override readonly name = 'OperationFailed';
}

/** The `err` of a canceled operation. */
export const CANCELED = 'canceled';

/** A DHCTL bidi stream as grpc-js hands it to the handler. */
export type OperationCall = grpc.ServerDuplexStream<
  OperationRequest<unknown>,
  OperationResponse<unknown>
>;

/** One streaming conversation. */
export class Conversation<TStart> {
  readonly #call: OperationCall;
  readonly #abort = new AbortController();
  readonly #start: Promise<TStart | null>;
  readonly #clientDone: Promise<void>;
  #resolveStart: (start: TStart | null) => void = () => undefined;
  #resolveClientDone: () => void = () => undefined;
  #hasStarted = false;
  #waiting: ((message: ContinueMessage) => void) | null = null;
  #resultSent = false;

  constructor(call: OperationCall) {
    this.#call = call;
    this.#start = new Promise((resolve) => {
      this.#resolveStart = resolve;
    });
    this.#clientDone = new Promise((resolve) => {
      this.#resolveClientDone = resolve;
    });
    call.on('data', (message: OperationRequest<TStart>) => this.#onMessage(message));
    call.on('end', () => {
      // Upstream returns from the handler on the client's EOF, which cancels the operation.
      this.#resolveClientDone();
      this.#cancel('the client closed the stream');
    });
    call.on('cancelled', () => {
      this.#resolveClientDone();
      this.#cancel('the client went away');
    });
    call.on('error', () => {
      this.#resolveClientDone();
      this.#cancel('stream error');
    });
  }

  /** Aborted on `cancel`, on the client's EOF before the result, or when the client is gone. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** The `start` message, or `null` if the stream ended before one arrived. */
  waitForStart(): Promise<TStart | null> {
    return this.#start;
  }

  /** Sends a batch of log lines. */
  logs(lines: readonly string[]): void {
    if (lines.length > 0) {
      this.#write({ logs: { logs: [...lines] } });
    }
  }

  /** Sends a progress snapshot. */
  progress(progress: Progress): void {
    this.#write({ progress });
  }

  /**
   * Sends a phase end and waits for the client's `continue`.
   *
   * @throws StopOperation on `CONTINUE_STOP_OPERATION`.
   * @throws OperationFailed with the client's text on `CONTINUE_ERROR`, "bad continue message"
   *   on `CONTINUE_UNSPECIFIED`, or "canceled" when canceled while waiting.
   */
  async phaseEnd(phaseEnd: PhaseEnd): Promise<void> {
    this.throwIfCanceled();
    const answer = new Promise<ContinueMessage>((resolve, reject) => {
      const onAbort = () => reject(new OperationFailed(CANCELED));
      this.#abort.signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting = (message) => {
        this.#abort.signal.removeEventListener('abort', onAbort);
        resolve(message);
      };
    });
    this.#write({ phase_end: phaseEnd });
    const message = await answer.finally(() => {
      this.#waiting = null;
    });
    switch (message.continue) {
      case 'CONTINUE_NEXT_PHASE':
        return;
      case 'CONTINUE_STOP_OPERATION':
        throw new StopOperation();
      case 'CONTINUE_ERROR':
        throw new OperationFailed(message.err || 'error from the client');
      default:
        throw new OperationFailed('bad continue message');
    }
  }

  /** @throws OperationFailed("canceled") when the operation was canceled. */
  throwIfCanceled(): void {
    if (this.#abort.signal.aborted) {
      throw new OperationFailed(CANCELED);
    }
  }

  /** Waits `ms` (the simulated work), or throws "canceled" as soon as the operation is canceled. */
  async pause(ms: number): Promise<void> {
    this.throwIfCanceled();
    if (ms <= 0) {
      // Still yield, so `cancel` messages get a chance to arrive between phases.
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.throwIfCanceled();
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(new OperationFailed(CANCELED));
      };
      const timer = setTimeout(() => {
        this.#abort.signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      this.#abort.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Sends the one `result`, then closes the stream once the client half-closed (or went away),
   * as the upstream handler does.
   */
  async finish(result: Record<string, string>): Promise<void> {
    this.#write({ result });
    this.#resultSent = true;
    await this.#clientDone;
    this.#call.end();
  }

  /** Closes a stream on which no `start` arrived. */
  close(): void {
    this.#call.end();
  }

  #write(message: OperationResponse<unknown>): void {
    if (this.#resultSent || this.#call.destroyed || this.#call.writableEnded) {
      return;
    }
    this.#call.write(message);
  }

  #cancel(reason: string): void {
    if (!this.#hasStarted) {
      this.#resolveStart(null);
    }
    if (!this.#resultSent && !this.#abort.signal.aborted) {
      this.#abort.abort(reason);
    }
  }

  #onMessage(message: OperationRequest<TStart>): void {
    if (message.start) {
      // A second start is ignored (upstream logs it).
      if (!this.#hasStarted) {
        this.#hasStarted = true;
        this.#resolveStart(message.start);
      }
    } else if (message.continue) {
      // A continue while not waiting is ignored, as in the upstream FSM.
      this.#waiting?.(message.continue);
    } else if (message.cancel) {
      this.#cancel(CANCELED);
    }
  }
}
