// The simulator's HTTP control API (JSON): inspect virtual clusters, inject drift and faults,
// create pre-existing clusters to attach. Errors are `{ error: { code, message, details? } }`.
import type http from 'node:http';

import {
  BOOTSTRAP_PHASES,
  CHECK_PHASES,
  COMMANDER_ATTACH_PHASES,
  COMMANDER_DETACH_PHASES,
  CONVERGE_PHASES,
  DESTROY_PHASE_ENDS_CLOUD,
  DESTROY_PHASE_ENDS_STATIC,
} from '@commander/dhctl';
import { z } from 'zod';

import type { AgentFleet } from './agents/agent-fleet.js';
import { refOfDocument } from './agents/virtual-sync.js';
import {
  commanderUrlOf,
  type DesiredCluster,
  kubernetesVersionOf,
  plannedNodes,
  summarizeCluster,
  type VirtualCluster,
} from './cluster-model.js';
import type { ClusterStore } from './cluster-store.js';
import { type KubeDocument, setPath } from './documents.js';
import { FAULT_OPERATIONS, type FaultOperation, type FaultRegistry } from './faults.js';
import { newUuid } from './operations/common.js';
import { providerKind } from './validation.js';

/** What the control API works on. */
export type ControlApiDeps = {
  clusters: ClusterStore;
  faults: FaultRegistry;
  version: string;
  /** The simulated agents, or `null` when they are off. */
  agents?: AgentFleet | null;
};

class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

const KUBERNETES_VERSIONS = ['1.32', '1.33', '1.34', '1.35', '1.36'] as const;
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const CIDR = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\/\d{1,2}$/;

const createClusterSchema = z
  .object({
    host: z.string().regex(HOST, 'must be an IP address or a host name'),
    cluster_type: z.enum(['Static', 'Cloud']).default('Static'),
    kubernetes_version: z.enum([...KUBERNETES_VERSIONS, 'Automatic']).default('1.33'),
    owner: z.uuid().optional(),
    uuid: z.uuid().optional(),
    provider: z
      .enum([
        'OpenStack',
        'AWS',
        'GCP',
        'Yandex',
        'vSphere',
        'Azure',
        'VCD',
        'Zvirt',
        'Dynamix',
        'Huaweicloud',
        'DVP',
      ])
      .optional(),
    prefix: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
      .max(45)
      .optional(),
    master_count: z.int().min(1).max(9).default(1),
    worker_count: z.int().min(0).max(100).default(0),
    pod_subnet_cidr: z.string().regex(CIDR).default('10.111.0.0/16'),
    service_subnet_cidr: z.string().regex(CIDR).default('10.222.0.0/16'),
    ssh_user: z.string().min(1).default('ubuntu'),
    resources: z.array(z.record(z.string(), z.unknown())).default([]),
  })
  .strict();

const DRIFT_KINDS = {
  kubernetes_version: { destructive: false, cloudOnly: false },
  instance_class: { destructive: false, cloudOnly: true },
  pod_subnet: { destructive: true, cloudOnly: false },
  service_subnet: { destructive: true, cloudOnly: false },
  abandoned_node: { destructive: true, cloudOnly: true },
} as const;

type DriftKind = keyof typeof DRIFT_KINDS;

const driftSchema = z
  .object({
    destructive: z.boolean(),
    kind: z.enum(Object.keys(DRIFT_KINDS) as [DriftKind, ...DriftKind[]]).optional(),
  })
  .strict();

const FAULT_PHASES: Record<FaultOperation, readonly string[]> = {
  Bootstrap: BOOTSTRAP_PHASES.map((p) => p.phase),
  Converge: CONVERGE_PHASES.map((p) => p.phase),
  Check: CHECK_PHASES.map((p) => p.phase),
  Destroy: [...new Set([...DESTROY_PHASE_ENDS_STATIC, ...DESTROY_PHASE_ENDS_CLOUD])],
  Abort: ['AllNodes', 'BaseInfra'],
  CommanderAttach: COMMANDER_ATTACH_PHASES.map((p) => p.phase),
  CommanderDetach: COMMANDER_DETACH_PHASES.map((p) => p.phase),
};

const resourceErrorSchema = z
  .object({
    kind: z.string().min(1).max(200),
    name: z.string().min(1).max(253),
    message: z.string().min(1).max(4000),
  })
  .strict();

