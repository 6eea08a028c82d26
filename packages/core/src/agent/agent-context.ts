import type { Db, Queryable } from '@commander/db';

import type { Actor, Encryptor, InstanceInfo, Logger } from '../context.js';
import type { ParsedTelemetry } from '../telemetry/ingest.js';
import type { AgentIdentity } from './agent-key-cache.js';
import type { AgentResourcesCache, ResourcesStampQueue } from './agent-resources-cache.js';
import type { ResourcesStatusBatcher } from './resources-status-batcher.js';

/** Where an agent's telemetry goes (the API's write-behind buffer, `TelemetryIngest`). */
export type TelemetrySink = {
  /** Stores a validated sample of the cluster; resolves once it is committed. */
  submit: (cluster: { id: string }, body: ParsedTelemetry, parsed: true) => Promise<void>;
  /** The agent was heard from (its last-seen time is written with the next snapshots). */
  markSeen: (clusterId: string) => void;
};

/**
 * Everything an agent API use case needs, built per request by the API's agent-auth plugin
 * once the cluster's agent key is verified: the agent API's counterpart of `ServiceContext`.
 */
export type AgentContext = {
  db: Db;
  /** The agent API's hot statements' pool (pg, no Prisma). */
  hot: Queryable;
  encryptor: Encryptor;
  instance: InstanceInfo;
  log: Logger;
  /** The authenticated cluster: the only one this context may touch. */
  agent: AgentIdentity;
  /** The agent as an actor (type `agent`, the cluster's id). */
  actor: Actor;
  telemetry: TelemetrySink;
  /** Resources versions and parsed renders of this process (invalidated by NOTIFY). */
  resources: AgentResourcesCache;
  /** Computed resources versions, stored in batches off the request. */
  stamps: Pick<ResourcesStampQueue, 'add'>;
  /** Agents' apply reports, written in batches (answered after their batch's commit). */
  statusReports: Pick<ResourcesStatusBatcher, 'submit'>;
  requestId?: string | undefined;
};
