import type { InventoryRecord } from '@commander/contracts';
import { parseParams } from '@commander/renderer';
import {
  Button,
  EmptyState,
  Group,
  Modal,
  SegmentedControl,
  Stack,
  Switch,
  Text,
} from '@mantine/core';
import { IconArchive, IconDatabaseOff, IconPencil, IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { PageHeader } from '../../../components/ui/page-header.js';
import { PageSkeleton, TableSkeleton } from '../../../components/ui/page-skeleton.js';
import { isApiError } from '../../../lib/api-client.js';
import { canInWorkspace } from '../../auth/permissions.js';
import { inventoryQueries, RECORDS_LIMIT } from '../../inventory-shared/inventory-queries.js';
import { useCurrentWorkspace, useRequiredWorkspaceSlug } from '../../workspaces/use-workspace.js';
import { ArchiveCatalogModal, EditCatalogModal } from '../components/catalog-modals.js';
import { RecordModal } from '../components/record-modal.js';
import { type RecordFilter, RecordsTable } from '../components/records-table.js';
import { UsageBadge } from '../components/usage-badge.js';
import { useArchiveRecord, useRestoreRecord } from '../inventory.api.js';

const FILTERS: RecordFilter[] = ['all', 'free', 'used'];

/** A catalog: its records (filter and page in the URL), add/edit/archive records, edit schema. */
export function CatalogPage() {
  const { t } = useTranslation();
  const slug = useRequiredWorkspaceSlug();
  const { catalogId = '' } = useParams();
  const { me } = useCurrentWorkspace();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filterParam = params.get('filter');
  const filter: RecordFilter = FILTERS.includes(filterParam as RecordFilter)
    ? (filterParam as RecordFilter)
    : 'all';
  const pageParam = Number(params.get('page'));
  const page = Number.isInteger(pageParam) && pageParam > 0 ? pageParam : 1;
  const catalog = useQuery(inventoryQueries.catalog(slug, catalogId));
  const showArchived = params.get('archived') === 'show';
  const records = useQuery(inventoryQueries.records(slug, catalogId, showArchived));
  const archiveRecord = useArchiveRecord(slug);
  const restoreRecord = useRestoreRecord(slug);
  const canWrite = canInWorkspace(me, slug, 'catalogs:write');
  const [editingRecord, setEditingRecord] = useState<InventoryRecord | 'new' | null>(null);
  const [archivingRecord, setArchivingRecord] = useState<InventoryRecord | null>(null);
  const [editingCatalog, setEditingCatalog] = useState(false);
  const [archivingCatalog, setArchivingCatalog] = useState(false);
  const schema = useMemo(
    () => (catalog.data ? parseParams(catalog.data.params).fields : []),
    [catalog.data],
  );

  const setQuery = (changes: Record<string, string | undefined>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [key, value] of Object.entries(changes)) {
          if (value === undefined) {
            next.delete(key);
          } else {
            next.set(key, value);
          }
        }
        return next;
      },
      { replace: true },
    );

  if (catalog.isPending) {
    return <PageSkeleton />;
  }
  if (catalog.isError) {
    if (isApiError(catalog.error, 'not_found')) {
      return (
        <EmptyState
          icon={<IconDatabaseOff size={32} aria-hidden />}
          title={t('inventory.notFoundTitle')}
          description={t('inventory.notFoundDescription')}
        >
          <EmptyState.Actions>
            <Button component={Link} to={`/w/${slug}/inventory`} variant="default">
              {t('inventory.backToList')}
            </Button>
          </EmptyState.Actions>
        </EmptyState>
      );
    }
    return <ErrorAlert error={catalog.error} onRetry={() => void catalog.refetch()} />;
  }
  const c = catalog.data;

  return (
    <Stack gap="lg">
      <PageHeader
        breadcrumbs={[
          { label: t('inventory.title'), to: `/w/${slug}/inventory` },
          { label: c.name },
        ]}
        title={c.name}
        badges={<UsageBadge usage={c.usage} />}
        subtitle={
          <Text c="dimmed" size="sm">
            {t('inventory.catalogSummary', {
              slug: c.slug,
              count: c.records_count,
              used: c.used_records_count,
            })}
          </Text>
        }
        actions={
          canWrite && (
            <>
              <Button
                variant="default"
                leftSection={<IconArchive size={16} aria-hidden />}
                onClick={() => setArchivingCatalog(true)}
              >
                {t('inventory.archive.button')}
              </Button>
              <Button
                variant="default"
                leftSection={<IconPencil size={16} aria-hidden />}
                onClick={() => setEditingCatalog(true)}
              >
                {t('inventory.edit.button')}
              </Button>
              <Button
                leftSection={<IconPlus size={16} aria-hidden />}
                onClick={() => setEditingRecord('new')}
              >
                {t('inventory.records.add')}
              </Button>
            </>
          )
        }
      />
      <Group justify="space-between">
        <SegmentedControl
          aria-label={t('inventory.records.filter')}
          value={filter}
          onChange={(value) =>
            setQuery({ filter: value === 'all' ? undefined : value, page: undefined })
          }
          data={[
            { value: 'all', label: t('inventory.records.filterAll') },
            { value: 'free', label: t('inventory.records.filterFree') },
            { value: 'used', label: t('inventory.records.filterUsed') },
          ]}
        />
        <Switch
          label={t('inventory.showArchived')}
          checked={showArchived}
          onChange={(event) =>
            setQuery({
              archived: event.currentTarget.checked ? 'show' : undefined,
              page: undefined,
            })
          }
        />
        {records.data && records.data.total > RECORDS_LIMIT && (
          <Text size="sm" c="dimmed">
            {t('inventory.records.truncated', { shown: RECORDS_LIMIT, total: records.data.total })}
          </Text>
        )}
      </Group>
      {records.isPending ? (
        <TableSkeleton rows={5} columns={4} />
      ) : records.isError ? (
        <ErrorAlert error={records.error} onRetry={() => void records.refetch()} />
      ) : (
        <RecordsTable
          slug={slug}
          schema={schema}
          records={records.data.items}
          filter={filter}
          page={page}
          onPageChange={(p) => setQuery({ page: p === 1 ? undefined : String(p) })}
          canWrite={canWrite}
          onEdit={setEditingRecord}
          onArchive={setArchivingRecord}
          onRestore={(record) => restoreRecord.mutate(record.id)}
        />
      )}
      {editingRecord !== null && (
        <RecordModal
          slug={slug}
          catalog={c}
          record={editingRecord === 'new' ? null : editingRecord}
          onClose={() => setEditingRecord(null)}
        />
      )}
      {editingCatalog && (
        <EditCatalogModal slug={slug} catalog={c} opened onClose={() => setEditingCatalog(false)} />
      )}
      <ArchiveCatalogModal
        slug={slug}
        catalog={archivingCatalog ? c : null}
        onClose={() => setArchivingCatalog(false)}
        onArchived={() => void navigate(`/w/${slug}/inventory`)}
      />
      <Modal
        opened={archivingRecord !== null}
        onClose={() => {
          archiveRecord.reset();
          setArchivingRecord(null);
        }}
        title={t('inventory.records.archiveTitle')}
      >
        <Stack>
          <Text size="sm">{t('inventory.records.archiveDescription')}</Text>
          {archiveRecord.isError && (
            <ErrorAlert error={archiveRecord.error} title={t('inventory.records.archiveFailed')} />
          )}
          <Group justify="flex-end">
            <Button
              variant="default"
              onClick={() => {
                archiveRecord.reset();
                setArchivingRecord(null);
              }}
            >
              {t('actions.cancel')}
            </Button>
            <Button
              color="red"
              loading={archiveRecord.isPending}
              onClick={() => {
                if (archivingRecord) {
                  archiveRecord.mutate(archivingRecord.id, {
                    onSuccess: () => setArchivingRecord(null),
                  });
                }
              }}
            >
              {t('inventory.records.archiveConfirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
