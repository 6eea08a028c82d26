import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { parse, stringify } from 'yaml';

import { YamlField } from '../../../components/ui/code-editor.js';
import { ConfigDiff } from '../../../components/ui/config-diff.js';
import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { isApiError } from '../../../lib/api-client.js';
import { forEditing, type KubeObject, type KubeResource } from '../kube-resources.js';
import { kubeQueries, useReplaceObject } from '../kubernetes.api.js';

export type YamlEditorModalProps = {
  slug: string;
  clusterId: string;
  resource: KubeResource;
  object: KubeObject;
  canWrite: boolean;
  onClose: () => void;
};

/** Objects as YAML the way the tab shows them (without `managedFields`). */
function toYaml(object: KubeObject): string {
  return stringify(forEditing(object), { lineWidth: 0 });
}

/**
 * An object's YAML, read fresh from the cluster. Writers edit it, review the server's dry run
 * of the change as a diff, then apply it (a PUT carrying the resourceVersion they started from:
 * a change made meanwhile is a conflict, not overwritten).
 */
export function YamlEditorModal({
  slug,
  clusterId,
  resource,
  object,
  canWrite,
  onClose,
}: YamlEditorModalProps) {
  const { t } = useTranslation();
  const current = useQuery(kubeQueries.object(slug, clusterId, resource, object));
  const [draft, setDraft] = useState<string | null>(null);
  const [parseError, setParseError] = useState<string | null>(null);
  const [review, setReview] = useState<{ edited: KubeObject; after: string } | null>(null);
  const replace = useReplaceObject(slug, clusterId, resource);
  const original = current.data ? toYaml(current.data) : '';
  const text = draft ?? original;
  const title = t('administration.yaml.title', {
    kind: resource.objectKind,
    name: object.metadata.name,
  });

  const startReview = () => {
    setParseError(null);
    let edited: unknown;
    try {
      edited = parse(text);
    } catch (error) {
      setParseError(t('administration.yaml.invalid', { message: (error as Error).message }));
      return;
    }
    if (typeof edited !== 'object' || edited === null || !('metadata' in edited)) {
      setParseError(t('administration.yaml.notObject'));
      return;
    }
    replace.mutate(
      { object: edited as KubeObject, dryRun: true },
      { onSuccess: (after) => setReview({ edited: edited as KubeObject, after: toYaml(after) }) },
    );
  };

  const apply = () => {
    if (!review) {
      return;
    }
    replace.mutate(
      { object: review.edited, dryRun: false },
      {
        onSuccess: () => {
          notifications.show({
            color: 'teal',
            message: t('administration.yaml.applied', { name: object.metadata.name }),
          });
          onClose();
        },
      },
    );
  };

  const conflict = isApiError(replace.error) && replace.error.status === 409;

  return (
    <Modal opened onClose={onClose} title={title} size="xl">
      <Stack>
        {current.isError && (
          <ErrorAlert error={current.error} onRetry={() => void current.refetch()} />
        )}
        {current.data && review === null && (
          <>
            {!canWrite && (
              <Text size="sm" c="dimmed">
                {t('administration.yaml.readOnly')}
              </Text>
            )}
            <YamlField
              label={t('administration.yaml.label')}
              value={text}
              onChange={canWrite ? (value) => setDraft(value) : undefined}
              readOnly={!canWrite}
              error={parseError ?? undefined}
              minHeight="320px"
              maxHeight="60vh"
            />
          </>
        )}
        {review && (
          <>
            {review.after === original ? (
              <Alert color="gray">{t('administration.yaml.noChanges')}</Alert>
            ) : null}
            <ConfigDiff
              applied={original}
              desired={review.after}
              appliedLabel={t('administration.yaml.current')}
              desiredLabel={t('administration.yaml.after')}
            />
          </>
        )}
        {replace.isError &&
          (conflict ? (
            <Alert color="orange" role="alert">
              {t('administration.yaml.conflict')}
            </Alert>
          ) : (
            <ErrorAlert error={replace.error} />
          ))}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('actions.cancel')}
          </Button>
          {canWrite && review === null && (
            <Button
              onClick={startReview}
              loading={replace.isPending}
              disabled={!current.data || text === original}
            >
              {t('administration.yaml.review')}
            </Button>
          )}
          {canWrite && review !== null && (
            <>
              <Button
                variant="default"
                onClick={() => {
                  replace.reset();
                  setReview(null);
                }}
              >
                {t('administration.yaml.back')}
              </Button>
              <Button
                onClick={apply}
                loading={replace.isPending}
                disabled={review.after === original}
              >
                {t('administration.yaml.apply')}
              </Button>
            </>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
