/**
 * Phase names of dhctl operations, in order, and their English titles (upstream
 * `dhctl/pkg/operations/phases`). Used by the simulator to plan operations and by the
 * manager and UI to display progress.
 *
 * @module
 */

/** A planned phase: its name and its sub-phases, in order (empty when it has none). */
export type PhaseDefinition = { readonly phase: string; readonly subPhases: readonly string[] };

/** The cluster types of `ClusterConfiguration.clusterType`. */
export type ClusterType = 'Static' | 'Cloud';

/**
 * Bootstrap phases of current dhctl (since 2026-06). `BaseInfra` is skipped for Static
 * clusters (a phase end is still sent for it) and `InstallAdditionalMastersAndStaticNodes`
 * runs for Cloud clusters only.
 */
export const BOOTSTRAP_PHASES: readonly PhaseDefinition[] = [
  { phase: 'PreInfraPreflights', subPhases: [] },
  { phase: 'BaseInfra', subPhases: ['BaseInfra', 'FirstMaster'] },
  { phase: 'PostInfraPreflights', subPhases: [] },
  {
    phase: 'InstallKubernetes',
    subPhases: [
      'BashibleBundlePrepartion',
      'RegistryPackagesProxy',
      'NodePreparation',
      'ExecuteBashibleBundle',
    ],
  },
  {
    phase: 'InstallDeckhouse',
    subPhases: ['ConnectToMaster', 'InstallDeckhouse', 'WaitForFirstMasterReady'],
  },
  {
    phase: 'InstallAdditionalMastersAndStaticNodes',
    subPhases: ['AdditionalMasters', 'StaticNodes', 'WaitForControlPlaneManagerReadiness'],
  },
  { phase: 'CreateResources', subPhases: [] },
  { phase: 'ExecPostBootstrap', subPhases: [] },
  { phase: 'Finalization', subPhases: [] },
];

/** Bootstrap phases of dhctl releases before 2026-06 (older DKP versions). */
export const LEGACY_BOOTSTRAP_PHASES: readonly PhaseDefinition[] = [
  { phase: 'BaseInfra', subPhases: [] },
  { phase: 'RegistryPackagesProxyBundle', subPhases: [] },
  { phase: 'ExecuteBashibleBundle', subPhases: [] },
  {
    phase: 'InstallDeckhouse',
    subPhases: ['ConnectToMaster', 'InstallDeckhouse', 'WaitForFirstMasterReady'],
  },
  { phase: 'InstallAdditionalMastersAndStaticNodes', subPhases: [] },
  { phase: 'CreateResources', subPhases: [] },
  { phase: 'ExecPostBootstrap', subPhases: [] },
  { phase: 'Finalization', subPhases: [] },
];

/**
 * Converge phases in commander mode. `Check` runs first; `BaseInfra` is skipped for Static
 * clusters; phases with nothing to do are skipped; `DeckhouseConfiguration` is last.
 */
export const CONVERGE_PHASES: readonly PhaseDefinition[] = [
  { phase: 'Check', subPhases: ['CheckInfra', 'CheckConfiguration'] },
  { phase: 'BaseInfra', subPhases: [] },
  { phase: 'InstallDeckhouse', subPhases: [] },
  { phase: 'AllNodes', subPhases: [] },
  { phase: 'ScaleToMultiMaster', subPhases: [] },
  { phase: 'DeckhouseConfiguration', subPhases: [] },
];

/** Check phases: progress only, no phase ends. */
export const CHECK_PHASES: readonly PhaseDefinition[] = [
  { phase: 'CheckInfra', subPhases: [] },
  { phase: 'CheckConfiguration', subPhases: [] },
];

/** Destroy progress list (also used by Abort); `BaseInfra` is skipped for Static clusters. */
export const DESTROY_PHASES: readonly PhaseDefinition[] = [
  { phase: 'DeleteResources', subPhases: [] },
  { phase: 'AllNodes', subPhases: [] },
  { phase: 'BaseInfra', subPhases: [] },
];

/** Phase-end names a Destroy sends for a Static cluster, in order. */
export const DESTROY_PHASE_ENDS_STATIC: readonly string[] = [
  'CommanderUUIDWasChecked',
  'DeleteResources',
  'SetDeckhouseResourcesDelete',
  'CreateStaticDestroyerNodeUser',
  'UpdateStaticDestroyerIPs',
  'WaitStaticDestroyerNodeUser',
  'AllNodes',
];

/** Phase-end names a Destroy sends for a Cloud cluster, in order. */
export const DESTROY_PHASE_ENDS_CLOUD: readonly string[] = [
  'CommanderUUIDWasChecked',
  'DeleteResources',
  'SetDeckhouseResourcesDelete',
  'AllNodes',
  'BaseInfra',
];

/** CommanderAttach phases. `scan_only` stops after `Scan`. */
export const COMMANDER_ATTACH_PHASES: readonly PhaseDefinition[] = [
  { phase: 'Scan', subPhases: [] },
  { phase: 'Capture', subPhases: [] },
  { phase: 'Check', subPhases: ['CheckInfra', 'CheckConfiguration'] },
];

