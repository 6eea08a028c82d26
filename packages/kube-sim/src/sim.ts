// One virtual cluster's Kubernetes API, in memory: discovery, CRUD, patch, watch, logs, exec, and
// a deployment controller that keeps each deployment's pods.
import { createHash, randomBytes } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';

import { type WebSocket, WebSocketServer } from 'ws';
import { parse as parseYaml } from 'yaml';

import { alreadyExists, badRequest, conflict, invalid, KubeError, notFound } from './errors.js';
import { EXEC_PROTOCOLS, runExecSession } from './exec.js';
import { openApiV3, openApiV3Root } from './openapi.js';
import { jsonPatch, mergePatch, PatchError, strategicMergePatch } from './patch.js';
import {
  apiResourceList,
  apiVersionOf,
  findResource,
  type ResourceDef,
  RESOURCES,
} from './resources.js';
import { parseFieldSelector, parseLabelSelector, SelectorError } from './selectors.js';
import { type Change, clone, type KubeObject, ObjectStore } from './store.js';
import { toTable, wantsTable } from './tables.js';

/** A node of the virtual cluster. */
export type KubeSimNode = { name: string; role: 'master' | 'worker' };

/** Who a request is made as: the impersonation headers, when any. */
export type KubeSimIdentity = { user: string | null; groups: string[] };

/** What a request asks to do, for an authorizer. */
export type KubeSimAttributes = KubeSimIdentity & {
  verb: string;
  resource: string;
  subresource: string | null;
  namespace: string | null;
  name: string | null;
};

/** Options of {@link createKubeSim}. */
export type KubeSimOptions = {
  clusterName: string;
  /** Worker nodes when `nodes` is not given (plus one master). Default 2. */
  nodeCount?: number;
  /** The nodes, overriding `nodeCount`. */
  nodes?: KubeSimNode[];
  /** Kubernetes version reported by `/version` and the nodes. Default 1.32.4. */
  kubernetesVersion?: string;
  /** How often a followed log gets a new line. Default 1000 ms. */
  logIntervalMs?: number;
  /** Seed the sample workloads (an nginx deployment, a service, a config map...). Default true. */
  seed?: boolean;
  /** Decides whether a request may proceed (default: everything is allowed). */
  authorize?: (attributes: KubeSimAttributes) => boolean;
};

/** A recorded request (the last 200 are kept): what tests check impersonation with. */
export type KubeSimRequestRecord = KubeSimIdentity & {
  method: string;
  path: string;
  status: number;
};