const agentInjectionSchema = z
  .object({
    silent: z.boolean().optional(),
    alerts: z
      .array(
        z
          .object({
            name: z.string().min(1).max(200),
            severity: z.enum(['critical', 'warning', 'info']).default('warning'),
            message: z.string().max(2000).default(''),
          })
          .strict(),
      )
      .max(50)
      .optional(),
  })
  .strict();

const faultSchema = z
  .object({
    operation: z.enum(FAULT_OPERATIONS),
    phase: z.string().min(1).optional(),
    times: z.int().min(1).max(1000).default(1),
    message: z.string().min(1).max(2000).optional(),
  })
  .strict()
  .superRefine((value, context) => {
    const allowed = FAULT_PHASES[value.operation];
    if (value.phase !== undefined && !allowed.includes(value.phase)) {
      context.addIssue({
        code: 'custom',
        path: ['phase'],
        message: `unknown phase for ${value.operation}; expected one of ${allowed.join(', ')}`,
      });
    }
  });

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new HttpError(
      400,
      'VALIDATION_FAILED',
      z.prettifyError(result.error),
      result.error.issues,
    );
  }
  return result.data;
}

async function readJson(request: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > 1_000_000) {
      throw new HttpError(413, 'PAYLOAD_TOO_LARGE', 'request body is larger than 1 MB');
    }
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') {
    return {};
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'VALIDATION_FAILED', 'request body is not valid JSON');
  }
}

function clusterDetail(cluster: VirtualCluster, agents: AgentFleet | null) {
  return {
    ...summarizeCluster(cluster),
    cluster_configuration: cluster.clusterConfiguration,
    provider_cluster_configuration: cluster.providerClusterConfiguration,
    nodes: cluster.nodes,
    resources: cluster.resources,
    completed_bootstrap_phases: cluster.completedBootstrapPhases,
    ssh_user: cluster.sshUser,
    /** The simulated agent (last sync, last telemetry, errors), `null` when it has none. */
    agent: agents?.snapshot(cluster.uuid) ?? null,
  };
}

/** Builds a ready, pre-existing cluster (as if bootstrapped elsewhere) for attach tests. */
function preExistingCluster(input: z.infer<typeof createClusterSchema>): VirtualCluster {
  const isCloud = input.cluster_type === 'Cloud';
  const provider = isCloud ? (input.provider ?? 'Yandex') : null;
  const prefix = isCloud ? (input.prefix ?? 'attached') : null;
  const clusterConfiguration: KubeDocument = {
    apiVersion: 'deckhouse.io/v1',
    kind: 'ClusterConfiguration',
    clusterType: input.cluster_type,
    ...(isCloud ? { cloud: { provider, prefix } } : {}),
    kubernetesVersion: input.kubernetes_version,
    podSubnetCIDR: input.pod_subnet_cidr,
    serviceSubnetCIDR: input.service_subnet_cidr,
    clusterDomain: 'cluster.local',
  };
  const octets = input.host.split('.');
  const resources: KubeDocument[] = [...(input.resources as KubeDocument[])];
  let providerClusterConfiguration: KubeDocument;
  if (isCloud) {
    providerClusterConfiguration = {
      apiVersion: 'deckhouse.io/v1',
      kind: providerKind(provider ?? 'Yandex'),
      layout: 'Standard',
      nodeNetworkCIDR: '10.241.32.0/20',
      sshPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDhctlSimulatorKey sim',
      masterNodeGroup: {
        replicas: input.master_count,
        instanceClass: { cores: 4, memory: 8192, imageID: 'fd8sim0image' },
      },
      ...(input.worker_count > 0
        ? {
            nodeGroups: [
              {
                name: 'worker',
                replicas: input.worker_count,
                instanceClass: { cores: 4, memory: 8192 },
              },
            ],
          }
        : {}),
      provider: { cloudID: 'sim-cloud', folderID: 'sim-folder', serviceAccountJSON: '{}' },
    };
  } else {
    providerClusterConfiguration = {
      apiVersion: 'deckhouse.io/v1',
      kind: 'StaticClusterConfiguration',
      internalNetworkCIDRs: octets.length === 4 ? [`${octets.slice(0, 3).join('.')}.0/24`] : [],
    };
    for (let i = 0; i < input.worker_count; i += 1) {
      resources.push({
        apiVersion: 'deckhouse.io/v1alpha1',
        kind: 'StaticInstance',
        metadata: { name: `static-worker-${i}` },
        spec: { address: `${input.host}-worker-${i}` },
      });
    }
  }
  const desired: DesiredCluster = {
    clusterType: input.cluster_type,
    provider,
    prefix,
    clusterConfiguration,
    providerClusterConfiguration,
  };
  const now = new Date().toISOString();
  return {
    uuid: input.uuid ?? newUuid(),
    status: 'ready',
    ownerCommanderUuid: input.owner ?? null,
    commanderUrl: null,
    clusterType: input.cluster_type,
    provider,
    prefix,
    clusterConfiguration,
    providerClusterConfiguration,
    hosts: [input.host],
    sshUser: input.ssh_user,
    nodes: plannedNodes(desired, resources),
    resources,
    completedBootstrapPhases: [],
    drift: { destructive: false, nonDestructive: false, notes: [] },
    createdAt: now,
    updatedAt: now,
  };
}