/** CommanderDetach phases: progress only, no phase ends. */
export const COMMANDER_DETACH_PHASES: readonly PhaseDefinition[] = [
  { phase: 'Check', subPhases: ['CheckInfra', 'CheckConfiguration'] },
  { phase: 'Detach', subPhases: [] },
];

/** English titles of phases (upstream `i18n/phases.en.yaml`). */
export const PHASE_TITLES: Readonly<Record<string, string>> = {
  Preparation: 'Preparation',
  PreInfraPreflights: 'Infrastructure preflight checks',
  PostInfraPreflights: 'Infrastructure checks',
  BaseInfra: 'Base Infrastructure',
  InstallKubernetes: 'Install Kubernetes',
  InstallDeckhouse: 'Install Deckhouse',
  CreateResources: 'Install Deckhouse components and modules',
  InstallAdditionalMastersAndStaticNodes: 'Prepare remaining cluster nodes',
  DeleteResources: 'Delete Deckhouse components and modules',
  ExecPostBootstrap: 'Execute final scripts',
  Check: 'Check cluster configuration',
  AllNodes: 'Process all nodes',
  ScaleToMultiMaster: 'Scale cluster to Multi-master',
  ScaleToSingleMaster: 'Scale cluster to Single-master',
  DeckhouseConfiguration: 'Configure Deckhouse',
  CreateStaticDestroyerNodeUser: 'Create NodeUser for static nodes deletion',
  UpdateStaticDestroyerIPs: 'Update static nodes IP addresses',
  WaitStaticDestroyerNodeUser: 'Wait for user creation on static nodes',
  SetDeckhouseResourcesDelete: 'Delete Deckhouse resources',
  CommanderUUIDWasChecked: 'Check cluster UUID',
  CheckInfra: 'Check infrastructure',
  CheckConfiguration: 'Check configuration',
  Finalization: 'Finalization',
  Scan: 'Check whether the cluster can be attached',
  Capture: 'Cluster management activation',
  Detach: 'Detach the cluster',
  // Legacy bootstrap phase names (no upstream title file covers them).
  RegistryPackagesProxyBundle: 'Prepare registry packages proxy',
  ExecuteBashibleBundle: 'Execute bashible bundle',
};

/** English titles of sub-phases (upstream `i18n/subphases.en.yaml`). */
export const SUB_PHASE_TITLES: Readonly<Record<string, string>> = {
  ConnectToMaster: 'Connect to master node',
  InstallDeckhouse: 'Install Deckhouse controller',
  WaitForFirstMasterReady: 'Wait for first master node readiness',
  ImagesDownload: 'Download images',
  ConfigValidation: 'Validate configuration',
  CachePreparation: 'Prepare cache',
  StatePreparation: 'Prepare state',
  BaseInfra: 'Base Infrastructure',
  FirstMaster: 'Create first master node',
  BashibleBundlePrepartion: 'Prepare bashible bundle',
  RegistryPackagesProxy: 'Prepare registry packages proxy',
  NodePreparation: 'Prepare master node for initialization',
  ModulesPreparation: 'Prepare modules',
  ExecuteBashibleBundle: 'Execute bashible bundle',
  AdditionalMasters: 'Cluster master nodes',
  StaticNodes: 'Cluster static nodes',
  WaitForControlPlaneManagerReadiness: 'Wait for control-plane-manager readiness',
  CheckInfra: 'Check infrastructure',
  CheckConfiguration: 'Check configuration',
};

/** The English title of a phase; the phase name itself when unknown (newer dhctl). */
export function phaseTitle(phase: string): string {
  return PHASE_TITLES[phase] ?? phase;
}

/** The English title of a sub-phase; the name itself when unknown. */
export function subPhaseTitle(subPhase: string): string {
  return SUB_PHASE_TITLES[subPhase] ?? subPhase;
}

/** Operations whose planned phase list {@link plannedPhases} knows. */
export type PlannedOperation =
  'Bootstrap' | 'Converge' | 'Check' | 'Destroy' | 'CommanderAttach' | 'CommanderDetach';

const PLANS: Record<PlannedOperation, readonly PhaseDefinition[]> = {
  Bootstrap: BOOTSTRAP_PHASES,
  Converge: CONVERGE_PHASES,
  Check: CHECK_PHASES,
  Destroy: DESTROY_PHASES,
  CommanderAttach: COMMANDER_ATTACH_PHASES,
  CommanderDetach: COMMANDER_DETACH_PHASES,
};

/**
 * The planned phase list of an operation, as `Progress.phases` reports it before anything
 * ran: for a Static cluster `BaseInfra` (and, for Bootstrap,
 * `InstallAdditionalMastersAndStaticNodes`) carry `action: "skip"`.
 */
export function plannedPhases(
  operation: PlannedOperation,
  clusterType?: ClusterType,
): { phase: string; sub_phases: string[]; action: string }[] {
  const skipped = new Set<string>();
  if (clusterType === 'Static') {
    skipped.add('BaseInfra');
    if (operation === 'Bootstrap') {
      skipped.add('InstallAdditionalMastersAndStaticNodes');
    }
  }
  return PLANS[operation].map((p) => ({
    phase: p.phase,
    sub_phases: [...p.subPhases],
    action: skipped.has(p.phase) ? 'skip' : '',
  }));
}