/** The simulated API of one cluster. */
export type KubeSim = {
  readonly clusterName: string;
  /** Answers one HTTP request whose URL is a Kubernetes API path. */
  handle(request: http.IncomingMessage, response: http.ServerResponse): void;
  /** Answers an upgrade (exec over WebSocket). */
  handleUpgrade(request: http.IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Makes the nodes match (the simulator's converge adds or removes nodes). */
  syncNodes(nodes: KubeSimNode[]): void;
  /** The object store (tests and the simulator read it). */
  readonly store: ObjectStore;
  /** The last requests, newest last. */
  readonly requests: readonly KubeSimRequestRecord[];
  /** Ends watches, log follows and exec sessions. */
  close(): void;
};

const MAX_BODY = 3 * 1024 * 1024;

type Route = {
  def: ResourceDef;
  namespace: string | null;
  name: string | null;
  subresource: string | null;
};

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

function shortHash(text: string, length = 10): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const bytes = createHash('sha256').update(text).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[(bytes[i] ?? 0) % alphabet.length];
  return out;
}

function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...randomBytes(5)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Creates the simulated API of one cluster. */
export function createKubeSim(options: KubeSimOptions): KubeSim {
  const store = new ObjectStore();
  const version = options.kubernetesVersion ?? '1.32.4';
  const logIntervalMs = options.logIntervalMs ?? 1000;
  const requests: KubeSimRequestRecord[] = [];
  const openStreams = new Set<() => void>();
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) =>
      EXEC_PROTOCOLS.find((protocol) => protocols.has(protocol)) ?? false,
  });
  let podIp = 0;
  let serviceIp = 0;

  const def = (plural: string): ResourceDef => {
    const found = RESOURCES.find((candidate) => candidate.plural === plural);
    if (!found) throw new Error(`unknown resource ${plural}`);
    return found;
  };

  // --- object defaults and controllers -------------------------------------------------------

  // apiVersion and kind first, as the real API writes them.
  const withType = (resource: ResourceDef, object: KubeObject): KubeObject => {
    const { apiVersion: _apiVersion, kind: _kind, ...rest } = object;
    return { apiVersion: apiVersionOf(resource), kind: resource.kind, ...rest };
  };

  const nodeNames = () => store.list('nodes', null).map((node) => node.metadata.name ?? '');
  const schedulable = () => {
    const nodes = store.list('nodes', null);
    const workers = nodes.filter(
      (node) => !('node-role.kubernetes.io/control-plane' in (node.metadata.labels ?? {})),
    );
    return (workers.length > 0 ? workers : nodes).map((node) => node.metadata.name ?? '');
  };

  const defaults = (resource: ResourceDef, object: KubeObject): KubeObject => {
    if (resource.plural === 'pods') {
      const spec = isRecord(object.spec) ? object.spec : {};
      const containers = Array.isArray(spec.containers)
        ? (spec.containers as Record<string, unknown>[])
        : [];
      if (typeof spec.nodeName !== 'string') {
        const candidates = schedulable();
        const chosen =
          candidates[
            shortHash(object.metadata.name ?? '', 1).charCodeAt(0) % Math.max(1, candidates.length)
          ];
        if (chosen) spec.nodeName = chosen;
      }
      spec.restartPolicy ??= 'Always';
      object.spec = spec;
      if (!isRecord(object.status) || object.status.phase === undefined) {
        podIp++;
        const started = now();
        object.status = {
          phase: 'Running',
          conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
            type,
            status: 'True',
            lastTransitionTime: started,
          })),
          hostIP: '10.0.0.10',
          podIP: `10.244.${Math.floor(podIp / 250) % 250}.${(podIp % 250) + 2}`,
          startTime: started,
          containerStatuses: containers.map((container) => ({
            name: container.name,
            image: container.image,
            imageID: `${String(container.image as string)}@sha256:${createHash('sha256')
              .update(String(container.image as string))
              .digest('hex')}`,
            ready: true,
            started: true,
            restartCount: 0,
            state: { running: { startedAt: started } },
          })),
        };
      }
    }
    if (resource.plural === 'services') {
      const spec = isRecord(object.spec) ? object.spec : {};
      spec.type ??= 'ClusterIP';
      if (spec.clusterIP === undefined) {
        serviceIp++;
        spec.clusterIP = `10.96.${Math.floor(serviceIp / 250) % 250}.${(serviceIp % 250) + 10}`;
      }
      object.spec = spec;
    }
    if (resource.plural === 'namespaces') object.status ??= { phase: 'Active' };
    if (resource.plural === 'secrets') object.type ??= 'Opaque';
    if (resource.plural === 'deployments') {
      const spec = isRecord(object.spec) ? object.spec : {};
      spec.replicas ??= 1;
      object.spec = spec;
    }
    return object;
  };

  const recordEvent = (
    namespace: string,
    involved: KubeObject,
    kind: string,
    reason: string,
    message: string,
    source: string,
  ) => {
    const timestamp = now();
    store.create(def('events'), {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${involved.metadata.name ?? ''}.${randomBytes(8).toString('hex')}`,
        namespace,
      },
      involvedObject: {
        kind,
        namespace,
        name: involved.metadata.name,
        uid: involved.metadata.uid,
        apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1',
      },
      reason,
      message,
      type: 'Normal',
      source: { component: source },
      firstTimestamp: timestamp,
      lastTimestamp: timestamp,
      count: 1,
    });
    const events = store.list('events', namespace);
    if (events.length > 300) {
      const oldest = events.sort(
        (a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion),
      );
      for (const event of oldest.slice(0, events.length - 300))
        store.delete('events', namespace, event.metadata.name ?? '');
    }
  };

  /** Keeps a deployment's pods: the desired count, all from its current template. */
  const reconcile = (namespace: string, name: string) => {
    const deployment = store.get('deployments', namespace, name);
    const owned = store
      .list('pods', namespace)
      .filter((pod) =>
        pod.metadata.ownerReferences?.some((ref) => ref.kind === 'Deployment' && ref.name === name),
      );
    if (!deployment) {
      for (const pod of owned) store.delete('pods', namespace, pod.metadata.name ?? '');
      return;
    }
    const spec = isRecord(deployment.spec) ? deployment.spec : {};
    const template = isRecord(spec.template) ? spec.template : {};
    const templateMeta = isRecord(template.metadata) ? template.metadata : {};
    const hash = shortHash(JSON.stringify(template));
    const desired = typeof spec.replicas === 'number' ? spec.replicas : 1;
    const current = owned.filter((pod) => pod.metadata.labels?.['pod-template-hash'] === hash);
    const stale = owned.filter((pod) => pod.metadata.labels?.['pod-template-hash'] !== hash);
    let changed = stale.length > 0;
    for (const pod of stale) store.delete('pods', namespace, pod.metadata.name ?? '');
    for (const pod of current.slice(desired)) {
      store.delete('pods', namespace, pod.metadata.name ?? '');
      changed = true;
    }
    for (let i = current.length; i < desired; i++) {
      changed = true;
      const podName = `${name}-${hash}-${randomSuffix()}`;
      const labels = {
        ...((templateMeta.labels as Record<string, string> | undefined) ?? {}),
        'pod-template-hash': hash,
      };
      const pod = store.create(
        def('pods'),
        defaults(def('pods'), {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: podName,
            namespace,
            labels,
            ...(templateMeta.annotations
              ? { annotations: templateMeta.annotations as Record<string, string> }
              : {}),
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'Deployment',
                name,
                uid: deployment.metadata.uid ?? '',
                controller: true,
              },
            ],
          },
          spec: clone(isRecord(template.spec) ? template.spec : { containers: [] }),
        }),
      );
      const node = (pod.spec as { nodeName?: string }).nodeName ?? '';
      recordEvent(
        namespace,
        pod,
        'Pod',
        'Scheduled',
        `Successfully assigned ${namespace}/${podName} to ${node}`,
        'default-scheduler',
      );
      for (const container of (pod.spec as { containers?: { name?: string; image?: string }[] })
        .containers ?? []) {
        recordEvent(
          namespace,
          pod,
          'Pod',
          'Pulled',
          `Container image "${container.image ?? ''}" already present on machine`,
          'kubelet',
        );
        recordEvent(
          namespace,
          pod,
          'Pod',
          'Started',
          `Started container ${container.name ?? ''}`,
          'kubelet',
        );
      }
    }
    if (changed) {
      recordEvent(
        namespace,
        deployment,
        'Deployment',
        'ScalingReplicaSet',
        `Scaled up replica set ${name}-${hash} to ${desired}`,
        'deployment-controller',
      );
    }
    const status = {
      observedGeneration: deployment.metadata.generation ?? 1,
      replicas: desired,
      updatedReplicas: desired,
      readyReplicas: desired,
      availableReplicas: desired,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        },
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${name}-${hash}" has successfully progressed.`,
        },
      ],
    };
    const previous = deployment.status;
    const comparable = (value: unknown) =>
      JSON.stringify(value, (key, inner: unknown) =>
        key === 'lastUpdateTime' || key === 'lastTransitionTime' ? undefined : inner,
      );
    if (comparable(previous) !== comparable(status)) {
      store.update(def('deployments'), { ...deployment, status });
    }
  };

  const afterWrite = (resource: ResourceDef, object: KubeObject, deleted: boolean) => {
    const namespace = object.metadata.namespace ?? '';
    const name = object.metadata.name ?? '';
    if (resource.plural === 'deployments') reconcile(namespace, name);
    if (resource.plural === 'pods' && deleted) {
      for (const ref of object.metadata.ownerReferences ?? []) {
        if (ref.kind === 'Deployment') reconcile(namespace, ref.name);
      }
    }
    if (resource.plural === 'namespaces' && deleted) {
      for (const inner of RESOURCES.filter((candidate) => candidate.namespaced)) {
        for (const item of store.list(inner.plural, name))
          store.delete(inner.plural, name, item.metadata.name ?? '');
      }
    }
  };

  // --- seeding ---------------------------------------------------------------------------------

  const nodeObject = (node: KubeSimNode): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels: {
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        ...(node.role === 'master'
          ? { 'node-role.kubernetes.io/control-plane': '', 'node.deckhouse.io/group': 'master' }
          : { 'node.deckhouse.io/group': 'worker' }),
      },
    },
    spec: {},
    status: {
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
        },
      ],
      addresses: [{ type: 'Hostname', address: node.name }],
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
      nodeInfo: {
        kubeletVersion: `v${version}`,
        osImage: 'Ubuntu 24.04 LTS',
        containerRuntimeVersion: 'containerd://1.7.24',
        architecture: 'amd64',
        operatingSystem: 'linux',
      },
    },
  });

  const syncNodes = (nodes: KubeSimNode[]) => {
    const wanted = new Set(nodes.map((node) => node.name));
    for (const name of nodeNames()) {
      if (!wanted.has(name)) store.delete('nodes', null, name);
    }
    for (const node of nodes) {
      if (!store.get('nodes', null, node.name)) store.create(def('nodes'), nodeObject(node));
    }
  };

  const seedObject = (plural: string, object: KubeObject) => {
    const resource = def(plural);
    const created = store.create(resource, defaults(resource, withType(resource, object)));
    afterWrite(resource, created, false);
  };

  syncNodes(
    options.nodes ?? [
      { name: `${options.clusterName}-master-0`, role: 'master' },
      ...Array.from({ length: options.nodeCount ?? 2 }, (_, index) => ({
        name: `${options.clusterName}-worker-${index}`,
        role: 'worker' as const,
      })),
    ],
  );
  for (const namespace of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    seedObject('namespaces', {
      metadata: { name: namespace, labels: { 'kubernetes.io/metadata.name': namespace } },
    });
    seedObject('configmaps', {
      metadata: { name: 'kube-root-ca.crt', namespace },
      data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\nsimulated\n-----END CERTIFICATE-----\n' },
    });
  }
  seedObject('deployments', {
    metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      template: {
        metadata: { labels: { 'k8s-app': 'kube-dns' } },
        spec: {
          containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.3' }],
        },
      },
    },
  });
  if (options.seed !== false) {
    seedObject('configmaps', {
      metadata: { name: 'web-config', namespace: 'default', labels: { app: 'web' } },
      data: { 'index.html': '<h1>Hello from the simulator</h1>\n', LOG_LEVEL: 'info' },
    });
    seedObject('secrets', {
      metadata: { name: 'web-credentials', namespace: 'default', labels: { app: 'web' } },
      type: 'Opaque',
      data: { password: Buffer.from(randomBytes(12).toString('hex')).toString('base64') },
    });
    seedObject('deployments', {
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'nginx',
                image: 'nginx:1.27',
                ports: [{ containerPort: 80, protocol: 'TCP' }],
                env: [{ name: 'LOG_LEVEL', value: 'info' }],
              },
            ],
          },
        },
      },
    });
    seedObject('services', {
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }] },
    });
  }

  // --- HTTP ------------------------------------------------------------------------------------

  const parseRoute = (segments: string[]): Route | null => {
    let group = '';
    let version = '';
    let rest: string[];
    if (segments[0] === 'api' && segments.length >= 3) {
      version = segments[1] ?? '';
      rest = segments.slice(2);
    } else if (segments[0] === 'apis' && segments.length >= 4) {
      group = segments[1] ?? '';
      version = segments[2] ?? '';
      rest = segments.slice(3);
    } else return null;
    let namespace: string | null = null;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1] ?? null;
      rest = rest.slice(2);
    }
    const resource = findResource(group, version, rest[0] ?? '');
    if (!resource || rest.length > 3) return null;
    if (namespace !== null && !resource.namespaced) return null;
    return { def: resource, namespace, name: rest[1] ?? null, subresource: rest[2] ?? null };
  };

  const identityOf = (request: http.IncomingMessage): KubeSimIdentity => {
    const user = request.headers['impersonate-user'];
    const groups = request.headers['impersonate-group'];
    return {
      user: typeof user === 'string' ? user : null,
      groups:
        groups === undefined
          ? []
          : Array.isArray(groups)
            ? groups
            : groups.split(',').map((group) => group.trim()),
    };
  };

  const remember = (request: http.IncomingMessage, path: string, status: number) => {
    requests.push({ ...identityOf(request), method: request.method ?? 'GET', path, status });
    if (requests.length > 200) requests.splice(0, requests.length - 200);
  };

  const readBody = (request: http.IncomingMessage): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      request.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) {
          // Answer at once; the rest of the body is read and dropped so the client sees the 413.
          chunks.length = 0;
          reject(new KubeError(413, 'RequestEntityTooLarge', 'the request body is too large'));
          return;
        }
        chunks.push(chunk);
      });
      request.on('end', () => resolve(Buffer.concat(chunks)));
      request.on('error', reject);
    });

  const parseBody = (raw: Buffer, contentType: string): unknown => {
    if (!/json|yaml/.test(contentType) && contentType !== '') {
      // kubectl sends protobuf first; a 415 makes client-go retry (and continue) with JSON.
      throw new KubeError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
      );
    }
    const text = raw.toString('utf8');
    try {
      if (/yaml/.test(contentType)) return parseYaml(text) as unknown;
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw badRequest(`the request body could not be decoded: ${(error as Error).message}`);
    }
  };

  const validate = (resource: ResourceDef, object: unknown, route: Route): KubeObject => {
    if (!isRecord(object) || !isRecord(object.metadata)) {
      throw invalid(resource.kind, '', [{ field: 'metadata', message: 'Required value' }]);
    }
    const candidate = object as KubeObject;
    if (candidate.kind !== undefined && candidate.kind !== resource.kind) {
      throw badRequest(
        `the kind ${String(candidate.kind)} does not match the resource ${resource.plural}`,
      );
    }
    if (resource.namespaced) {
      const namespace = candidate.metadata.namespace ?? route.namespace;
      if (route.namespace !== null && namespace !== route.namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      candidate.metadata.namespace = namespace ?? 'default';
    } else delete candidate.metadata.namespace;
    const name = candidate.metadata.name;
    if (typeof name !== 'string' || name === '') {
      throw invalid(resource.kind, '', [
        { field: 'metadata.name', message: 'Required value: name or generateName is required' },
      ]);
    }
    if (name.length > 253 || !NAME.test(name)) {
      throw invalid(resource.kind, name, [
        {
          field: 'metadata.name',
          message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
        },
      ]);
    }
    if (resource.plural === 'configmaps' && candidate.data !== undefined) {
      if (
        !isRecord(candidate.data) ||
        Object.values(candidate.data).some((value) => typeof value !== 'string')
      ) {
        throw invalid(resource.kind, name, [
          { field: 'data', message: 'Invalid value: values must be strings' },
        ]);
      }
    }
    if (resource.plural === 'deployments') {
      const spec = isRecord(candidate.spec) ? candidate.spec : null;
      const template = spec && isRecord(spec.template) ? spec.template : null;
      const containers = template && isRecord(template.spec) ? template.spec.containers : undefined;
      if (!Array.isArray(containers) || containers.length === 0) {
        throw invalid(resource.kind, name, [
          { field: 'spec.template.spec.containers', message: 'Required value' },
        ]);
      }
    }
    if (resource.plural === 'pods') {
      const containers = isRecord(candidate.spec) ? candidate.spec.containers : undefined;
      if (!Array.isArray(containers) || containers.length === 0) {
        throw invalid(resource.kind, name, [
          { field: 'spec.containers', message: 'Required value' },
        ]);
      }
    }
    if (resource.namespaced && !store.get('namespaces', null, candidate.metadata.namespace ?? '')) {
      throw new KubeError(
        404,
        'NotFound',
        `namespaces "${candidate.metadata.namespace ?? ''}" not found`,
        {
          name: candidate.metadata.namespace,
          kind: 'namespaces',
        },
      );
    }
    return withType(resource, candidate);
  };

  const sendJson = (response: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    response.end(text);
  };

  const listKind = (resource: ResourceDef) => `${resource.kind}List`;

  const doList = (
    request: http.IncomingMessage,
    response: http.ServerResponse,
    route: Route,
    query: URLSearchParams,
  ) => {
    const labels = parseLabelSelector(query.get('labelSelector'));
    const fields = parseFieldSelector(query.get('fieldSelector'));
    const items = store
      .list(route.def.plural, route.namespace)
      .filter((item) => labels(item) && fields(item))
      .map((item) => withType(route.def, item));
    const rv = String(store.resourceVersion);
    if (wantsTable(request.headers.accept)) {
      sendJson(
        response,
        200,
        toTable(route.def, items, rv, query.get('includeObject') ?? 'Metadata'),
      );
      return 200;
    }
    sendJson(response, 200, {
      kind: listKind(route.def),
      apiVersion: apiVersionOf(route.def),
      metadata: { resourceVersion: rv },
      items,
    });
    return 200;
  };

  const doWatch = (
    request: http.IncomingMessage,
    response: http.ServerResponse,
    route: Route,
    query: URLSearchParams,
  ) => {
    const labels = parseLabelSelector(query.get('labelSelector'));
    const fields = parseFieldSelector(query.get('fieldSelector'));
    const table = wantsTable(request.headers.accept);
    const include = query.get('includeObject') ?? 'Metadata';
    const rvText = query.get('resourceVersion');
    const since = rvText === null || rvText === '' || rvText === '0' ? null : Number(rvText);
    if (since !== null && !Number.isInteger(since))
      throw badRequest(`invalid resourceVersion ${JSON.stringify(rvText)}`);
    const name = route.name;
    const filter = (object: KubeObject) =>
      labels(object) && fields(object) && (name === null || object.metadata.name === name);

    response.writeHead(200, {
      'content-type': 'application/json',
      'transfer-encoding': 'chunked',
      'cache-control': 'no-cache',
    });
    response.flushHeaders();
    const write = (type: string, object: KubeObject) => {
      const typed = withType(route.def, object);
      const payload = table
        ? toTable(route.def, [typed], typed.metadata.resourceVersion ?? '', include)
        : typed;
      response.write(`${JSON.stringify({ type, object: payload })}\n`);
    };
    // Like the real API: an object modified into the selection is ADDED for this watch, one
    // modified out of it is DELETED.
    const deliver = (change: Change) => {
      const matchesNow = filter(change.object);
      if (change.type !== 'MODIFIED' || !change.previous) {
        if (matchesNow) write(change.type, change.object);
        return;
      }
      const matchedBefore = filter(change.previous);
      if (matchedBefore && matchesNow) write('MODIFIED', change.object);
      else if (matchesNow) write('ADDED', change.object);
      else if (matchedBefore) write('DELETED', change.object);
    };
    const pending: Change[] = [];
    let ready = false;
    const unwatch = store.watch(
      {
        plural: route.def.plural,
        namespace: route.namespace,
        send: (change) => {
          if (ready) deliver(change);
          else pending.push(change);
        },
      },
      since,
    );
    if (!unwatch) {
      const gone = new KubeError(
        410,
        'Expired',
        `too old resource version: ${since ?? ''} (${store.oldestResumable})`,
      );
      response.end(`${JSON.stringify({ type: 'ERROR', object: gone.toStatus() })}\n`);
      return 200;
    }
    if (since === null) {
      for (const object of store.list(route.def.plural, route.namespace)) {
        if (filter(object)) write('ADDED', object);
      }
    }
    ready = true;
    for (const change of pending.splice(0)) deliver(change);

    const bookmarks =
      query.get('allowWatchBookmarks') === 'true'
        ? setInterval(() => {
            response.write(
              `${JSON.stringify({ type: 'BOOKMARK', object: { kind: route.def.kind, apiVersion: apiVersionOf(route.def), metadata: { resourceVersion: String(store.resourceVersion) } } })}\n`,
            );
          }, 30_000)
        : null;
    const timeoutSeconds = Number(query.get('timeoutSeconds') ?? '0');
    const timeout = timeoutSeconds > 0 ? setTimeout(() => stop(), timeoutSeconds * 1000) : null;
    const stop = () => {
      unwatch();
      if (bookmarks) clearInterval(bookmarks);
      if (timeout) clearTimeout(timeout);
      openStreams.delete(stop);
      if (!response.writableEnded) response.end();
    };
    openStreams.add(stop);
    response.on('close', stop);
    return 200;
  };

  const podOf = (route: Route): KubeObject => {
    const pod = store.get('pods', route.namespace, route.name ?? '');
    if (!pod) throw notFound('pods', '', route.name ?? '');
    return pod;
  };

  const containerOf = (pod: KubeObject, requested: string | null): string => {
    const containers = (
      (pod.spec as { containers?: { name: string }[] } | undefined)?.containers ?? []
    ).map((c) => c.name);
    if (requested) {
      if (!containers.includes(requested)) {
        throw badRequest(`container ${requested} is not valid for pod ${pod.metadata.name ?? ''}`);
      }
      return requested;
    }
    if (containers.length === 1 && containers[0]) return containers[0];
    throw badRequest(
      `a container name must be specified for pod ${pod.metadata.name ?? ''}, choose one of: [${containers.join(' ')}]`,
    );
  };

  /** Line `index` of a container's log: deterministic, so a later read sees the same lines. */
  const logLine = (
    pod: KubeObject,
    container: string,
    index: number,
    timestamps: boolean,
  ): string => {
    const start = Date.parse(pod.metadata.creationTimestamp ?? now());
    const at = new Date(start + index * logIntervalMs);
    const messages = [
      `starting ${container}`,
      `configuration loaded`,
      `listening on :80`,
      `GET / 200 ${(index * 7) % 97} bytes`,
      `GET /healthz 200`,
      `worker ${index % 4} heartbeat`,
    ];
    const text = `${at.toISOString()} INFO ${messages[index < 3 ? index : 3 + (index % 3)] ?? ''} (line ${index + 1})`;
    return timestamps ? `${at.toISOString()} ${text}\n` : `${text}\n`;
  };

  const doLog = (response: http.ServerResponse, route: Route, query: URLSearchParams) => {
    const pod = podOf(route);
    const container = containerOf(pod, query.get('container'));
    const timestamps = query.get('timestamps') === 'true';
    const start = Date.parse(pod.metadata.creationTimestamp ?? now());
    const available = () => 3 + Math.max(0, Math.floor((Date.now() - start) / logIntervalMs));
    const total = Math.min(available(), 100_000);
    const tailText = query.get('tailLines');
    const tail = tailText === null ? null : Math.max(0, Number.parseInt(tailText, 10) || 0);
    const first = Math.max(0, tail === null ? total - 1000 : total - tail);
    response.writeHead(200, {
      'content-type': 'text/plain',
      'transfer-encoding': 'chunked',
      'cache-control': 'no-cache',
    });
    let text = '';
    for (let i = first; i < total; i++) text += logLine(pod, container, i, timestamps);
    if (query.get('follow') !== 'true') {
      response.end(text);
      return 200;
    }
    response.write(text);
    let next = total;
    const timer = setInterval(() => {
      const still = store.get('pods', route.namespace, route.name ?? '');
      if (!still || still.metadata.uid !== pod.metadata.uid) {
        stop();
        return;
      }
      const upTo = available();
      let chunk = '';
      for (; next < upTo; next++) chunk += logLine(pod, container, next, timestamps);
      if (chunk) response.write(chunk);
    }, logIntervalMs);
    const stop = () => {
      clearInterval(timer);
      openStreams.delete(stop);
      if (!response.writableEnded) response.end();
    };
    openStreams.add(stop);
    response.on('close', stop);
    return 200;
  };

  const dryRunOf = (query: URLSearchParams) => {
    const value = query.get('dryRun');
    if (value !== null && value !== 'All')
      throw badRequest(`unsupported dryRun value ${JSON.stringify(value)}`);
    return value === 'All';
  };

  const doCreate = async (
    request: http.IncomingMessage,
    response: http.ServerResponse,
    route: Route,
    query: URLSearchParams,
  ) => {
    const dryRun = dryRunOf(query);
    const body = parseBody(await readBody(request), request.headers['content-type'] ?? '');
    if (
      isRecord(body) &&
      isRecord(body.metadata) &&
      !body.metadata.name &&
      typeof body.metadata.generateName === 'string'
    ) {
      body.metadata.name = `${body.metadata.generateName}${randomSuffix()}`;
    }
    const object = validate(route.def, body, route);
    if (
      store.get(route.def.plural, object.metadata.namespace ?? null, object.metadata.name ?? '')
    ) {
      throw alreadyExists(route.def.plural, route.def.group, object.metadata.name ?? '');
    }
    delete object.metadata.resourceVersion;
    delete object.metadata.uid;
    delete object.metadata.creationTimestamp;
    const prepared = defaults(route.def, object);
    if (dryRun) {
      sendJson(response, 201, {
        ...prepared,
        metadata: { ...prepared.metadata, creationTimestamp: now(), uid: 'dry-run' },
      });
      return 201;
    }
    const created = store.create(route.def, prepared);
    afterWrite(route.def, created, false);
    sendJson(
      response,
      201,
      withType(
        route.def,
        store.get(
          route.def.plural,
          created.metadata.namespace ?? null,
          created.metadata.name ?? '',
        ) ?? created,
      ),
    );
    return 201;
  };

  const save = (
    route: Route,
    existing: KubeObject,
    next: KubeObject,
    dryRun: boolean,
    response: http.ServerResponse,
  ) => {
    next.metadata.uid = existing.metadata.uid;
    next.metadata.creationTimestamp = existing.metadata.creationTimestamp;
    if (route.def.plural === 'pods' || route.def.plural === 'deployments')
      next.status ??= existing.status;
    const prepared = defaults(route.def, next);
    if (dryRun) {
      sendJson(response, 200, {
        ...prepared,
        metadata: { ...prepared.metadata, resourceVersion: existing.metadata.resourceVersion },
      });
      return 200;
    }
    const updated = store.update(route.def, prepared);
    afterWrite(route.def, updated, false);
    sendJson(
      response,
      200,
      withType(
        route.def,
        store.get(
          route.def.plural,
          updated.metadata.namespace ?? null,
          updated.metadata.name ?? '',
        ) ?? updated,
      ),
    );
    return 200;
  };

  const doUpdate = async (
    request: http.IncomingMessage,
    response: http.ServerResponse,
    route: Route,
    query: URLSearchParams,
  ) => {
    const dryRun = dryRunOf(query);
    const body = parseBody(await readBody(request), request.headers['content-type'] ?? '');
    const object = validate(route.def, body, route);
    if (object.metadata.name !== route.name)
      throw badRequest('the name of the object does not match the name on the URL');
    const existing = store.get(route.def.plural, route.namespace, route.name ?? '');
    if (!existing) throw notFound(route.def.plural, route.def.group, route.name ?? '');
    const rv = object.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== existing.metadata.resourceVersion) {
      throw conflict(route.def.plural, route.def.group, route.name ?? '');
    }
    return save(route, existing, object, dryRun, response);
  };

  const doPatch = async (
    request: http.IncomingMessage,
    response: http.ServerResponse,
    route: Route,
    query: URLSearchParams,
  ) => {
    const dryRun = dryRunOf(query);
    const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    const raw = await readBody(request);
    const patch = parseBody(raw, contentType);
    const existing = store.get(route.def.plural, route.namespace, route.name ?? '');
    let next: unknown;
    if (contentType === 'application/apply-patch+yaml') {
      if (!query.get('fieldManager')) throw badRequest('PATCH with apply requires a fieldManager');
      if (!isRecord(patch)) throw badRequest('an apply patch is an object');
      if (!existing) {
        const object = validate(
          route.def,
          {
            ...patch,
            metadata: { ...(isRecord(patch.metadata) ? patch.metadata : {}), name: route.name },
          },
          route,
        );
        const prepared = defaults(route.def, object);
        if (dryRun) {
          sendJson(response, 201, prepared);
          return 201;
        }
        const created = store.create(route.def, prepared);
        afterWrite(route.def, created, false);
        sendJson(
          response,
          201,
          withType(
            route.def,
            store.get(
              route.def.plural,
              created.metadata.namespace ?? null,
              created.metadata.name ?? '',
            ) ?? created,
          ),
        );
        return 201;
      }
      next = strategicMergePatch(existing, patch);
    } else {
      if (!existing) throw notFound(route.def.plural, route.def.group, route.name ?? '');
      try {
        if (contentType === 'application/merge-patch+json') next = mergePatch(existing, patch);
        else if (contentType === 'application/strategic-merge-patch+json')
          next = strategicMergePatch(existing, patch);
        else if (contentType === 'application/json-patch+json') next = jsonPatch(existing, patch);
        else
          throw new KubeError(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
          );
      } catch (error) {
        if (error instanceof PatchError) throw new KubeError(422, 'Invalid', error.message);
        throw error;
      }
    }
    const object = validate(route.def, next, route);
    if (object.metadata.name !== route.name)
      throw badRequest('the name of the object cannot be changed');
    const rv = object.metadata.resourceVersion;
    if (rv !== undefined && rv !== existing.metadata.resourceVersion) {
      throw conflict(route.def.plural, route.def.group, route.name ?? '');
    }
    return save(route, existing, object, dryRun, response);
  };

  const doDelete = (response: http.ServerResponse, route: Route, query: URLSearchParams) => {
    const dryRun = dryRunOf(query);
    const names =
      route.name !== null
        ? [route.name]
        : store
            .list(route.def.plural, route.namespace)
            .filter(
              (item) =>
                parseLabelSelector(query.get('labelSelector'))(item) &&
                parseFieldSelector(query.get('fieldSelector'))(item),
            )
            .map((item) => item.metadata.name ?? '');
    const deleted: KubeObject[] = [];
    for (const name of names) {
      const existing = store.get(route.def.plural, route.namespace, name);
      if (!existing) throw notFound(route.def.plural, route.def.group, name);
      if (dryRun) {
        deleted.push(existing);
        continue;
      }
      const removed = store.delete(route.def.plural, route.namespace, name);
      if (removed) {
        afterWrite(route.def, removed, true);
        deleted.push(removed);
      }
    }
    if (route.name !== null) {
      sendJson(response, 200, withType(route.def, deleted[0] ?? { metadata: {} }));
    } else {
      sendJson(response, 200, {
        kind: listKind(route.def),
        apiVersion: apiVersionOf(route.def),
        metadata: { resourceVersion: String(store.resourceVersion) },
        items: deleted.map((item) => withType(route.def, item)),
      });
    }
    return 200;
  };

  /** `deployments/scale`: an `autoscaling/v1` Scale (what `kubectl scale` reads and patches). */
  const doScale = async (
    request: http.IncomingMessage,
    response: http.ServerResponse,
    route: Route,
    query: URLSearchParams,
  ) => {
    const existing = store.get('deployments', route.namespace, route.name ?? '');
    if (!existing) throw notFound('deployments', 'apps', route.name ?? '');
    const scaleOf = (deployment: KubeObject) => ({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: deployment.metadata.name,
        namespace: deployment.metadata.namespace,
        uid: deployment.metadata.uid,
        resourceVersion: deployment.metadata.resourceVersion,
        creationTimestamp: deployment.metadata.creationTimestamp,
      },
      spec: { replicas: (deployment.spec as { replicas?: number }).replicas ?? 1 },
      status: {
        replicas: (deployment.status as { replicas?: number } | undefined)?.replicas ?? 0,
        selector: Object.entries(
          (deployment.spec as { selector?: { matchLabels?: Record<string, string> } }).selector
            ?.matchLabels ?? {},
        )
          .map(([key, value]) => `${key}=${value}`)
          .join(','),
      },
    });
    if (request.method === 'GET') {
      sendJson(response, 200, scaleOf(existing));
      return 200;
    }
    if (request.method !== 'PUT' && request.method !== 'PATCH') {
      throw new KubeError(
        405,
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
      );
    }
    const dryRun = dryRunOf(query);
    const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    const body = parseBody(await readBody(request), contentType);
    const current = scaleOf(existing);
    const next = (
      request.method === 'PUT'
        ? body
        : contentType === 'application/json-patch+json'
          ? jsonPatch(current, body)
          : mergePatch(current, body)
    ) as { metadata?: { resourceVersion?: string }; spec?: { replicas?: unknown } };
    const replicas = next.spec?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw invalid('Scale', route.name ?? '', [
        { field: 'spec.replicas', message: 'Invalid value: must be a non-negative integer' },
      ]);
    }
    const rv = next.metadata?.resourceVersion;
    if (rv && rv !== existing.metadata.resourceVersion)
      throw conflict('deployments', 'apps', route.name ?? '');
    if (dryRun) {
      sendJson(response, 200, { ...current, spec: { replicas } });
      return 200;
    }
    const updated = store.update(def('deployments'), {
      ...existing,
      spec: { ...(existing.spec as object), replicas },
    });
    afterWrite(def('deployments'), updated, false);
    sendJson(
      response,
      200,
      scaleOf(store.get('deployments', route.namespace, route.name ?? '') ?? updated),
    );
    return 200;
  };

  const verbOf = (method: string, route: Route, query: URLSearchParams): string => {
    if (method === 'GET')
      return route.name === null
        ? query.get('watch') === 'true' || query.get('watch') === '1'
          ? 'watch'
          : 'list'
        : query.get('watch') === 'true' || query.get('watch') === '1'
          ? 'watch'
          : 'get';
    if (method === 'POST') return 'create';
    if (method === 'PUT') return 'update';
    if (method === 'PATCH') return 'patch';
    if (method === 'DELETE') return route.name === null ? 'deletecollection' : 'delete';
    return method.toLowerCase();
  };

  const authorize = (request: http.IncomingMessage, route: Route, verb: string) => {
    if (!options.authorize) return;
    const allowed = options.authorize({
      ...identityOf(request),
      verb,
      resource: route.def.plural,
      subresource: route.subresource,
      namespace: route.namespace,
      name: route.name,
    });
    if (!allowed) {
      const who = identityOf(request).user ?? 'system:anonymous';
      throw new KubeError(
        403,
        'Forbidden',
        `${route.def.plural}${route.def.group ? `.${route.def.group}` : ''}${route.name ? ` "${route.name}"` : ''} is forbidden: User "${who}" cannot ${verb} resource "${route.def.plural}" in API group "${route.def.group}"${route.namespace ? ` in the namespace "${route.namespace}"` : ''}`,
        {
          ...(route.name ? { name: route.name } : {}),
          group: route.def.group,
          kind: route.def.plural,
        },
      );
    }
  };

  const serve = async (
    request: http.IncomingMessage,
    response: http.ServerResponse,
    url: URL,
  ): Promise<number> => {
    const method = request.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const query = url.searchParams;
    // Discovery and OpenAPI.
    if (method === 'GET') {
      if (path === '/version') {
        const [major = '1', minor = '32'] = version.split('.');
        sendJson(response, 200, {
          major,
          minor,
          gitVersion: `v${version}`,
          gitCommit: '0000000000000000000000000000000000000000',
          gitTreeState: 'clean',
          buildDate: '2026-01-01T00:00:00Z',
          goVersion: 'go1.23.6',
          compiler: 'gc',
          platform: 'linux/amd64',
        });
        return 200;
      }
      if (path === '/api') {
        sendJson(response, 200, {
          kind: 'APIVersions',
          versions: ['v1'],
          serverAddressByClientCIDRs: [
            { clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' },
          ],
        });
        return 200;
      }
      if (path === '/apis') {
        sendJson(response, 200, {
          kind: 'APIGroupList',
          apiVersion: 'v1',
          groups: [
            {
              name: 'apps',
              versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
              preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
            },
          ],
        });
        return 200;
      }
      if (path === '/apis/apps') {
        sendJson(response, 200, {
          kind: 'APIGroup',
          apiVersion: 'v1',
          name: 'apps',
          versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
          preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
        });
        return 200;
      }
      if (path === '/api/v1') {
        sendJson(response, 200, apiResourceList('', 'v1'));
        return 200;
      }
      if (path === '/apis/apps/v1') {
        sendJson(response, 200, apiResourceList('apps', 'v1'));
        return 200;
      }
      if (path === '/openapi/v2') {
        // An empty protobuf message: a valid, empty OpenAPI v2 document (see openapi.ts).
        response.writeHead(200, {
          'content-type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
          'content-length': 0,
        });
        response.end();
        return 200;
      }
      if (path === '/openapi/v3') {
        sendJson(response, 200, openApiV3Root());
        return 200;
      }
      const v3 = /^\/openapi\/v3\/(?:api\/(v1)|apis\/(apps)\/(v1))$/.exec(path);
      if (v3) {
        sendJson(response, 200, v3[1] ? openApiV3('', 'v1') : openApiV3(v3[2] ?? '', v3[3] ?? ''));
        return 200;
      }
      if (path === '/healthz' || path === '/readyz' || path === '/livez') {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end('ok');
        return 200;
      }
    }

    const route = parseRoute(
      path
        .split('/')
        .filter(Boolean)
        .map((part) => decodeURIComponent(part)),
    );
    if (!route)
      throw new KubeError(404, 'NotFound', 'the server could not find the requested resource', {});
    const verb = verbOf(method, route, query);
    authorize(request, route, route.subresource ? `${verb}` : verb);
    if (
      route.namespace !== null &&
      method === 'GET' &&
      !store.get('namespaces', null, route.namespace) &&
      route.name !== null
    ) {
      throw notFound(route.def.plural, route.def.group, route.name);
    }
    if (route.subresource !== null) {
      if (route.def.plural === 'pods' && route.subresource === 'log' && method === 'GET')
        return doLog(response, route, query);
      if (route.def.plural === 'pods' && route.subresource === 'exec') {
        podOf(route);
        throw badRequest('exec needs a WebSocket upgrade (v5.channel.k8s.io or v4.channel.k8s.io)');
      }
      if (route.def.plural === 'deployments' && route.subresource === 'scale')
        return doScale(request, response, route, query);
      if (route.subresource === 'status' && method === 'GET') {
        const object = store.get(route.def.plural, route.namespace, route.name ?? '');
        if (!object) throw notFound(route.def.plural, route.def.group, route.name ?? '');
        sendJson(response, 200, withType(route.def, object));
        return 200;
      }
      throw new KubeError(404, 'NotFound', 'the server could not find the requested resource', {});
    }
    const watching = query.get('watch') === 'true' || query.get('watch') === '1';
    switch (method) {
      case 'GET':
        if (watching) return doWatch(request, response, route, query);
        if (route.name === null) return doList(request, response, route, query);
        {
          const object = store.get(route.def.plural, route.namespace, route.name);
          if (!object) throw notFound(route.def.plural, route.def.group, route.name);
          if (wantsTable(request.headers.accept)) {
            sendJson(
              response,
              200,
              toTable(
                route.def,
                [withType(route.def, object)],
                object.metadata.resourceVersion ?? '',
                query.get('includeObject') ?? 'Metadata',
              ),
            );
          } else sendJson(response, 200, withType(route.def, object));
          return 200;
        }
      case 'POST':
        if (route.name !== null)
          throw new KubeError(
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource',
          );
        return doCreate(request, response, route, query);
      case 'PUT':
        if (route.name === null)
          throw new KubeError(
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource',
          );
        return doUpdate(request, response, route, query);
      case 'PATCH':
        if (route.name === null)
          throw new KubeError(
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource',
          );
        return doPatch(request, response, route, query);
      case 'DELETE':
        return doDelete(response, route, query);
      default:
        throw new KubeError(
          405,
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource',
        );
    }
  };

  const handle = (request: http.IncomingMessage, response: http.ServerResponse) => {
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://kube-sim');
    } catch {
      sendJson(response, 400, badRequest('invalid URL').toStatus());
      return;
    }
    serve(request, response, url).then(
      (status) => remember(request, url.pathname, status),
      (error: unknown) => {
        const kubeError =
          error instanceof KubeError
            ? error
            : error instanceof SelectorError
              ? badRequest(error.message)
              : new KubeError(
                  500,
                  'InternalError',
                  'an error on the server has prevented the request from succeeding',
                );
        remember(request, url.pathname, kubeError.code);
        if (response.headersSent) {
          response.end();
          return;
        }
        sendJson(response, kubeError.code, kubeError.toStatus());
      },
    );
  };

  const refuseUpgrade = (socket: Duplex, error: KubeError) => {
    const body = JSON.stringify(error.toStatus());
    socket.end(
      `HTTP/1.1 ${error.code} ${error.reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  };

  const sessions = new Set<WebSocket>();

  const handleUpgrade = (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://kube-sim');
      const route = parseRoute(
        url.pathname
          .split('/')
          .filter(Boolean)
          .map((part) => decodeURIComponent(part)),
      );
      if (
        !route ||
        route.def.plural !== 'pods' ||
        route.subresource !== 'exec' ||
        route.name === null
      ) {
        throw new KubeError(
          404,
          'NotFound',
          'the server could not find the requested resource',
          {},
        );
      }
      authorize(request, route, 'create');
      const pod = podOf(route);
      const container = containerOf(pod, url.searchParams.get('container'));
      const command = url.searchParams.getAll('command');
      if (command.length === 0) throw badRequest('you must specify at least 1 command');
      const offered = (request.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((item) => item.trim());
      if (!EXEC_PROTOCOLS.some((protocol) => offered.includes(protocol))) {
        throw badRequest(
          `none of the offered subprotocols is supported; use one of ${EXEC_PROTOCOLS.join(', ')}`,
        );
      }
      const containerSpec = (
        (pod.spec as { containers?: { name: string; env?: { name: string; value?: string }[] }[] })
          .containers ?? []
      ).find((candidate) => candidate.name === container);
      const env: Record<string, string> = {
        PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        HOSTNAME: pod.metadata.name ?? '',
        HOME: '/root',
        KUBERNETES_SERVICE_HOST: '10.96.0.1',
        KUBERNETES_SERVICE_PORT: '443',
      };
      for (const variable of containerSpec?.env ?? []) env[variable.name] = variable.value ?? '';
      remember(request, url.pathname, 101);
      wss.handleUpgrade(request, socket, head, (ws) => {
        sessions.add(ws);
        ws.on('close', () => sessions.delete(ws));
        runExecSession(ws, {
          command,
          tty: url.searchParams.get('tty') === 'true',
          stdin: url.searchParams.get('stdin') === 'true',
          hostname: pod.metadata.name ?? '',
          env,
        });
      });
    } catch (error) {
      refuseUpgrade(
        socket,
        error instanceof KubeError
          ? error
          : new KubeError(
              500,
              'InternalError',
              'an error on the server has prevented the request from succeeding',
            ),
      );
    }
  };

  return {
    clusterName: options.clusterName,
    handle,
    handleUpgrade,
    syncNodes,
    store,
    requests,
    close() {
      for (const stop of [...openStreams]) stop();
      for (const session of sessions) session.terminate();
      wss.close();
    },
  };
}
