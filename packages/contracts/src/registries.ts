import { z } from 'zod';

import { TimestampSchema } from './common.js';

/**
 * How a cluster uses its registry: `Direct` (default) writes the registry into the rendered
 * InitConfiguration; `Unmanaged` leaves the configuration as the template renders it.
 */
export const RegistryModeSchema = z.enum(['Direct', 'Unmanaged']);
export type RegistryMode = z.infer<typeof RegistryModeSchema>;

/** A container registry clusters install Deckhouse from; credentials are write-only. */
export const RegistrySchema = z.object({
  id: z.uuid(),
  workspace_id: z.uuid(),
  name: z.string(),
  images_repo: z.string(),
  scheme: z.enum(['HTTP', 'HTTPS']),
  ca: z.string(),
  /** Whether credentials are stored (they are never returned). */
  has_auth: z.boolean(),
  current_revision: z.number().int(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
  archived_at: TimestampSchema.nullable(),
});
export type Registry = z.infer<typeof RegistrySchema>;

const IMAGES_REPO = /^[0-9a-zA-Z.-]+(:[0-9]{1,5})?(\/[0-9a-zA-Z._/-]+)?$/;

export const CreateRegistryBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  images_repo: z
    .string()
    .regex(IMAGES_REPO, 'a registry path such as registry.example.com/deckhouse/ee'),
  scheme: z.enum(['HTTP', 'HTTPS']).default('HTTPS'),
  /** Base64 of a docker config.json, as InitConfiguration's registryDockerCfg. */
  auth: z.string().max(100_000).optional(),
  ca: z.string().max(100_000).default(''),
  /** Accepted for compatibility with Commander's clients; not used. */
  dev_branch: z.string().optional(),
});

export const UpdateRegistryBodySchema = CreateRegistryBodySchema.extend({
  current_revision: z.number().int().optional(),
});
