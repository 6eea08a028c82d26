import type { Cluster, ClusterTemplate } from '@commander/contracts';
import {
  Alert,
  Anchor,
  Box,
  Button,
  Divider,
  Grid,
  Group,
  Paper,
  Select,
  Stack,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconInfoCircle, IconRefresh } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { ConfigDiff } from '../../../components/ui/config-diff.js';
import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { PageSkeleton } from '../../../components/ui/page-skeleton.js';
import { ApiError, isApiError } from '../../../lib/api-client.js';
import { canInWorkspace } from '../../auth/permissions.js';
import { ClusterValuesFields } from '../../cluster-form/components/cluster-values-fields.js';
import {
  RenderedConfiguration,
  RenderErrorList,
} from '../../cluster-form/components/rendered-configuration.js';
import { parseForm, type StoredValues } from '../../cluster-form/form-state.js';
import { useClusterValuesForm } from '../../cluster-form/use-cluster-values-form.js';
import { clusterQueries } from '../../cluster-shared/clusters.api.js';
import {
  clusterTemplateQueries,
  versionsNewestFirst,
} from '../../cluster-templates/cluster-templates.api.js';
import {
  type RegistryChoice,
  RegistryPicker,
} from '../../registries/components/registry-picker.js';
import { useCurrentWorkspace } from '../../workspaces/use-workspace.js';
import { useUpdateClusterConfiguration } from '../cluster-configuration.api.js';

/** What saving led to: the cluster as the server answered. */
type SaveOutcome = { status: Cluster['status']; revision: number };

/**
 * The cluster's configuration: the form of its template version prefilled with its values (the
 * version can be switched to another available one), the YAML rendered live beside it, and the
 * desired configuration against the applied one. Saving replaces the configuration (PUT with the
 * revision the form started from).
 */
export function ClusterConfiguration({ slug, cluster }: { slug: string; cluster: Cluster }) {
  const { t } = useTranslation();
  const { me } = useCurrentWorkspace();
  const queryClient = useQueryClient();
  // The form restarts (remounts) after a save or a reload, once the cluster it receives is at
  // least the revision the server answered with (the cache may hand over the old one first).
  const [restart, setRestart] = useState({ key: 0, revision: 0 });
  const [outcome, setOutcome] = useState<SaveOutcome | null>(null);
  const templateId = cluster.cluster_template_id;
  const template = useQuery({
    ...clusterTemplateQueries.detail(slug, templateId ?? ''),
    enabled: templateId !== null,
  });
  const canWrite = canInWorkspace(me, slug, 'clusters:write') && cluster.status !== 'delete';

  return (
    <Stack gap="lg">
      {cluster.status === 'configuration_error' && (cluster.render_errors?.length ?? 0) > 0 && (
        <Stack gap={6}>
          <RenderErrorList
            errors={cluster.render_errors ?? []}
            title={t('clusterConfig.renderErrorsTitle')}
            isAlert
          />
          <Text size="sm" c="dimmed">
            {t('clusterConfig.renderErrorsHelp')}
          </Text>
        </Stack>
      )}
      {outcome && <SaveOutcomeAlert outcome={outcome} slug={slug} clusterId={cluster.id} />}
      {templateId === null || cluster.cluster_template_version_id === null ? (
        <Alert color="gray" variant="light" icon={<IconInfoCircle aria-hidden />}>
          {t('clusterConfig.noTemplate')}
        </Alert>
      ) : template.isPending || cluster.current_revision < restart.revision ? (
        <PageSkeleton />
      ) : template.isError ? (
        <ErrorAlert error={template.error} onRetry={() => void template.refetch()} />
      ) : (
        <ClusterConfigurationForm
          key={restart.key}
          slug={slug}
          cluster={cluster}
          template={template.data}
          canWrite={canWrite}
          onSaved={(saved) => {
            setOutcome({ status: saved.status, revision: saved.current_revision });
            setRestart((r) => ({ key: r.key + 1, revision: saved.current_revision }));
          }}
          onReload={() => {
            setOutcome(null);
            // Start again from the cluster as it is now on the server.
            void queryClient
              .fetchQuery({ ...clusterQueries.detail(slug, cluster.id), staleTime: 0 })
              .then((fresh) =>
                setRestart((r) => ({ key: r.key + 1, revision: fresh.current_revision })),
              );
          }}
        />
      )}
      <Divider />
      <DesiredVsApplied cluster={cluster} />
    </Stack>
  );
}

