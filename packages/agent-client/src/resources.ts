// Identity of Kubernetes resources across sync passes, and what must go when the desired set
// shrinks. Shared by apps/agent (a real cluster) and dhctl-sim (virtual clusters), so both
// decide deletions and orphans the same way.
import {
  type AgentResourceGroup,
  HERITAGE_LABEL,
  type KubeObject,
  type ResourceResult,
} from '@commander/contracts';

/** Field manager of every server-side apply the agent makes. */
export const FIELD_MANAGER = 'commander-agent';

/** Annotation naming the resource group an applied object belongs to. */
export const GROUP_ANNOTATION = 'agent.commander.deckhouse.io/group';

/** How a group treats resources that vanish from it (the contract's `sync_mode`). */
export type SyncMode = AgentResourceGroup['sync_mode'];

/** Where a resource lives: enough to read, apply or delete it. */
export type ResourceRef = {
  apiVersion: string;
  kind: string;
  /** `null` for cluster-scoped resources (or namespaced ones left to the default namespace). */
  namespace: string | null;
  name: string;
};

/** A resource the agent applied, remembered between passes. */
export type AppliedResource = ResourceRef & { group: string; syncMode: SyncMode };

/** One resource of the desired set, in apply order. */
export type DesiredResource = {
  group: string;
  syncMode: SyncMode;
  ref: ResourceRef;
  /** The object as Commander sent it (not yet labelled). */
  object: KubeObject;
};

/** The API group of an apiVersion (`apps/v1` → `apps`, `v1` → ``). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/**
 * Identity key of a resource: API group, kind, namespace and name. The version is left out on
 * purpose: moving a resource from `v1beta1` to `v1` must not delete and recreate it.
 */
export function resourceKey(ref: ResourceRef): string {
  return `${apiGroupOf(ref.apiVersion)}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** The reference of an object (namespace `null` when the object names none). */
export function refOf(object: KubeObject): ResourceRef {
  const namespace = object.metadata.namespace;
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    namespace: typeof namespace === 'string' && namespace !== '' ? namespace : null,
    name: object.metadata.name,
  };
}

/** `kind namespace/name` for logs and messages. */
export function describeRef(ref: ResourceRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

// Namespaces and CRDs first: the rest may live in them or be instances of them.
const EARLY_KINDS = new Map([
  ['Namespace', 0],
  ['CustomResourceDefinition', 0],
  ['ModuleConfig', 1],
]);

function applyRank(kind: string): number {
  return EARLY_KINDS.get(kind) ?? 2;
}

/**
 * Flattens the groups into the desired set, in apply order (Namespaces and CRDs, then
 * ModuleConfigs, then the rest; stable otherwise). When two groups name the same resource the
 * first one wins, so a resource is applied once per pass.
 */
export function desiredResources(groups: readonly AgentResourceGroup[]): DesiredResource[] {
  const seen = new Set<string>();
  const result: DesiredResource[] = [];
  for (const group of groups) {
    for (const object of group.resources) {
      const ref = refOf(object);
      const key = resourceKey(ref);
      if (seen.has(key)) {
        continue;
      }
      seen.add(key);
      result.push({ group: group.name, syncMode: group.sync_mode, ref, object });
    }
  }
  return result
    .map((resource, index) => ({ resource, index }))
    .sort(
      (a, b) =>
        applyRank(a.resource.ref.kind) - applyRank(b.resource.ref.kind) || a.index - b.index,
    )
    .map(({ resource }) => resource);
}

/** What to do with resources applied before that are no longer desired. */
export type RemovalPlan = {
  /** From managed groups: delete them (reverse apply order: namespaces last). */
  toDelete: AppliedResource[];
  /** From unmanaged groups: keep them, labelled orphan. */
  toOrphan: AppliedResource[];
};

/**
 * Compares the previously applied set with the desired one. A resource that moved to another
 * group is still desired and is not removed. The sync mode that counts is the one of the group
 * the resource was applied in (a vanished group's mode is remembered with its resources).
 */
export function planRemovals(
  previous: readonly AppliedResource[],
  desired: readonly Pick<DesiredResource, 'ref'>[],
): RemovalPlan {
  const wanted = new Set(desired.map((resource) => resourceKey(resource.ref)));
  const gone = previous.filter((resource) => !wanted.has(resourceKey(resource)));
  return {
    toDelete: gone
      .filter((resource) => resource.syncMode === 'managed')
      .sort((a, b) => applyRank(b.kind) - applyRank(a.kind)),
    toOrphan: gone.filter((resource) => resource.syncMode === 'unmanaged'),
  };
}

/**
 * A copy of `object` as the agent applies it: label `heritage: deckhouse-commander` and the
 * group annotation added (existing labels and annotations kept).
 */
export function withCommanderMetadata(object: KubeObject, group: string): KubeObject {
  const copy = structuredClone(object);
  const metadata = copy.metadata as KubeObject['metadata'] & {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  metadata.labels = { ...metadata.labels, [HERITAGE_LABEL.key]: HERITAGE_LABEL.value };
  metadata.annotations = { ...metadata.annotations, [GROUP_ANNOTATION]: group };
  return copy;
}

/** A status-report entry for a resource. */
export function resultOf(
  resource: ResourceRef & { group: string },
  status: ResourceResult['status'],
  message: string | null = null,
): ResourceResult {
  return {
    group: resource.group,
    api_version: resource.apiVersion,
    kind: resource.kind,
    namespace: resource.namespace,
    name: resource.name,
    status,
    message: message === null ? null : message.slice(0, 4000),
  };
}
