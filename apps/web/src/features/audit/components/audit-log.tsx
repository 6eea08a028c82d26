import { Button, Group, Pagination, Stack, Text } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { TableSkeleton } from '../../../components/ui/page-skeleton.js';
import {
  AUDIT_PAGE_SIZE,
  type AuditFilter,
  auditQueries,
  fetchAuditExport,
  saveTextFile,
} from '../audit.api.js';
import { AuditFilters } from './audit-filters.js';
import { AuditTable } from './audit-table.js';

const FILTER_KEYS = ['type', 'action', 'user', 'from', 'to', 'system'] as const;

/** Reads the filter from the URL (`?type=&action=&user=&from=&to=&system=&page=`). */
export function auditFilterFromSearch(params: URLSearchParams): AuditFilter {
  const page = Number(params.get('page'));
  const filter: AuditFilter = { page: Number.isInteger(page) && page > 0 ? page : 1 };
  for (const key of FILTER_KEYS) {
    const value = params.get(key)?.trim();
    if (value) {
      filter[key] = value;
    }
  }
  return filter;
}

export type AuditLogProps = {
  /** A workspace slug, or null for the installation-wide log. */
  scope: string | null;
  /** Fixed filters the URL cannot change (the cluster tab's object). */
  fixed?: Pick<AuditFilter, 'type' | 'id'>;
  /** Name of the exported file, without extension. */
  exportName: string;
};

/** The audit log with its filters and pages in the URL, and a JSON-lines export. */
export function AuditLog({ scope, fixed, exportName }: AuditLogProps) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filter = { ...auditFilterFromSearch(params), ...fixed };
  const events = useQuery(auditQueries.list(scope, filter));
  const download = useMutation({
    mutationFn: () => fetchAuditExport(scope, { ...filter, page: 1 }),
    meta: { errorTitle: t('audit.exportFailed') },
    onSuccess: (text) => saveTextFile(`${exportName}.jsonl`, text, 'application/x-ndjson'),
  });
  const update = (changes: Record<string, string | undefined>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [key, value] of Object.entries(changes)) {
          if (value === undefined || value === '') {
            next.delete(key);
          } else {
            next.set(key, value);
          }
        }
        return next;
      },
      { replace: true },
    );
  const hasFilters = FILTER_KEYS.some((key) => params.get(key));
  const total = events.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="nowrap">
        <AuditFilters
          filter={filter}
          withType={fixed?.type === undefined}
          onChange={(changes) => update({ ...changes, page: undefined })}
          onClear={() =>
            update(Object.fromEntries([...FILTER_KEYS, 'page'].map((key) => [key, undefined])))
          }
        />
        <Button
          variant="default"
          leftSection={<IconDownload size={16} aria-hidden />}
          loading={download.isPending}
          onClick={() => download.mutate()}
        >
          {t('audit.export')}
        </Button>
      </Group>
      {events.isPending ? (
        <TableSkeleton rows={8} columns={7} />
      ) : events.isError ? (
        <ErrorAlert error={events.error} onRetry={() => void events.refetch()} />
      ) : (
        <>
          <AuditTable events={events.data.items} hasFilters={hasFilters} />
          {total > 0 && (
            <Group justify="space-between">
              <Text size="sm" c="dimmed">
                {t('audit.shown', {
                  from: (filter.page - 1) * AUDIT_PAGE_SIZE + 1,
                  to: (filter.page - 1) * AUDIT_PAGE_SIZE + events.data.items.length,
                  total,
                })}
              </Text>
              {pages > 1 && (
                <nav aria-label={t('audit.pagination')}>
                  <Pagination
                    total={pages}
                    value={filter.page}
                    onChange={(page) => update({ page: page === 1 ? undefined : String(page) })}
                    getControlProps={(control) => ({
                      'aria-label':
                        control === 'next'
                          ? t('pagination.next')
                          : control === 'previous'
                            ? t('pagination.previous')
                            : undefined,
                    })}
                    getItemProps={(item) => ({
                      'aria-label': t('pagination.page', { page: item }),
                    })}
                  />
                </nav>
              )}
            </Group>
          )}
        </>
      )}
    </Stack>
  );
}
