import type { Cluster } from '@commander/contracts';
import {
  Alert,
  Anchor,
  DataList,
  Group,
  List,
  Paper,
  Progress,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { YamlField } from '../../../components/ui/code-editor.js';
import { formatDateTime } from '../../../lib/format.js';
import { ClusterStatusBadge } from '../../cluster-shared/components/cluster-status-badge.js';
import { operationKindWord, operationStatusWord } from '../../operations/operation-words.js';
import { valuesToYaml } from '../values-yaml.js';

type Rendered = 'cluster' | 'provider' | 'resources';

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  const id = `section-${title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={id}>
      <Stack gap="sm">
        <Title order={2} size="h5" id={id}>
          {title}
        </Title>
        {children}
      </Stack>
    </Paper>
  );
}

/** The Overview tab: status, settings, connection hosts, values and the rendered configuration. */
export function ClusterOverview({ slug, cluster }: { slug: string; cluster: Cluster }) {
  const { t, i18n } = useTranslation();
  const [rendered, setRendered] = useState<Rendered>('cluster');
  const when = (iso: string | null) =>
    iso ? formatDateTime(iso, i18n.language) : t('common.never');
  const op = cluster.last_operation;
  const documents: Record<Rendered, string | null> = {
    cluster: cluster.desired_cluster_configuration_rendered,
    provider: cluster.desired_provider_specific_cluster_configuration_rendered,
    resources: cluster.desired_resources_rendered,
  };
  const document = documents[rendered];

  return (
    <Stack gap="md">
      {cluster.render_errors !== null && cluster.render_errors.length > 0 && (
        <Alert
          color="red"
          variant="light"
          icon={<IconAlertTriangle aria-hidden />}
          title={t('clusters.overview.renderErrors')}
          role="alert"
        >
          <List size="sm" spacing={4}>
            {cluster.render_errors.map((e, i) => (
              <List.Item key={i}>
                <Text span ff="monospace" size="sm">
                  {[
                    e.section,
                    e.document != null ? `#${e.document}` : null,
                    e.line != null ? `${e.line}${e.column != null ? `:${e.column}` : ''}` : null,
                    e.field,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </Text>
                {' — '}
                {e.message}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }}>
        <Section title={t('clusters.overview.status')}>
          <Group>
            <ClusterStatusBadge status={cluster.status} />
          </Group>
          {op ? (
            <Stack gap={4}>
              <Text size="sm">
                {t('clusters.overview.lastOperation')}{' '}
                <Anchor
                  component={Link}
                  to={`/w/${slug}/clusters/${cluster.id}/operations/${op.id}`}
                  size="sm"
                >
                  {operationKindWord(op.kind, t)}
                </Anchor>{' '}
                · {operationStatusWord(op.status, t)} · {Math.round(op.progress * 100)}%
                {op.phase ? ` · ${op.phase}` : ''}
              </Text>
              <Progress
                value={Math.round(op.progress * 100)}
                size="sm"
                color={op.status === 'failed' ? 'red' : op.status === 'succeeded' ? 'teal' : 'blue'}
                aria-label={t('clusters.operationProgress', {
                  kind: operationKindWord(op.kind, t),
                  percent: Math.round(op.progress * 100),
                })}
              />
            </Stack>
          ) : (
            <Text size="sm" c="dimmed">
              {t('clusters.noOperations')}
            </Text>
          )}
          <DataList size="sm" labelWidth="160px">
            <DataList.Item>
              <DataList.ItemLabel>{t('clusters.overview.checkedAt')}</DataList.ItemLabel>
              <DataList.ItemValue>
                {when(cluster.cluster_configuration_checked_at)}
              </DataList.ItemValue>
            </DataList.Item>
            <DataList.Item>
              <DataList.ItemLabel>{t('clusters.overview.appliedAt')}</DataList.ItemLabel>
              <DataList.ItemValue>
                {when(cluster.cluster_configuration_applied_at)}
              </DataList.ItemValue>
            </DataList.Item>
          </DataList>
        </Section>
        <Section title={t('clusters.overview.settings')}>
          <DataList size="sm" labelWidth="160px">
            <DataList.Item>
              <DataList.ItemLabel>{t('clusters.overview.changeMode')}</DataList.ItemLabel>
              <DataList.ItemValue>
                {t(`clusters.changeMode.${cluster.settings.change_mode}`)}
              </DataList.ItemValue>
            </DataList.Item>
            <DataList.Item>
              <DataList.ItemLabel>{t('clusters.overview.checkInterval')}</DataList.ItemLabel>
              <DataList.ItemValue>
                {t('clusters.overview.minutes', { count: cluster.settings.check_interval })}
              </DataList.ItemValue>
            </DataList.Item>
            <DataList.Item>
              <DataList.ItemLabel>{t('clusters.overview.revision')}</DataList.ItemLabel>
              <DataList.ItemValue>{cluster.current_revision}</DataList.ItemValue>
            </DataList.Item>
            <DataList.Item>
              <DataList.ItemLabel>{t('clusters.overview.type')}</DataList.ItemLabel>
              <DataList.ItemValue>{cluster.cluster_type ?? '—'}</DataList.ItemValue>
            </DataList.Item>
            <DataList.Item>
              <DataList.ItemLabel>{t('clusters.overview.uuid')}</DataList.ItemLabel>
              <DataList.ItemValue>
                <Text span ff="monospace" size="xs">
                  {cluster.uuid}
                </Text>
              </DataList.ItemValue>
            </DataList.Item>
          </DataList>
        </Section>
        <Section title={t('clusters.overview.connection')}>
          {cluster.connection_hosts.masters.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('clusters.overview.noHosts')}
            </Text>
          ) : (
            <Table
              withRowBorders={false}
              verticalSpacing={4}
              aria-label={t('clusters.overview.masters')}
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('clusters.overview.host')}</Table.Th>
                  <Table.Th scope="col">{t('clusters.overview.user')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {cluster.connection_hosts.masters.map((m) => (
                  <Table.Tr key={`${m.host}-${m.user ?? ''}`}>
                    <Table.Td ff="monospace">{m.host}</Table.Td>
                    <Table.Td>{m.user ?? '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Section>
      </SimpleGrid>
      <Section title={t('clusters.overview.values')}>
        <YamlField
          label={t('clusters.overview.valuesLabel')}
          value={valuesToYaml(cluster.values, {
            stored: cluster.secret_values,
            storedWord: t('secretWords.storedEncrypted'),
          })}
          readOnly
          maxHeight="360px"
        />
      </Section>
      <Section title={t('clusters.overview.desired')}>
        <SegmentedControl
          value={rendered}
          onChange={setRendered}
          data={[
            { value: 'cluster', label: t('clusters.overview.renderedCluster') },
            { value: 'provider', label: t('clusters.overview.renderedProvider') },
            { value: 'resources', label: t('clusters.overview.renderedResources') },
          ]}
          aria-label={t('clusters.overview.documentChoice')}
          w="fit-content"
        />
        {document === null ? (
          <Text size="sm" c="dimmed">
            {t('clusters.overview.notRendered')}
          </Text>
        ) : (
          <YamlField
            label={t(`clusters.overview.rendered.${rendered}`)}
            value={document}
            readOnly
            maxHeight="560px"
          />
        )}
      </Section>
    </Stack>
  );
}
