import type { Cluster } from '@commander/contracts';
import { Alert, Button, Group, Modal, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconArrowsExchange, IconKey, IconPlugConnectedX, IconRefresh } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { ConfirmByNameModal } from '../../../components/ui/confirm-by-name-modal.js';
import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { formatDateTime } from '../../../lib/format.js';
import { canInWorkspace } from '../../auth/permissions.js';
import { useUpdateClusterConfiguration } from '../../cluster-configuration/cluster-configuration.api.js';
import {
  type RegistryChoice,
  RegistryPicker,
} from '../../registries/components/registry-picker.js';
import { useCurrentWorkspace } from '../../workspaces/use-workspace.js';
import {
  canCheckNow,
  canDetach,
  type RotatedAgentKey,
  useCheckNow,
  useDetach,
  useMoveCluster,
  useRotateAgentKey,
  useUpdateClusterSettings,
} from '../lifecycle.api.js';
import { ClusterSettingsForm } from './cluster-settings-form.js';

function Section({
  id,
  title,
  description,
  children,
  danger,
}: {
  id: string;
  title: string;
  description?: string;
  children: React.ReactNode;
  danger?: boolean;
}) {
  return (
    <Paper
      withBorder
      p="md"
      component="section"
      aria-labelledby={id}
      style={danger ? { borderColor: 'var(--mantine-color-red-outline)' } : undefined}
    >
      <Stack gap="sm">
        <Stack gap={2}>
          <Title order={2} size="h5" id={id} c={danger ? 'red' : undefined}>
            {title}
          </Title>
          {description && (
            <Text size="sm" c="dimmed">
              {description}
            </Text>
          )}
        </Stack>
        {children}
      </Stack>
    </Paper>
  );
}

function CheckNowSection({
  slug,
  cluster,
  canWrite,
}: {
  slug: string;
  cluster: Cluster;
  canWrite: boolean;
}) {
  const { t, i18n } = useTranslation();
  const check = useCheckNow(slug, cluster.id);
  const checkedAt = cluster.cluster_configuration_checked_at;
  return (
    <Section
      id="settings-check"
      title={t('clusterSettings.check.title')}
      description={t('clusterSettings.check.description')}
    >
      <Text size="sm">
        {checkedAt
          ? t('clusterSettings.check.lastChecked', {
              when: formatDateTime(checkedAt, i18n.language),
            })
          : t('clusterSettings.check.neverChecked')}
      </Text>
      {canWrite && (
        <Group>
          <Button
            variant="default"
            leftSection={<IconRefresh size={16} aria-hidden />}
            loading={check.isPending}
            disabled={!canCheckNow(cluster)}
            onClick={() => check.mutate()}
          >
            {t('clusterSettings.check.button')}
          </Button>
          {!canCheckNow(cluster) && (
            <Text size="xs" c="dimmed">
              {t('clusterSettings.check.unavailable')}
            </Text>
          )}
        </Group>
      )}
    </Section>
  );
}

