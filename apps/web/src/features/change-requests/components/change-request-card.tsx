import type { ChangeRequest } from '@commander/contracts';
import {
  Alert,
  Badge,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconAlertTriangle,
  IconCheck,
  IconClockPause,
  IconShieldExclamation,
  IconX,
} from '@tabler/icons-react';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ConfigDiff } from '../../../components/ui/config-diff.js';
import { ConfirmByNameModal } from '../../../components/ui/confirm-by-name-modal.js';
import { ApiError } from '../../../lib/api-client.js';
import { formatDateTime } from '../../../lib/format.js';
import { summarizeCheckResult } from '../check-result.js';
import { ChangeRequestStatusBadge } from './change-request-status-badge.js';
import { CheckResultSummary } from './check-result-summary.js';

const SECTION_KEYS = ['cluster_configuration', 'provider_specific_cluster_configuration'] as const;

function sectionLabel(section: string, t: TFunction): string {
  return (SECTION_KEYS as readonly string[]).includes(section)
    ? t(`changeRequests.sections.${section as (typeof SECTION_KEYS)[number]}`)
    : section;
}

/** The 409 answers of approve/reject, explained; anything else shows the API's message. */
export function decisionErrorMessage(error: Error, t: TFunction): string {
  if (error instanceof ApiError) {
    switch (error.code) {
      case 'already_approved':
        return t('changeRequests.errors.already_approved');
      case 'already_completed':
        return t('changeRequests.errors.already_completed');
      case 'cluster_cannot_be_converged':
        return t('changeRequests.errors.cluster_cannot_be_converged', { message: error.message });
      default:
        return error.message;
    }
  }
  return error.message;
}

export type ChangeRequestCardProps = {
  request: ChangeRequest;
  /** What a destructive approval asks the user to type. */
  clusterName: string;
  canDecide: boolean;
  isApproving: boolean;
  isRejecting: boolean;
  /** The last failed decision on this request. */
  error: Error | null;
  onApprove: (done: () => void) => void;
  onReject: () => void;
};

/**
 * A change request: destructive or manual, the check result, the diff of applied vs desired
 * configuration per section, and Approve / Reject (a destructive approval asks for the name).
 */
export function ChangeRequestCard({
  request,
  clusterName,
  canDecide,
  isApproving,
  isRejecting,
  error,
  onApprove,
  onReject,
}: ChangeRequestCardProps) {
  const { t, i18n } = useTranslation();
  const [confirming, { open, close }] = useDisclosure(false);
  const sections = Object.keys(request.diff);
  const [picked, setPicked] = useState<string | null>(null);
  const section = picked !== null && sections.includes(picked) ? picked : (sections[0] ?? null);
  const shown = section === null ? undefined : request.diff[section];
  const summary = summarizeCheckResult(request.check_result);
  const headingId = `change-request-${request.id}`;
  const isPending = request.status === 'pending';
  const identical = sections.every((s) => request.diff[s]?.applied === request.diff[s]?.desired);

  return (
    <Paper
      withBorder
      p="md"
      component="section"
      aria-labelledby={headingId}
      style={
        request.destructive && isPending
          ? { borderColor: 'var(--mantine-color-orange-filled)' }
          : undefined
      }
    >
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <Stack gap={4}>
            <Group gap="xs">
              <Title order={3} size="h5" id={headingId}>
                {request.destructive
                  ? t('changeRequests.titleDestructive')
                  : t('changeRequests.titleManual')}
              </Title>
              {request.destructive ? (
                <Badge
                  color="orange"
                  variant="filled"
                  tt="none"
                  leftSection={<IconShieldExclamation size={12} aria-hidden />}
                >
                  {t('changeRequests.destructive')}
                </Badge>
              ) : (
                <Badge
                  color="yellow"
                  variant="light"
                  tt="none"
                  leftSection={<IconClockPause size={12} aria-hidden />}
                >
                  {t('changeRequests.manual')}
                </Badge>
              )}
              <ChangeRequestStatusBadge status={request.status} />
            </Group>
            <Text size="xs" c="dimmed">
              {t('changeRequests.opened', {
                when: formatDateTime(request.created_at, i18n.language),
              })}
              {request.desired_revision !== null &&
                ` · ${t('changeRequests.revision', { revision: request.desired_revision })}`}
              {request.approved_by !== null &&
                request.approved_at !== null &&
                ` · ${t('changeRequests.approvedBy', {
                  who: request.approved_by,
                  when: formatDateTime(request.approved_at, i18n.language),
                })}`}
            </Text>
          </Stack>
          {isPending && canDecide && (
            <Group gap="xs">
              <Button
                variant="default"
                leftSection={<IconX size={16} aria-hidden />}
                loading={isRejecting}
                disabled={isApproving}
                onClick={onReject}
              >
                {t('changeRequests.reject')}
              </Button>
              <Button
                color={request.destructive ? 'red' : 'teal'}
                leftSection={<IconCheck size={16} aria-hidden />}
                loading={isApproving && !confirming}
                disabled={isRejecting}
                onClick={() => (request.destructive ? open() : onApprove(() => undefined))}
              >
                {t('changeRequests.approve')}
              </Button>
            </Group>
          )}
        </Group>
        {request.destructive && isPending && (
          <Alert
            color="orange"
            variant="light"
            icon={<IconShieldExclamation aria-hidden />}
            title={t('changeRequests.destructiveWarningTitle')}
          >
            {t('changeRequests.destructiveWarning')}
          </Alert>
        )}
        {error && (
          <Alert
            color="red"
            variant="light"
            role="alert"
            icon={<IconAlertTriangle aria-hidden />}
            title={t('changeRequests.decisionFailed')}
          >
            {decisionErrorMessage(error, t)}
          </Alert>
        )}
        {summary && <CheckResultSummary summary={summary} />}
        {section !== null && shown && (
          <Stack gap="xs">
            <Group justify="space-between">
              <Text size="sm" fw={500}>
                {t('changeRequests.diffTitle')}
              </Text>
              {sections.length > 1 && (
                <SegmentedControl
                  size="xs"
                  value={section}
                  onChange={setPicked}
                  aria-label={t('changeRequests.sectionChoice')}
                  data={sections.map((s) => ({ value: s, label: sectionLabel(s, t) }))}
                />
              )}
            </Group>
            {identical && (
              <Text size="sm" c="dimmed">
                {t('changeRequests.noConfigDifference')}
              </Text>
            )}
            <ConfigDiff
              key={section}
              applied={shown.applied}
              desired={shown.desired}
              appliedLabel={t('changeRequests.appliedLabel', { section: sectionLabel(section, t) })}
              desiredLabel={t('changeRequests.desiredLabel', { section: sectionLabel(section, t) })}
            />
          </Stack>
        )}
      </Stack>
      <ConfirmByNameModal
        opened={confirming}
        onClose={close}
        title={t('changeRequests.confirmTitle', { name: clusterName })}
        description={t('changeRequests.confirmDescription')}
        expected={clusterName}
        confirmLabel={t('changeRequests.approve')}
        isLoading={isApproving}
        onConfirm={() => onApprove(close)}
      />
    </Paper>
  );
}
