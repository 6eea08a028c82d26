import type { RenderError } from '@commander/contracts';
import type { RenderResult } from '@commander/renderer';
import {
  Alert,
  Badge,
  Group,
  Paper,
  Skeleton,
  Stack,
  Tabs,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { YamlField } from '../../../components/ui/code-editor.js';

const FIXED_SECTIONS = ['kubernetes', 'placement', 'ssh', 'installation', 'primary_resources'];

/** A section's name for people ("Kubernetes", "Resources: platform"). */
export function sectionLabel(section: string, t: TFunction): string {
  if (section.startsWith('resources/')) {
    return t('clusterForm.rendered.resourceGroup', { name: section.slice('resources/'.length) });
  }
  switch (section) {
    case 'kubernetes':
      return t('clusterForm.rendered.section.kubernetes');
    case 'placement':
      return t('clusterForm.rendered.section.placement');
    case 'ssh':
      return t('clusterForm.rendered.section.ssh');
    case 'installation':
      return t('clusterForm.rendered.section.installation');
    case 'primary_resources':
      return t('clusterForm.rendered.section.primaryResources');
    case 'params':
      return t('clusterForm.rendered.section.params');
    case 'resources':
      return t('clusterForm.rendered.section.resources');
    default:
      return section;
  }
}

/** "Kubernetes, document 2, line 4, column 3 · cloud.provider" (what is known of it). */
export function errorLocation(error: RenderError, t: TFunction): string {
  const parts = [sectionLabel(error.section, t)];
  if (error.document !== null && error.document !== undefined) {
    parts.push(t('clusterForm.rendered.document', { number: error.document + 1 }));
  }
  if (error.line !== null && error.line !== undefined) {
    parts.push(t('clusterForm.rendered.line', { line: error.line }));
  }
  if (error.column !== null && error.column !== undefined) {
    parts.push(t('clusterForm.rendered.column', { column: error.column }));
  }
  return parts.join(', ') + (error.field ? ` · ${error.field}` : '');
}

/** Render errors as a list; a click on one may jump to its section. */
export function RenderErrorList({
  errors,
  title,
  onSelect,
  isAlert = false,
}: {
  errors: readonly RenderError[];
  title: string;
  onSelect?: (error: RenderError) => void;
  /** Announce it (a server answer); a live preview that changes as the user types is not. */
  isAlert?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Alert
      color="red"
      variant="light"
      icon={<IconAlertTriangle aria-hidden />}
      title={title}
      // Mantine's Alert is role=alert unless told otherwise.
      role={isAlert ? 'alert' : 'region'}
      aria-label={isAlert ? undefined : title}
    >
      <Stack gap={6} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {errors.map((error, i) => {
          const location = errorLocation(error, t);
          const body = (
            <>
              <Text size="sm" fw={600} span>
                {location}:
              </Text>{' '}
              <Text size="sm" span style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                {error.message}
              </Text>
            </>
          );
          return (
            <li key={i}>
              {onSelect ? (
                <UnstyledButton
                  onClick={() => onSelect(error)}
                  aria-label={t('clusterForm.rendered.showError', { location })}
                >
                  {body}
                </UnstyledButton>
              ) : (
                body
              )}
            </li>
          );
        })}
      </Stack>
    </Alert>
  );
}

export type RenderedConfigurationProps = {
  result: RenderResult | null;
  /** The inputs changed and the preview is about to update. */
  isStale?: boolean;
  /** A sentence under the title (what the placeholders mean). */
  note?: string;
};

/**
 * The rendered YAML of every section, one tab each, with the render errors (template, YAML,
 * document schema) listed above by section and line; a click on an error opens its section.
 */
export function RenderedConfiguration({
  result,
  isStale = false,
  note,
}: RenderedConfigurationProps) {
  const { t } = useTranslation();
  const sections = result
    ? [
        ...FIXED_SECTIONS,
        ...Object.keys(result.texts).filter((s) => !FIXED_SECTIONS.includes(s)),
      ].filter((s) => s in result.texts)
    : [];
  const [chosen, setChosen] = useState<string | null>(null);
  const active = chosen !== null && sections.includes(chosen) ? chosen : (sections[0] ?? null);
  const errors = result?.errors ?? [];
  const countBySection = (section: string) => errors.filter((e) => e.section === section).length;

  return (
    <Paper
      withBorder
      p="md"
      component="section"
      aria-labelledby="rendered-configuration-title"
      aria-busy={isStale}
    >
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <Title order={2} size="h4" id="rendered-configuration-title">
            {t('clusterForm.rendered.title')}
          </Title>
          {result &&
            (errors.length === 0 ? (
              <Group gap={4} c="teal" wrap="nowrap">
                <IconCircleCheck size={16} aria-hidden />
                <Text size="sm" inherit>
                  {t('clusterForm.rendered.valid')}
                </Text>
              </Group>
            ) : (
              <Group gap={4} c="red" wrap="nowrap">
                <IconAlertTriangle size={16} aria-hidden />
                <Text size="sm" inherit>
                  {t('clusterForm.rendered.errorCount', { count: errors.length })}
                </Text>
              </Group>
            ))}
        </Group>
        {note && (
          <Text size="xs" c="dimmed">
            {note}
          </Text>
        )}
        {result === null ? (
          <Skeleton height={240} />
        ) : (
          <>
            {errors.length > 0 && (
              <RenderErrorList
                errors={errors}
                title={t('clusterForm.rendered.errorsTitle')}
                onSelect={(error) => {
                  if (sections.includes(error.section)) {
                    setChosen(error.section);
                  }
                }}
              />
            )}
            <Tabs value={active} onChange={setChosen} keepMounted={false}>
              <Tabs.List aria-label={t('clusterForm.rendered.sections')}>
                {sections.map((section) => (
                  <Tabs.Tab
                    key={section}
                    value={section}
                    rightSection={
                      countBySection(section) > 0 ? (
                        <Badge size="xs" color="red" circle aria-hidden>
                          {countBySection(section)}
                        </Badge>
                      ) : null
                    }
                  >
                    {sectionLabel(section, t)}
                  </Tabs.Tab>
                ))}
              </Tabs.List>
              {sections.map((section) => {
                const text = result.texts[section];
                return (
                  <Tabs.Panel key={section} value={section} pt="sm">
                    {text === null || text === undefined ? (
                      <Text size="sm" c="dimmed">
                        {t('clusterForm.rendered.notRendered')}
                      </Text>
                    ) : (
                      <YamlField
                        label={t('clusterForm.rendered.yamlOf', {
                          section: sectionLabel(section, t),
                        })}
                        value={text.trim() === '' ? '' : text}
                        placeholder={t('clusterForm.rendered.empty')}
                        readOnly
                        maxHeight="560px"
                      />
                    )}
                  </Tabs.Panel>
                );
              })}
            </Tabs>
          </>
        )}
      </Stack>
    </Paper>
  );
}
