import type {
  ClusterStatus,
  ClusterTemplate,
  CreateRolloutBody,
  RolloutPlan,
  RolloutPlanCluster,
} from '@commander/contracts';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  NumberInput,
  Radio,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconListCheck, IconPlayerPlay } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import {
  formatWaves,
  parseWaves,
  usePlanRollout,
  useStartRollout,
  WAVE_PRESETS,
} from '../rollouts.api.js';
import { RolloutChangeBadge } from './rollout-badges.js';

export type RolloutModalProps = {
  slug: string;
  template: ClusterTemplate;
  opened: boolean;
  onClose: () => void;
  /** The Clusters tab's filter, when one is set (offered as "the N matching the filter"). */
  filter?: { q?: string; status?: ClusterStatus; total: number };
  /** The clusters ticked on the Clusters tab (offered as "the N selected"). */
  selectedIds?: string[];
};

type Choice = 'all' | 'filter' | 'selected';
type Preset = keyof typeof WAVE_PRESETS | 'custom';

/**
 * "Roll out version…": the target version, which clusters, the waves and the soak time; then
 * the plan (per cluster: no change / change / destructive) is shown before anything starts.
 */
export function RolloutModal(props: RolloutModalProps) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={t('rollouts.create.title', { template: props.template.name })}
      size="xl"
    >
      {/* A fresh form every time it opens. */}
      {props.opened && <RolloutForm {...props} />}
    </Modal>
  );
}

function RolloutForm({ slug, template, onClose, filter, selectedIds = [] }: RolloutModalProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const versions = template.cluster_template_versions
    .filter((v) => v.available)
    .sort((a, b) => b.number - a.number);
  const [versionId, setVersionId] = useState<string | null>(
    versions[0]?.id ?? template.current_cluster_template_version_id,
  );
  const [choice, setChoice] = useState<Choice>(
    selectedIds.length > 0 ? 'selected' : filter ? 'filter' : 'all',
  );
  const [preset, setPreset] = useState<Preset>('canary');
  const [custom, setCustom] = useState(formatWaves(WAVE_PRESETS.canary));
  const [soak, setSoak] = useState<number | string>(60);
  const plan = usePlanRollout(slug);
  const start = useStartRollout(slug);

  const waves = preset === 'custom' ? parseWaves(custom) : WAVE_PRESETS[preset];
  const soakSeconds = typeof soak === 'number' ? soak : Number.NaN;
  const soakValid = Number.isInteger(soakSeconds) && soakSeconds >= 0 && soakSeconds <= 86_400;
  const body: CreateRolloutBody | null =
    versionId !== null && waves !== null && soakValid
      ? {
          cluster_template_id: template.id,
          cluster_template_version_id: versionId,
          waves,
          soak_seconds: soakSeconds,
          ...(choice === 'selected'
            ? { cluster_ids: selectedIds }
            : choice === 'filter' && filter
              ? { filter: { q: filter.q, status: filter.status } }
              : {}),
        }
      : null;
  // The plan shown belongs to these inputs: any change clears it (`edited`) and asks for a new one.
  const planned = plan.data ?? null;
  const edited = () => {
    plan.reset();
    start.reset();
  };

  return (
    <Stack gap="md">
      <Select
        label={t('rollouts.create.version')}
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
        onChange={(value) => {
          setVersionId(value);
          edited();
        }}
        allowDeselect={false}
      />
      <Radio.Group
        label={t('rollouts.create.clusters')}
        value={choice}
        onChange={(value) => {
          setChoice(value);
          edited();
        }}
      >
        <Stack gap={6} mt={4}>
          <Radio
            value="all"
            label={t('rollouts.create.allClusters', { count: template.clusters_count })}
          />
          {filter && (
            <Radio
              value="filter"
              label={t('rollouts.create.filteredClusters', { count: filter.total })}
            />
          )}
          {selectedIds.length > 0 && (
            <Radio
              value="selected"
              label={t('rollouts.create.selectedClusters', { count: selectedIds.length })}
            />
          )}
        </Stack>
      </Radio.Group>
      <Group align="flex-start" grow>
        <Select
          label={t('rollouts.create.waves')}
          description={t('rollouts.create.wavesDescription')}
          data={[
            { value: 'canary', label: t('rollouts.create.presets.canary') },
            { value: 'halves', label: t('rollouts.create.presets.halves') },
            { value: 'all', label: t('rollouts.create.presets.all') },
            { value: 'custom', label: t('rollouts.create.presets.custom') },
          ]}
          value={preset}
          onChange={(value) => {
            setPreset(value ?? 'canary');
            edited();
          }}
          allowDeselect={false}
        />
        <NumberInput
          label={t('rollouts.create.soak')}
          description={t('rollouts.create.soakDescription')}
          min={0}
          max={86_400}
          allowDecimal={false}
          value={soak}
          onChange={(value) => {
            setSoak(value);
            edited();
          }}
          error={soakValid ? undefined : t('rollouts.create.soakInvalid')}
        />
      </Group>
      {preset === 'custom' && (
        <TextInput
          label={t('rollouts.create.customWaves')}
          description={t('rollouts.create.customWavesDescription')}
          value={custom}
          onChange={(event) => {
            setCustom(event.currentTarget.value);
            edited();
          }}
          error={waves === null ? t('rollouts.create.customWavesInvalid') : undefined}
        />
      )}
      {plan.error && <ErrorAlert error={plan.error} />}
      {planned && <PlanView slug={slug} plan={planned} />}
      {start.error && <ErrorAlert error={start.error} />}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t('actions.cancel')}
        </Button>
        <Button
          variant={planned ? 'default' : 'filled'}
          leftSection={<IconListCheck size={16} aria-hidden />}
          disabled={body === null}
          loading={plan.isPending}
          onClick={() => body && plan.mutate(body)}
        >
          {t('rollouts.create.plan')}
        </Button>
        <Button
          leftSection={<IconPlayerPlay size={16} aria-hidden />}
          disabled={
            body === null ||
            planned === null ||
            planned.counts.invalid > 0 ||
            planned.waves.length === 0
          }
          loading={start.isPending}
          onClick={() =>
            body &&
            start.mutate(body, {
              onSuccess: (rollout) => {
                onClose();
                void navigate(`/w/${slug}/rollouts/${rollout.id}`);
              },
            })
          }
        >
          {t('rollouts.create.start')}
        </Button>
      </Group>
    </Stack>
  );
}

