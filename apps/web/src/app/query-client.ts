import { notifications } from '@mantine/notifications';
import {
  type DefaultedQueryObserverOptions,
  type DefaultError,
  MutationCache,
  QueryClient,
  type QueryKey,
  type QueryObserverOptions,
} from '@tanstack/react-query';
import type { i18n as I18n } from 'i18next';

import { ApiError } from '../lib/api-client.js';

declare module '@tanstack/react-query' {
  interface Register {
    mutationMeta: {
      /** Shown as a green notification when the mutation succeeds. */
      successMessage?: string;
      /** Title of the red notification on failure (default: "The request failed"). */
      errorTitle?: string;
      /** False when the form shows the error itself (next to its fields). */
      notifyError?: boolean;
    };
  }
}

/** 4xx answers will not change on retry (401, 403, 404, 409, 422…); network and 5xx may. */
function shouldRetry(failureCount: number, error: Error): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
    return false;
  }
  return failureCount < 2;
}

/**
 * Refreshes cached queries after a change elsewhere (a live event, a reconnect), except those in
 * error: an event must not restart a query that just failed (the page shows its error and a
 * Retry button; the user or a window focus retries it).
 */
export function refreshQueries(queryClient: QueryClient, queryKey: QueryKey): Promise<void> {
  return queryClient.invalidateQueries({
    queryKey,
    predicate: (query) => query.state.status !== 'error',
  });
}

/**
 * The rule for every query of the app: a fetch that fails while there is nothing to show is an
 * error at once (the page shows it instead of a skeleton for the retries' duration); a failing
 * background refetch of data already shown is retried quietly.
 */
class AppQueryClient extends QueryClient {
  override defaultQueryOptions<
    TQueryFnData = unknown,
    TError = DefaultError,
    TData = TQueryFnData,
    TQueryData = TQueryFnData,
    TQueryKey extends QueryKey = QueryKey,
    TPageParam = never,
  >(
    options:
      | QueryObserverOptions<TQueryFnData, TError, TData, TQueryData, TQueryKey, TPageParam>
      | DefaultedQueryObserverOptions<TQueryFnData, TError, TData, TQueryData, TQueryKey>,
  ): DefaultedQueryObserverOptions<TQueryFnData, TError, TData, TQueryData, TQueryKey> {
    const defaulted = super.defaultQueryOptions(options);
    if (defaulted.retry === undefined) {
      const hash = defaulted.queryHash;
      defaulted.retry = (failureCount, error) =>
        this.getQueryCache().get(hash)?.state.data !== undefined &&
        shouldRetry(failureCount, error as Error);
    }
    return defaulted;
  }
}

/**
 * The app's QueryClient. Every mutation answers with a notification (UI.md): its meta names the
 * success message; failures show the API's message and code unless the form shows them.
 */
export function createQueryClient(i18n: I18n): QueryClient {
  return new AppQueryClient({
    defaultOptions: {
      // No `retry` here: AppQueryClient decides per query (see above).
      queries: { staleTime: 10_000 },
      mutations: { retry: false },
    },
    mutationCache: new MutationCache({
      onSuccess: (_data, _variables, _context, mutation) => {
        const message = mutation.meta?.successMessage;
        if (message) {
          notifications.show({ color: 'teal', message });
        }
      },
      onError: (error, _variables, _context, mutation) => {
        if (
          mutation.meta?.notifyError === false ||
          (error instanceof ApiError && error.status === 401)
        ) {
          return;
        }
        notifications.show({
          color: 'red',
          title: mutation.meta?.errorTitle ?? i18n.t('errors.requestFailed'),
          message: error instanceof ApiError ? `${error.message} (${error.code})` : error.message,
        });
      },
    }),
  });
}
