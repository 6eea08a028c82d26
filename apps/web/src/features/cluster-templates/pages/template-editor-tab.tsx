import type { ClusterTemplateVersion } from '@commander/contracts';
import { Alert, Badge, Group, Select, Stack, Text } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';

import { currentVersion, versionsNewestFirst } from '../cluster-templates.api.js';
import { TemplateEditor } from '../components/template-editor.js';
import { useTemplateContext } from './template-page.js';

/**
 * The editor of a new version, starting from a base version (`?base=<id>`, default: the
 * current version). Changing the base starts the draft again from that version.
 */
export function TemplateEditorTab() {
  const { t } = useTranslation();
  const { slug, template, canWrite } = useTemplateContext();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const versions = versionsNewestFirst(template);
  const base: ClusterTemplateVersion | null =
    versions.find((v) => v.id === params.get('base')) ?? currentVersion(template);

  return (
    <Stack gap="md">
      {!canWrite && (
        <Alert color="gray" variant="light" icon={<IconInfoCircle aria-hidden />}>
          {t('tpl.editor.readOnly')}
        </Alert>
      )}
      <Group gap="sm" align="flex-end">
        <Select
          label={t('tpl.editor.base')}
          data={versions.map((v) => ({
            value: v.id,
            label: v.comment
              ? t('clusters.create.versionOptionWithComment', {
                  number: v.number,
                  comment: v.comment,
                })
              : t('clusters.create.versionOption', { number: v.number }),
          }))}
          value={base?.id ?? null}
          allowDeselect={false}
          w={360}
          onChange={(id) => {
            const next = new URLSearchParams(params);
            if (id) {
              next.set('base', id);
            }
            setParams(next, { replace: true });
          }}
        />
        {base && (
          <Badge variant="light" color="gray" tt="none" mb={8}>
            {t('tpl.editor.newVersionNumber', {
              number: Math.max(0, ...versions.map((v) => v.number)) + 1,
            })}
          </Badge>
        )}
      </Group>
      {base === null && (
        <Text size="sm" c="dimmed">
          {t('tpl.editor.noBase')}
        </Text>
      )}
      <TemplateEditor
        key={base?.id ?? 'empty'}
        slug={slug}
        templateId={template.id}
        base={base}
        readOnly={!canWrite}
        onSaved={() => void navigate(`/w/${slug}/templates/${template.id}/versions`)}
      />
    </Stack>
  );
}
