import {
  type ClusterTemplate,
  type CreateClusterBody,
  CreateClusterBodySchema,
  templateDisplay,
} from '@commander/contracts';
import {
  Alert,
  Box,
  Button,
  Divider,
  EmptyState,
  Grid,
  Group,
  Select,
  Stack,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle, IconTemplate } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { PageSkeleton } from '../../../components/ui/page-skeleton.js';
import { ApiError } from '../../../lib/api-client.js';
import { fieldRule, validationIssuesByField, valueIssueLines } from '../../../lib/validation.js';
import { ClusterValuesFields } from '../../cluster-form/components/cluster-values-fields.js';
import { RenderedConfiguration } from '../../cluster-form/components/rendered-configuration.js';
import { parseForm } from '../../cluster-form/form-state.js';
import { useClusterValuesForm } from '../../cluster-form/use-cluster-values-form.js';
import { useCreateCluster } from '../../cluster-shared/clusters.api.js';
import {
  availableVersions,
  clusterTemplateQueries,
} from '../../cluster-templates/cluster-templates.api.js';
import {
  type RegistryChoice,
  RegistryPicker,
} from '../../registries/components/registry-picker.js';

/** Creates a cluster and opens its page. */
export function CreateClusterForm({ slug }: { slug: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const templates = useQuery(clusterTemplateQueries.list(slug));
  const create = useCreateCluster(slug);
  if (templates.isPending) {
    return <PageSkeleton />;
  }
  if (templates.isError) {
    return <ErrorAlert error={templates.error} onRetry={() => void templates.refetch()} />;
  }
  const usable = templates.data.items.filter((tpl) => availableVersions(tpl).length > 0);
  if (usable.length === 0) {
    return (
      <EmptyState
        icon={<IconTemplate size={32} aria-hidden />}
        title={t('clusters.create.noTemplatesTitle')}
        description={t('clusters.create.noTemplatesDescription')}
      >
        <EmptyState.Actions>
          <Button component={Link} to={`/w/${slug}/templates`} variant="default">
            {t('nav.templates')}
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    );
  }
  return (
    <CreateClusterFormView
      slug={slug}
      templates={usable}
      onCancel={() => void navigate(`/w/${slug}/clusters`)}
      onSubmit={async (body) => {
        const cluster = await create.mutateAsync(body);
        await navigate(`/w/${slug}/clusters/${cluster.id}`);
      }}
    />
  );
}

type FormValues = { templateId: string | null; versionId: string | null; name: string };

/** Where the API's error belongs: a field of the form, or the form as a whole. */
export function createClusterErrorFields(
  error: unknown,
  t: TFunction,
): { fields: Partial<Record<keyof FormValues | 'values', string>>; general: string | null } {
  if (!(error instanceof ApiError)) {
    return { fields: {}, general: error instanceof Error ? error.message : String(error) };
  }
  switch (error.code) {
    case 'name_taken':
      return { fields: { name: t('clusters.create.nameTaken') }, general: null };
    case 'template_version_unavailable':
      return { fields: { versionId: t('clusters.create.versionUnavailable') }, general: null };
    case 'invalid_values':
    case 'not_unique':
    case 'immutable_field':
      return {
        fields: { values: [error.message, ...valueIssueLines(error.details)].join('\n') },
        general: null,
      };
    case 'validation_failed': {
      const issues = validationIssuesByField(error.details);
      const fields: Partial<Record<keyof FormValues | 'values', string>> = {};
      if (issues.name) {
        fields.name = issues.name;
      }
      if (issues.cluster_template_version_id) {
        fields.versionId = issues.cluster_template_version_id;
      }
      if (issues.values) {
        fields.values = issues.values;
      }
      return Object.keys(fields).length > 0
        ? { fields, general: null }
        : { fields, general: `${error.message} (${error.code})` };
    }
    default:
      return { fields: {}, general: `${error.message} (${error.code})` };
  }
}

export type CreateClusterFormViewProps = {
  slug: string;
  templates: ClusterTemplate[];
  /** Rejects with the API's error, which the form shows next to the field it concerns. */
  onSubmit: (body: CreateClusterBody) => Promise<void>;
  onCancel: () => void;
};

function defaultVersionId(template: ClusterTemplate | undefined): string | null {
  if (!template) {
    return null;
  }
  const versions = availableVersions(template);
  const current = versions.find((v) => v.id === template.current_cluster_template_version_id);
  return (current ?? versions[0])?.id ?? null;
}

const NO_PARAMS: Record<string, unknown>[] = [];

export function CreateClusterFormView({
  slug,
  templates,
  onSubmit,
  onCancel,
}: CreateClusterFormViewProps) {
  const { t, i18n } = useTranslation();
  const first = templates[0];
  const form = useForm<FormValues>({
    mode: 'controlled',
    initialValues: { templateId: first?.id ?? null, versionId: defaultVersionId(first), name: '' },
    validate: {
      name: fieldRule(CreateClusterBodySchema.shape.name, t),
      templateId: (value) => (value ? null : t('validation.required')),
      versionId: (value) => (value ? null : t('validation.required')),
    },
    validateInputOnChange: ['name'],
  });
  const [registry, setRegistry] = useState<RegistryChoice>({
    registry_id: null,
    registry_mode: null,
  });
  const [generalError, setGeneralError] = useState<string | null>(null);
  const [isSubmitting, setSubmitting] = useState(false);

  const { templateId, versionId } = form.getValues();
  const template = templates.find((tpl) => tpl.id === templateId);
  const versions = template ? availableVersions(template) : [];
  const version = versions.find((v) => v.id === versionId) ?? null;
  const parsed = useMemo(
    () => parseForm(version?.params ?? NO_PARAMS, i18n.language),
    [version, i18n.language],
  );
  const values = useClusterValuesForm({
    slug,
    parsed,
    sections: version,
    stored: null,
    clusterId: null,
    clusterUuid: null,
  });

  const submit = form.onSubmit(
    async ({ name, versionId: chosen }) => {
      if (!values.isValid) {
        values.showAllProblems();
        return;
      }
      if (chosen === null) {
        return;
      }
      setGeneralError(null);
      setSubmitting(true);
      try {
        await onSubmit({
          name: name.trim(),
          cluster_template_version_id: chosen,
          values: values.values as CreateClusterBody['values'],
          ...(registry.registry_id ? registry : {}),
        });
      } catch (error) {
        if (!values.applyServerError(error)) {
          const { fields, general } = createClusterErrorFields(error, t);
          const { values: valuesError, ...formFields } = fields;
          form.setErrors(formFields);
          setGeneralError([general, valuesError].filter(Boolean).join('\n') || null);
        }
      } finally {
        setSubmitting(false);
      }
    },
    () => values.showAllProblems(),
  );

  return (
    <form onSubmit={submit} noValidate aria-label={t('clusters.create.title')}>
      <Grid gap="lg" align="flex-start">
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Stack gap="md">
            {generalError !== null && (
              <Alert
                color="red"
                variant="light"
                role="alert"
                icon={<IconAlertTriangle aria-hidden />}
                title={t('clusters.create.failed')}
                style={{ whiteSpace: 'pre-line' }}
              >
                {generalError}
              </Alert>
            )}
            <Group grow align="flex-start">
              <Select
                label={t('clusters.create.template')}
                required
                data={templates.map((tpl) => ({
                  value: tpl.id,
                  label: templateDisplay(tpl, i18n.language).name,
                }))}
                allowDeselect={false}
                {...form.getInputProps('templateId')}
                onChange={(value: string | null) => {
                  form.setFieldValue('templateId', value);
                  form.setFieldValue(
                    'versionId',
                    defaultVersionId(templates.find((tpl) => tpl.id === value)),
                  );
                }}
              />
              <Select
                label={t('clusters.create.version')}
                required
                data={versions.map((v) => ({
                  value: v.id,
                  label: v.comment
                    ? t('clusters.create.versionOptionWithComment', {
                        number: v.number,
                        comment: v.comment,
                      })
                    : t('clusters.create.versionOption', { number: v.number }),
                }))}
                allowDeselect={false}
                {...form.getInputProps('versionId')}
              />
            </Group>
            <TextInput
              label={t('clusters.create.name')}
              description={t('clusters.create.nameHelp')}
              required
              autoComplete="off"
              {...form.getInputProps('name')}
            />
            <RegistryPicker slug={slug} value={registry} onChange={setRegistry} />
            <Divider label={t('clusterForm.values')} labelPosition="left" />
            <ClusterValuesFields
              parsed={values.parsed}
              state={values.state}
              context={values.context}
              choices={values.choices}
              errors={values.errors}
              generalErrors={values.generalErrors}
              onChange={values.setField}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={onCancel}>
                {t('actions.cancel')}
              </Button>
              <Button type="submit" loading={isSubmitting}>
                {t('clusters.create.submit')}
              </Button>
            </Group>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Box pos="sticky" top={72}>
            <RenderedConfiguration
              result={values.render.result}
              isStale={values.render.isStale}
              note={t('clusterForm.previewNote')}
            />
          </Box>
        </Grid.Col>
      </Grid>
    </form>
  );
}
