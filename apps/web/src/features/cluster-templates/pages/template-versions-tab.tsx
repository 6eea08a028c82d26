import type { ClusterTemplateVersion } from '@commander/contracts';
import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Modal,
  Stack,
  Switch,
  Table,
  Text,
  Textarea,
  Tooltip,
} from '@mantine/core';
import { IconCopy, IconPencil } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { formatDateTime } from '../../../lib/format.js';
import { useUpdateVersion, versionsNewestFirst } from '../cluster-templates.api.js';
import { useTemplateContext } from './template-page.js';

/** Versions of the template: comment (editable), availability switch, author, "use as base". */
export function TemplateVersionsTab() {
  const { t, i18n } = useTranslation();
  const { slug, template, canWrite } = useTemplateContext();
  const navigate = useNavigate();
  const update = useUpdateVersion(slug, template.id);
  const [editing, setEditing] = useState<ClusterTemplateVersion | null>(null);
  const versions = versionsNewestFirst(template);
  return (
    <>
      <Table.ScrollContainer minWidth={760}>
        <Table verticalSpacing="sm" aria-label={t('tpl.versions.table')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('templates.columns.version')}</Table.Th>
              <Table.Th scope="col">{t('templates.columns.comment')}</Table.Th>
              <Table.Th scope="col">{t('templates.columns.available')}</Table.Th>
              <Table.Th scope="col">{t('tpl.versions.createdBy')}</Table.Th>
              <Table.Th scope="col">{t('templates.columns.created')}</Table.Th>
              <Table.Th scope="col">{t('tpl.list.columns.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {versions.map((version) => {
              const label = t('templates.versionNumber', { number: version.number });
              return (
                <Table.Tr key={version.id}>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Text size="sm" fw={500}>
                        {label}
                      </Text>
                      {version.id === template.current_cluster_template_version_id && (
                        <Badge size="xs" variant="light" tt="none">
                          {t('templates.current')}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap" align="flex-start">
                      <Text
                        size="sm"
                        style={{ whiteSpace: 'pre-line' }}
                        c={version.comment ? undefined : 'dimmed'}
                      >
                        {version.comment || '—'}
                      </Text>
                      {canWrite && (
                        <Tooltip label={t('tpl.versions.editComment')}>
                          <ActionIcon
                            variant="subtle"
                            color="gray"
                            size="sm"
                            aria-label={t('tpl.versions.editCommentOf', { version: label })}
                            onClick={() => setEditing(version)}
                          >
                            <IconPencil size={14} aria-hidden />
                          </ActionIcon>
                        </Tooltip>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Switch
                      checked={version.available}
                      disabled={!canWrite || update.isPending}
                      aria-label={t('tpl.versions.availableOf', { version: label })}
                      label={
                        version.available ? t('templates.available') : t('templates.unavailable')
                      }
                      onChange={(event) =>
                        update.mutate({
                          versionId: version.id,
                          available: event.currentTarget.checked,
                        })
                      }
                    />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{version.created_by ?? '—'}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatDateTime(version.created_at, i18n.language)}</Text>
                  </Table.Td>
                  <Table.Td>
                    {canWrite && (
                      <Button
                        size="xs"
                        variant="default"
                        leftSection={<IconCopy size={14} aria-hidden />}
                        aria-label={t('tpl.versions.useAsBaseOf', { version: label })}
                        onClick={() =>
                          void navigate(
                            `/w/${slug}/templates/${template.id}/editor?base=${version.id}`,
                          )
                        }
                      >
                        {t('tpl.versions.useAsBase')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <EditCommentModal
        version={editing}
        isSaving={update.isPending}
        onClose={() => setEditing(null)}
        onSave={(comment) => {
          if (editing) {
            update.mutate(
              { versionId: editing.id, comment },
              { onSuccess: () => setEditing(null) },
            );
          }
        }}
      />
    </>
  );
}

function EditCommentModal({
  version,
  isSaving,
  onClose,
  onSave,
}: {
  version: ClusterTemplateVersion | null;
  isSaving: boolean;
  onClose: () => void;
  onSave: (comment: string) => void;
}) {
  const { t } = useTranslation();
  const [comment, setComment] = useState(version?.comment ?? '');
  const [shownFor, setShownFor] = useState(version?.id ?? null);
  if ((version?.id ?? null) !== shownFor) {
    setShownFor(version?.id ?? null);
    setComment(version?.comment ?? '');
  }
  return (
    <Modal
      opened={version !== null}
      onClose={onClose}
      title={t('tpl.versions.commentTitle', { number: version?.number ?? 0 })}
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          onSave(comment);
        }}
      >
        <Stack>
          <Textarea
            label={t('tpl.fields.comment')}
            autosize
            minRows={3}
            data-autofocus
            value={comment}
            onChange={(event) => setComment(event.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('actions.cancel')}
            </Button>
            <Button type="submit" loading={isSaving}>
              {t('tpl.common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
