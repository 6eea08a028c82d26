import { ActionIcon, Badge, Group, Table, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { IconFileCode, IconFileText, IconTerminal2, IconTrash } from '@tabler/icons-react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';

import {
  field,
  kubeAge,
  type KubeKind,
  type KubeObject,
  nodeReady,
  nodeRoles,
  podReady,
  podRestarts,
  servicePorts,
  text,
} from '../kube-resources.js';

/** What a row offers. */
export type RowAction = 'yaml' | 'delete' | 'logs' | 'terminal';

type Column = { key: string; label: string; cell: (object: KubeObject) => React.ReactNode };

function columnsOf(kind: KubeKind, t: TFunction, allNamespaces: boolean): Column[] {
  const name: Column = {
    key: 'name',
    label: t('administration.columns.name'),
    cell: (o) => (
      <Text size="sm" ff="monospace">
        {o.metadata.name}
      </Text>
    ),
  };
  const namespace: Column[] = allNamespaces
    ? [
        {
          key: 'namespace',
          label: t('administration.columns.namespace'),
          cell: (o) => o.metadata.namespace ?? '',
        },
      ]
    : [];
  const age: Column = {
    key: 'age',
    label: t('administration.columns.age'),
    cell: (o) => kubeAge(o.metadata.creationTimestamp),
  };
  switch (kind) {
    case 'namespaces':
      return [
        name,
        {
          key: 'status',
          label: t('administration.columns.status'),
          cell: (o) => text(o, 'status.phase'),
        },
        age,
      ];
    case 'nodes':
      return [
        name,
        {
          key: 'status',
          label: t('administration.columns.status'),
          cell: (o) =>
            nodeReady(o) ? (
              <Badge color="teal" variant="light">
                {t('administration.nodeReady')}
              </Badge>
            ) : (
              <Badge color="red" variant="light">
                {t('administration.nodeNotReady')}
              </Badge>
            ),
        },
        { key: 'roles', label: t('administration.columns.roles'), cell: nodeRoles },
        {
          key: 'version',
          label: t('administration.columns.version'),
          cell: (o) => text(o, 'status.nodeInfo.kubeletVersion'),
        },
        age,
      ];
    case 'deployments':
      return [
        name,
        ...namespace,
        {
          key: 'ready',
          label: t('administration.columns.ready'),
          cell: (o) =>
            `${Number(field(o, 'status.readyReplicas') ?? 0)}/${Number(field(o, 'spec.replicas') ?? 1)}`,
        },
        {
          key: 'upToDate',
          label: t('administration.columns.upToDate'),
          cell: (o) => Number(field(o, 'status.updatedReplicas') ?? 0),
        },
        {
          key: 'available',
          label: t('administration.columns.available'),
          cell: (o) => Number(field(o, 'status.availableReplicas') ?? 0),
        },
        age,
      ];
    case 'pods':
      return [
        name,
        ...namespace,
        { key: 'ready', label: t('administration.columns.ready'), cell: podReady },
        {
          key: 'status',
          label: t('administration.columns.status'),
          cell: (o) => text(o, 'status.phase'),
        },
        { key: 'restarts', label: t('administration.columns.restarts'), cell: podRestarts },
        {
          key: 'node',
          label: t('administration.columns.node'),
          cell: (o) => text(o, 'spec.nodeName'),
        },
        age,
      ];
    case 'services':
      return [
        name,
        ...namespace,
        { key: 'type', label: t('administration.columns.type'), cell: (o) => text(o, 'spec.type') },
        {
          key: 'clusterIp',
          label: t('administration.columns.clusterIp'),
          cell: (o) => text(o, 'spec.clusterIP'),
        },
        { key: 'ports', label: t('administration.columns.ports'), cell: servicePorts },
        age,
      ];
    case 'configmaps':
      return [
        name,
        ...namespace,
        {
          key: 'data',
          label: t('administration.columns.data'),
          cell: (o) => Object.keys((field(o, 'data') as object | undefined) ?? {}).length,
        },
        age,
      ];
    case 'events':
      return [
        {
          key: 'lastSeen',
          label: t('administration.columns.lastSeen'),
          cell: (o) => kubeAge(text(o, 'lastTimestamp') || o.metadata.creationTimestamp),
        },
        ...namespace,
        { key: 'type', label: t('administration.columns.type'), cell: (o) => text(o, 'type') },
        {
          key: 'reason',
          label: t('administration.columns.reason'),
          cell: (o) => text(o, 'reason'),
        },
        {
          key: 'object',
          label: t('administration.columns.object'),
          cell: (o) =>
            `${text(o, 'involvedObject.kind').toLowerCase()}/${text(o, 'involvedObject.name')}`,
        },
        {
          key: 'message',
          label: t('administration.columns.message'),
          cell: (o) => text(o, 'message'),
        },
      ];
  }
}

export type ResourceTableProps = {
  kind: KubeKind;
  items: KubeObject[];
  /** Whether the namespace column is shown (all namespaces selected). */
  allNamespaces: boolean;
  /** The actions offered on each row. */
  actions: RowAction[];
  onAction: (action: RowAction, object: KubeObject) => void;
};

/** One kind's objects as a table, with the row actions the caller may use. */
export function ResourceTable({
  kind,
  items,
  allNamespaces,
  actions,
  onAction,
}: ResourceTableProps) {
  const { t } = useTranslation();
  const columns = columnsOf(kind, t, allNamespaces);
  const icons: Record<RowAction, React.ReactNode> = {
    yaml: <IconFileCode size={16} aria-hidden />,
    logs: <IconFileText size={16} aria-hidden />,
    terminal: <IconTerminal2 size={16} aria-hidden />,
    delete: <IconTrash size={16} aria-hidden />,
  };
  if (items.length === 0) {
    return (
      <Text c="dimmed" size="sm">
        {t('administration.empty')}
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table
        striped
        highlightOnHover
        aria-label={t('administration.tableLabel', { kind: t(`administration.kinds.${kind}`) })}
      >
        <Table.Thead>
          <Table.Tr>
            {columns.map((column) => (
              <Table.Th key={column.key}>{column.label}</Table.Th>
            ))}
            {actions.length > 0 && (
              <Table.Th>
                <VisuallyHidden>{t('administration.columns.actions')}</VisuallyHidden>
              </Table.Th>
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((object) => (
            <Table.Tr
              key={object.metadata.uid ?? `${object.metadata.namespace}/${object.metadata.name}`}
            >
              {columns.map((column) => (
                <Table.Td key={column.key}>{column.cell(object)}</Table.Td>
              ))}
              {actions.length > 0 && (
                <Table.Td>
                  <Group gap={4} wrap="nowrap" justify="flex-end">
                    {actions.map((action) => {
                      const label = t(`administration.actions.${action}`, {
                        name: object.metadata.name,
                      });
                      return (
                        <Tooltip key={action} label={label} withinPortal>
                          <ActionIcon
                            variant="subtle"
                            color={action === 'delete' ? 'red' : 'gray'}
                            aria-label={label}
                            onClick={() => onAction(action, object)}
                          >
                            {icons[action]}
                          </ActionIcon>
                        </Tooltip>
                      );
                    })}
                  </Group>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
