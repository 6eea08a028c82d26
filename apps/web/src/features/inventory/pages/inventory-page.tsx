import type { Catalog } from '@commander/contracts';
import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  EmptyState,
  Group,
  Stack,
  Switch,
  Table,
  Text,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import {
  IconArchive,
  IconDatabase,
  IconFileImport,
  IconPlus,
  IconRestore,
} from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { PageHeader } from '../../../components/ui/page-header.js';
import { TableSkeleton } from '../../../components/ui/page-skeleton.js';
import { canInWorkspace } from '../../auth/permissions.js';
import { inventoryQueries } from '../../inventory-shared/inventory-queries.js';
import { useCurrentWorkspace, useRequiredWorkspaceSlug } from '../../workspaces/use-workspace.js';
import {
  ArchiveCatalogModal,
  CreateCatalogModal,
  ImportCatalogModal,
} from '../components/catalog-modals.js';
import { UsageBadge } from '../components/usage-badge.js';
import { useRestoreCatalog } from '../inventory.api.js';

/** The workspace's inventory: catalogs with their usage and record counts. */
export function InventoryPage() {
  const { t } = useTranslation();
  const slug = useRequiredWorkspaceSlug();
  const { me } = useCurrentWorkspace();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const showArchived = params.get('archived') === 'show';
  const catalogs = useQuery(inventoryQueries.catalogs(slug, showArchived));
  const restore = useRestoreCatalog(slug);
  const canWrite = canInWorkspace(me, slug, 'catalogs:write');
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const [archiving, setArchiving] = useState<Catalog | null>(null);
  const open = (catalog: Catalog) => void navigate(`/w/${slug}/inventory/${catalog.id}`);

  return (
    <Stack gap="lg">
      <PageHeader
        title={t('inventory.title')}
        subtitle={t('inventory.subtitle')}
        actions={
          <>
            {canWrite && (
              <Group gap="sm">
                <Button
                  variant="default"
                  leftSection={<IconFileImport size={16} aria-hidden />}
                  onClick={() => setImporting(true)}
                >
                  {t('inventory.import.button')}
                </Button>
                <Button
                  leftSection={<IconPlus size={16} aria-hidden />}
                  onClick={() => setCreating(true)}
                >
                  {t('inventory.create.button')}
                </Button>
              </Group>
            )}
          </>
        }
      />
      <Switch
        label={t('inventory.showArchived')}
        checked={showArchived}
        onChange={(event) => {
          const next = new URLSearchParams(params);
          if (event.currentTarget.checked) {
            next.set('archived', 'show');
          } else {
            next.delete('archived');
          }
          setParams(next, { replace: true });
        }}
      />
      {catalogs.isPending ? (
        <TableSkeleton rows={3} columns={5} />
      ) : catalogs.isError ? (
        <ErrorAlert error={catalogs.error} onRetry={() => void catalogs.refetch()} />
      ) : catalogs.data.items.length === 0 ? (
        <EmptyState
          icon={<IconDatabase size={32} aria-hidden />}
          title={t('inventory.emptyTitle')}
          description={t('inventory.emptyDescription')}
        />
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm" highlightOnHover aria-label={t('inventory.table')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('inventory.columns.name')}</Table.Th>
                <Table.Th scope="col">{t('inventory.columns.slug')}</Table.Th>
                <Table.Th scope="col">{t('inventory.columns.usage')}</Table.Th>
                <Table.Th scope="col">{t('inventory.columns.records')}</Table.Th>
                <Table.Th scope="col">{t('inventory.columns.used')}</Table.Th>
                {canWrite && (
                  <Table.Th scope="col">
                    <VisuallyHidden>{t('tpl.list.columns.actions')}</VisuallyHidden>
                  </Table.Th>
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {catalogs.data.items.map((catalog) => (
                <Table.Tr key={catalog.id}>
                  <Table.Td>
                    <Group gap="xs">
                      <Anchor component={Link} to={`/w/${slug}/inventory/${catalog.id}`} fw={500}>
                        {catalog.name}
                      </Anchor>
                      {catalog.archived_at !== null && (
                        <Badge variant="light" color="gray" tt="none">
                          {t('inventory.archivedBadge')}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {catalog.slug}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <UsageBadge usage={catalog.usage} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{catalog.records_count}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{catalog.used_records_count}</Text>
                  </Table.Td>
                  {canWrite && (
                    <Table.Td>
                      {catalog.archived_at !== null ? (
                        <Button
                          size="xs"
                          variant="subtle"
                          leftSection={<IconRestore size={14} aria-hidden />}
                          aria-label={t('inventory.restore.named', { name: catalog.name })}
                          loading={restore.isPending && restore.variables === catalog.id}
                          onClick={() => restore.mutate(catalog.id)}
                        >
                          {t('inventory.restore.button')}
                        </Button>
                      ) : (
                        <Tooltip label={t('inventory.archive.button')}>
                          <ActionIcon
                            variant="subtle"
                            color="red"
                            aria-label={t('inventory.archive.named', { name: catalog.name })}
                            onClick={() => setArchiving(catalog)}
                          >
                            <IconArchive size={16} aria-hidden />
                          </ActionIcon>
                        </Tooltip>
                      )}
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <CreateCatalogModal
        slug={slug}
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={open}
      />
      <ImportCatalogModal
        slug={slug}
        catalogs={catalogs.data?.items ?? []}
        opened={importing}
        onClose={() => setImporting(false)}
        onImported={open}
      />
      <ArchiveCatalogModal slug={slug} catalog={archiving} onClose={() => setArchiving(null)} />
    </Stack>
  );
}
