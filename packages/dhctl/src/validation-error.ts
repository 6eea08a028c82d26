/**
 * dhctl's `config.ValidationError`, which the Validation service returns as a JSON string in
 * the `err` field (never as a gRPC error).
 *
 * @module
 */

/** Integer values of `Kind` and `Reason`. A top-level Kind above 3 is reported as 2. */
export const VALIDATION_ERROR_KIND = {
  ChangesValidationFailed: 1,
  ValidationFailed: 2,
  InvalidYAML: 3,
  CNIMismatch: 4,
  CNISettingsMismatch: 5,
} as const;

/** One failing document. `Index` is the document's position in the input. */
export type ValidationErrorDetails = {
  Reason?: number;
  Index?: number;
  Group?: string;
  Version?: string;
  Kind?: string;
  Name?: string;
  Messages: string[];
};

/** The decoded `err` of a Validation response. */
export type DhctlValidationError = { Kind?: number; Errors: ValidationErrorDetails[] };

/**
 * Decodes a Validation `err`. `""` means valid and gives `null`. A string that is not the
 * documented JSON (an older server's plain message) becomes one error with that message.
 */
export function parseValidationError(err: string): DhctlValidationError | null {
  if (err === '') {
    return null;
  }
  try {
    const value = JSON.parse(err) as unknown;
    if (
      typeof value === 'object' &&
      value !== null &&
      Array.isArray((value as { Errors?: unknown }).Errors)
    ) {
      const parsed = value as DhctlValidationError;
      return {
        ...parsed,
        Errors: parsed.Errors.map((e) => ({
          ...e,
          Messages: Array.isArray(e.Messages) ? e.Messages : [],
        })),
      };
    }
  } catch {
    // Not JSON: fall through to the plain-message form.
  }
  return { Errors: [{ Messages: [err] }] };
}

/** Flattens a validation error to readable lines: `[Kind name] message`. */
export function formatValidationError(error: DhctlValidationError): string[] {
  return error.Errors.flatMap((e) => {
    const where = [e.Kind, e.Name].filter(Boolean).join(' ');
    return e.Messages.map((m) => (where ? `${where}: ${m}` : m));
  });
}
