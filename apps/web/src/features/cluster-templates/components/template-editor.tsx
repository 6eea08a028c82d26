import type { ClusterTemplateVersion, RenderError } from '@commander/contracts';
import {
  Badge,
  Box,
  Button,
  Grid,
  Group,
  Modal,
  Paper,
  SegmentedControl,
  Stack,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconCircleCheck, IconDeviceFloppy, IconPlus, IconTrash } from '@tabler/icons-react';
import type { TFunction } from 'i18next';
import { useCallback, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useBlocker } from 'react-router';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { ClusterValuesFields } from '../../cluster-form/components/cluster-values-fields.js';
import {
  RenderedConfiguration,
  RenderErrorList,
  sectionLabel,
} from '../../cluster-form/components/rendered-configuration.js';
import { parseForm } from '../../cluster-form/form-state.js';
import { useClusterValuesForm } from '../../cluster-form/use-cluster-values-form.js';
import { useCreateVersion } from '../cluster-templates.api.js';
import {
  checkDraft,
  type Draft,
  draftBody,
  draftFromVersion,
  type DraftGroup,
  draftSections,
  type EditorTab,
  FIXED_SECTIONS,
  isDraftChanged,
  newGroupId,
  tabOfError,
} from '../template-draft.js';
import { TemplateCodeField } from './template-code-editor.js';

/** How long typing pauses before the draft is checked and previewed again. */
const CHECK_DEBOUNCE_MS = 300;

function tabLabel(tab: EditorTab, draft: Draft, t: TFunction): string {
  if (tab.startsWith('group:')) {
    const group = draft.resources.find((g) => `group:${g.id}` === tab);
    return t('clusterForm.rendered.resourceGroup', { name: group?.name || '…' });
  }
  return sectionLabel(tab, t);
}

export type TemplateEditorProps = {
  slug: string;
  templateId: string;
  /** The version the draft starts from; null for an empty draft. */
  base: ClusterTemplateVersion | null;
  readOnly: boolean;
  onSaved: (version: ClusterTemplateVersion) => void;
};

/**
 * Edits a new version: params (YAML) and each Go-template section in CodeMirror, resource
 * groups (add, rename, sync mode, remove). As the author types, the draft is checked like the
 * server checks it (params errors with lines, template parse errors by section and line, marked
 * in the gutter and listed with a jump to the line) and previewed: the form its params generate
 * and the configuration rendered with that form's values. Saved as a new version with a comment.
 */
