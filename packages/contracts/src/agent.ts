import { z } from 'zod';

/**
 * The agent API (`/agent_api/:cluster_uuid/…`): what commander-agent in each managed cluster
 * (apps/agent, or dhctl-sim's simulated agents) and Commander say to each other.
 * Authentication: `Authorization: Bearer <agent key>`; a key works for its own cluster only.
 *
 * The agent learns its key and Commander's URL from the Secret `commander-agent-credentials`
 * (namespace `d8-commander-agent`, keys `token` and `commander_url`), which Commander adds to
 * the resources installed at bootstrap (and to the attach resources); `commanderUrl` also
 * appears in the `commander-agent` ModuleConfig of the template, as in Commander.
 */

/** Secret the agent reads its credentials from. */
export const AGENT_CREDENTIALS_SECRET = {
  namespace: 'd8-commander-agent',
  name: 'commander-agent-credentials',
} as const;

/** Label every resource Commander manages carries. */
export const HERITAGE_LABEL = { key: 'heritage', value: 'deckhouse-commander' } as const;

/** Label put on resources that vanished from an unmanaged group (they are not deleted). */
export const ORPHAN_LABEL = 'agent.commander.deckhouse.io/is-orphan';

/** A Kubernetes object as JSON (apiVersion, kind, metadata.name are required). */
export const KubeObjectSchema = z
  .object({
    apiVersion: z.string(),
    kind: z.string(),
    metadata: z.object({ name: z.string(), namespace: z.string().optional() }).passthrough(),
  })
  .passthrough();
export type KubeObject = z.infer<typeof KubeObjectSchema>;

export const AgentResourceGroupSchema = z.object({
  name: z.string(),
  /** managed: resources that vanish from the group are deleted; unmanaged: only labelled orphan. */
  sync_mode: z.enum(['managed', 'unmanaged']),
  resources: z.array(KubeObjectSchema),
});
export type AgentResourceGroup = z.infer<typeof AgentResourceGroupSchema>;

/**
 * `GET /agent_api/:uuid/resources` → 200 with this body and `ETag: "<version>"`, or 304 when
 * the request's `If-None-Match` names the current version.
 */
export const AgentResourcesSchema = z.object({
  /** Content hash of the desired resources; changes whenever any group changes. */
  version: z.string(),
  groups: z.array(AgentResourceGroupSchema),
  /** How often the agent should poll and report (seconds). */
  poll_interval_seconds: z.number().int().positive(),
  telemetry_interval_seconds: z.number().int().positive(),
});
export type AgentResources = z.infer<typeof AgentResourcesSchema>;

export const ResourceResultStatusSchema = z.enum(['applied', 'error', 'deleted', 'orphaned']);

export const ResourceResultSchema = z.object({
  group: z.string(),
  api_version: z.string(),
  kind: z.string(),
  namespace: z.string().nullable().optional(),
  name: z.string(),
  status: ResourceResultStatusSchema,
  /** The apply error, for `error`. */
  message: z.string().max(4000).nullable().optional(),
});
export type ResourceResult = z.infer<typeof ResourceResultSchema>;

/** `POST /agent_api/:uuid/resources/status` → 204: the outcome of applying `version`. */
export const ResourcesStatusBodySchema = z.object({
  version: z.string(),
  results: z.array(ResourceResultSchema).max(10_000),
});
export type ResourcesStatusBody = z.infer<typeof ResourcesStatusBodySchema>;

export const ComponentStatusSchema = z.object({
  name: z.string().max(200),
  /** Availability 0..1 (upmeter-style); 1 = fully available. */
  availability: z.number().min(0).max(1),
});

export const AlertSchema = z.object({
  name: z.string().max(200),
  severity: z.enum(['critical', 'warning', 'info']).default('warning'),
  message: z.string().max(2000).default(''),
});
export type Alert = z.infer<typeof AlertSchema>;

/** `POST /agent_api/:uuid/telemetry` → 204: one telemetry sample. */
export const TelemetryBodySchema = z.object({
  /** When measured (ISO 8601); default: when received. */
  ts: z.iso.datetime({ offset: true }).optional(),
  cpu_cores: z.number().min(0),
  /** Used CPU cores (0..cpu_cores). */
  cpu_usage: z.number().min(0).optional(),
  memory_bytes: z.number().min(0),
  memory_used_bytes: z.number().min(0).optional(),
  /** Node root disks plus persistent volumes. */
  storage_bytes: z.number().min(0),
  storage_used_bytes: z.number().min(0).optional(),
  node_count: z.number().int().min(0),
  dkp_version: z.string().max(100).nullable().optional(),
  kubernetes_version: z.string().max(100).nullable().optional(),
  update_channel: z.string().max(100).nullable().optional(),
  update_available: z.boolean().optional(),
  components: z.array(ComponentStatusSchema).max(500).default([]),
  alerts: z.array(AlertSchema).max(500).default([]),
});
export type TelemetryBody = z.input<typeof TelemetryBodySchema>;

/** A point of a cluster's telemetry history (`GET /api/v1/clusters/:id/telemetry`). */
export const TelemetryPointSchema = z.object({
  ts: z.string(),
  resolution: z.enum(['raw', 'hourly']),
  cpu_cores: z.number(),
  cpu_usage: z.number().nullable(),
  memory_bytes: z.number(),
  memory_used_bytes: z.number().nullable(),
  storage_bytes: z.number(),
  storage_used_bytes: z.number().nullable(),
  node_count: z.number(),
});
export type TelemetryPoint = z.infer<typeof TelemetryPointSchema>;
