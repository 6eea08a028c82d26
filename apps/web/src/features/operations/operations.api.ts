import {
  type OperationLogLine,
  OperationLogLineSchema,
  OperationSchema,
} from '@commander/contracts';
import { experimental_streamedQuery as streamedQuery, queryOptions } from '@tanstack/react-query';
import { z } from 'zod';

import { api } from '../../lib/api-client.js';
import { clusterQueries } from '../cluster-shared/clusters.api.js';
import { workspaceQueries } from '../workspaces/workspaces.api.js';
import { isOperationActive } from './operation-words.js';

const POLL_MS = 5_000;

/** How an operation's log ended (the stream's `end` event). */
export const LogEndSchema = z.object({
  status: z.string(),
  error: z.string().nullable().optional(),
});
export type LogEnd = z.infer<typeof LogEndSchema>;

/** An operation's log as streamed so far. `end` is null while the operation may still write. */
export type OperationLog = { lines: OperationLogLine[]; end: LogEnd | null };

/** One network read of the log stream: the lines it brought, and the end when it came. */
export type OperationLogChunk = { lines: OperationLogLine[]; end: LogEnd | null };

export const EMPTY_LOG: OperationLog = { lines: [], end: null };

/** Appends a chunk, dropping lines already held (a reconnect resumes after the last seq). */
export function appendLogChunk(log: OperationLog, chunk: OperationLogChunk): OperationLog {
  const last = log.lines.at(-1)?.seq ?? 0;
  const fresh = chunk.lines.filter((line) => line.seq > last);
  if (fresh.length === 0 && chunk.end === null) {
    return log;
  }
  return {
    lines: fresh.length > 0 ? [...log.lines, ...fresh] : log.lines,
    end: chunk.end ?? log.end,
  };
}

/** Reads `/operations/:id/logs?follow=true` (SSE: `line` events, then `end`) in chunks. */
export async function* streamOperationLog(
  slug: string,
  operationId: string,
  after: number,
  signal: AbortSignal,
): AsyncGenerator<OperationLogChunk, void, undefined> {
  const events = api.stream(`/operations/${operationId}/logs`, {
    workspace: slug,
    query: { follow: true, after: after > 0 ? after : undefined },
    signal,
  });
  for await (const batch of events) {
    const chunk: OperationLogChunk = { lines: [], end: null };
    for (const event of batch) {
      if (event.event === 'line') {
        const line = OperationLogLineSchema.safeParse(JSON.parse(event.data));
        if (line.success) {
          chunk.lines.push(line.data);
        }
      } else if (event.event === 'end') {
        const end = LogEndSchema.safeParse(JSON.parse(event.data));
        chunk.end = end.success ? end.data : { status: 'unknown', error: null };
      }
    }
    yield chunk;
    if (chunk.end !== null) {
      return;
    }
  }
}

export const operationQueries = {
  /** Operations of one cluster (under the cluster's key, so cluster events reach them). */
  all: (slug: string, clusterId: string) =>
    [...clusterQueries.one(slug, clusterId), 'operations'] as const,
  list: (slug: string, clusterId: string) =>
    queryOptions({
      queryKey: [...operationQueries.all(slug, clusterId), 'list'] as const,
      queryFn: ({ signal }) =>
        api.list(`/clusters/${clusterId}/operations`, {
          schema: OperationSchema,
          workspace: slug,
          query: { limit: 50 },
          signal,
        }),
      refetchInterval: (query) =>
        query.state.data?.items.some((op) => isOperationActive(op.status)) ? POLL_MS : false,
    }),
  detail: (slug: string, clusterId: string, operationId: string) =>
    queryOptions({
      queryKey: [...operationQueries.all(slug, clusterId), 'detail', operationId] as const,
      queryFn: ({ signal }) =>
        api.get(`/operations/${operationId}`, { schema: OperationSchema, workspace: slug, signal }),
      refetchInterval: (query) =>
        query.state.data && isOperationActive(query.state.data.status) ? POLL_MS : false,
    }),
  /**
   * The live log, streamed into the cache. Kept outside the cluster's key on purpose: change
   * events invalidate that key often, and the stream must not restart each time.
   */
  log: (slug: string, clusterId: string, operationId: string) =>
    queryOptions({
      queryKey: [
        ...workspaceQueries.scope(slug),
        'operation-logs',
        clusterId,
        operationId,
      ] as const,
      queryFn: streamedQuery<OperationLogChunk, OperationLog>({
        streamFn: (context) => {
          const held = context.client.getQueryData<OperationLog>(context.queryKey);
          return streamOperationLog(
            slug,
            operationId,
            held?.lines.at(-1)?.seq ?? 0,
            context.signal,
          );
        },
        reducer: appendLogChunk,
        initialValue: EMPTY_LOG,
        // A reconnect resumes after the last line held instead of starting over.
        refetchMode: 'append',
      }),
      staleTime: Number.POSITIVE_INFINITY,
      refetchOnWindowFocus: false,
      retry: 5,
      // The stream can drop (proxy, restart) before the end: reconnect while the log is open.
      refetchInterval: (query) =>
        query.state.data && query.state.data.end === null ? 3_000 : false,
    }),
};
