import { ClusterSortSchema, ClusterStatusSchema } from '@commander/contracts';
import { Button, Stack } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlugConnected, IconPlus } from '@tabler/icons-react';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';

import { PageHeader } from '../../../components/ui/page-header.js';
import { canInWorkspace } from '../../auth/permissions.js';
import type { ClusterListFilter } from '../../cluster-shared/clusters.api.js';
import { ClusterFilters } from '../../cluster-shared/components/cluster-filters.js';
import { useCurrentWorkspace, useRequiredWorkspaceSlug } from '../../workspaces/use-workspace.js';
import { ClusterList } from '../components/cluster-list.js';

// The attach form (YAML editing) loads when it is first opened, not with the list.
const AttachClusterModal = lazy(async () => ({
  default: (await import('../../lifecycle/components/attach-cluster-modal.js')).AttachClusterModal,
}));

/** Reads the list filter from the URL (`?status=&q=&page=&sort=`), ignoring malformed values. */
export function filterFromSearch(params: URLSearchParams): ClusterListFilter {
  const status = ClusterStatusSchema.safeParse(params.get('status'));
  const sort = ClusterSortSchema.safeParse(params.get('sort'));
  const page = Number(params.get('page'));
  const q = params.get('q')?.trim();
  return {
    status: status.success ? status.data : undefined,
    q: q ? q : undefined,
    page: Number.isInteger(page) && page > 0 ? page : 1,
    sort: sort.success ? sort.data : 'attention',
  };
}

export function ClustersPage() {
  const { t } = useTranslation();
  const slug = useRequiredWorkspaceSlug();
  const { me } = useCurrentWorkspace();
  const [params, setParams] = useSearchParams();
  const filter = filterFromSearch(params);
  const canCreate = canInWorkspace(me, slug, 'clusters:write');
  const [attaching, { open: openAttach, close: closeAttach }] = useDisclosure(false, {
    onOpen: () => setAttachUsed(true),
  });
  // Mounted from the first opening on, so closing keeps its transition.
  const [attachUsed, setAttachUsed] = useState(false);

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

  return (
    <Stack gap="lg">
      <PageHeader
        title={t('clusters.title')}
        actions={
          canCreate && (
            <>
              <Button
                variant="default"
                leftSection={<IconPlugConnected size={16} aria-hidden />}
                onClick={openAttach}
              >
                {t('attach.button')}
              </Button>
              <Button
                component={Link}
                to={`/w/${slug}/clusters/new`}
                leftSection={<IconPlus size={16} aria-hidden />}
              >
                {t('clusters.create.button')}
              </Button>
            </>
          )
        }
      />
      <ClusterFilters
        status={filter.status}
        q={filter.q ?? ''}
        onStatusChange={(status) => update({ status, page: undefined })}
        onQueryChange={(q) => update({ q, page: undefined })}
      />
      <ClusterList
        slug={slug}
        filter={filter}
        onSortChange={(sort) =>
          // A new order starts at its first page; the default order is not spelled in the URL.
          update({ sort: sort === 'attention' ? undefined : sort, page: undefined })
        }
        canCreate={canCreate}
        onClearFilters={() => update({ status: undefined, q: undefined, page: undefined })}
        onPageChange={(page) => update({ page: page === 1 ? undefined : String(page) })}
      />
      {canCreate && attachUsed && (
        <Suspense fallback={null}>
          <AttachClusterModal slug={slug} opened={attaching} onClose={closeAttach} />
        </Suspense>
      )}
    </Stack>
  );
}
