// A small fake Kubernetes API server (node:http) for the agent's tests: discovery, GET/LIST
// with labelSelector, server-side apply (applied fields deep-merged: good enough), JSON merge
// patch, POST, DELETE and /version, for the kinds the tests use. Objects live in memory.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A stored object. */
export type FakeObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
};

type ResourceType = {
  groupVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  /** Read-only types (metrics) reject writes. */
  readOnly?: boolean;
};

const TYPES: ResourceType[] = [
  { groupVersion: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
  { groupVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true },
  { groupVersion: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true },
  { groupVersion: 'v1', kind: 'Node', plural: 'nodes', namespaced: false },
  { groupVersion: 'v1', kind: 'PersistentVolume', plural: 'persistentvolumes', namespaced: false },
  { groupVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments', namespaced: true },
  { groupVersion: 'apps/v1', kind: 'DaemonSet', plural: 'daemonsets', namespaced: true },
  {
    groupVersion: 'deckhouse.io/v1alpha1',
    kind: 'ModuleConfig',
    plural: 'moduleconfigs',
    namespaced: false,
  },
  {
    groupVersion: 'deckhouse.io/v1alpha1',
    kind: 'DeckhouseRelease',
    plural: 'deckhousereleases',
    namespaced: false,
  },
  {
    groupVersion: 'metrics.k8s.io/v1beta1',
    kind: 'NodeMetrics',
    plural: 'nodes',
    namespaced: false,
    readOnly: true,
  },
];

/** One request the fake answered. */
export type FakeKubeRequest = {
  method: string;
  path: string;
  contentType: string | null;
  status: number;
  /** The Impersonate-User header, if any (requests through Commander's tunnel). */
  impersonateUser?: string | null;
};

/** A running fake Kubernetes API server. */
export type FakeKube = {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** The bearer token it expects. */
  token: string;
  requests: FakeKubeRequest[];
  /** Stores an object as is (test setup; no validation). */
  put(object: FakeObject): void;
  /** An object, or `undefined`. */
  get(kind: string, name: string, namespace?: string): FakeObject | undefined;
  /** Objects of a kind. */
  list(kind: string): FakeObject[];
  /** Removes an object behind the agent's back; returns whether it existed. */
  remove(kind: string, name: string, namespace?: string): boolean;
  /** Makes applies of `kind/name` fail with 422 and `message` until {@link FakeKube.allow}. */
  reject(kind: string, name: string, message: string): void;
  allow(kind: string, name: string): void;
  /** Makes every request fail with 503 while `true` (API server outage). */
  setDown(isDown: boolean): void;
  close(): Promise<void>;
};

function typeByKind(kind: string): ResourceType | undefined {
  return TYPES.find((type) => type.kind === kind && !type.readOnly);
}

function storeKey(type: ResourceType, namespace: string | undefined, name: string): string {
  return `${type.groupVersion}/${type.plural}/${namespace ?? ''}/${name}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Server-side apply, simplified: the applied configuration deep-merged over the live object. */
function deepMerge(target: unknown, patch: unknown): unknown {
  if (!isObject(target) || !isObject(patch)) {
    return structuredClone(patch);
  }
  const result: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    result[key] = deepMerge(target[key], value);
  }
  return result;
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) {
    return structuredClone(patch);
  }
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = mergePatch(result[key], value);
    }
  }
  return result;
}

/** `a=b,c!=d,e,!f` label selectors (equality-based and existence). */
function matchesSelector(
  labels: Record<string, string> | undefined,
  selector: string | null,
): boolean {
  if (!selector) {
    return true;
  }
  const actual = labels ?? {};
  return selector.split(',').every((term) => {
    const part = term.trim();
    if (part === '') {
      return true;
    }
    const notEqual = /^([^!=]+)!=(.*)$/.exec(part);
    if (notEqual) {
      return actual[notEqual[1] ?? ''] !== notEqual[2];
    }
    const equal = /^([^!=]+)==?(.*)$/.exec(part);
    if (equal) {
      return actual[equal[1] ?? ''] === equal[2];
    }
    if (part.startsWith('!')) {
      return !(part.slice(1) in actual);
    }
    return part in actual;
  });
}

function status(code: number, reason: string, message: string) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
}

/** Starts the fake on 127.0.0.1 and a random port. */
export async function startFakeKube(options: { gitVersion?: string } = {}): Promise<FakeKube> {
  const token = 'fake-kube-token';
  const objects = new Map<string, FakeObject>();
  const rejections = new Map<string, string>();
  const requests: FakeKubeRequest[] = [];
  let resourceVersion = 1;
  let isDown = false;

  const save = (type: ResourceType, object: FakeObject) => {
    // Like the real API server: stringData is write-only, merged into data as base64.
    if (type.kind === 'Secret' && typeof object.stringData === 'object' && object.stringData) {
      const data = { ...(object.data as Record<string, string> | undefined) };
      for (const [key, value] of Object.entries(object.stringData as Record<string, string>)) {
        data[key] = Buffer.from(String(value), 'utf8').toString('base64');
      }
      object.data = data;
      delete object.stringData;
    }
    resourceVersion += 1;
    object.metadata.resourceVersion = String(resourceVersion);
    object.metadata.uid ??= `uid-${resourceVersion}`;
    object.metadata.creationTimestamp ??= new Date().toISOString();
    objects.set(storeKey(type, object.metadata.namespace, object.metadata.name), object);
  };

  const handle = (
    method: string,
    url: URL,
    contentType: string | null,
    body: string,
  ): [number, unknown] => {
    const path = url.pathname.replace(/\/+$/, '');
    if (path === '/version') {
      const gitVersion = options.gitVersion ?? 'v1.31.4';
      const [major, minor] = gitVersion.replace(/^v/, '').split('.');
      return [200, { major, minor, gitVersion, platform: 'linux/amd64' }];
    }
    if (path === '/api') {
      return [200, { kind: 'APIVersions', versions: ['v1'] }];
    }
    const groupVersions = [...new Set(TYPES.map((type) => type.groupVersion))];
    if (path === '/apis') {
      const groups = groupVersions
        .filter((gv) => gv.includes('/'))
        .map((gv) => {
          const [name, version] = gv.split('/');
          const versionInfo = { groupVersion: gv, version };
          return { name, versions: [versionInfo], preferredVersion: versionInfo };
        });
      return [200, { kind: 'APIGroupList', apiVersion: 'v1', groups }];
    }
    const prefix = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))(\/.*)?$/.exec(path);
    if (!prefix) {
      return [404, status(404, 'NotFound', 'the server could not find the requested resource')];
    }
    const groupVersion = prefix[1] ?? prefix[2] ?? '';
    const rest = (prefix[3] ?? '').split('/').filter(Boolean);
    const types = TYPES.filter((type) => type.groupVersion === groupVersion);
    if (types.length === 0) {
      return [404, status(404, 'NotFound', 'the server could not find the requested resource')];
    }
    if (rest.length === 0) {
      if (method !== 'GET') {
        return [405, status(405, 'MethodNotAllowed', 'method not allowed')];
      }
      return [
        200,
        {
          kind: 'APIResourceList',
          apiVersion: 'v1',
          groupVersion,
          resources: types.map((type) => ({
            name: type.plural,
            singularName: type.kind.toLowerCase(),
            namespaced: type.namespaced,
            kind: type.kind,
            verbs: type.readOnly
              ? ['get', 'list']
              : ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
          })),
        },
      ];
    }
    // /namespaces/{ns}/{plural}[/{name}] or /{plural}[/{name}]
    let namespace: string | undefined;
    let plural: string;
    let name: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      plural = rest[2] ?? '';
      name = rest[3];
    } else {
      plural = rest[0] ?? '';
      name = rest[1];
    }
    const type = types.find((candidate) => candidate.plural === plural);
    if (!type || (namespace !== undefined && !type.namespaced)) {
      return [404, status(404, 'NotFound', 'the server could not find the requested resource')];
    }
    if (type.readOnly && method !== 'GET') {
      return [405, status(405, 'MethodNotAllowed', `${plural} is read-only`)];
    }
    const notFound = (): [number, unknown] => [
      404,
      status(404, 'NotFound', `${plural} "${name ?? ''}" not found`),
    ];

    if (name === undefined) {
      if (method === 'GET') {
        const selector = url.searchParams.get('labelSelector');
        const items = [...objects.values()].filter(
          (object) =>
            object.kind === type.kind &&
            object.apiVersion === type.groupVersion &&
            (namespace === undefined || object.metadata.namespace === namespace) &&
            matchesSelector(object.metadata.labels, selector),
        );
        return [
          200,
          {
            kind: `${type.kind}List`,
            apiVersion: type.groupVersion,
            metadata: { resourceVersion: String(resourceVersion) },
            items,
          },
        ];
      }
      if (method === 'POST') {
        const object = JSON.parse(body) as FakeObject;
        const objectName = object.metadata.name;
        if (objects.has(storeKey(type, namespace, objectName))) {
          return [409, status(409, 'AlreadyExists', `${plural} "${objectName}" already exists`)];
        }
        const created = { ...object, metadata: { ...object.metadata, namespace } };
        save(type, created);
        return [201, created];
      }
      return [405, status(405, 'MethodNotAllowed', 'method not allowed')];
    }

    const key = storeKey(type, namespace, name);
    const existing = objects.get(key);
    switch (method) {
      case 'GET':
        return existing ? [200, existing] : notFound();
      case 'DELETE': {
        if (!existing) {
          return notFound();
        }
        objects.delete(key);
        if (type.kind === 'Namespace') {
          for (const [otherKey, other] of objects) {
            if (other.metadata.namespace === name) {
              objects.delete(otherKey);
            }
          }
        }
        return [200, { kind: 'Status', apiVersion: 'v1', status: 'Success', details: { name } }];
      }
      case 'PATCH': {
        let patch: FakeObject;
        try {
          patch = JSON.parse(body) as FakeObject;
        } catch {
          return [400, status(400, 'BadRequest', 'the patch is not valid JSON')];
        }
        if (contentType === 'application/apply-patch+yaml') {
          if (!url.searchParams.get('fieldManager')) {
            return [400, status(400, 'BadRequest', 'fieldManager is required for apply patch')];
          }
          if (patch.kind !== type.kind || patch.metadata?.name !== name) {
            return [
              400,
              status(400, 'BadRequest', 'the name or kind of the object does not match the URL'),
            ];
          }
          const rejection = rejections.get(`${type.kind}/${name}`);
          if (rejection) {
            return [422, status(422, 'Invalid', `${type.kind} "${name}" is invalid: ${rejection}`)];
          }
          if (
            namespace !== undefined &&
            !objects.has(storeKey(typeByKind('Namespace') as ResourceType, undefined, namespace))
          ) {
            return [404, status(404, 'NotFound', `namespaces "${namespace}" not found`)];
          }
          const merged = deepMerge(existing ?? {}, patch) as FakeObject;
          merged.metadata.namespace = namespace;
          save(type, merged);
          return [existing ? 200 : 201, merged];
        }
        if (contentType === 'application/merge-patch+json') {
          if (!existing) {
            return notFound();
          }
          const merged = mergePatch(existing, patch) as FakeObject;
          save(type, merged);
          return [200, merged];
        }
        return [
          415,
          status(415, 'UnsupportedMediaType', `unsupported patch type ${contentType ?? ''}`),
        ];
      }
      default:
        return [405, status(405, 'MethodNotAllowed', 'method not allowed')];
    }
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const contentType = request.headers['content-type']?.split(';')[0]?.trim() ?? null;
      let result: [number, unknown];
      if (isDown) {
        result = [503, status(503, 'ServiceUnavailable', 'apiserver is down')];
      } else if (request.headers.authorization !== `Bearer ${token}`) {
        result = [401, status(401, 'Unauthorized', 'Unauthorized')];
      } else {
        try {
          result = handle(
            request.method ?? 'GET',
            url,
            contentType,
            Buffer.concat(chunks).toString(),
          );
        } catch (error) {
          result = [500, status(500, 'InternalError', (error as Error).message)];
        }
      }
      requests.push({
        method: request.method ?? '',
        path: `${url.pathname}${url.search}`,
        contentType,
        status: result[0],
        impersonateUser: (request.headers['impersonate-user'] as string | undefined) ?? null,
      });
      const text = JSON.stringify(result[1]);
      response.writeHead(result[0], { 'content-type': 'application/json' });
      response.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  const find = (kind: string, name: string, namespace?: string) => {
    const type = typeByKind(kind);
    if (!type) {
      throw new Error(`fake kube: unknown kind ${kind}`);
    }
    return storeKey(type, type.namespaced ? namespace : undefined, name);
  };

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token,
    requests,
    put(object) {
      const type =
        TYPES.find((t) => t.kind === object.kind && t.groupVersion === object.apiVersion) ??
        typeByKind(object.kind);
      if (!type) {
        throw new Error(`fake kube: unknown kind ${object.kind}`);
      }
      save(type, structuredClone(object));
    },
    get: (kind, name, namespace) => objects.get(find(kind, name, namespace)),
    list: (kind) => [...objects.values()].filter((object) => object.kind === kind),
    remove: (kind, name, namespace) => objects.delete(find(kind, name, namespace)),
    reject(kind, name, message) {
      rejections.set(`${kind}/${name}`, message);
    },
    allow(kind, name) {
      rejections.delete(`${kind}/${name}`);
    },
    setDown(value) {
      isDown = value;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
