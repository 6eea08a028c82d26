// The agent's Kubernetes access: @kubernetes/client-node loads the kubeconfig (file, in-cluster
// service account, exec plugins) and authenticates each request; the REST calls themselves are
// made here. Why not KubernetesObjectApi: it serializes known kinds through its generated
// models, which silently drops fields its models do not know (newer API fields), and a sync
// agent must apply exactly what Commander sent.
import http from 'node:http';
import https from 'node:https';

import type { ResourceRef } from '@commander/agent-client';
import type { KubeObject } from '@commander/contracts';
import { KubeConfig } from '@kubernetes/client-node';

/** A failed Kubernetes API call: `status` is the HTTP status (0 = no response). */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  readonly status: number;
  /** The Status `reason` (`NotFound`, `Invalid`, `Forbidden`, …) when the server sent one. */
  readonly reason: string | null;

  constructor(status: number, reason: string | null, message: string, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
    this.reason = reason;
  }
}

/** A resource's REST location, from discovery. */
export type ResolvedResource = {
  /** Collection path, e.g. `/api/v1/namespaces/apps/configmaps`. */
  collectionPath: string;
  /** The resource name (plural), e.g. `configmaps`. */
  plural: string;
  namespaced: boolean;
  /** The ref with its namespace settled: `default` for namespaced refs without one, `null` for cluster-scoped. */
  ref: ResourceRef;
};

/** Options of `list`. */
export type ListOptions = { namespace?: string; labelSelector?: string };

/** What the agent needs from Kubernetes. Every method throws {@link KubeApiError}. */
export type KubeClient = {
  /** Discovery: where `ref` lives. @throws KubeApiError 404 for an unknown apiVersion/kind. */
  resolve(ref: ResourceRef): Promise<ResolvedResource>;
  /** Server-side apply (force, field manager `fieldManager`); returns the live object. */
  apply(object: KubeObject, fieldManager: string): Promise<KubeObject>;
  /** The live object, or `null` when it does not exist. */
  get(ref: ResourceRef): Promise<KubeObject | null>;
  /** All objects of a kind (every page), optionally in one namespace and by label selector. */
  list(apiVersion: string, kind: string, options?: ListOptions): Promise<KubeObject[]>;
  /** JSON merge patch; `null` when the object does not exist. */
  mergePatch(ref: ResourceRef, patch: unknown, fieldManager: string): Promise<KubeObject | null>;
  /** Deletes (background propagation); `false` when it was already gone. */
  delete(ref: ResourceRef): Promise<boolean>;
  /** `GET /version`. */
  version(): Promise<{ gitVersion: string }>;
};

type ApiResource = { name: string; kind: string; namespaced: boolean };

/**
 * Loads a kubeconfig: `kubeconfigPath` when given, else the in-cluster service account when
 * running in a pod, else client-node's defaults (`$KUBECONFIG`, `~/.kube/config`).
 */
export function loadKubeConfig(kubeconfigPath: string | null, isInCluster: boolean): KubeConfig {
  const kc = new KubeConfig();
  if (kubeconfigPath) {
    kc.loadFromFile(kubeconfigPath);
  } else if (isInCluster) {
    kc.loadFromCluster();
  } else {
    kc.loadFromDefault();
  }
  return kc;
}

type RequestOptions = {
  query?: Record<string, string>;
  body?: unknown;
  contentType?: string;
};

