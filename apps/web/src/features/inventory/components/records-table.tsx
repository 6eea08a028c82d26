import type { InventoryRecord } from '@commander/contracts';
import { type ParamField, paramFields, type ParamItem } from '@commander/renderer';
import {
  ActionIcon,
  Anchor,
  Badge,
  EmptyState,
  Group,
  Pagination,
  Stack,
  Table,
  Text,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import {
  IconAlertTriangle,
  IconArchive,
  IconCircleCheck,
  IconDatabase,
  IconPencil,
  IconRestore,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { displayValue, recordLabel } from '../../cluster-form/form-state.js';

/** Records shown per page. */
export const RECORDS_PER_PAGE = 50;

export type RecordFilter = 'all' | 'free' | 'used';

/**
 * The fields shown as columns: those marked `identifier: true` when any is, otherwise every
 * field not marked `identifier: false`; never passwords (Commander's identifier rule).
 */
export function identifierFields(schema: readonly ParamItem[]): ParamField[] {
  const fields = paramFields(schema).filter((f) => f.format !== 'password');
  const marked = fields.filter((f) => f.identifier === true);
  return marked.length > 0 ? marked : fields.filter((f) => f.identifier !== false);
}

/** Records passing the filter: free = used by no cluster, used = used by at least one. */
export function filterRecords(records: readonly InventoryRecord[], filter: RecordFilter) {
  return filter === 'all'
    ? [...records]
    : records.filter((r) => (filter === 'used') === r.used_by.length > 0);
}

function cell(value: unknown): string {
  if (value === undefined || value === null || value === '') {
    return '—';
  }
  return displayValue(value);
}

export type RecordsTableProps = {
  slug: string;
  schema: readonly ParamItem[];
  records: InventoryRecord[];
  filter: RecordFilter;
  page: number;
  onPageChange: (page: number) => void;
  canWrite: boolean;
  onEdit: (record: InventoryRecord) => void;
  onArchive: (record: InventoryRecord) => void;
  /** Restores an archived record (shown when archived records are listed). */
  onRestore?: (record: InventoryRecord) => void;
};

/** A catalog's records: identifier fields as columns, the clusters using each, schema match. */
export function RecordsTable({
  slug,
  schema,
  records,
  filter,
  page,
  onPageChange,
  canWrite,
  onEdit,
  onArchive,
  onRestore,
}: RecordsTableProps) {
  const { t } = useTranslation();
  const columns = identifierFields(schema);
  const shown = filterRecords(records, filter);
  const pages = Math.max(1, Math.ceil(shown.length / RECORDS_PER_PAGE));
  const current = Math.min(page, pages);
  const rows = shown.slice((current - 1) * RECORDS_PER_PAGE, current * RECORDS_PER_PAGE);

  if (shown.length === 0) {
    return (
      <EmptyState
        icon={<IconDatabase size={32} aria-hidden />}
        title={
          records.length === 0
            ? t('inventory.records.emptyTitle')
            : t('inventory.records.noMatchTitle')
        }
        description={
          records.length === 0
            ? t('inventory.records.emptyDescription')
            : t('inventory.records.noMatchDescription')
        }
      />
    );
  }
  return (
    <Stack gap="sm">
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing="xs" highlightOnHover aria-label={t('inventory.records.table')}>
          <Table.Thead>
            <Table.Tr>
              {columns.length === 0 ? (
                <Table.Th scope="col">{t('inventory.records.values')}</Table.Th>
              ) : (
                columns.map((f) => (
                  <Table.Th key={f.key} scope="col">
                    {f.title}
                  </Table.Th>
                ))
              )}
              <Table.Th scope="col">{t('inventory.records.usedBy')}</Table.Th>
              <Table.Th scope="col">{t('inventory.records.schema')}</Table.Th>
              {canWrite && (
                <Table.Th scope="col">
                  <VisuallyHidden>{t('tpl.list.columns.actions')}</VisuallyHidden>
                </Table.Th>
              )}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((record) => {
              const label = recordLabel(schema, record.values) || record.id;
              return (
                <Table.Tr key={record.id}>
                  {columns.length === 0 ? (
                    <Table.Td>
                      <Text size="sm">{label}</Text>
                    </Table.Td>
                  ) : (
                    columns.map((f) => (
                      <Table.Td key={f.key}>
                        <Text size="sm">{cell(record.values[f.key])}</Text>
                      </Table.Td>
                    ))
                  )}
                  <Table.Td>
                    {record.used_by.length === 0 ? (
                      <Badge variant="light" color="gray" tt="none">
                        {t('inventory.records.free')}
                      </Badge>
                    ) : (
                      <Group gap={6}>
                        {record.used_by.map((u) => (
                          <Anchor
                            key={u.cluster_id}
                            component={Link}
                            to={`/w/${slug}/clusters/${u.cluster_id}`}
                            size="sm"
                          >
                            {u.cluster_name}
                          </Anchor>
                        ))}
                      </Group>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {record.schema_matches ? (
                      <Group gap={4} c="teal" wrap="nowrap">
                        <IconCircleCheck size={16} aria-hidden />
                        <Text size="sm" inherit>
                          {t('inventory.records.matches')}
                        </Text>
                      </Group>
                    ) : (
                      <Group gap={4} c="orange" wrap="nowrap">
                        <IconAlertTriangle size={16} aria-hidden />
                        <Text size="sm" inherit>
                          {t('inventory.records.mismatch')}
                        </Text>
                      </Group>
                    )}
                  </Table.Td>
                  {canWrite && (
                    <Table.Td>
                      {record.archived_at !== null ? (
                        <Group gap={4} wrap="nowrap" justify="flex-end">
                          <Badge variant="light" color="gray" tt="none">
                            {t('inventory.archivedBadge')}
                          </Badge>
                          {onRestore && (
                            <Tooltip label={t('inventory.records.restore')}>
                              <ActionIcon
                                variant="subtle"
                                aria-label={t('inventory.records.restoreNamed', { name: label })}
                                onClick={() => onRestore(record)}
                              >
                                <IconRestore size={16} aria-hidden />
                              </ActionIcon>
                            </Tooltip>
                          )}
                        </Group>
                      ) : (
                        <Group gap={4} wrap="nowrap" justify="flex-end">
                          <Tooltip label={t('inventory.records.edit')}>
                            <ActionIcon
                              variant="subtle"
                              color="gray"
                              aria-label={t('inventory.records.editNamed', { name: label })}
                              onClick={() => onEdit(record)}
                            >
                              <IconPencil size={16} aria-hidden />
                            </ActionIcon>
                          </Tooltip>
                          <Tooltip label={t('inventory.records.archive')}>
                            <ActionIcon
                              variant="subtle"
                              color="red"
                              aria-label={t('inventory.records.archiveNamed', { name: label })}
                              onClick={() => onArchive(record)}
                            >
                              <IconArchive size={16} aria-hidden />
                            </ActionIcon>
                          </Tooltip>
                        </Group>
                      )}
                    </Table.Td>
                  )}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {pages > 1 && (
        <Group justify="flex-end">
          <Pagination
            total={pages}
            value={current}
            onChange={onPageChange}
            getControlProps={(control) => ({
              'aria-label':
                control === 'next'
                  ? t('pagination.next')
                  : control === 'previous'
                    ? t('pagination.previous')
                    : undefined,
            })}
            getItemProps={(p) => ({ 'aria-label': t('pagination.page', { page: p }) })}
          />
        </Group>
      )}
    </Stack>
  );
}