export function TemplateEditor({ slug, templateId, base, readOnly, onSaved }: TemplateEditorProps) {
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState<Draft>(() => draftFromVersion(base));
  const [active, setActive] = useState<EditorTab>('params');
  const [saving, setSaving] = useState(false);
  const [jump, setJump] = useState<{ tab: EditorTab; line: number; column: number | null } | null>(
    null,
  );

  const [checked] = useDebouncedValue(draft, CHECK_DEBOUNCE_MS);
  const problems = useMemo(() => checkDraft(checked), [checked]);
  const parsed = useMemo(
    () => parseForm(checked.params, i18n.language),
    [checked.params, i18n.language],
  );
  const sections = useMemo(() => draftSections(checked), [checked]);
  const preview = useClusterValuesForm({
    slug,
    parsed,
    sections,
    stored: null,
    clusterId: null,
    clusterUuid: null,
  });
  const changed = isDraftChanged(draft, base);
  const saved = useRef(false);
  // Leaving the editor with unsaved changes asks first (the draft lives only in this page).
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      !readOnly && !saved.current && changed && currentLocation.pathname !== nextLocation.pathname,
  );

  // A jump to a problem (maybe in another tab) is handed to that tab's editor, which places the
  // cursor once it is ready.
  const clearJump = useCallback(() => setJump(null), []);

  const tabs: EditorTab[] = [
    ...FIXED_SECTIONS.map((s) => s.section),
    ...draft.resources.map((g) => `group:${g.id}` as const),
  ];
  const activeTab = tabs.includes(active) ? active : 'params';
  const group = draft.resources.find((g) => `group:${g.id}` === activeTab) ?? null;
  const fixed = FIXED_SECTIONS.find((s) => s.section === activeTab) ?? null;
  const markers = problems.byTab.get(activeTab) ?? [];

  const setText = (text: string) => {
    if (fixed) {
      setDraft((d) => ({ ...d, [fixed.field]: text }));
    } else if (group) {
      updateGroup(group.id, { template: text });
    }
  };
  const updateGroup = (id: string, patch: Partial<DraftGroup>) =>
    setDraft((d) => ({
      ...d,
      resources: d.resources.map((g) => (g.id === id ? { ...g, ...patch } : g)),
    }));
  const addGroup = () => {
    const id = newGroupId();
    const taken = new Set(draft.resources.map((g) => g.name));
    let n = draft.resources.length + 1;
    while (taken.has(`group-${n}`)) {
      n += 1;
    }
    setDraft((d) => ({
      ...d,
      resources: [...d.resources, { id, name: `group-${n}`, sync_mode: 'managed', template: '' }],
    }));
    setActive(`group:${id}`);
  };
  const removeGroup = (id: string) => {
    setDraft((d) => ({ ...d, resources: d.resources.filter((g) => g.id !== id) }));
    setActive('params');
  };
  const goToProblem = (error: RenderError) => {
    const tab = tabOfError(draft, error);
    if (tab === null) {
      return;
    }
    setActive(tab);
    if (error.line !== null && error.line !== undefined) {
      setJump({ tab, line: error.line, column: error.column ?? null });
    }
  };
  const text = fixed ? draft[fixed.field] : (group?.template ?? '');

  return (
    <Grid gap="lg" align="flex-start">
      <Grid.Col span={{ base: 12, xl: 7 }}>
        <Stack gap="md">
          <Group justify="space-between">
            <Group gap="xs" c={problems.all.length > 0 ? 'red' : 'teal'} role="status">
              {problems.all.length === 0 ? (
                <>
                  <IconCircleCheck size={16} aria-hidden />
                  <Text size="sm" inherit>
                    {t('tpl.editor.noProblems')}
                  </Text>
                </>
              ) : (
                <Text size="sm" inherit>
                  {t('tpl.editor.problemCount', { count: problems.all.length })}
                </Text>
              )}
            </Group>
            {!readOnly && (
              <Group gap="sm">
                <Button
                  variant="default"
                  leftSection={<IconPlus size={16} aria-hidden />}
                  onClick={addGroup}
                >
                  {t('tpl.editor.addGroup')}
                </Button>
                <Button
                  leftSection={<IconDeviceFloppy size={16} aria-hidden />}
                  onClick={() => setSaving(true)}
                  disabled={!changed && base !== null}
                >
                  {t('tpl.save.button')}
                </Button>
              </Group>
            )}
          </Group>
          <Tabs
            value={activeTab}
            onChange={(value) => value && setActive(value as EditorTab)}
            keepMounted={false}
          >
            <Tabs.List aria-label={t('tpl.editor.sections')}>
              {tabs.map((tab) => {
                const count = problems.byTab.get(tab)?.length ?? 0;
                return (
                  <Tabs.Tab
                    key={tab}
                    value={tab}
                    rightSection={
                      count > 0 ? (
                        <Badge size="xs" color="red" circle aria-hidden>
                          {count}
                        </Badge>
                      ) : null
                    }
                  >
                    {tabLabel(tab, draft, t)}
                  </Tabs.Tab>
                );
              })}
            </Tabs.List>
            <Tabs.Panel value={activeTab} pt="sm">
              <Stack gap="sm">
                {group && (
                  <Group align="flex-end" gap="sm">
                    <TextInput
                      label={t('tpl.editor.groupName')}
                      value={group.name}
                      readOnly={readOnly}
                      required
                      error={group.name.trim() === '' ? t('validation.required') : undefined}
                      onChange={(event) =>
                        updateGroup(group.id, { name: event.currentTarget.value })
                      }
                    />
                    <Stack gap={4}>
                      <Text size="sm" fw={500} id={`sync-${group.id}`}>
                        {t('tpl.editor.syncMode')}
                      </Text>
                      <SegmentedControl
                        aria-labelledby={`sync-${group.id}`}
                        disabled={readOnly}
                        value={group.sync_mode}
                        onChange={(value) =>
                          updateGroup(group.id, {
                            sync_mode: value === 'unmanaged' ? 'unmanaged' : 'managed',
                          })
                        }
                        data={[
                          { value: 'managed', label: t('tpl.editor.managed') },
                          { value: 'unmanaged', label: t('tpl.editor.unmanaged') },
                        ]}
                      />
                    </Stack>
                    {!readOnly && (
                      <Button
                        variant="subtle"
                        color="red"
                        leftSection={<IconTrash size={14} aria-hidden />}
                        onClick={() => removeGroup(group.id)}
                      >
                        {t('tpl.editor.removeGroup')}
                      </Button>
                    )}
                  </Group>
                )}
                <TemplateCodeField
                  key={activeTab}
                  cursor={jump !== null && jump.tab === activeTab ? jump : null}
                  onCursorPlaced={clearJump}
                  label={t('tpl.editor.editorOf', { section: tabLabel(activeTab, draft, t) })}
                  description={
                    activeTab === 'params'
                      ? t('tpl.editor.paramsHelp')
                      : group
                        ? group.sync_mode === 'managed'
                          ? t('tpl.editor.managedHelp')
                          : t('tpl.editor.unmanagedHelp')
                        : t('tpl.editor.sectionHelp')
                  }
                  value={text}
                  onChange={readOnly ? undefined : setText}
                  readOnly={readOnly}
                  markers={markers}
                  minHeight="420px"
                  maxHeight="70vh"
                />
              </Stack>
            </Tabs.Panel>
          </Tabs>
          {problems.all.length > 0 && (
            <RenderErrorList
              errors={problems.all}
              title={t('tpl.editor.problems')}
              onSelect={goToProblem}
            />
          )}
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, xl: 5 }}>
        <Box pos="sticky" top={72}>
          <Stack gap="md">
            <Paper withBorder p="md" component="section" aria-labelledby="template-preview-form">
              <Stack gap="sm">
                <Title order={2} size="h4" id="template-preview-form">
                  {t('tpl.editor.previewForm')}
                </Title>
                <Text size="xs" c="dimmed">
                  {t('tpl.editor.previewFormHelp')}
                </Text>
                <ClusterValuesFields
                  parsed={preview.parsed}
                  state={preview.state}
                  context={preview.context}
                  choices={preview.choices}
                  errors={preview.errors}
                  onChange={preview.setField}
                />
              </Stack>
            </Paper>
            <RenderedConfiguration
              result={preview.render.result}
              isStale={preview.render.isStale}
              note={t('clusterForm.previewNote')}
            />
          </Stack>
        </Box>
      </Grid.Col>
      <SaveVersionModal
        slug={slug}
        templateId={templateId}
        draft={draft}
        opened={saving}
        onClose={() => setSaving(false)}
        onSaved={(version) => {
          saved.current = true;
          setSaving(false);
          onSaved(version);
        }}
      />
      <Modal
        opened={blocker.state === 'blocked'}
        onClose={() => blocker.reset?.()}
        title={t('tpl.editor.leaveTitle')}
      >
        <Stack>
          <Text size="sm">{t('tpl.editor.leaveDescription')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => blocker.reset?.()}>
              {t('tpl.editor.stay')}
            </Button>
            <Button color="red" onClick={() => blocker.proceed?.()}>
              {t('tpl.editor.discard')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Grid>
  );
}

