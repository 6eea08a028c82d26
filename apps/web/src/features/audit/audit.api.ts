import { AuditEventSchema } from '@commander/contracts';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';

import { api } from '../../lib/api-client.js';
import { workspaceQueries } from '../workspaces/workspaces.api.js';
import { PEOPLE_ACTOR_TYPES } from './audit-words.js';

/** Events per page of the audit table. */
export const AUDIT_PAGE_SIZE = 50;

/** The export's cap (the API's largest page). */
const EXPORT_LIMIT = 10_000;

/** Filters of the audit log, as the URL keeps them (`from`/`to`: local date-times). */
export type AuditFilter = {
  type?: string;
  id?: string;
  action?: string;
  user?: string;
  from?: string;
  to?: string;
  /** Also the managers' and agents' events (hidden by default). */
  system?: string;
  page: number;
};

/**
 * A local `YYYY-MM-DDTHH:mm` as ISO 8601 (the API wants an offset), or undefined. The end of a
 * range takes in its whole minute: "to 10:00" keeps what happened at 10:00:30.
 */
function isoOf(local: string | undefined, end = false): string | undefined {
  if (!local) {
    return undefined;
  }
  const date = new Date(local);
  if (Number.isNaN(date.getTime())) {
    return undefined;
  }
  if (end && date.getSeconds() === 0 && date.getMilliseconds() === 0) {
    date.setSeconds(59, 999);
  }
  return date.toISOString();
}

/** The API's query parameters for a filter (without paging). */
export function auditQuery(filter: AuditFilter) {
  return {
    auditable_type: filter.type,
    auditable_id: filter.id,
    action: filter.action,
    user_name: filter.user,
    from: isoOf(filter.from),
    to: isoOf(filter.to, true),
    user_type: filter.system ? undefined : PEOPLE_ACTOR_TYPES,
  };
}

/**
 * Scope `null` is the installation-wide log (needs audit:read); a workspace slug limits it to
 * that workspace (workspace_audit:read, or audit:read).
 */
export const auditQueries = {
  all: (scope: string | null) =>
    scope === null
      ? (['global', 'audit'] as const)
      : ([...workspaceQueries.scope(scope), 'audit'] as const),
  list: (scope: string | null, filter: AuditFilter) =>
    queryOptions({
      queryKey: [...auditQueries.all(scope), 'list', filter] as const,
      queryFn: ({ signal }) =>
        api.list('/audit_events', {
          schema: AuditEventSchema,
          workspace: scope ?? undefined,
          query: {
            ...auditQuery(filter),
            limit: AUDIT_PAGE_SIZE,
            offset: (filter.page - 1) * AUDIT_PAGE_SIZE,
          },
          signal,
        }),
      placeholderData: keepPreviousData,
    }),
};

/** The filtered log as JSON lines (`?format=jsonl`), newest first. */
export function fetchAuditExport(scope: string | null, filter: AuditFilter): Promise<string> {
  return api.text('/audit_events', {
    workspace: scope ?? undefined,
    query: { ...auditQuery(filter), format: 'jsonl', limit: EXPORT_LIMIT },
  });
}

/** Offers text as a file download (the export is fetched with headers, so no plain link). */
export function saveTextFile(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // Some browsers read the blob after the click returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