/** Changes the cluster's actual state as described by `kind`; returns a description. */
function applyDrift(cluster: VirtualCluster, kind: DriftKind): string {
  switch (kind) {
    case 'kubernetes_version': {
      const current = kubernetesVersionOf(cluster);
      const index = KUBERNETES_VERSIONS.indexOf(current as (typeof KUBERNETES_VERSIONS)[number]);
      const next = KUBERNETES_VERSIONS[(index + 1) % KUBERNETES_VERSIONS.length] ?? '1.33';
      cluster.clusterConfiguration.kubernetesVersion = next;
      return `kubernetesVersion changed in the cluster: ${current} -> ${next}`;
    }
    case 'instance_class': {
      const node = cluster.nodes.find((n) => !n.isAbandoned);
      if (node) {
        node.spec = JSON.stringify({ drifted: true, previous: node.spec });
      }
      return `instance class of node ${node?.name ?? '(none)'} changed outside of Commander`;
    }
    case 'pod_subnet':
    case 'service_subnet': {
      const field = kind === 'pod_subnet' ? 'podSubnetCIDR' : 'serviceSubnetCIDR';
      const current = cluster.clusterConfiguration[field];
      const next = current === '10.99.0.0/16' ? '10.98.0.0/16' : '10.99.0.0/16';
      setPath(cluster.clusterConfiguration, field, next);
      return `${field} changed in the cluster: ${String(current)} -> ${next}`;
    }
    case 'abandoned_node': {
      const name = `${cluster.prefix ?? 'cloud'}-worker-drift-${cluster.nodes.length}`;
      cluster.nodes.push({ name, group: 'worker', role: 'worker', spec: '{}', isAbandoned: true });
      return `node ${name} appeared outside of the configuration (abandoned)`;
    }
  }
}

function defaultDriftKind(cluster: VirtualCluster, destructive: boolean): DriftKind {
  if (!destructive) {
    return 'kubernetes_version';
  }
  return cluster.clusterType === 'Cloud' ? 'abandoned_node' : 'pod_subnet';
}

function queryOf(request: http.IncomingMessage): URLSearchParams {
  return new URL(request.url ?? '/', 'http://localhost').searchParams;
}

type Route = {
  method: string;
  pattern: RegExp;
  handle: (match: RegExpExecArray, request: http.IncomingMessage) => Promise<[number, unknown]>;
};