/** "Save as new version": a comment is required; the server's 422 details are listed. */
function SaveVersionModal({
  slug,
  templateId,
  draft,
  opened,
  onClose,
  onSaved,
}: {
  slug: string;
  templateId: string;
  draft: Draft;
  opened: boolean;
  onClose: () => void;
  onSaved: (version: ClusterTemplateVersion) => void;
}) {
  const { t } = useTranslation();
  const create = useCreateVersion(slug, templateId);
  const [comment, setComment] = useState('');
  const [touched, setTouched] = useState(false);
  const missing = comment.trim() === '';
  const close = () => {
    create.reset();
    setTouched(false);
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={t('tpl.save.title')} size="lg">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          setTouched(true);
          if (missing) {
            return;
          }
          create.mutate(draftBody(draft, comment.trim()), {
            onSuccess: (version) => {
              setComment('');
              setTouched(false);
              create.reset();
              onSaved(version);
            },
          });
        }}
      >
        <Stack>
          {create.isError && <ErrorAlert error={create.error} title={t('tpl.save.failed')} />}
          <Textarea
            label={t('tpl.save.comment')}
            description={t('tpl.save.commentHelp')}
            required
            autosize
            minRows={2}
            data-autofocus
            value={comment}
            error={touched && missing ? t('validation.required') : undefined}
            onChange={(event) => {
              setComment(event.currentTarget.value);
              setTouched(true);
            }}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('actions.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('tpl.save.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
