// The simulated agent's "server-side apply" into a virtual cluster's resource list: the same
// decisions as apps/agent (shared through @commander/agent-client), on plain JSON documents.
import {
  type AppliedResource,
  type DesiredResource,
  planRemovals,
  resourceKey,
  type ResourceRef,
  resultOf,
  withCommanderMetadata,
} from '@commander/agent-client';
import {
  AGENT_CREDENTIALS_SECRET,
  HERITAGE_LABEL,
  ORPHAN_LABEL,
  type ResourceResult,
} from '@commander/contracts';

import { canonicalJson, getPath, type KubeDocument } from '../documents.js';

/** The agent's state ConfigMap (same name and format as apps/agent's). */
export const STATE_CONFIG_MAP = {
  namespace: AGENT_CREDENTIALS_SECRET.namespace,
  name: 'commander-agent-state',
};

/** What the agent remembers in its state ConfigMap. */
export type VirtualAgentState = { applied: AppliedResource[]; orphaned: ResourceRef[] };

/** The reference of a stored document (empty strings for missing fields). */
export function refOfDocument(document: KubeDocument): ResourceRef {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const namespace = text(getPath(document, 'metadata.namespace'));
  return {
    apiVersion: text(document.apiVersion),
    kind: text(document.kind),
    namespace: namespace === '' ? null : namespace,
    name: text(getPath(document, 'metadata.name')),
  };
}

function keyOfDocument(document: KubeDocument): string {
  return resourceKey(refOfDocument(document));
}

const STATE_KEY = resourceKey({ apiVersion: 'v1', kind: 'ConfigMap', ...STATE_CONFIG_MAP });

function parseArray(text: unknown): unknown[] {
  if (typeof text !== 'string') {
    return [];
  }
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? (value as unknown[]) : [];
  } catch {
    return [];
  }
}

function isRef(value: unknown): value is ResourceRef {
  const ref = value as Partial<ResourceRef> | null;
  return (
    typeof ref === 'object' &&
    ref !== null &&
    typeof ref.apiVersion === 'string' &&
    typeof ref.kind === 'string' &&
    typeof ref.name === 'string' &&
    (ref.namespace === null || typeof ref.namespace === 'string')
  );
}

/** Reads the state ConfigMap from a resource list (empty when absent or unreadable). */
export function readAgentState(resources: readonly KubeDocument[]): VirtualAgentState {
  const configMap = resources.find((document) => keyOfDocument(document) === STATE_KEY);
  const data = getPath(configMap, 'data') as Record<string, unknown> | undefined;
  return {
    applied: parseArray(data?.['applied.json']).filter(
      (value): value is AppliedResource =>
        isRef(value) &&
        typeof (value as AppliedResource).group === 'string' &&
        ((value as AppliedResource).syncMode === 'managed' ||
          (value as AppliedResource).syncMode === 'unmanaged'),
    ),
    orphaned: parseArray(data?.['orphaned.json']).filter(isRef),
  };
}

function stateDocument(state: VirtualAgentState): KubeDocument {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { ...STATE_CONFIG_MAP, labels: { [HERITAGE_LABEL.key]: HERITAGE_LABEL.value } },
    data: {
      'applied.json': JSON.stringify(state.applied),
      'orphaned.json': JSON.stringify(state.orphaned),
    },
  };
}

/** Input of {@link syncVirtualResources}. */
export type VirtualSyncInput = {
  /** The cluster's resources now. */
  resources: readonly KubeDocument[];
  desired: readonly DesiredResource[];
  /** `full`: apply everything (new version); `check`: re-apply only missing or failed ones. */
  mode: 'full' | 'check';
  /** Keys whose apply failed in the last pass (retried in `check` mode). */
  failedKeys: ReadonlySet<string>;
  /** Injected apply errors by `Kind/name`. */
  injectedErrors: ReadonlyMap<string, string>;
};

/** Output of {@link syncVirtualResources}. */
export type VirtualSyncResult = {
  /** The new resource list, or `null` when nothing changed. */
  resources: KubeDocument[] | null;
  /** One result per desired resource. */
  results: ResourceResult[];
  /** deleted/orphaned results of this pass. */
  removals: ResourceResult[];
  reapplied: number;
  failedKeys: Set<string>;
};

function withoutOrphanLabel(document: KubeDocument): KubeDocument {
  const labels = getPath(document, 'metadata.labels') as Record<string, string> | undefined;
  if (!labels || !(ORPHAN_LABEL in labels)) {
    return document;
  }
  const copy = structuredClone(document) as { metadata: { labels: Record<string, string> } };
  delete copy.metadata.labels[ORPHAN_LABEL];
  return copy;
}

/**
 * One pass over a virtual cluster: apply the desired resources (labelled, annotated with their
 * group), delete resources that left managed groups, label orphan those that left unmanaged
 * ones, and keep the agent's state ConfigMap up to date. Pure: returns the new list.
 */