/** The request handler of the control API (mount it on any node:http server). */
export function controlApiHandler(deps: ControlApiDeps): http.RequestListener {
  const agentsOr409 = (): AgentFleet => {
    if (!deps.agents) {
      throw new HttpError(409, 'CONFLICT', 'simulated agents are off (DHCTL_SIM_AGENTS=off)');
    }
    return deps.agents;
  };
  const clusterOr404 = (uuid: string): VirtualCluster => {
    const cluster = deps.clusters.get(uuid);
    if (!cluster) {
      throw new HttpError(404, 'NOT_FOUND', `virtual cluster ${uuid} not found`);
    }
    return cluster;
  };
  const routes: Route[] = [
    {
      method: 'GET',
      pattern: /^\/healthz$/,
      handle: () => Promise.resolve([200, { status: 'ok', version: deps.version }]),
    },
    {
      method: 'GET',
      pattern: /^\/sim\/clusters$/,
      handle: () =>
        Promise.resolve([200, { clusters: deps.clusters.list().map(summarizeCluster) }]),
    },
    {
      method: 'POST',
      pattern: /^\/sim\/clusters$/,
      handle: async (_match, request) => {
        const input = parseBody(createClusterSchema, await readJson(request));
        if (deps.clusters.findByHost(input.host)) {
          throw new HttpError(409, 'CONFLICT', `a virtual cluster with host ${input.host} exists`);
        }
        if (input.uuid && deps.clusters.get(input.uuid)) {
          throw new HttpError(409, 'CONFLICT', `virtual cluster ${input.uuid} exists`);
        }
        const cluster = deps.clusters.create(preExistingCluster(input));
        return [201, { uuid: cluster.uuid, cluster: summarizeCluster(cluster) }];
      },
    },
    {
      method: 'GET',
      pattern: /^\/sim\/clusters\/([^/]+)$/,
      handle: (match) =>
        Promise.resolve([
          200,
          { cluster: clusterDetail(clusterOr404(match[1] ?? ''), deps.agents ?? null) },
        ]),
    },
    {
      method: 'DELETE',
      pattern: /^\/sim\/clusters\/([^/]+)$/,
      handle: (match) => {
        const uuid = clusterOr404(match[1] ?? '').uuid;
        deps.clusters.remove(uuid);
        return Promise.resolve([200, { removed: uuid }]);
      },
    },
    {
      method: 'POST',
      pattern: /^\/sim\/clusters\/([^/]+)\/drift$/,
      handle: async (match, request) => {
        const cluster = clusterOr404(match[1] ?? '');
        const input = parseBody(driftSchema, await readJson(request));
        const kind = input.kind ?? defaultDriftKind(cluster, input.destructive);
        const rule = DRIFT_KINDS[kind];
        if (rule.destructive !== input.destructive) {
          throw new HttpError(
            400,
            'VALIDATION_FAILED',
            `drift kind ${kind} is ${rule.destructive ? '' : 'not '}destructive`,
          );
        }
        if (rule.cloudOnly && cluster.clusterType !== 'Cloud') {
          throw new HttpError(400, 'VALIDATION_FAILED', `drift kind ${kind} needs a Cloud cluster`);
        }
        if (cluster.status !== 'ready') {
          throw new HttpError(
            409,
            'CONFLICT',
            `cluster ${cluster.uuid} is ${cluster.status}, not ready`,
          );
        }
        let description = '';
        const updated = deps.clusters.update(cluster.uuid, (c) => {
          description = applyDrift(c, kind);
          c.drift = {
            destructive: c.drift.destructive || rule.destructive,
            nonDestructive: c.drift.nonDestructive || !rule.destructive,
            notes: [...c.drift.notes, description],
          };
        });
        if (!updated) {
          throw new HttpError(404, 'NOT_FOUND', `virtual cluster ${cluster.uuid} not found`);
        }
        return [
          200,
          {
            drift: { kind, destructive: rule.destructive, description },
            cluster: summarizeCluster(updated),
          },
        ];
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/sim\/clusters\/([^/]+)\/resources\/([^/]+)\/([^/]+)$/,
      handle: (match, request) => {
        const cluster = clusterOr404(match[1] ?? '');
        const kind = decodeURIComponent(match[2] ?? '');
        const name = decodeURIComponent(match[3] ?? '');
        const namespace = queryOf(request).get('namespace');
        const matches = (document: KubeDocument) => {
          const ref = refOfDocument(document);
          return (
            ref.kind === kind &&
            ref.name === name &&
            (namespace === null || (ref.namespace ?? '') === namespace)
          );
        };
        const removed = cluster.resources.filter(matches).length;
        if (removed === 0) {
          throw new HttpError(
            404,
            'NOT_FOUND',
            `no ${kind} ${namespace ? `${namespace}/` : ''}${name} in virtual cluster ${cluster.uuid}`,
          );
        }
        deps.clusters.update(cluster.uuid, (c) => {
          c.resources = c.resources.filter((document) => !matches(document));
          c.commanderUrl = commanderUrlOf(c.resources);
        });
        return Promise.resolve([200, { removed }]);
      },
    },
    {
      method: 'GET',
      pattern: /^\/sim\/clusters\/([^/]+)\/resource-errors$/,
      handle: (match) => {
        const cluster = clusterOr404(match[1] ?? '');
        return Promise.resolve([
          200,
          { resource_errors: agentsOr409().resourceErrors(cluster.uuid) },
        ]);
      },
    },
    {
      method: 'POST',
      pattern: /^\/sim\/clusters\/([^/]+)\/resource-errors$/,
      handle: async (match, request) => {
        const cluster = clusterOr404(match[1] ?? '');
        const input = parseBody(resourceErrorSchema, await readJson(request));
        agentsOr409().setResourceError(cluster.uuid, input);
        return [201, { resource_error: input }];
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/sim\/clusters\/([^/]+)\/resource-errors$/,
      handle: (match, request) => {
        const cluster = clusterOr404(match[1] ?? '');
        const query = queryOf(request);
        const kind = query.get('kind');
        const name = query.get('name');
        if ((kind === null) !== (name === null)) {
          throw new HttpError(400, 'VALIDATION_FAILED', 'give both kind and name, or neither');
        }
        const cleared = agentsOr409().clearResourceErrors(
          cluster.uuid,
          kind !== null && name !== null ? { kind, name } : undefined,
        );
        return Promise.resolve([200, { cleared }]);
      },
    },
    {
      method: 'GET',
      pattern: /^\/sim\/clusters\/([^/]+)\/agent$/,
      handle: (match) => {
        const cluster = clusterOr404(match[1] ?? '');
        return Promise.resolve([200, { injection: agentsOr409().injection(cluster.uuid) }]);
      },
    },
    {
      method: 'PUT',
      pattern: /^\/sim\/clusters\/([^/]+)\/agent$/,
      handle: async (match, request) => {
        const cluster = clusterOr404(match[1] ?? '');
        const input = parseBody(agentInjectionSchema, await readJson(request));
        return [200, { injection: agentsOr409().setInjection(cluster.uuid, input) }];
      },
    },
    {
      method: 'GET',
      pattern: /^\/sim\/agents$/,
      handle: (_match, request) => {
        const agents = deps.agents ?? null;
        const limit = Math.max(
          0,
          Math.min(10_000, Number(queryOf(request).get('limit') ?? 100) || 0),
        );
        return Promise.resolve([
          200,
          agents
            ? { enabled: true, stats: agents.stats(), agents: agents.list().slice(0, limit) }
            : { enabled: false, stats: null, agents: [] },
        ]);
      },
    },
    {
      method: 'GET',
      pattern: /^\/sim\/faults$/,
      handle: () => Promise.resolve([200, { faults: deps.faults.list() }]),
    },
    {
      method: 'POST',
      pattern: /^\/sim\/faults$/,
      handle: async (_match, request) => {
        const input = parseBody(faultSchema, await readJson(request));
        return [201, { fault: deps.faults.add(input) }];
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/sim\/faults$/,
      handle: () => Promise.resolve([200, { cleared: deps.faults.clear() }]),
    },
  ];

  return (request, response) => {
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      response.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      });
      response.end(text);
    };
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const matching = routes.filter((route) => route.pattern.test(path));
    const route = matching.find((candidate) => candidate.method === request.method);
    if (!route) {
      if (matching.length > 0) {
        response.setHeader('allow', matching.map((candidate) => candidate.method).join(', '));
        send(405, {
          error: {
            code: 'METHOD_NOT_ALLOWED',
            message: `${request.method ?? ''} ${path} is not supported`,
          },
        });
      } else {
        send(404, { error: { code: 'NOT_FOUND', message: `no route ${path}` } });
      }
      return;
    }
    const match = route.pattern.exec(path);
    if (!match) {
      send(404, { error: { code: 'NOT_FOUND', message: `no route ${path}` } });
      return;
    }
    // Through a promise so that a handler throwing synchronously still gets an error response.
    new Promise<[number, unknown]>((resolve) => resolve(route.handle(match, request))).then(
      ([status, body]) => send(status, body),
      (error: unknown) => {
        if (error instanceof HttpError) {
          send(error.status, {
            error: {
              code: error.code,
              message: error.message,
              ...(error.details === undefined ? {} : { details: error.details }),
            },
          });
        } else {
          send(500, { error: { code: 'INTERNAL', message: (error as Error).message } });
        }
      },
    );
  };
}
