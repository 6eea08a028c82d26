// Server-side printing: the `Table` kubectl asks for (`Accept: application/json;as=Table;...`).
import type { ResourceDef } from './resources.js';
import type { KubeObject } from './store.js';

type Column = {
  name: string;
  type: string;
  format?: string;
  priority?: number;
  cell: (object: KubeObject) => unknown;
};

function get(object: unknown, path: string): unknown {
  let node = object;
  for (const part of path.split('.')) {
    node =
      typeof node === 'object' && node !== null
        ? (node as Record<string, unknown>)[part]
        : undefined;
  }
  return node;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** `5s`, `3m`, `2h`, `4d` like kubectl's human durations. */
export function age(timestamp: string | undefined, now = Date.now()): string {
  if (!timestamp) return '<unknown>';
  const seconds = Math.max(0, Math.floor((now - Date.parse(timestamp)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

const name: Column = { name: 'Name', type: 'string', format: 'name', cell: (o) => o.metadata.name };
const ageColumn: Column = {
  name: 'Age',
  type: 'string',
  cell: (o) => age(o.metadata.creationTimestamp),
};
const count = (path: string) => (o: KubeObject) =>
  Object.keys((get(o, path) as object | undefined) ?? {}).length;

const COLUMNS: Record<string, Column[]> = {
  Pod: [
    name,
    {
      name: 'Ready',
      type: 'string',
      cell: (o) => {
        const statuses =
          (get(o, 'status.containerStatuses') as { ready?: boolean }[] | undefined) ?? [];
        return `${statuses.filter((s) => s.ready).length}/${((get(o, 'spec.containers') as unknown[] | undefined) ?? []).length}`;
      },
    },
    { name: 'Status', type: 'string', cell: (o) => get(o, 'status.phase') ?? 'Pending' },
    {
      name: 'Restarts',
      type: 'string',
      cell: (o) =>
        String(
          (
            (get(o, 'status.containerStatuses') as { restartCount?: number }[] | undefined) ?? []
          ).reduce((sum, s) => sum + (s.restartCount ?? 0), 0),
        ),
    },
    ageColumn,
    { name: 'IP', type: 'string', priority: 1, cell: (o) => get(o, 'status.podIP') ?? '<none>' },
    { name: 'Node', type: 'string', priority: 1, cell: (o) => get(o, 'spec.nodeName') ?? '<none>' },
  ],
  Deployment: [
    name,
    {
      name: 'Ready',
      type: 'string',
      cell: (o) =>
        `${Number(get(o, 'status.readyReplicas') ?? 0)}/${Number(get(o, 'spec.replicas') ?? 1)}`,
    },
    {
      name: 'Up-to-date',
      type: 'integer',
      cell: (o) => Number(get(o, 'status.updatedReplicas') ?? 0),
    },
    {
      name: 'Available',
      type: 'integer',
      cell: (o) => Number(get(o, 'status.availableReplicas') ?? 0),
    },
    ageColumn,
  ],
  Service: [
    name,
    { name: 'Type', type: 'string', cell: (o) => get(o, 'spec.type') ?? 'ClusterIP' },
    { name: 'Cluster-IP', type: 'string', cell: (o) => get(o, 'spec.clusterIP') ?? '<none>' },
    { name: 'External-IP', type: 'string', cell: () => '<none>' },
    {
      name: 'Port(s)',
      type: 'string',
      cell: (o) =>
        ((get(o, 'spec.ports') as { port?: number; protocol?: string }[] | undefined) ?? [])
          .map((p) => `${p.port ?? ''}/${p.protocol ?? 'TCP'}`)
          .join(',') || '<none>',
    },
    ageColumn,
  ],
  Node: [
    name,
    {
      name: 'Status',
      type: 'string',
      cell: (o) =>
        (
          (get(o, 'status.conditions') as { type: string; status: string }[] | undefined) ?? []
        ).some((c) => c.type === 'Ready' && c.status === 'True')
          ? 'Ready'
          : 'NotReady',
    },
    {
      name: 'Roles',
      type: 'string',
      cell: (o) =>
        Object.keys(o.metadata.labels ?? {})
          .filter((l) => l.startsWith('node-role.kubernetes.io/'))
          .map((l) => l.slice('node-role.kubernetes.io/'.length))
          .join(',') || '<none>',
    },
    ageColumn,
    {
      name: 'Version',
      type: 'string',
      cell: (o) => get(o, 'status.nodeInfo.kubeletVersion') ?? '',
    },
  ],
  Namespace: [
    name,
    { name: 'Status', type: 'string', cell: (o) => get(o, 'status.phase') ?? 'Active' },
    ageColumn,
  ],
  ConfigMap: [name, { name: 'Data', type: 'integer', cell: count('data') }, ageColumn],
  Secret: [
    name,
    { name: 'Type', type: 'string', cell: (o) => get(o, 'type') ?? 'Opaque' },
    { name: 'Data', type: 'integer', cell: count('data') },
    ageColumn,
  ],
  Event: [
    {
      name: 'Last Seen',
      type: 'string',
      cell: (o) =>
        age((get(o, 'lastTimestamp') as string | undefined) ?? o.metadata.creationTimestamp),
    },
    { name: 'Type', type: 'string', cell: (o) => get(o, 'type') ?? '' },
    { name: 'Reason', type: 'string', cell: (o) => get(o, 'reason') ?? '' },
    {
      name: 'Object',
      type: 'string',
      cell: (o) =>
        `${text(get(o, 'involvedObject.kind')).toLowerCase()}/${text(get(o, 'involvedObject.name'))}`,
    },
    { name: 'Message', type: 'string', cell: (o) => get(o, 'message') ?? '' },
  ],
};

/** The metadata-only row object (`includeObject=Metadata`, the default) or the whole object. */
function rowObject(def: ResourceDef, object: KubeObject, include: string): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return object;
  void def;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
}

/** A `meta.k8s.io/v1` Table of objects. */
export function toTable(
  def: ResourceDef,
  objects: KubeObject[],
  resourceVersion: string,
  include: string,
): unknown {
  const columns = COLUMNS[def.kind] ?? [name, ageColumn];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map((column) => ({
      name: column.name,
      type: column.type,
      format: column.format ?? '',
      description: '',
      priority: column.priority ?? 0,
    })),
    rows: objects.map((object) => ({
      cells: columns.map((column) => column.cell(object) ?? ''),
      object: rowObject(def, object, include),
    })),
  };
}

/** Whether the Accept header asks for a Table. */
export function wantsTable(accept: string | undefined): boolean {
  return /as=Table/.test(accept ?? '');
}