function RotateKeySection({ slug, cluster }: { slug: string; cluster: Cluster }) {
  const { t, i18n } = useTranslation();
  const [opened, { open, close }] = useDisclosure(false);
  const rotate = useRotateAgentKey(slug, cluster.id);
  const [rotated, setRotated] = useState<RotatedAgentKey | null>(null);
  return (
    <Section
      id="settings-agent-key"
      title={t('clusterSettings.rotate.title')}
      description={t('clusterSettings.rotate.description')}
    >
      {rotated && (
        <Alert color="teal" variant="light" role="status">
          {t('clusterSettings.rotate.done', {
            until: formatDateTime(rotated.previous_key_expires_at, i18n.language),
          })}
        </Alert>
      )}
      <Group>
        <Button variant="default" leftSection={<IconKey size={16} aria-hidden />} onClick={open}>
          {t('clusterSettings.rotate.button')}
        </Button>
      </Group>
      <Modal opened={opened} onClose={close} title={t('clusterSettings.rotate.confirmTitle')}>
        <Stack>
          <Text size="sm">{t('clusterSettings.rotate.confirmDescription')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('actions.cancel')}
            </Button>
            <Button
              loading={rotate.isPending}
              onClick={() =>
                rotate.mutate(undefined, {
                  onSuccess: (result) => {
                    setRotated(result);
                    close();
                  },
                })
              }
            >
              {t('clusterSettings.rotate.confirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Section>
  );
}

function MoveSection({ slug, cluster }: { slug: string; cluster: Cluster }) {
  const { t } = useTranslation();
  const { me } = useCurrentWorkspace();
  const navigate = useNavigate();
  const move = useMoveCluster(slug, cluster.id);
  const [target, setTarget] = useState<string | null>(null);
  const [opened, { open, close }] = useDisclosure(false);
  const targets = (me?.workspaces ?? []).filter(
    (w) => w.slug !== slug && canInWorkspace(me, w.slug, 'clusters:write'),
  );
  const chosen = targets.find((w) => w.id === target) ?? null;
  return (
    <Section
      id="settings-move"
      title={t('clusterSettings.move.title')}
      description={t('clusterSettings.move.description')}
    >
      {targets.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('clusterSettings.move.noTargets')}
        </Text>
      ) : (
        <Group align="flex-end">
          <Select
            label={t('clusterSettings.move.target')}
            placeholder={t('clusterSettings.move.targetPlaceholder')}
            data={targets.map((w) => ({ value: w.id, label: w.name }))}
            value={target}
            onChange={setTarget}
            w={280}
          />
          <Button
            variant="default"
            leftSection={<IconArrowsExchange size={16} aria-hidden />}
            disabled={chosen === null}
            onClick={open}
          >
            {t('clusterSettings.move.button')}
          </Button>
        </Group>
      )}
      <Modal
        opened={opened && chosen !== null}
        onClose={close}
        title={t('clusterSettings.move.confirmTitle', {
          name: cluster.name,
          workspace: chosen?.name ?? '',
        })}
      >
        <Stack>
          <Text size="sm">{t('clusterSettings.move.confirmDescription')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('actions.cancel')}
            </Button>
            <Button
              loading={move.isPending}
              onClick={() =>
                chosen &&
                move.mutate(chosen.id, {
                  onSuccess: () => {
                    close();
                    void navigate(`/w/${chosen.slug}/clusters/${cluster.id}`);
                  },
                })
              }
            >
              {t('clusterSettings.move.confirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Section>
  );
}

/** The cluster's container registry and registry mode (a PUT of the cluster with them). */
function RegistrySection({ slug, cluster }: { slug: string; cluster: Cluster }) {
  const { t } = useTranslation();
  const update = useUpdateClusterConfiguration(slug, cluster.id);
  const stored: RegistryChoice = {
    registry_id: cluster.registry_id,
    registry_mode:
      cluster.registry_mode === 'Direct' || cluster.registry_mode === 'Unmanaged'
        ? cluster.registry_mode
        : null,
  };
  const [choice, setChoice] = useState<RegistryChoice>(stored);
  const versionId = cluster.cluster_template_version_id;
  const changed =
    choice.registry_id !== stored.registry_id || choice.registry_mode !== stored.registry_mode;
  return (
    <Section id="settings-registry" title={t('registries.picker.label')}>
      <RegistryPicker slug={slug} value={choice} onChange={setChoice} disabled={!versionId} />
      {cluster.was_created && (
        <Text size="sm" c="dimmed">
          {t('registries.picker.installedNote')}
        </Text>
      )}
      {update.error && <ErrorAlert error={update.error} title={t('registries.saveFailed')} />}
      <Group justify="flex-end">
        <Button
          disabled={!changed || !versionId}
          loading={update.isPending}
          onClick={() =>
            versionId &&
            update.mutate({
              name: cluster.name,
              cluster_template_version_id: versionId,
              values: cluster.values,
              current_revision: cluster.current_revision,
              registry_id: choice.registry_id,
              registry_mode: choice.registry_mode,
            })
          }
        >
          {t('registries.save')}
        </Button>
      </Group>
    </Section>
  );
}

function DangerSection({
  slug,
  cluster,
  deleteAction,
}: {
  slug: string;
  cluster: Cluster;
  deleteAction: React.ReactNode;
}) {
  const { t } = useTranslation();
  const [opened, { open, close }] = useDisclosure(false);
  const detach = useDetach(slug, cluster.id);
  const detachable = canDetach(cluster);
  return (
    <Section id="settings-danger" title={t('clusterSettings.danger.title')} danger>
      <Group justify="space-between" align="center" wrap="nowrap">
        <Stack gap={2}>
          <Text size="sm" fw={500}>
            {t('clusterSettings.detach.title')}
          </Text>
          <Text size="sm" c="dimmed" maw={640}>
            {detachable
              ? t('clusterSettings.detach.description')
              : t('clusterSettings.detach.unavailable')}
          </Text>
        </Stack>
        <Button
          color="red"
          variant="outline"
          leftSection={<IconPlugConnectedX size={16} aria-hidden />}
          disabled={!detachable}
          onClick={open}
        >
          {t('clusterSettings.detach.button')}
        </Button>
      </Group>
      <Group justify="space-between" align="center" wrap="nowrap">
        <Stack gap={2}>
          <Text size="sm" fw={500}>
            {t('clusterSettings.delete.title')}
          </Text>
          <Text size="sm" c="dimmed" maw={640}>
            {t('clusterSettings.delete.description')}
          </Text>
        </Stack>
        {cluster.status !== 'delete' && deleteAction}
      </Group>
      <ConfirmByNameModal
        opened={opened}
        onClose={close}
        title={t('clusterSettings.detach.confirmTitle', { name: cluster.name })}
        description={t('clusterSettings.detach.confirmDescription')}
        expected={cluster.name}
        confirmLabel={t('clusterSettings.detach.button')}
        isLoading={detach.isPending}
        onConfirm={() => detach.mutate(undefined, { onSuccess: close })}
      />
    </Section>
  );
}

export type ClusterSettingsProps = {
  slug: string;
  cluster: Cluster;
  /** The danger zone's delete button (the cluster page composes it). */
  deleteAction: React.ReactNode;
};

/** A cluster's settings: change mode, check, agent key, move, detach, delete. */
export function ClusterSettings({ slug, cluster, deleteAction }: ClusterSettingsProps) {
  const { t } = useTranslation();
  const { me } = useCurrentWorkspace();
  const canWrite = canInWorkspace(me, slug, 'clusters:write');
  const canReadRegistries = canInWorkspace(me, slug, 'registries:read');
  const update = useUpdateClusterSettings(slug, cluster.id);
  const { change_mode, check_interval } = cluster.settings;
  return (
    <Stack gap="md">
      <Section
        id="settings-changes"
        title={t('clusterSettings.title')}
        description={t('clusterSettings.description')}
      >
        <ClusterSettingsForm
          // A saved change (here or elsewhere) starts the form afresh from the new values.
          key={`${change_mode}-${check_interval}`}
          settings={cluster.settings}
          canWrite={canWrite}
          isSaving={update.isPending}
          onSave={(settings) => update.mutate(settings)}
        />
      </Section>
      {canWrite && canReadRegistries && (
        <RegistrySection key={cluster.current_revision} slug={slug} cluster={cluster} />
      )}
      <CheckNowSection slug={slug} cluster={cluster} canWrite={canWrite} />
      {canWrite && <RotateKeySection slug={slug} cluster={cluster} />}
      {canWrite && <MoveSection slug={slug} cluster={cluster} />}
      {canWrite && <DangerSection slug={slug} cluster={cluster} deleteAction={deleteAction} />}
    </Stack>
  );
}
