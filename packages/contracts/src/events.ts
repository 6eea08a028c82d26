import { z } from 'zod';

/** What a live change event is about (`/api/v1/events`, PostgreSQL `commander_events`). */
export const CHANGE_EVENT_TYPES = [
  'cluster',
  'operation',
  'change_request',
  'cluster_template',
  'catalog',
  'record',
  'workspace',
  'telemetry',
  'rollout',
] as const;
export type ChangeEventType = (typeof CHANGE_EVENT_TYPES)[number];

/**
 * A live change event as the server sends it: ids only, never data (listeners refetch what
 * they are allowed to see).
 */
export const ChangeEventSchema = z.object({
  type: z.enum(CHANGE_EVENT_TYPES),
  id: z.string(),
  workspace_id: z.string().nullable(),
  /** Cluster the change belongs to, when there is one. */
  cluster_id: z.string().optional(),
  action: z.string().optional(),
});
export type ChangeEvent = z.infer<typeof ChangeEventSchema>;

/**
 * A change event as a client reads it: the same shape, tolerant of event types a newer server
 * adds (a client ignores what it does not know).
 */
export const ReceivedChangeEventSchema = ChangeEventSchema.extend({
  type: z.string(),
  workspace_id: z.string().nullable().optional(),
});
export type ReceivedChangeEvent = z.infer<typeof ReceivedChangeEventSchema>;
