export {
  AgentFleet,
  type AgentFleetOptions,
  type AgentSnapshot,
  type FleetStats,
  type ResourceError,
} from './agents/agent-fleet.js';
export { type SchedulerStats, TaskScheduler } from './agents/scheduler.js';
export type {
  ClusterDrift,
  ClusterSummary,
  VirtualCluster,
  VirtualClusterStatus,
  VirtualNode,
  VirtualRegistry,
} from './cluster-model.js';
export { clusterIdFromCommanderUrl, commanderUrlOf, summarizeCluster } from './cluster-model.js';
export { type ClusterChange, ClusterStore } from './cluster-store.js';
export { loadConfig, type SimConfig } from './config.js';
export { type Fault, FAULT_OPERATIONS, type FaultOperation, FaultRegistry } from './faults.js';
export { KUBE_PREFIX, KubeClusters } from './kube-clusters.js';
export { type DhctlSim, type DhctlSimOptions, startDhctlSim } from './sim.js';