function outcomeText(status: Cluster['status'], t: TFunction): string {
  switch (status) {
    case 'pending_changes':
    case 'destructive_changes':
      return t('clusterConfig.outcome.pending');
    case 'configuration_error':
      return t('clusterConfig.outcome.configurationError');
    case 'in_sync':
      return t('clusterConfig.outcome.inSync');
    case 'new':
    case 'creating':
      return t('clusterConfig.outcome.install');
    default:
      return t('clusterConfig.outcome.converge');
  }
}

function SaveOutcomeAlert({
  outcome,
  slug,
  clusterId,
}: {
  outcome: SaveOutcome;
  slug: string;
  clusterId: string;
}) {
  const { t } = useTranslation();
  const bad = outcome.status === 'configuration_error';
  return (
    <Alert
      color={bad ? 'red' : 'teal'}
      variant="light"
      role="status"
      icon={bad ? <IconAlertTriangle aria-hidden /> : <IconInfoCircle aria-hidden />}
      title={t('clusterConfig.savedTitle', {
        revision: outcome.revision,
        status: t(`clusterStatus.${outcome.status}`),
      })}
    >
      <Text size="sm">{outcomeText(outcome.status, t)}</Text>
      <Anchor component={Link} to={`/w/${slug}/clusters/${clusterId}/operations`} size="sm">
        {t('clusterConfig.openOperations')}
      </Anchor>
    </Alert>
  );
}

type FormProps = {
  slug: string;
  cluster: Cluster;
  template: ClusterTemplate;
  canWrite: boolean;
  onSaved: (cluster: Cluster) => void;
  onReload: () => void;
};

