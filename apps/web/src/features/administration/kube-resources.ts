// The Kubernetes resources the Administration tab shows, and how to read them.

/** A Kubernetes object as the tab reads it. */
export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    managedFields?: unknown;
    [key: string]: unknown;
  };
  [key: string]: unknown;
};

/** The tables of the tab, in order. */
export const KUBE_KINDS = [
  'namespaces',
  'nodes',
  'deployments',
  'pods',
  'services',
  'configmaps',
  'events',
] as const;

export type KubeKind = (typeof KUBE_KINDS)[number];

/** How one kind is addressed. */
export type KubeResource = {
  kind: KubeKind;
  /** `/api/v1` or `/apis/apps/v1`. */
  prefix: string;
  namespaced: boolean;
  /** The `kind` of its objects (`ConfigMap`). */
  objectKind: string;
  /** Whether the tab offers YAML editing and deletion (events and nodes are read-only here). */
  editable: boolean;
};

export const KUBE_RESOURCES: Record<KubeKind, KubeResource> = {
  namespaces: {
    kind: 'namespaces',
    prefix: '/api/v1',
    namespaced: false,
    objectKind: 'Namespace',
    editable: true,
  },
  nodes: {
    kind: 'nodes',
    prefix: '/api/v1',
    namespaced: false,
    objectKind: 'Node',
    editable: false,
  },
  deployments: {
    kind: 'deployments',
    prefix: '/apis/apps/v1',
    namespaced: true,
    objectKind: 'Deployment',
    editable: true,
  },
  pods: { kind: 'pods', prefix: '/api/v1', namespaced: true, objectKind: 'Pod', editable: true },
  services: {
    kind: 'services',
    prefix: '/api/v1',
    namespaced: true,
    objectKind: 'Service',
    editable: true,
  },
  configmaps: {
    kind: 'configmaps',
    prefix: '/api/v1',
    namespaced: true,
    objectKind: 'ConfigMap',
    editable: true,
  },
  events: {
    kind: 'events',
    prefix: '/api/v1',
    namespaced: true,
    objectKind: 'Event',
    editable: false,
  },
};

/** The list path of a kind, in one namespace or all (`null`). */
export function listPath(resource: KubeResource, namespace: string | null): string {
  const scope =
    resource.namespaced && namespace !== null ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${resource.prefix}${scope}/${resource.kind}`;
}

/** The path of one object. */
export function objectPath(resource: KubeResource, object: KubeObject): string {
  const namespace = resource.namespaced ? (object.metadata.namespace ?? 'default') : null;
  return `${listPath(resource, namespace)}/${encodeURIComponent(object.metadata.name)}`;
}

/** A value at a dotted path of an object. */
export function field(object: unknown, path: string): unknown {
  let node = object;
  for (const part of path.split('.')) {
    node =
      typeof node === 'object' && node !== null
        ? (node as Record<string, unknown>)[part]
        : undefined;
  }
  return node;
}

/** A field as text ('' when absent or not a scalar). */
export function text(object: unknown, path: string): string {
  const value = field(object, path);
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : '';
}

/** `12s`, `5m`, `3h`, `2d`, like kubectl. */
export function kubeAge(timestamp: string | undefined, now = Date.now()): string {
  if (!timestamp) {
    return '';
  }
  const seconds = Math.max(0, Math.floor((now - Date.parse(timestamp)) / 1000));
  if (seconds < 120) {
    return `${seconds}s`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) {
    return `${minutes}m`;
  }
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours}h` : `${Math.floor(hours / 24)}d`;
}

/** The containers of a pod. */
export function containersOf(pod: KubeObject): string[] {
  const containers = field(pod, 'spec.containers');
  return Array.isArray(containers)
    ? containers.map((container) => text(container, 'name')).filter((name) => name !== '')
    : [];
}

/** `ready/total` of a pod's containers. */
export function podReady(pod: KubeObject): string {
  const statuses = field(pod, 'status.containerStatuses');
  const ready = Array.isArray(statuses)
    ? statuses.filter((status) => field(status, 'ready') === true).length
    : 0;
  return `${ready}/${containersOf(pod).length}`;
}

/** Restarts over a pod's containers. */
export function podRestarts(pod: KubeObject): number {
  const statuses = field(pod, 'status.containerStatuses');
  return Array.isArray(statuses)
    ? statuses.reduce((sum: number, status) => sum + Number(field(status, 'restartCount') ?? 0), 0)
    : 0;
}

/** `Ready`/`NotReady` of a node. */
export function nodeReady(node: KubeObject): boolean {
  const conditions = field(node, 'status.conditions');
  return (
    Array.isArray(conditions) &&
    conditions.some((c) => field(c, 'type') === 'Ready' && field(c, 'status') === 'True')
  );
}

/** The roles of a node from its `node-role.kubernetes.io/*` labels. */
export function nodeRoles(node: KubeObject): string {
  return Object.keys(node.metadata.labels ?? {})
    .filter((label) => label.startsWith('node-role.kubernetes.io/'))
    .map((label) => label.slice('node-role.kubernetes.io/'.length))
    .join(', ');
}

/** `80/TCP, 443/TCP` of a service. */
export function servicePorts(service: KubeObject): string {
  const ports = field(service, 'spec.ports');
  return Array.isArray(ports)
    ? ports.map((port) => `${text(port, 'port')}/${text(port, 'protocol') || 'TCP'}`).join(', ')
    : '';
}

/** The object without what nobody edits (`managedFields`). */
export function forEditing(object: KubeObject): KubeObject {
  const { managedFields: _managed, ...metadata } = object.metadata;
  return { ...object, metadata };
}
