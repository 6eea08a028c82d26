import type { ErrorCode } from '@commander/contracts';

/**
 * An expected failure of a use case. The HTTP layer maps `code` to a status with
 * `ERROR_STATUS` from contracts; `details` is returned to the caller as is, so it must never
 * contain secrets.
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

/** Shorthand for the most common failure: `getX` of something that does not exist. */
export function notFound(what: string, id: string): AppError {
  return new AppError('not_found', `${what} ${id} not found`, { id });
}
