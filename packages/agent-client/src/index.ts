export {
  AgentApiClient,
  type AgentApiClientOptions,
  AgentApiError,
  type ResourcesFetch,
} from './agent-api-client.js';
export {
  apiGroupOf,
  type AppliedResource,
  describeRef,
  type DesiredResource,
  desiredResources,
  FIELD_MANAGER,
  GROUP_ANNOTATION,
  planRemovals,
  refOf,
  type RemovalPlan,
  resourceKey,
  type ResourceRef,
  resultOf,
  type SyncMode,
  withCommanderMetadata,
} from './resources.js';
export { backoffDelay, jittered } from './timing.js';