function ClusterConfigurationForm({
  slug,
  cluster,
  template,
  canWrite,
  onSaved,
  onReload,
}: FormProps) {
  const { t, i18n } = useTranslation();
  const update = useUpdateClusterConfiguration(slug, cluster.id);
  // The revision the form started from: a save based on an older one is refused (409).
  const [baseRevision] = useState(cluster.current_revision);
  const [versionId, setVersionId] = useState(cluster.cluster_template_version_id ?? '');
  const [storedRegistry] = useState<RegistryChoice>({
    registry_id: cluster.registry_id,
    registry_mode:
      cluster.registry_mode === 'Direct' || cluster.registry_mode === 'Unmanaged'
        ? cluster.registry_mode
        : null,
  });
  const [registry, setRegistry] = useState<RegistryChoice>(storedRegistry);
  // Omitted registry fields keep the cluster's: send them only when the user changed them.
  const registryChanged =
    registry.registry_id !== storedRegistry.registry_id ||
    registry.registry_mode !== storedRegistry.registry_mode;
  const [error, setError] = useState<unknown>(null);
  const versions = versionsNewestFirst(template).filter(
    (v) => v.available || v.id === cluster.cluster_template_version_id,
  );
  const version = versions.find((v) => v.id === versionId) ?? null;
  const parsed = useMemo(
    () => parseForm(version?.params ?? [], i18n.language),
    [version, i18n.language],
  );
  const stored: StoredValues = useMemo(
    () => ({ values: cluster.values, secret_values: cluster.secret_values }),
    [cluster.values, cluster.secret_values],
  );
  const model = useClusterValuesForm({
    slug,
    parsed,
    sections: version,
    stored,
    clusterId: cluster.id,
    clusterUuid: cluster.uuid,
  });
  const stale = isApiError(error, 'stale_revision') || cluster.current_revision !== baseRevision;
  const readOnly = !canWrite;

  const save = () => {
    if (!model.isValid) {
      model.showAllProblems();
      return;
    }
    setError(null);
    update.mutate(
      {
        name: cluster.name,
        cluster_template_version_id: versionId,
        values: model.values as Cluster['values'],
        current_revision: baseRevision,
        ...(registryChanged ? registry : {}),
      },
      {
        onSuccess: (saved) => {
          notifications.show({
            color: saved.status === 'configuration_error' ? 'orange' : 'teal',
            message: t('clusterConfig.savedTitle', {
              revision: saved.current_revision,
              status: t(`clusterStatus.${saved.status}`),
            }),
          });
          onSaved(saved);
        },
        onError: (e) => {
          if (!model.applyServerError(e)) {
            setError(e);
          }
        },
      },
    );
  };

  return (
    <form
      noValidate
      aria-label={t('clusterConfig.formLabel')}
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      <Grid gap="lg" align="flex-start">
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Stack gap="md">
            <Title order={2} size="h4">
              {t('clusterConfig.title')}
            </Title>
            {stale && (
              <Alert
                color="orange"
                variant="light"
                role="alert"
                icon={<IconRefresh aria-hidden />}
                title={t('clusterConfig.staleTitle')}
              >
                <Text size="sm">{t('clusterConfig.staleDescription')}</Text>
                <Button mt="sm" size="xs" variant="default" onClick={onReload}>
                  {t('clusterConfig.reload')}
                </Button>
              </Alert>
            )}
            {error !== null && !isApiError(error, 'stale_revision') && (
              <ErrorAlert
                error={error}
                title={
                  error instanceof ApiError && error.code === 'template_version_unavailable'
                    ? t('clusters.create.versionUnavailable')
                    : t('clusterConfig.saveFailed')
                }
              />
            )}
            <Select
              label={t('clusterConfig.version')}
              description={t('clusterConfig.versionHelp', { template: template.name })}
              data={versions.map((v) => ({
                value: v.id,
                label: v.comment
                  ? t('clusters.create.versionOptionWithComment', {
                      number: v.number,
                      comment: v.comment,
                    })
                  : t('clusters.create.versionOption', { number: v.number }),
              }))}
              value={versionId}
              disabled={readOnly}
              allowDeselect={false}
              onChange={(id) => id && setVersionId(id)}
            />
            <RegistryPicker
              slug={slug}
              value={registry}
              onChange={setRegistry}
              disabled={readOnly}
            />
            <ClusterValuesFields
              parsed={model.parsed}
              state={model.state}
              context={model.context}
              choices={model.choices}
              errors={model.errors}
              generalErrors={model.generalErrors}
              onChange={model.setField}
              readOnly={readOnly}
            />
            {canWrite && (
              <Group justify="flex-end">
                <Button variant="default" onClick={onReload} disabled={update.isPending}>
                  {t('clusterConfig.discard')}
                </Button>
                <Button type="submit" loading={update.isPending}>
                  {t('clusterConfig.save')}
                </Button>
              </Group>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Box pos="sticky" top={72}>
            <RenderedConfiguration
              result={model.render.result}
              isStale={model.render.isStale}
              note={t('clusterConfig.previewNote')}
            />
          </Box>
        </Grid.Col>
      </Grid>
    </form>
  );
}

const DIFF_SECTIONS = [
  {
    key: 'cluster',
    desired: 'desired_cluster_configuration_rendered',
    applied: 'applied_cluster_configuration_rendered',
  },
  {
    key: 'provider',
    desired: 'desired_provider_specific_cluster_configuration_rendered',
    applied: 'applied_provider_specific_cluster_configuration_rendered',
  },
  {
    key: 'resources',
    desired: 'desired_resources_rendered',
    applied: 'applied_resources_rendered',
  },
] as const;

/** Desired against applied configuration, per section (what the next converge changes). */
export function DesiredVsApplied({ cluster }: { cluster: Cluster }) {
  const { t } = useTranslation();
  const [tab, setTab] = useState<string | null>('cluster');
  const label = (key: (typeof DIFF_SECTIONS)[number]['key']) => t(`clusterConfig.diff.part.${key}`);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="desired-vs-applied">
      <Stack gap="sm">
        <Title order={2} size="h4" id="desired-vs-applied">
          {t('clusterConfig.diff.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('clusterConfig.diff.description')}
        </Text>
        <Tabs value={tab} onChange={setTab} keepMounted={false}>
          <Tabs.List aria-label={t('clusterConfig.diff.sections')}>
            {DIFF_SECTIONS.map((s) => {
              const differs = (cluster[s.desired] ?? '') !== (cluster[s.applied] ?? '');
              return (
                <Tabs.Tab key={s.key} value={s.key}>
                  {label(s.key)}
                  {differs ? ` · ${t('clusterConfig.diff.changed')}` : ''}
                </Tabs.Tab>
              );
            })}
          </Tabs.List>
          {DIFF_SECTIONS.map((s) => {
            const desired = cluster[s.desired];
            const applied = cluster[s.applied];
            return (
              <Tabs.Panel key={s.key} value={s.key} pt="sm">
                <Stack gap="xs">
                  {applied === null && (
                    <Text size="sm" c="dimmed">
                      {t('clusterConfig.diff.notApplied')}
                    </Text>
                  )}
                  {desired === null && (
                    <Text size="sm" c="dimmed">
                      {t('clusterConfig.diff.noDesired')}
                    </Text>
                  )}
                  {desired !== null && applied !== null && desired === applied && (
                    <Text size="sm" c="teal">
                      {t('clusterConfig.diff.same')}
                    </Text>
                  )}
                  {(desired !== null || applied !== null) && (
                    <ConfigDiff
                      applied={applied ?? ''}
                      desired={desired ?? ''}
                      appliedLabel={t('clusterConfig.diff.applied', { section: label(s.key) })}
                      desiredLabel={t('clusterConfig.diff.desired', { section: label(s.key) })}
                    />
                  )}
                </Stack>
              </Tabs.Panel>
            );
          })}
        </Tabs>
      </Stack>
    </Paper>
  );
}
