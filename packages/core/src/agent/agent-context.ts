import type { Db, Queryable } from '@commander/db';

import type { Actor, Encryptor, InstanceInfo, Logger } from '../context.js';
import type { TelemetryIngest } from '../telemetry/ingest.js';
import type { AgentIdentity } from './agent-key-cache.js';

/** Where an agent's telemetry goes (the API's write-behind buffer). */
export type TelemetrySink = Pick<TelemetryIngest, 'submit' | 'markSeen'>;

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
  requestId?: string | undefined;
};
