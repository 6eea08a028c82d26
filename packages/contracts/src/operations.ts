import { z } from 'zod';

import { TimestampSchema } from './common.js';

export const OPERATION_KINDS = [
  'install',
  'update',
  'delete',
  'check',
  'attach',
  'detach',
] as const;
export const OperationKindSchema = z.enum(OPERATION_KINDS);
export type OperationKind = z.infer<typeof OperationKindSchema>;

export const OPERATION_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'superseded',
] as const;
export const OperationStatusSchema = z.enum(OPERATION_STATUSES);
export type OperationStatus = z.infer<typeof OperationStatusSchema>;

export const PhaseStatusSchema = z.enum(['pending', 'running', 'completed', 'skipped', 'failed']);
export type PhaseStatus = z.infer<typeof PhaseStatusSchema>;

export const OperationPhaseSchema = z.object({
  name: z.string(),
  status: PhaseStatusSchema,
  started_at: TimestampSchema.nullable().optional(),
  finished_at: TimestampSchema.nullable().optional(),
});
export type OperationPhase = z.infer<typeof OperationPhaseSchema>;
/** An operation's phase list (also how `cluster_operations.phases`, a JSON column, is read). */
export const OperationPhasesSchema = z.array(OperationPhaseSchema);

export const OperationSchema = z.object({
  id: z.uuid(),
  cluster_id: z.uuid(),
  kind: OperationKindSchema,
  status: OperationStatusSchema,
  phase: z.string().nullable(),
  phases: OperationPhasesSchema,
  progress: z.number().min(0).max(1),
  attempt: z.number().int(),
  manager_replica_id: z.string().nullable(),
  requested_by: z.string().nullable(),
  error: z.string().nullable(),
  result: z.unknown().nullable(),
  log_count: z.number().int(),
  created_at: TimestampSchema,
  started_at: TimestampSchema.nullable(),
  finished_at: TimestampSchema.nullable(),
  heartbeat_at: TimestampSchema.nullable(),
  /**
   * A queued operation's place in the managers' queue (1: next), on `GET /operations/:id`
   * only; null when its job is not waiting (taken, or not due yet).
   */
  queue_position: z.number().int().min(1).nullable().optional(),
});
export type Operation = z.infer<typeof OperationSchema>;

export const OperationLogLineSchema = z.object({
  seq: z.number().int(),
  ts: TimestampSchema,
  line: z.string(),
});
export type OperationLogLine = z.infer<typeof OperationLogLineSchema>;

export const OperationLogsQuerySchema = z.object({
  /** Return lines with seq greater than this. */
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(5_000),
  follow: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});