/** Creates a {@link KubeClient} for the current context of `kc`. */
export function createKubeClient(kc: KubeConfig, options: { timeoutMs?: number } = {}): KubeClient {
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new Error('kubeconfig has no current cluster');
  }
  const server = new URL(cluster.server);
  const basePath = server.pathname.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  let agent: http.Agent | null = null;
  const discovery = new Map<string, { at: number; resources: ApiResource[] }>();

  // One keep-alive connection pool with the kubeconfig's TLS settings; credentials (which
  // may rotate: service account tokens, exec plugins) are applied to every request.
  const connection = async (): Promise<{
    agent: http.Agent;
    headers: http.OutgoingHttpHeaders;
  }> => {
    const applied: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(applied);
    if (!agent) {
      if (cluster.proxyUrl) {
        agent = applied.agent as http.Agent;
      } else if (server.protocol === 'http:') {
        agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
      } else {
        agent = new https.Agent({
          keepAlive: true,
          maxSockets: 16,
          ca: applied.ca,
          cert: applied.cert,
          key: applied.key,
          pfx: applied.pfx,
          passphrase: applied.passphrase,
          ...(cluster.skipTLSVerify ? { rejectUnauthorized: false } : {}),
          ...(cluster.tlsServerName ? { servername: cluster.tlsServerName } : {}),
        });
      }
    }
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(applied.headers ?? {})) {
      if (typeof value === 'string' || typeof value === 'number' || Array.isArray(value)) {
        headers[name.toLowerCase()] = value;
      }
    }
    if (applied.auth) {
      headers.authorization = `Basic ${Buffer.from(applied.auth).toString('base64')}`;
    }
    return { agent, headers };
  };

  const request = async (
    method: string,
    path: string,
    requestOptions: RequestOptions = {},
  ): Promise<{ status: number; body: unknown }> => {
    const { agent: pool, headers } = await connection();
    const url = new URL(server);
    url.pathname = `${basePath}${path}`;
    for (const [key, value] of Object.entries(requestOptions.query ?? {})) {
      url.searchParams.set(key, value);
    }
    const payload =
      requestOptions.body === undefined ? null : Buffer.from(JSON.stringify(requestOptions.body));
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(
        url,
        {
          method,
          agent: pool,
          timeout: timeoutMs,
          headers: {
            ...headers,
            accept: 'application/json',
            ...(payload
              ? {
                  'content-type': requestOptions.contentType ?? 'application/json',
                  'content-length': payload.length,
                }
              : {}),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            try {
              body = text === '' ? null : (JSON.parse(text) as unknown);
            } catch {
              // Not JSON (a proxy's HTML error page): keep the text for the message.
            }
            resolve({ status: response.statusCode ?? 0, body });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (error) =>
        reject(
          new KubeApiError(0, null, `${method} ${url.pathname}: ${error.message}`, {
            cause: error,
          }),
        ),
      );
      req.end(payload ?? undefined);
    });
  };

  const fail = (method: string, path: string, status: number, body: unknown): KubeApiError => {
    const statusBody = (typeof body === 'object' && body !== null ? body : {}) as {
      reason?: unknown;
      message?: unknown;
    };
    const message =
      typeof statusBody.message === 'string'
        ? statusBody.message
        : typeof body === 'string' && body !== ''
          ? body.slice(0, 300)
          : `${method} ${path} answered ${status}`;
    return new KubeApiError(
      status,
      typeof statusBody.reason === 'string' ? statusBody.reason : null,
      message,
    );
  };

  const call = async (method: string, path: string, options?: RequestOptions): Promise<unknown> => {
    const response = await request(method, path, options);
    if (response.status < 200 || response.status > 299) {
      throw fail(method, path, response.status, response.body);
    }
    return response.body;
  };

  const groupVersionPath = (apiVersion: string) =>
    apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;

  const apiResources = async (apiVersion: string, refresh: boolean): Promise<ApiResource[]> => {
    const cached = discovery.get(apiVersion);
    // Re-read a group at most every 10 s: a CRD installed meanwhile becomes known quickly, and
    // an unknown kind applied every pass does not hammer discovery.
    if (cached && (!refresh || Date.now() - cached.at < 10_000)) {
      return cached.resources;
    }
    const body = (await call('GET', groupVersionPath(apiVersion))) as { resources?: ApiResource[] };
    const resources = (body.resources ?? []).filter((resource) => !resource.name.includes('/'));
    discovery.set(apiVersion, { at: Date.now(), resources });
    return resources;
  };

  const resolve = async (ref: ResourceRef): Promise<ResolvedResource> => {
    let resource: ApiResource | undefined;
    try {
      resource = (await apiResources(ref.apiVersion, false)).find((r) => r.kind === ref.kind);
      resource ??= (await apiResources(ref.apiVersion, true)).find((r) => r.kind === ref.kind);
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 404) {
        throw new KubeApiError(
          404,
          'NotFound',
          `no API ${ref.apiVersion} in the cluster (is its CRD installed?)`,
        );
      }
      throw error;
    }
    if (!resource) {
      throw new KubeApiError(
        404,
        'NotFound',
        `no kind ${ref.kind} in ${ref.apiVersion} (is its CRD installed?)`,
      );
    }
    const namespace = resource.namespaced ? (ref.namespace ?? 'default') : null;
    const base = groupVersionPath(ref.apiVersion);
    return {
      collectionPath: namespace
        ? `${base}/namespaces/${encodeURIComponent(namespace)}/${resource.name}`
        : `${base}/${resource.name}`,
      plural: resource.name,
      namespaced: resource.namespaced,
      ref: { ...ref, namespace },
    };
  };

  const itemPath = async (ref: ResourceRef) => {
    const resolved = await resolve(ref);
    return { ...resolved, path: `${resolved.collectionPath}/${encodeURIComponent(ref.name)}` };
  };

  return {
    resolve,
    async apply(object, fieldManager) {
      const target = await itemPath({
        apiVersion: object.apiVersion,
        kind: object.kind,
        namespace: object.metadata.namespace ?? null,
        name: object.metadata.name,
      });
      const body = structuredClone(object);
      if (target.ref.namespace) {
        body.metadata.namespace = target.ref.namespace;
      } else {
        delete body.metadata.namespace;
      }
      return (await call('PATCH', target.path, {
        query: { fieldManager, force: 'true' },
        body,
        contentType: 'application/apply-patch+yaml',
      })) as KubeObject;
    },
    async get(ref) {
      const target = await itemPath(ref);
      const response = await request('GET', target.path);
      if (response.status === 404) {
        return null;
      }
      if (response.status < 200 || response.status > 299) {
        throw fail('GET', target.path, response.status, response.body);
      }
      return response.body as KubeObject;
    },
    async list(apiVersion, kind, listOptions = {}) {
      const resolved = await resolve({
        apiVersion,
        kind,
        namespace: listOptions.namespace ?? null,
        name: '',
      });
      // Without a namespace, a namespaced kind is listed across all namespaces.
      const path =
        resolved.namespaced && listOptions.namespace === undefined
          ? `${groupVersionPath(apiVersion)}/${resolved.plural}`
          : resolved.collectionPath;
      const items: KubeObject[] = [];
      let continueToken: string | undefined;
      do {
        const query: Record<string, string> = { limit: '500' };
        if (listOptions.labelSelector) {
          query.labelSelector = listOptions.labelSelector;
        }
        if (continueToken) {
          query.continue = continueToken;
        }
        const page = (await call('GET', path, { query })) as {
          items?: KubeObject[];
          metadata?: { continue?: string };
        };
        items.push(...(page.items ?? []));
        continueToken = page.metadata?.continue || undefined;
      } while (continueToken);
      return items;
    },
    async mergePatch(ref, patch, fieldManager) {
      const target = await itemPath(ref);
      const response = await request('PATCH', target.path, {
        query: { fieldManager },
        body: patch,
        contentType: 'application/merge-patch+json',
      });
      if (response.status === 404) {
        return null;
      }
      if (response.status < 200 || response.status > 299) {
        throw fail('PATCH', target.path, response.status, response.body);
      }
      return response.body as KubeObject;
    },
    async delete(ref) {
      const target = await itemPath(ref);
      const response = await request('DELETE', target.path, {
        body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' },
      });
      if (response.status === 404) {
        return false;
      }
      if (response.status < 200 || response.status > 299) {
        throw fail('DELETE', target.path, response.status, response.body);
      }
      return true;
    },
    async version() {
      const body = (await call('GET', '/version')) as { gitVersion?: unknown };
      return { gitVersion: typeof body.gitVersion === 'string' ? body.gitVersion : '' };
    },
  };
}
