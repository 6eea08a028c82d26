import { z } from 'zod';

/**
 * Machine-readable error codes of the API (the closed set the error handler emits). HTTP status
 * per code: see `ERROR_STATUS`.
 */
export const ERROR_STATUS = {
  validation_failed: 400,
  bad_request: 400,
  workspace_required: 400,
  unauthorized: 401,
  session_expired: 401,
  forbidden: 403,
  csrf_failed: 403,
  /** Password sign-in is turned off (COMMANDER_LOCAL_LOGIN), or limited to administrators. */
  local_login_disabled: 403,
  /** An OpenID sign-in was refused (state, nonce, ID token, provider error); details say why. */
  sso_failed: 401,
  read_only_token: 403,
  not_found: 404,
  conflict: 409,
  stale_revision: 409,
  name_taken: 409,
  slug_taken: 409,
  already_deleted: 409,
  invalid_state: 409,
  already_approved: 409,
  already_completed: 409,
  cluster_cannot_be_converged: 409,
  operation_in_progress: 409,
  in_use: 409,
  workspace_not_empty: 409,
  /** No free record is left in an exclusive catalog a cluster picks records from. */
  inventory_exhausted: 409,
  /** Another request with this Idempotency-Key is still being answered; retry shortly. */
  idempotency_in_progress: 409,
  /** `If-Match` names another revision than the object's current one. */
  precondition_failed: 412,
  invalid_values: 422,
  /** A webhook URL resolving to a private, loopback, link-local or metadata address. */
  webhook_target_forbidden: 422,
  unprocessable: 422,
  template_version_unavailable: 422,
  immutable_field: 422,
  not_unique: 422,
  invalid_template: 422,
  /** A render went over its budget; details: `{ limit, max, section }`. */
  render_limit_exceeded: 422,
  /** The Idempotency-Key was used (by this caller, within 24 h) for another request. */
  idempotency_key_reused: 422,
  /** A request body over the route's limit. */
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
  encryption_key_error: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Body of every non-2xx response. */
export const ApiErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>;

/** ISO 8601 timestamp with offset, as every timestamp in the API. */
export const TimestampSchema = z.iso.datetime({ offset: true });

/** `?limit=&offset=` of list endpoints (default 100, max 1000); the total is in X-Total-Count. */
export const PaginationQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

/** Query flags shared by lists of archivable objects. */
export const ArchivedQuerySchema = z.object({
  without_archived: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});

export const IdParamsSchema = z.object({ id: z.uuid() });

/** Arbitrary JSON value (template values, results). */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Arbitrary JSON value (template values, results): an explicit recursive union registered as
 * the OpenAPI component `JsonValue`, so the document (and the client generated from it) has a
 * named, self-referencing schema instead of dangling inline definitions.
 */
export const JsonValueSchema: z.ZodType<JsonValue, JsonValue> = z
  .lazy(() =>
    z.union([
      z.string(),
      z.number(),
      z.boolean(),
      z.null(),
      z.array(JsonValueSchema),
      z.record(z.string(), JsonValueSchema),
    ]),
  )
  .meta({ id: 'JsonValue' });

/** A JSON object. */
export const JsonObjectSchema = z.record(z.string(), JsonValueSchema);
export type JsonObject = z.infer<typeof JsonObjectSchema>;

/** Pagination defaults; also used by the services. */
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