export function syncVirtualResources(input: VirtualSyncInput): VirtualSyncResult {
  const documents = new Map<string, KubeDocument>();
  const order: string[] = [];
  for (const document of input.resources) {
    const key = keyOfDocument(document);
    if (!documents.has(key)) {
      order.push(key);
    }
    documents.set(key, document);
  }
  const state = readAgentState(input.resources);
  const previous = new Map(state.applied.map((resource) => [resourceKey(resource), resource]));
  const orphaned = new Map(state.orphaned.map((ref) => [resourceKey(ref), ref]));
  let isChanged = false;
  let reapplied = 0;
  const results: ResourceResult[] = [];
  const failedKeys = new Set<string>();
  const appliedNow = new Map<string, AppliedResource>();

  const put = (key: string, document: KubeDocument) => {
    const existing = documents.get(key);
    if (existing && canonicalJson(existing) === canonicalJson(document)) {
      return;
    }
    if (!existing) {
      order.push(key);
    }
    documents.set(key, document);
    isChanged = true;
  };

  for (const desired of input.desired) {
    const key = resourceKey(desired.ref);
    const entry = { ...desired.ref, group: desired.group };
    const injected = input.injectedErrors.get(`${desired.ref.kind}/${desired.ref.name}`);
    if (injected !== undefined) {
      failedKeys.add(key);
      const before = previous.get(key);
      if (before) {
        appliedNow.set(key, { ...before, group: desired.group, syncMode: desired.syncMode });
      }
      results.push(resultOf(entry, 'error', injected));
      continue;
    }
    const exists = documents.has(key);
    const mustApply =
      input.mode === 'full' || !exists || input.failedKeys.has(key) || !previous.has(key);
    if (mustApply) {
      if (input.mode === 'check' && !exists && previous.has(key)) {
        reapplied += 1;
      }
      put(key, withCommanderMetadata(desired.object, desired.group));
    }
    if (orphaned.has(key)) {
      const current = documents.get(key);
      if (current) {
        put(key, withoutOrphanLabel(current));
      }
      orphaned.delete(key);
    }
    appliedNow.set(key, { ...desired.ref, group: desired.group, syncMode: desired.syncMode });
    results.push(resultOf(entry, 'applied'));
  }

  const removals: ResourceResult[] = [];
  const plan = planRemovals(state.applied, input.desired);
  for (const resource of plan.toDelete) {
    const key = resourceKey(resource);
    if (documents.delete(key)) {
      isChanged = true;
    }
    removals.push(resultOf(resource, 'deleted'));
  }
  for (const resource of plan.toOrphan) {
    const key = resourceKey(resource);
    const current = documents.get(key);
    if (current) {
      const copy = structuredClone(current) as { metadata?: { labels?: Record<string, string> } };
      copy.metadata = {
        ...copy.metadata,
        labels: { ...copy.metadata?.labels, [ORPHAN_LABEL]: 'true' },
      };
      put(key, copy);
      orphaned.set(key, {
        apiVersion: resource.apiVersion,
        kind: resource.kind,
        namespace: resource.namespace,
        name: resource.name,
      });
    }
    removals.push(resultOf(resource, 'orphaned'));
  }

  const nextState: VirtualAgentState = {
    applied: [...appliedNow.values()],
    orphaned: [...orphaned.values()],
  };
  if (canonicalJson(nextState) !== canonicalJson(state)) {
    put(STATE_KEY, stateDocument(nextState));
  }
  return {
    resources: isChanged
      ? order.flatMap((key): KubeDocument[] => {
          const document = documents.get(key);
          return document ? [document] : [];
        })
      : null,
    results,
    removals,
    reapplied,
    failedKeys,
  };
}

/** The agent's credentials as found in a virtual cluster. */
export type VirtualCredentials = { token: string; commanderUrl: string };

function secretValue(secret: KubeDocument | undefined, key: string): string | null {
  const plain = getPath(secret, 'stringData') as Record<string, unknown> | undefined;
  if (typeof plain?.[key] === 'string' && plain[key] !== '') {
    return plain[key].trim();
  }
  const data = getPath(secret, 'data') as Record<string, unknown> | undefined;
  if (typeof data?.[key] === 'string' && data[key] !== '') {
    return Buffer.from(data[key], 'base64').toString('utf8').trim();
  }
  return null;
}

/**
 * The credentials an agent in this cluster would use: `token` and `commander_url` of the Secret
 * `d8-commander-agent/commander-agent-credentials` (`stringData` or base64 `data`); the URL falls
 * back to `fallbackUrl` (the `commander-agent` ModuleConfig's `commanderUrl`). `null` without a
 * token or a URL. `overrideBase` (DHCTL_SIM_COMMANDER_URL) replaces the URL's origin and
 * prefixes its path.
 */
export function credentialsOf(
  resources: readonly KubeDocument[],
  fallbackUrl: string | null,
  overrideBase: string | null,
): VirtualCredentials | null {
  const secret = resources.find((document) => {
    const ref = refOfDocument(document);
    return (
      ref.kind === 'Secret' &&
      ref.name === AGENT_CREDENTIALS_SECRET.name &&
      ref.namespace === AGENT_CREDENTIALS_SECRET.namespace
    );
  });
  const token = secretValue(secret, 'token');
  const url = secretValue(secret, 'commander_url') ?? fallbackUrl;
  if (!token || !url) {
    return null;
  }
  return { token, commanderUrl: overrideBase ? rebaseUrl(url, overrideBase) : url };
}

/**
 * `https://commander.example.com/agent_api/<id>` with base `http://api:8080` →
 * `http://api:8080/agent_api/<id>`; a base path is kept as a prefix. Unparseable URLs are
 * returned unchanged.
 */
export function rebaseUrl(url: string, base: string): string {
  try {
    const original = new URL(url);
    const target = new URL(base);
    target.pathname = `${target.pathname.replace(/\/+$/, '')}${original.pathname}`;
    target.search = original.search;
    return target.toString();
  } catch {
    return url;
  }
}
