import { type QueryClient, type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { z } from 'zod';

import { api, isApiError } from '../../lib/api-client.js';
import { authQueries } from '../auth/auth.api.js';
import { changeRequestQueries } from '../change-requests/change-requests.api.js';
import { clusterTemplateQueries } from '../cluster-templates/cluster-templates.api.js';
import { clusterQueries } from '../clusters/clusters.api.js';
import { inventoryQueries } from '../inventory/inventory.api.js';
import { operationQueries } from '../operations/operations.api.js';
import { telemetryQueries } from '../telemetry/telemetry.api.js';
import { workspaceQueries } from '../workspaces/workspaces.api.js';

/** A `change` event of `/api/v1/events`: ids only, never data (listeners refetch). */
export const ChangeEventSchema = z.object({
  type: z.string(),
  id: z.string(),
  workspace_id: z.string().nullable().optional(),
  cluster_id: z.string().optional(),
  action: z.string().optional(),
});
export type ChangeEvent = z.infer<typeof ChangeEventSchema>;

/** The cached queries a change makes stale. */
export function keysForEvent(slug: string, event: ChangeEvent): QueryKey[] {
  const clusterId = event.cluster_id ?? (event.type === 'cluster' ? event.id : undefined);
  switch (event.type) {
    case 'cluster':
      return clusterId
        ? [
            clusterQueries.lists(slug),
            clusterQueries.one(slug, clusterId),
            workspaceQueries.list().queryKey,
          ]
        : [clusterQueries.lists(slug), workspaceQueries.list().queryKey];
    case 'operation':
    case 'change_request':
    case 'telemetry':
      return clusterId
        ? [
            operationQueries.all(slug, clusterId),
            clusterQueries.detail(slug, clusterId).queryKey,
            clusterQueries.lists(slug),
            ...(event.type === 'change_request'
              ? [changeRequestQueries.all(slug, clusterId)]
              : event.type === 'telemetry'
                ? [telemetryQueries.all(slug, clusterId)]
                : []),
          ]
        : [clusterQueries.all(slug)];
    case 'cluster_template':
      return [clusterTemplateQueries.all(slug)];
    case 'catalog':
    case 'record':
      return [inventoryQueries.all(slug)];
    case 'workspace':
      return [workspaceQueries.list().queryKey, authQueries.me().queryKey];
    default:
      return [];
  }
}

/** Batches invalidations: a busy operation sends many events a second. */
function invalidator(queryClient: QueryClient, delayMs: number) {
  const pending = new Map<string, QueryKey>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    const keys = [...pending.values()];
    pending.clear();
    for (const queryKey of keys) {
      void queryClient.invalidateQueries({ queryKey });
    }
  };
  return {
    add(keys: QueryKey[]) {
      for (const key of keys) {
        pending.set(JSON.stringify(key), key);
      }
      timer ??= setTimeout(flush, delayMs);
    },
    stop() {
      if (timer !== null) {
        clearTimeout(timer);
      }
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Keeps the workspace's cached queries fresh from the live event stream. EventSource cannot send
 * X-Workspace, so this reads the SSE body with fetch. It reconnects with backoff and, after a
 * gap, refreshes everything of the workspace (events sent meanwhile are lost).
 */
export function useLiveEvents(slug: string): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const controller = new AbortController();
    const pending = invalidator(queryClient, 400);
    const run = async () => {
      let failures = 0;
      let connectedBefore = false;
      while (!controller.signal.aborted) {
        try {
          for await (const batch of api.stream('/events', {
            workspace: slug,
            signal: controller.signal,
          })) {
            if (connectedBefore && failures > 0) {
              pending.add([
                clusterQueries.all(slug),
                clusterTemplateQueries.all(slug),
                workspaceQueries.list().queryKey,
              ]);
            }
            connectedBefore = true;
            failures = 0;
            for (const event of batch) {
              if (event.event !== 'change') {
                continue;
              }
              const parsed = ChangeEventSchema.safeParse(JSON.parse(event.data));
              if (parsed.success) {
                pending.add(keysForEvent(slug, parsed.data));
              }
            }
          }
        } catch (error) {
          if (controller.signal.aborted) {
            return;
          }
          // Signed out or no access: the pages say so; retrying would not help.
          if (isApiError(error) && error.status >= 400 && error.status < 500) {
            return;
          }
        }
        failures += 1;
        await sleep(Math.min(30_000, 1_000 * 2 ** Math.min(failures, 5)), controller.signal);
      }
    };
    void run();
    return () => {
      controller.abort();
      pending.stop();
    };
  }, [slug, queryClient]);
}
