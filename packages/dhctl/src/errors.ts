import { status as GrpcStatus } from '@grpc/grpc-js';

/** gRPC codes after which the same call may succeed when retried. */
const RETRYABLE_CODES: ReadonlySet<number> = new Set([
  GrpcStatus.CANCELLED,
  GrpcStatus.UNKNOWN,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.RESOURCE_EXHAUSTED,
  GrpcStatus.ABORTED,
  GrpcStatus.INTERNAL,
  GrpcStatus.UNAVAILABLE,
]);

/**
 * The call to a dhctl server failed below the protocol: connection refused, deadline,
 * `ResourceExhausted` ("too many dhctl operations have already started"), a stream that
 * ended without a `result`… No `result` was received, so there is no new state to store;
 * retry with the state the caller stored last.
 *
 * An operation that ran and failed is *not* this error: it comes back as `{ ok: false, error }`.
 */
export class DhctlTransportError extends Error {
  override readonly name = 'DhctlTransportError';
  /** The gRPC status code (`@grpc/grpc-js` `status`). */
  readonly code: number;
  /** The gRPC status name, e.g. `UNAVAILABLE`. */
  readonly codeName: string;
  /** The full gRPC method, e.g. `/dhctl.DHCTL/Bootstrap`. */
  readonly method: string;
  /** Whether retrying the call later may succeed (everything except contract errors). */
  readonly retryable: boolean;

  constructor(method: string, code: number, details: string, options?: { cause?: unknown }) {
    const codeName = GrpcStatus[code] ?? String(code);
    super(`dhctl ${method} failed: ${codeName}: ${details}`, options);
    this.code = code;
    this.codeName = codeName;
    this.method = method;
    this.retryable = RETRYABLE_CODES.has(code);
  }
}

/** No dhctl server is configured for a DKP version (see `pickDhctlServer`). */
export class DhctlServerNotFoundError extends Error {
  override readonly name = 'DhctlServerNotFoundError';
}
