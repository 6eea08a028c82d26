// A cluster's Kubernetes API through Commander's proxy: lists that follow `watch`, single
// objects, dry-run and real writes, log streams. Queries live under
// ['workspaces','scope',slug,'kubernetes',clusterId] (outside the cluster's key, so the cluster's
// change events never restart the watches).
import {
  type QueryClient,
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useEffect } from 'react';

import { api, ApiError, isApiError, KUBERNETES_ERROR } from '../../lib/api-client.js';
import { workspaceQueries } from '../workspaces/workspaces.api.js';
import {
  KUBE_RESOURCES,
  type KubeKind,
  type KubeObject,
  type KubeResource,
  listPath,
  objectPath,
} from './kube-resources.js';

/** A list as the tab keeps it: the objects and the list's resourceVersion. */
export type KubeList = { items: KubeObject[]; resourceVersion: string };

/** One line of a watch stream. */
export type WatchEvent = {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject;
};

function sortKey(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

/** A list with one watch event applied (a new array; the list's own resourceVersion stays). */
export function applyWatchEvent(list: KubeList, event: WatchEvent): KubeList {
  if (event.type !== 'ADDED' && event.type !== 'MODIFIED' && event.type !== 'DELETED') {
    return list;
  }
  const key = sortKey(event.object);
  const items = list.items.filter((item) => sortKey(item) !== key);
  if (event.type !== 'DELETED') {
    items.push(event.object);
    items.sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  }
  return { ...list, items };
}

export const kubeQueries = {
  cluster: (slug: string, clusterId: string) =>
    [...workspaceQueries.scope(slug), 'kubernetes', clusterId] as const,
  list: (slug: string, clusterId: string, kind: KubeKind, namespace: string | null) =>
    queryOptions({
      queryKey: [...kubeQueries.cluster(slug, clusterId), kind, namespace ?? '*'] as const,
      queryFn: async ({ signal }): Promise<KubeList> => {
        const response = await api.kube(
          'GET',
          clusterId,
          listPath(KUBE_RESOURCES[kind], namespace),
          {
            workspace: slug,
            signal,
          },
        );
        const body = (await response.json()) as {
          items?: KubeObject[];
          metadata?: { resourceVersion?: string };
        };
        return {
          items: [...(body.items ?? [])].sort((a, b) => sortKey(a).localeCompare(sortKey(b))),
          resourceVersion: body.metadata?.resourceVersion ?? '',
        };
      },
      // The watch keeps it current; refetching would only restart the watch.
      staleTime: Number.POSITIVE_INFINITY,
    }),
  object: (slug: string, clusterId: string, resource: KubeResource, object: KubeObject) =>
    queryOptions({
      queryKey: [
        ...kubeQueries.cluster(slug, clusterId),
        'object',
        objectPath(resource, object),
      ] as const,
      queryFn: async ({ signal }): Promise<KubeObject> => {
        const response = await api.kube('GET', clusterId, objectPath(resource, object), {
          workspace: slug,
          signal,
        });
        return (await response.json()) as KubeObject;
      },
      staleTime: 0,
    }),
};

/** Thrown when the watch's resourceVersion is too old (410): the list must be read again. */
class WatchExpired extends Error {}

/** Reads a watch stream, calling `onEvent` per line, until it ends or `signal` aborts. */
export async function readWatch(
  slug: string,
  clusterId: string,
  path: string,
  resourceVersion: string,
  signal: AbortSignal,
  onEvent: (event: WatchEvent) => void,
): Promise<void> {
  const response = await api.kube('GET', clusterId, path, {
    workspace: slug,
    signal,
    query: { watch: 1, resourceVersion, allowWatchBookmarks: true },
  });
  if (!response.body) {
    return;
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        return;
      }
      buffer += decoder.decode(value, { stream: true });
      let index = buffer.indexOf('\n');
      while (index >= 0) {
        const line = buffer.slice(0, index).trim();
        buffer = buffer.slice(index + 1);
        index = buffer.indexOf('\n');
        if (line === '') {
          continue;
        }
        const event = JSON.parse(line) as WatchEvent;
        if (event.type === 'ERROR') {
          const code = (event.object as unknown as { code?: number }).code;
          if (code === 410) {
            throw new WatchExpired('resourceVersion too old');
          }
          throw new ApiError(code ?? 500, KUBERNETES_ERROR, 'watch failed', event.object);
        }
        onEvent(event);
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Follows a list's watch into the query cache; returns the stop function. */
function followList(
  queryClient: QueryClient,
  slug: string,
  clusterId: string,
  resource: KubeResource,
  namespace: string | null,
  startVersion: string,
): () => void {
  const controller = new AbortController();
  const { queryKey } = kubeQueries.list(slug, clusterId, resource.kind, namespace);
  let resourceVersion = startVersion;
  void (async () => {
    let failures = 0;
    while (!controller.signal.aborted) {
      try {
        await readWatch(
          slug,
          clusterId,
          listPath(resource, namespace),
          resourceVersion,
          controller.signal,
          (event) => {
            failures = 0;
            resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion;
            queryClient.setQueryData<KubeList>(queryKey, (list) =>
              list ? applyWatchEvent(list, event) : list,
            );
          },
        );
      } catch (error) {
        if (controller.signal.aborted) {
          return;
        }
        if (error instanceof WatchExpired) {
          // Read the list again: the new list's resourceVersion starts a new watch.
          void queryClient.invalidateQueries({ queryKey });
          return;
        }
        if (isApiError(error) && (error.status === 401 || error.status === 403)) {
          return;
        }
        failures += 1;
      }
      // The server ended the watch (a timeout) or the connection broke: resume after a pause
      // that grows with failures, with jitter.
      const delay = Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
      await pause(delay / 2 + Math.random() * (delay / 2), controller.signal);
    }
  })();
  return () => controller.abort();
}

/** A list of `resource` that follows `watch` while mounted. */
export function useKubeList(
  slug: string,
  clusterId: string,
  resource: KubeResource,
  namespace: string | null,
) {
  const queryClient = useQueryClient();
  const query = useQuery(kubeQueries.list(slug, clusterId, resource.kind, namespace));
  const startVersion = query.data?.resourceVersion;
  useEffect(() => {
    if (startVersion === undefined) {
      return;
    }
    return followList(queryClient, slug, clusterId, resource, namespace, startVersion);
  }, [queryClient, slug, clusterId, resource, namespace, startVersion]);
  return query;
}

/** PUT of an edited object: a server-side dry run first (`dryRun`), then for real. */
export function useReplaceObject(slug: string, clusterId: string, resource: KubeResource) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ object, dryRun }: { object: KubeObject; dryRun: boolean }) => {
      const response = await api.kube('PUT', clusterId, objectPath(resource, object), {
        workspace: slug,
        query: dryRun ? { dryRun: 'All' } : {},
        raw: { text: JSON.stringify(object), contentType: 'application/json' },
      });
      return (await response.json()) as KubeObject;
    },
    onSuccess: async (_data, { dryRun, object }) => {
      if (!dryRun) {
        await queryClient.invalidateQueries({
          queryKey: kubeQueries.object(slug, clusterId, resource, object).queryKey,
        });
      }
    },
  });
}

/** DELETE of an object (the watch removes it from the table). */
export function useDeleteObject(slug: string, clusterId: string, resource: KubeResource) {
  return useMutation({
    mutationFn: async (object: KubeObject) => {
      await api.kube('DELETE', clusterId, objectPath(resource, object), { workspace: slug });
    },
  });
}

/**
 * Streams a pod container's log (`follow=true`), calling `onText` with each chunk until the
 * stream ends or `signal` aborts.
 */
export async function streamPodLog(
  slug: string,
  clusterId: string,
  namespace: string,
  pod: string,
  container: string,
  signal: AbortSignal,
  onText: (text: string) => void,
): Promise<void> {
  const response = await api.kube(
    'GET',
    clusterId,
    `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`,
    {
      workspace: slug,
      signal,
      accept: 'text/plain, */*',
      query: { container, follow: true, tailLines: 200 },
    },
  );
  if (!response.body) {
    return;
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        return;
      }
      onText(decoder.decode(value, { stream: true }));
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
