import type { Cluster, ClusterTemplate } from '@commander/contracts';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  EmptyState,
  Group,
  Select,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { IconArrowsExchange, IconCircleCheck, IconCircleX, IconServer2 } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { TableSkeleton } from '../../../components/ui/page-skeleton.js';
import { canInWorkspace } from '../../auth/permissions.js';
import { ClusterStatusBadge } from '../../clusters/components/cluster-status-badge.js';
import { useCurrentWorkspace } from '../../workspaces/use-workspace.js';
import {
  availableVersions,
  clusterTemplateQueries,
  type SwitchVersionResult,
  useSwitchVersion,
} from '../cluster-templates.api.js';
import { useTemplateContext } from './template-page.js';

/** Clusters on this template; several can be switched to another version at once. */
export function TemplateClustersTab() {
  const { slug, template } = useTemplateContext();
  const { me } = useCurrentWorkspace();
  const clusters = useQuery(clusterTemplateQueries.clusters(slug, template.id));
  const switchVersion = useSwitchVersion(slug, template.id);
  if (clusters.isPending) {
    return <TableSkeleton rows={3} columns={5} />;
  }
  if (clusters.isError) {
    return <ErrorAlert error={clusters.error} onRetry={() => void clusters.refetch()} />;
  }
  return (
    <TemplateClustersView
      slug={slug}
      template={template}
      clusters={clusters.data.items}
      canSwitch={canInWorkspace(me, slug, 'clusters:write')}
      isSwitching={switchVersion.isPending}
      onSwitch={(versionId, clusterIds) =>
        switchVersion.mutateAsync({
          cluster_template_version_id: versionId,
          cluster_ids: clusterIds,
        })
      }
    />
  );
}

export type TemplateClustersViewProps = {
  slug: string;
  template: ClusterTemplate;
  clusters: Cluster[];
  canSwitch: boolean;
  isSwitching: boolean;
  onSwitch: (versionId: string, clusterIds: string[]) => Promise<SwitchVersionResult[]>;
};

export function TemplateClustersView({
  slug,
  template,
  clusters,
  canSwitch,
  isSwitching,
  onSwitch,
}: TemplateClustersViewProps) {
  const { t } = useTranslation();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const versions = availableVersions(template);
  const [target, setTarget] = useState<string | null>(
    template.current_cluster_template_version_id ?? versions[0]?.id ?? null,
  );
  const [results, setResults] = useState<ReadonlyMap<string, SwitchVersionResult>>(new Map());
  const numberOf = (versionId: string | null) =>
    template.cluster_template_versions.find((v) => v.id === versionId)?.number;

  if (clusters.length === 0) {
    return (
      <EmptyState
        icon={<IconServer2 size={32} aria-hidden />}
        title={t('tpl.clusters.emptyTitle')}
        description={t('tpl.clusters.emptyDescription')}
      />
    );
  }
  const allSelected = clusters.every((c) => selected.has(c.id));
  const toggle = (id: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) {
        next.add(id);
      } else {
        next.delete(id);
      }
      return next;
    });
  const failed = [...results.values()].filter((r) => !r.ok).length;

  return (
    <Stack gap="md">
      {canSwitch && (
        <Group align="flex-end" gap="sm">
          <Select
            label={t('tpl.clusters.targetVersion')}
            data={versions.map((v) => ({
              value: v.id,
              label: v.comment
                ? t('clusters.create.versionOptionWithComment', {
                    number: v.number,
                    comment: v.comment,
                  })
                : t('clusters.create.versionOption', { number: v.number }),
            }))}
            value={target}
            onChange={setTarget}
            allowDeselect={false}
            w={320}
          />
          <Button
            leftSection={<IconArrowsExchange size={16} aria-hidden />}
            disabled={target === null || selected.size === 0}
            loading={isSwitching}
            onClick={() => {
              if (target === null) {
                return;
              }
              void onSwitch(target, [...selected])
                .then((list) => setResults(new Map(list.map((r) => [r.cluster_id, r]))))
                .catch(() => undefined);
            }}
          >
            {t('tpl.clusters.switch', { count: selected.size })}
          </Button>
        </Group>
      )}
      {results.size > 0 && (
        <Alert
          color={failed > 0 ? 'orange' : 'teal'}
          variant="light"
          role="status"
          title={t('tpl.clusters.resultTitle')}
        >
          {t('tpl.clusters.resultSummary', { ok: results.size - failed, failed })}
        </Alert>
      )}
      <Table.ScrollContainer minWidth={720}>
        <Table verticalSpacing="sm" aria-label={t('tpl.clusters.table')}>
          <Table.Thead>
            <Table.Tr>
              {canSwitch && (
                <Table.Th scope="col" w={40}>
                  <Checkbox
                    aria-label={t('tpl.clusters.selectAll')}
                    checked={allSelected}
                    indeterminate={!allSelected && selected.size > 0}
                    onChange={(event) =>
                      setSelected(
                        event.currentTarget.checked
                          ? new Set(clusters.map((c) => c.id))
                          : new Set(),
                      )
                    }
                  />
                </Table.Th>
              )}
              <Table.Th scope="col">{t('clusters.columns.name')}</Table.Th>
              <Table.Th scope="col">{t('clusters.columns.status')}</Table.Th>
              <Table.Th scope="col">{t('templates.columns.version')}</Table.Th>
              <Table.Th scope="col">{t('tpl.clusters.result')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {clusters.map((cluster) => {
              const result = results.get(cluster.id);
              const number = numberOf(cluster.cluster_template_version_id);
              return (
                <Table.Tr key={cluster.id}>
                  {canSwitch && (
                    <Table.Td>
                      <Checkbox
                        aria-label={t('tpl.clusters.select', { name: cluster.name })}
                        checked={selected.has(cluster.id)}
                        onChange={(event) => toggle(cluster.id, event.currentTarget.checked)}
                      />
                    </Table.Td>
                  )}
                  <Table.Td>
                    <Anchor component={Link} to={`/w/${slug}/clusters/${cluster.id}`}>
                      {cluster.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <ClusterStatusBadge status={cluster.status} size="sm" />
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="outline" color="gray" tt="none">
                      {number === undefined ? '—' : t('templates.versionNumber', { number })}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{result && <SwitchResult result={result} />}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

function SwitchResult({ result }: { result: SwitchVersionResult }) {
  const { t } = useTranslation();
  if (result.ok) {
    return (
      <Group gap={4} c="teal" wrap="nowrap">
        <IconCircleCheck size={16} aria-hidden />
        <Text size="sm" inherit>
          {t('tpl.clusters.switched', {
            status: result.status ? t(`clusterStatus.${result.status as Cluster['status']}`) : '—',
          })}
        </Text>
      </Group>
    );
  }
  return (
    <Group gap={4} c="red" wrap="nowrap" align="flex-start">
      <IconCircleX size={16} aria-hidden style={{ flexShrink: 0, marginTop: 2 }} />
      <Text size="sm" inherit>
        {result.error ? `${result.error.message} (${result.error.code})` : t('tpl.clusters.failed')}
      </Text>
    </Group>
  );
}
