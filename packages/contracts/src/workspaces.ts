import { z } from 'zod';

import { TimestampSchema } from './common.js';

export const SLUG_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export const WorkspaceSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  slug: z.string(),
  current_revision: z.number().int(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
  archived_at: TimestampSchema.nullable(),
  cluster_counts: z.record(z.string(), z.number().int()).optional(),
});
export type Workspace = z.infer<typeof WorkspaceSchema>;

export const CreateWorkspaceBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  slug: z
    .string()
    .regex(
      SLUG_PATTERN,
      'lowercase letters, digits and dashes, 1 to 63 characters, starting and ending with a letter or digit',
    ),
});
export type CreateWorkspaceBody = z.infer<typeof CreateWorkspaceBodySchema>;

export const UpdateWorkspaceBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  current_revision: z.number().int().optional(),
});
export type UpdateWorkspaceBody = z.infer<typeof UpdateWorkspaceBodySchema>;