/** The plan of a dry run: counts, then each wave's clusters with what changes for them. */
function PlanView({ slug, plan }: { slug: string; plan: RolloutPlan }) {
  const { t } = useTranslation();
  const { counts } = plan;
  return (
    <Stack gap="sm" role="region" aria-label={t('rollouts.plan.title')}>
      <Title order={3} size="h4">
        {t('rollouts.plan.title')}
      </Title>
      <Group gap="xs" aria-label={t('rollouts.plan.counts')} role="group">
        <Badge variant="light" color="gray" tt="none">
          {t('rollouts.plan.total', { count: counts.total })}
        </Badge>
        <Badge variant="light" color="blue" tt="none">
          {t('rollouts.plan.changeCount', { count: counts.change })}
        </Badge>
        <Badge variant="light" color="orange" tt="none">
          {t('rollouts.plan.destructiveCount', { count: counts.destructive })}
        </Badge>
        <Badge variant="outline" color="gray" tt="none">
          {t('rollouts.plan.noneCount', { count: counts.none })}
        </Badge>
        {counts.invalid > 0 && (
          <Badge variant="light" color="red" tt="none">
            {t('rollouts.plan.invalidCount', { count: counts.invalid })}
          </Badge>
        )}
      </Group>
      {counts.destructive > 0 && (
        <Text size="sm" c="dimmed">
          {t('rollouts.plan.destructiveNote')}
        </Text>
      )}
      {plan.invalid.length > 0 && (
        <Alert color="red" variant="light" title={t('rollouts.plan.invalidTitle')}>
          <PlanTable slug={slug} clusters={plan.invalid} showError />
        </Alert>
      )}
      {plan.waves.length === 0 && plan.invalid.length === 0 && (
        <Alert color="teal" variant="light">
          {t('rollouts.plan.nothing')}
        </Alert>
      )}
      {plan.waves.map((wave) => (
        <Stack gap={4} key={wave.index}>
          <Text fw={600} size="sm">
            {t('rollouts.wave.title', {
              number: wave.index + 1,
              total: plan.waves.length,
            })}
            {' · '}
            {t('rollouts.plan.clusterCount', { count: wave.clusters.length })}
          </Text>
          <PlanTable
            slug={slug}
            clusters={wave.clusters}
            label={t('rollouts.wave.title', { number: wave.index + 1, total: plan.waves.length })}
          />
        </Stack>
      ))}
      {plan.skipped.length > 0 && (
        <Text size="sm" c="dimmed">
          {t('rollouts.plan.skipped', {
            count: plan.skipped.length,
            names: plan.skipped
              .slice(0, 10)
              .map((c) => c.cluster_name)
              .join(', '),
          })}
          {plan.skipped.length > 10 && ' …'}
        </Text>
      )}
    </Stack>
  );
}

function PlanTable({
  slug,
  clusters,
  label,
  showError = false,
}: {
  slug: string;
  clusters: RolloutPlanCluster[];
  label?: string;
  showError?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={480}>
      <Table verticalSpacing={4} fz="sm" aria-label={label}>
        <Table.Tbody>
          {clusters.map((c) => (
            <Table.Tr key={c.cluster_id}>
              <Table.Td>
                <Anchor component={Link} to={`/w/${slug}/clusters/${c.cluster_id}`} size="sm">
                  {c.cluster_name}
                </Anchor>
              </Table.Td>
              <Table.Td>
                {c.from_version_number === null
                  ? '—'
                  : t('templates.versionNumber', { number: c.from_version_number })}
              </Table.Td>
              <Table.Td>
                <RolloutChangeBadge change={c.change} />
              </Table.Td>
              {showError && <Table.Td>{c.error}</Table.Td>}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
