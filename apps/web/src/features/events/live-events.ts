import {
  type Cluster,
  type ReceivedChangeEvent,
  ReceivedChangeEventSchema,
} from '@commander/contracts';
import { type QueryClient, type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

import { refreshQueries } from '../../app/query-client.js';
import { api, isApiError, type Page } from '../../lib/api-client.js';
import { authQueries } from '../auth/auth.api.js';
import { changeRequestQueries } from '../change-requests/change-requests.api.js';
import { clusterQueries } from '../cluster-shared/clusters.api.js';
import { clusterTemplateQueries } from '../cluster-templates/cluster-templates.api.js';
import { inventoryQueries } from '../inventory-shared/inventory-queries.js';
import { operationQueries } from '../operations/operations.api.js';
import { rolloutQueries } from '../rollouts/rollouts.api.js';
import { telemetryQueries } from '../telemetry/telemetry.api.js';
import { workspaceQueries } from '../workspaces/workspaces.api.js';

/** A `change` event of `/api/v1/events` (contracts: ids only, never data; listeners refetch). */
export type ChangeEvent = ReceivedChangeEvent;

/** What a change event makes stale. */
export type EventPlan = {
  /** Cached queries to refresh (refetched only while on screen, never while in error). */
  keys: QueryKey[];
  /** The cluster whose row in the cached lists changed, when the event names one. */
  clusterId?: string;
  /**
   * What the cluster lists need: `row` (the cluster's row may have changed: refresh that row if
   * a cached page shows it, else the lists, throttled), `lists` (membership or order may have
   * changed: refresh the lists, throttled) or nothing.
   */
  lists?: 'row' | 'lists';
};

/** The cached queries a change makes stale; the cluster lists are handled apart (`lists`). */
export function planForEvent(slug: string, event: ChangeEvent): EventPlan {
  const clusterId = event.cluster_id ?? (event.type === 'cluster' ? event.id : undefined);
  switch (event.type) {
    case 'cluster':
      return clusterId
        ? {
            keys: [clusterQueries.one(slug, clusterId), workspaceQueries.list().queryKey],
            clusterId,
            // A new or removed cluster changes the pages; an updated one only its row.
            lists: event.action === 'update' ? 'row' : 'lists',
          }
        : { keys: [workspaceQueries.list().queryKey], lists: 'lists' };
    case 'operation':
    case 'change_request':
    case 'telemetry':
      return clusterId
        ? {
            keys: [
              operationQueries.all(slug, clusterId),
              clusterQueries.detail(slug, clusterId).queryKey,
              ...(event.type === 'change_request'
                ? [changeRequestQueries.all(slug, clusterId)]
                : event.type === 'telemetry'
                  ? [telemetryQueries.all(slug, clusterId)]
                  : []),
            ],
            clusterId,
            lists: 'row',
          }
        : { keys: [clusterQueries.all(slug)] };
    case 'cluster_template':
      return { keys: [clusterTemplateQueries.all(slug)] };
    case 'rollout':
      // A rollout's status, wave or a cluster's state in it changed: its page and the list.
      return { keys: [rolloutQueries.all(slug)] };
    case 'catalog':
    case 'record':
      return { keys: [inventoryQueries.all(slug)] };
    case 'workspace':
      return { keys: [workspaceQueries.list().queryKey, authQueries.me().queryKey] };
    default:
      return { keys: [] };
  }
}

/** Events are applied in batches this often: a busy operation sends many events a second. */
const BATCH_MS = 400;
/** The cluster lists refetch at most this often however many clusters change. */
export const LIST_REFRESH_MS = 2_000;
/** Up to this many changed rows on screen are refreshed one by one, more by one list refetch. */
const MAX_ROW_FETCHES = 3;

type ListPage = Page<Cluster>;

/** Whether a refreshed row may move within or out of the cached pages (order, filters). */
function movesInLists(before: Cluster, after: Cluster): boolean {
  return (
    before.status !== after.status ||
    before.name !== after.name ||
    before.archived_at !== after.archived_at
  );
}

/**
 * Applies change events to the query cache. Per batch: the named queries are refreshed (only
 * those on screen, never those in error); a changed cluster shown in a cached list page gets its
 * row replaced from one `GET /clusters/:id` (which also refreshes its detail); anything that can
 * change a page's members or order refreshes the lists, at most once per `LIST_REFRESH_MS`.
 * Telemetry about a cluster on no cached page changes no list.
 */
export function createEventApplier(queryClient: QueryClient, slug: string) {
  const pendingKeys = new Map<string, QueryKey>();
  const pendingRows = new Set<string>();
  let listsDue = false;
  let batchTimer: ReturnType<typeof setTimeout> | null = null;
  let listTimer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  const cachedLists = () =>
    queryClient.getQueriesData<ListPage>({ queryKey: clusterQueries.lists(slug) });

  const scheduleLists = () => {
    listTimer ??= setTimeout(() => {
      listTimer = null;
      if (!stopped) {
        void refreshQueries(queryClient, clusterQueries.lists(slug));
      }
    }, LIST_REFRESH_MS);
  };

  const refreshRow = async (clusterId: string) => {
    let fresh: Cluster;
    try {
      fresh = await queryClient.fetchQuery({
        ...clusterQueries.detail(slug, clusterId),
        staleTime: 0,
      });
    } catch {
      scheduleLists(); // gone (deleted) or unreadable: the lists will tell
      return;
    }
    let moved = false;
    for (const [queryKey, page] of cachedLists()) {
      const before = page?.items.find((c) => c.id === clusterId);
      if (!page || !before) {
        continue;
      }
      moved ||= movesInLists(before, fresh);
      queryClient.setQueryData<ListPage>(queryKey, {
        ...page,
        items: page.items.map((c) => (c.id === clusterId ? fresh : c)),
      });
    }
    if (moved) {
      scheduleLists();
    }
  };

  const flush = () => {
    batchTimer = null;
    if (stopped) {
      return;
    }
    const keys = [...pendingKeys.values()];
    const rows = [...pendingRows];
    const lists = listsDue;
    pendingKeys.clear();
    pendingRows.clear();
    listsDue = false;

    const shown = new Set<string>();
    for (const [, page] of cachedLists()) {
      for (const cluster of page?.items ?? []) {
        shown.add(cluster.id);
      }
    }
    const changedRows = rows.filter((id) => shown.has(id));
    const rowFetches = changedRows.length <= MAX_ROW_FETCHES ? changedRows : [];
    if (lists || changedRows.length > MAX_ROW_FETCHES) {
      scheduleLists();
    }
    const fetchedByRow = new Set(rowFetches);
    for (const queryKey of keys) {
      // The row refresh fetches the detail itself.
      const detailOf = rowFetches.find(
        (id) =>
          JSON.stringify(queryKey) === JSON.stringify(clusterQueries.detail(slug, id).queryKey),
      );
      if (detailOf === undefined) {
        void refreshQueries(queryClient, queryKey);
      }
    }
    for (const id of fetchedByRow) {
      void refreshRow(id);
    }
  };

  return {
    apply(event: ChangeEvent) {
      const plan = planForEvent(slug, event);
      for (const key of plan.keys) {
        pendingKeys.set(JSON.stringify(key), key);
      }
      if (plan.lists === 'lists') {
        listsDue = true;
      } else if (plan.lists === 'row' && plan.clusterId !== undefined) {
        pendingRows.add(plan.clusterId);
      }
      batchTimer ??= setTimeout(flush, BATCH_MS);
    },
    /** After a gap in the stream (events were lost): everything of the workspace. */
    refreshAll() {
      for (const key of [
        clusterQueries.all(slug),
        clusterTemplateQueries.all(slug),
        workspaceQueries.list().queryKey,
      ]) {
        void refreshQueries(queryClient, key);
      }
    },
    stop() {
      stopped = true;
      if (batchTimer !== null) {
        clearTimeout(batchTimer);
      }
      if (listTimer !== null) {
        clearTimeout(listTimer);
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
    const events = createEventApplier(queryClient, slug);
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
              events.refreshAll();
            }
            connectedBefore = true;
            failures = 0;
            for (const event of batch) {
              if (event.event !== 'change') {
                continue;
              }
              const parsed = ReceivedChangeEventSchema.safeParse(JSON.parse(event.data));
              if (parsed.success) {
                events.apply(parsed.data);
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
      events.stop();
    };
  }, [slug, queryClient]);
}
