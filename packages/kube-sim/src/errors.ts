// `Status` objects for errors, shaped like the real API's.

/** An API error answered as a `Status`. */
export class KubeError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: number, reason: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  /** The `Status` body. */
  toStatus(): unknown {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

const group = (plural: string, apiGroup: string) => (apiGroup ? `${plural}.${apiGroup}` : plural);

/** 404 `<plural> "<name>" not found`. */
export function notFound(plural: string, apiGroup: string, name: string): KubeError {
  return new KubeError(404, 'NotFound', `${group(plural, apiGroup)} "${name}" not found`, {
    name,
    ...(apiGroup ? { group: apiGroup } : {}),
    kind: plural,
  });
}

/** 409 AlreadyExists. */
export function alreadyExists(plural: string, apiGroup: string, name: string): KubeError {
  return new KubeError(
    409,
    'AlreadyExists',
    `${group(plural, apiGroup)} "${name}" already exists`,
    {
      name,
      ...(apiGroup ? { group: apiGroup } : {}),
      kind: plural,
    },
  );
}

/** 409 Conflict on a stale resourceVersion. */
export function conflict(plural: string, apiGroup: string, name: string): KubeError {
  return new KubeError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${group(plural, apiGroup)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, ...(apiGroup ? { group: apiGroup } : {}), kind: plural },
  );
}

/** 422 Invalid with field causes. */
export function invalid(
  kind: string,
  name: string,
  causes: { field: string; message: string }[],
): KubeError {
  return new KubeError(
    422,
    'Invalid',
    `${kind} "${name}" is invalid: ${causes.map((cause) => `${cause.field}: ${cause.message}`).join(', ')}`,
    {
      name,
      kind,
      causes: causes.map((cause) => ({
        reason: 'FieldValueInvalid',
        message: cause.message,
        field: cause.field,
      })),
    },
  );
}

/** 400 BadRequest. */
export function badRequest(message: string): KubeError {
  return new KubeError(400, 'BadRequest', message);
}
