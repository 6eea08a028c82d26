import { Group, Select, Skeleton, Stack, Tabs, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

import { ConfirmByNameModal } from '../../../components/ui/confirm-by-name-modal.js';
import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { KUBE_KINDS, KUBE_RESOURCES, type KubeKind, type KubeObject } from '../kube-resources.js';
import { useDeleteObject, useKubeList } from '../kubernetes.api.js';
import { PodLogsModal } from './pod-logs-modal.js';
import { PodTerminalModal } from './pod-terminal-modal.js';
import { ResourceTable, type RowAction } from './resource-table.js';
import { YamlEditorModal } from './yaml-editor-modal.js';

export type AdministrationViewProps = {
  slug: string;
  clusterId: string;
  /** clusters:admin:write: edit, delete, terminal. */
  canWrite: boolean;
};

/** The value of "all namespaces" in the selector (a namespace name cannot start with `*`). */
const ALL = '*';

type Open = { action: RowAction; object: KubeObject } | null;

/**
 * The cluster's Kubernetes resources: a table per kind that follows `watch`, a namespace
 * selector, and per row YAML (view, edit with a dry-run diff), delete, logs and terminal. The
 * kind and namespace are in the URL (`?kind=pods&ns=default`).
 */
export function AdministrationView({ slug, clusterId, canWrite }: AdministrationViewProps) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const kindParam = params.get('kind');
  const kind: KubeKind = (KUBE_KINDS as readonly string[]).includes(kindParam ?? '')
    ? (kindParam as KubeKind)
    : 'pods';
  const namespaceParam = params.get('ns') ?? ALL;
  const resource = KUBE_RESOURCES[kind];
  const namespace = resource.namespaced && namespaceParam !== ALL ? namespaceParam : null;
  const namespaces = useKubeList(slug, clusterId, KUBE_RESOURCES.namespaces, null);
  const list = useKubeList(slug, clusterId, resource, namespace);
  const [open, setOpen] = useState<Open>(null);
  const remove = useDeleteObject(slug, clusterId, resource);

  const update = (next: { kind?: string; ns?: string }) => {
    const merged = new URLSearchParams(params);
    for (const [key, value] of Object.entries(next)) {
      if (value === undefined || value === ALL) {
        merged.delete(key);
      } else {
        merged.set(key, value);
      }
    }
    setParams(merged, { replace: true });
  };

  const actions: RowAction[] = [
    'yaml',
    ...(kind === 'pods' ? (['logs'] as const) : []),
    ...(kind === 'pods' && canWrite ? (['terminal'] as const) : []),
    ...(canWrite && resource.editable ? (['delete'] as const) : []),
  ];
  const close = () => setOpen(null);

  return (
    <Stack gap="md">
      <Group align="flex-end" justify="space-between">
        <Select
          label={t('administration.namespace')}
          data={[
            { value: ALL, label: t('administration.allNamespaces') },
            ...(namespaces.data?.items ?? []).map((item) => ({
              value: item.metadata.name,
              label: item.metadata.name,
            })),
          ]}
          value={namespaceParam}
          onChange={(value) => update({ ns: value ?? ALL })}
          allowDeselect={false}
          searchable
          disabled={!resource.namespaced}
          w={260}
        />
        {list.data && (
          <Text size="sm" c="dimmed" aria-live="polite">
            {t('administration.count', { count: list.data.items.length })}
          </Text>
        )}
      </Group>
      <Tabs value={kind} onChange={(value) => value && update({ kind: value })} variant="pills">
        <Tabs.List aria-label={t('administration.kindsLabel')}>
          {KUBE_KINDS.map((item) => (
            <Tabs.Tab key={item} value={item}>
              {t(`administration.kinds.${item}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      {list.isPending && <Skeleton height={240} />}
      {list.isError && <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />}
      {list.data && (
        <ResourceTable
          kind={kind}
          items={list.data.items}
          allNamespaces={namespace === null && resource.namespaced}
          actions={actions}
          onAction={(action, object) => setOpen({ action, object })}
        />
      )}
      {open?.action === 'yaml' && (
        <YamlEditorModal
          slug={slug}
          clusterId={clusterId}
          resource={resource}
          object={open.object}
          canWrite={canWrite && resource.editable}
          onClose={close}
        />
      )}
      {open?.action === 'logs' && (
        <PodLogsModal slug={slug} clusterId={clusterId} pod={open.object} onClose={close} />
      )}
      {open?.action === 'terminal' && (
        <PodTerminalModal clusterId={clusterId} pod={open.object} onClose={close} />
      )}
      {open?.action === 'delete' && (
        <ConfirmByNameModal
          opened
          onClose={() => {
            remove.reset();
            close();
          }}
          title={t('administration.delete.title', {
            kind: resource.objectKind,
            name: open.object.metadata.name,
          })}
          description={
            <Stack gap="xs">
              <Text size="sm">{t('administration.delete.description')}</Text>
              {remove.isError && <ErrorAlert error={remove.error} />}
            </Stack>
          }
          expected={open.object.metadata.name}
          confirmLabel={t('administration.delete.confirm')}
          isLoading={remove.isPending}
          onConfirm={() =>
            remove.mutate(open.object, {
              onSuccess: () => {
                notifications.show({
                  color: 'teal',
                  message: t('administration.delete.done', { name: open.object.metadata.name }),
                });
                close();
              },
            })
          }
        />
      )}
    </Stack>
  );
}
