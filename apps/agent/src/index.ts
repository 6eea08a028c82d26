export { type AgentOptions, type AgentStatus, type RunningAgent, startAgent } from './agent.js';
export { type AgentConfig, loadConfig } from './config.js';
export {
  type AgentCredentials,
  type CredentialsSource,
  credentialsSource,
  readCredentialsSecret,
} from './credentials.js';
export {
  createKubeClient,
  KubeApiError,
  type KubeClient,
  type ListOptions,
  loadKubeConfig,
  type ResolvedResource,
} from './kube-client.js';
export { createLogger, type Logger, silentLogger } from './logger.js';
export { parseQuantity } from './quantity.js';
export { ResourceSync, type ResourceSyncDeps, type SyncPassOutcome } from './resource-sync.js';
export {
  configMapStateStore,
  STATE_CONFIG_MAP,
  type StateStore,
  type SyncState,
} from './state-store.js';
export {
  collectTelemetry,
  componentOf,
  DISRUPTION_REQUIRED_ANNOTATION,
  normalizeVersion,
} from './telemetry.js';
export { type AgentTunnelOptions, startAgentTunnel, tunnelUrl } from './tunnel.js';
