// The public surface of @commander/core: what the apps, other packages, bench, scripts and
// tests import, every use case (a function taking a ServiceContext or an AgentContext) and the
// types of their inputs. Helpers the use cases share stay internal: import them by path inside
// core. Export a name here when something outside core needs it (ARCHITECTURE.md §2).
export { type AgentContext, type TelemetrySink } from './agent/agent-context.js';
export {
  AGENT_KEYS_CHANNEL,
  type AgentIdentity,
  AgentKeyCache,
  type AgentKeyCacheOptions,
} from './agent/agent-key-cache.js';
export { ensureAgentKey, ensureClaimedAgentKey } from './agent/agent-keys.js';
export {
  AGENT_GROUP,
  AGENT_POLL_INTERVAL_SECONDS,
  AGENT_TELEMETRY_INTERVAL_SECONDS,
  agentBootstrapYaml,
  agentCredentialsSecret,
  agentUrl,
  agentWorkloadResources,
} from './agent/agent-resources.js';
export {
  AGENT_RESOURCES_CHANNEL,
  AgentResourcesCache,
  ResourcesStampQueue,
} from './agent/agent-resources-cache.js';
export { batchedLookup } from './agent/batched-lookup.js';
export { getAgentResources } from './agent/get-agent-resources.js';
export { markSilentAgents } from './agent/mark-silent-agents.js';
export { recordResourcesStatus } from './agent/record-resources-status.js';
export { reportTelemetry } from './agent/report-telemetry.js';
export {
  ResourcesStatusBatcher,
  type ResourcesStatusBatcherOptions,
} from './agent/resources-status-batcher.js';
export { rotateAgentKey } from './agent/rotate-agent-key.js';
export { applyDocuments } from './apply/apply-documents.js';
export { type AuditFilter, listAuditEvents } from './audit/list-audit.js';
export {
  type AuditAction,
  type AuditInput,
  auditRow,
  diffChanges,
  printAudit,
  recordAudit,
} from './audit/record-audit.js';
export {
  createAuthToken,
  delegableRights,
  listAuthTokens,
  revokeAuthToken,
} from './auth/auth-tokens.js';
export {
  BOOTSTRAP_TOKEN_MIN_LENGTH,
  bootstrapInstallation,
  type BootstrapOptions,
  type BootstrapResult,
  DEFAULT_ADMIN_EMAIL,
} from './auth/bootstrap.js';
export { type FreshSession, getMe, type GetMeInput } from './auth/get-me.js';
export {
  beginOidcLogin,
  type OidcFailure,
  type OidcIdentity,
  OidcSignInError,
  type PendingOidcLogin,
  recordOidcFailure,
  signInWithOidc,
  takeOidcLogin,
} from './auth/oidc.js';
export {
  type Grants,
  grantsOf,
  permissionsIn,
  type Principal,
  principalFromSession,
  principalFromToken,
  TOUCH_INTERVAL_MS,
  visibleWorkspaceIds,
} from './auth/principal.js';
export {
  type CreatedSession,
  createSession,
  endUserSessions,
  type LocalLoginMode,
  login,
  logout,
  SESSION_TTL_MS,
} from './auth/sessions.js';
export {
  foldChain,
  MAX_TOKEN_CHAIN_DEPTH,
  type TokenRights,
  tokenRights,
} from './auth/token-rights.js';
export { archiveCatalog } from './catalogs/archive-catalog.js';
export { archiveRecord } from './catalogs/archive-record.js';
export { createOrImportCatalog } from './catalogs/create-or-import-catalog.js';
export { createRecord } from './catalogs/create-record.js';
export { getCatalog } from './catalogs/get-catalog.js';
export { getRecord } from './catalogs/get-record.js';
export { listCatalogs } from './catalogs/list-catalogs.js';
export { listRecords } from './catalogs/list-records.js';
export { restoreCatalog } from './catalogs/restore-catalog.js';
export { restoreRecord } from './catalogs/restore-record.js';
export { updateCatalog } from './catalogs/update-catalog.js';
export { updateRecord } from './catalogs/update-record.js';
export {
  approveChangeRequest,
  type ChangeRequestDto,
  getChangeRequest,
  listChangeRequests,
  rejectChangeRequest,
} from './change-requests/change-requests.js';
export {
  agentDataFromJson,
  projectAgentDataJson,
  RawJson,
} from './cluster-state/agent-data-json.js';
export {
  CLUSTER_DTO_INCLUDE,
  type ClusterDtoOptions,
  type ClusterDtoRow,
  type ClusterRow,
  toApiStatus,
  toClusterDto,
} from './cluster-state/cluster-dto.js';
export { assertMayReveal, loadCluster, readSecretValues } from './cluster-state/load-cluster.js';
export { type OpenChangeRequestInput } from './cluster-state/open-change-request.js';
export {
  type OperationDtoOptions,
  publicOperationResult,
  toOperationDto,
} from './cluster-state/operation-dto.js';
export { queueOperation, type QueueOperationInput } from './cluster-state/queue-operation.js';
export {
  renderConfiguration,
  type RenderLimitDetails,
  renderPublicConfiguration,
} from './cluster-state/render-configuration.js';
export {
  type RenderedConfig,
  type RenderedResourceGroup,
} from './cluster-state/rendered-config.js';
export {
  canTransition,
  type ClusterEvent,
  FINAL_STATUSES,
} from './cluster-state/status-machine.js';
export { attachCluster, detachCluster, joinCluster } from './clusters/attach-detach.js';
export { backfillPublicRenders, type BackfillReport } from './clusters/backfill-public-renders.js';
export { createCluster } from './clusters/create-cluster.js';
export { deleteCluster } from './clusters/delete-cluster.js';
export { getCluster, type GetClusterOptions } from './clusters/get-cluster.js';
export {
  type ClusterListItem,
  listClusters,
  type ListClustersInput,
} from './clusters/list-clusters.js';
export { moveCluster } from './clusters/move-cluster.js';
export { archiveClusterWithoutCleanup, rollbackCluster } from './clusters/recovery.js';
export { updateCluster, updateClusterSettings } from './clusters/update-cluster.js';
export {
  type Actor,
  type AuditSink,
  type ConfigurationRenderer,
  type Encryptor,
  type InstanceInfo,
  type Logger,
  type ServiceContext,
  silentLogger,
  type WorkspaceRef,
} from './context.js';
export { AppError, notFound } from './errors.js';
export { changeEventsOf, EVENTS_CHANNEL, notifyChange } from './events/notify.js';
export { addGroupMember } from './identity/add-group-member.js';
export { changeOwnPassword } from './identity/change-own-password.js';
export { createGroup } from './identity/create-group.js';
export { createRole } from './identity/create-role.js';
export { createRoleBinding } from './identity/create-role-binding.js';
export { createUser } from './identity/create-user.js';
export { deleteGroup } from './identity/delete-group.js';
export { deleteRole } from './identity/delete-role.js';
export { deleteRoleBinding } from './identity/delete-role-binding.js';
export { deleteUser } from './identity/delete-user.js';
export { getGroup } from './identity/get-group.js';
export { getRoleBinding } from './identity/get-role-binding.js';
export { getUser } from './identity/get-user.js';
export { LOCAL_GROUP_PROVIDER } from './identity/groups-shared.js';
export { listGroupMembers } from './identity/list-group-members.js';
export { listGroups } from './identity/list-groups.js';
export { listRoleBindings } from './identity/list-role-bindings.js';
export { listRoles } from './identity/list-roles.js';
export { listUsers } from './identity/list-users.js';
export { removeGroupMember } from './identity/remove-group-member.js';
export { updateGroup } from './identity/update-group.js';
export { updateRole } from './identity/update-role.js';
export { updateRoleBinding } from './identity/update-role-binding.js';
export { updateUser } from './identity/update-user.js';
export { userEffectiveBindings } from './identity/user-effective-bindings.js';
export { impersonationFor, KUBE_GROUPS } from './kubernetes/impersonation.js';
export {
  issueKubeconfig,
  KUBECONFIG_TOKEN_PREFIX,
  type KubeconfigTokenDto,
  kubeconfigTokenOwner,
  listMyKubeconfigTokens,
  revokeKubeconfigToken,
} from './kubernetes/kubeconfig.js';
export {
  checkReadiness,
  collectMetrics,
  type InstallationMetrics,
  REPLICA_ALIVE_SECONDS,
} from './metrics/collect-metrics.js';
export {
  type AttachFindings,
  type CheckVerdict,
  completeAttach,
  completeCheck,
  completeCheckInSync,
  completeDetach,
  completeUpdate,
  type ConvergeVerdict,
  type FinalRecording,
} from './operations/complete-lifecycle.js';
export {
  completeDelete,
  completeInstall,
  completeInstallSucceeded,
} from './operations/complete-operation.js';
export { type DhctlOutcome } from './operations/dhctl-outcome.js';
export {
  type CancelReason,
  type ClaimedOperation,
  claimOperation,
  CLUSTER_BUSY,
  heartbeatOperation,
  OperationCancelledError,
  OperationLostError,
  type OperationOutcome,
  type ProgressUpdate,
  recordOperation,
  updateOperationProgress,
} from './operations/execution.js';
export { failOperation } from './operations/fail-operation.js';
export {
  getOperation,
  getOperationLogs,
  listClusterOperations,
} from './operations/get-operations.js';
export { type OperationSecrets, SECRET_MASK, SecretMasker } from './operations/log-masking.js';
export {
  cancelOperation,
  checkClusterNow,
  handBackOperation,
  retryCluster,
} from './operations/operation-actions.js';
export {
  DEFAULT_OPERATION_RETENTION,
  expireOperations,
  type OperationRetention,
} from './operations/retention.js';
export { scheduleDueChecks } from './operations/schedule-checks.js';
export {
  type ReleasedOperation,
  releaseReplicaInstance,
  requeueOrphanedOperations,
} from './operations/takeover.js';
export {
  assertRegistry,
  clusterRegistry,
  createRegistry,
  deleteRegistry,
  getRegistry,
  listRegistries,
  updateRegistry,
} from './registries/registries.js';
export { requirePermission } from './require-permission.js';
export {
  advanceRollout,
  DEFAULT_ROLLOUT_ENGINE_SETTINGS,
  type RolloutEngineSettings,
} from './rollouts/advance-rollout.js';
export {
  actOnRollout,
  createRollout,
  getRollout,
  listRollouts,
  rescheduleStalledRollouts,
} from './rollouts/rollouts.js';
export {
  generatedKeysWarning,
  type OpenedEncryption,
  openEncryption,
  settingText,
} from './security/encryption.js';
export { logRedactPaths, SECRET_LOG_FIELDS } from './security/log-redaction.js';
export { reencryptAll, type RotationReport } from './security/rotate-keys.js';
export { type EnqueueOptions } from './tasks/enqueue.js';
export {
  type OperationPayload,
  OperationPayloadSchema,
  type TaskName,
  type TaskPayload,
  TaskPayloads,
} from './tasks/registry.js';
export { agentData } from './telemetry/agent-data.js';
export {
  type BatchTiming,
  type IngestRefusal,
  type ParsedTelemetry,
  type SnapshotTiming,
  TelemetryIngest,
  type TelemetryIngestOptions,
} from './telemetry/ingest.js';
export {
  DEFAULT_TELEMETRY_RETENTION,
  ensureTelemetryPartitionsFor,
  getTelemetry,
  rollupTelemetry,
  type TelemetryRetention,
} from './telemetry/telemetry.js';
export { getClusterTemplate, listClusterTemplates } from './templates/get-templates.js';
export { exportClusterTemplate, importClusterTemplate } from './templates/import-export.js';
export {
  archiveClusterTemplate,
  createClusterTemplate,
  createTemplateVersion,
  listTemplateVersions,
  restoreClusterTemplate,
  updateClusterTemplate,
  updateTemplateVersion,
} from './templates/manage-templates.js';
export { type PresetCatalog, type PresetTemplate } from './templates/presets/common.js';
export { PRESET_TEMPLATES } from './templates/presets/index.js';
export { renderPresetExample } from './templates/presets/render-example.js';
export { renderPreview } from './templates/render-preview.js';
export { switchClustersToVersion, type SwitchResult } from './templates/switch-versions.js';
export {
  DEFAULT_DELIVERY_SETTINGS,
  deliverWebhook,
  type DeliveryResult,
  type DeliverySettings,
  retryDelayMs,
} from './webhooks/deliver.js';
export { type PostOptions, type PostOutcome, postWebhook } from './webhooks/http-post.js';
export { verifyWebhook } from './webhooks/signature.js';
export { isForbiddenAddress, type ResolvedTarget } from './webhooks/target-guard.js';
export {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhookDeliveries,
  listWebhooks,
  pingWebhook,
  redeliverWebhook,
  rotateWebhookSecret,
  updateWebhook,
  type WebhookPolicy,
} from './webhooks/webhooks.js';
export { requireWorkspace } from './workspaces/require-workspace.js';
export {
  DEFAULT_WORKSPACE_SLUG,
  resolveWorkspace,
  tokenWorkspace,
  type WorkspaceSlugCache,
} from './workspaces/resolve-workspace.js';
export {
  createWorkspace,
  deleteWorkspace,
  getWorkspace,
  listWorkspaces,
  renameWorkspace,
  toWorkspaceDto,
} from './workspaces/workspaces.js';
