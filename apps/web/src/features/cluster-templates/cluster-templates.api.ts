import {
  ClusterSchema,
  type ClusterStatus,
  type ClusterTemplate,
  ClusterTemplateSchema,
  type ClusterTemplateVersion,
  ClusterTemplateVersionSchema,
  type CreateClusterTemplateBody,
  type CreateTemplateVersionBody,
  SwitchVersionResultSchema,
} from '@commander/contracts';
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';

import { api } from '../../lib/api-client.js';
import { clusterQueries } from '../cluster-shared/clusters.api.js';
import { workspaceQueries } from '../workspaces/workspaces.api.js';

/** Per-cluster result of a bulk version switch. */
export type SwitchVersionResult = z.infer<typeof SwitchVersionResultSchema>[number];

/** Clusters of one template per page of its Clusters tab. */
export const TEMPLATE_CLUSTERS_PAGE_SIZE = 50;

/** The API's largest page (for collecting every matching cluster). */
const API_MAX_PAGE = 1000;

/** The switch endpoint's largest batch. */
export const SWITCH_BATCH = 500;

/** The Clusters tab's filter, kept in the URL. */
export type TemplateClustersFilter = { q?: string; status?: ClusterStatus; page: number };

export const clusterTemplateQueries = {
  all: (slug: string) => [...workspaceQueries.scope(slug), 'cluster-templates'] as const,
  /** Live templates of the workspace, each with its versions. */
  list: (slug: string) =>
    queryOptions({
      queryKey: [...clusterTemplateQueries.all(slug), 'list'] as const,
      queryFn: ({ signal }) =>
        api.list('/cluster_templates', {
          schema: ClusterTemplateSchema,
          workspace: slug,
          query: { without_archived: true },
          signal,
        }),
      staleTime: 60_000,
    }),
  /** The templates page's list: live templates, or every one with archived ones. */
  browse: (slug: string, withArchived: boolean) =>
    queryOptions({
      queryKey: [...clusterTemplateQueries.all(slug), 'list', 'browse', withArchived] as const,
      queryFn: ({ signal }) =>
        api.list('/cluster_templates', {
          schema: ClusterTemplateSchema,
          workspace: slug,
          query: { without_archived: !withArchived },
          signal,
        }),
    }),
  detail: (slug: string, templateId: string) =>
    queryOptions({
      queryKey: [...clusterTemplateQueries.all(slug), 'template', templateId] as const,
      queryFn: ({ signal }) =>
        api.get(`/cluster_templates/${templateId}`, {
          schema: ClusterTemplateSchema,
          workspace: slug,
          signal,
        }),
    }),
  /**
   * Clusters on a template. Kept under the cluster lists' key, so cluster change events
   * refresh it.
   */
  clusters: (slug: string, templateId: string, filter: TemplateClustersFilter = { page: 1 }) =>
    queryOptions({
      queryKey: [...clusterQueries.lists(slug), { templateId, ...filter }] as const,
      queryFn: ({ signal }) =>
        api.list('/clusters', {
          schema: ClusterSchema,
          workspace: slug,
          signal,
          query: {
            cluster_template_id: templateId,
            without_archived: true,
            q: filter.q,
            status: filter.status,
            sort: 'name',
            limit: TEMPLATE_CLUSTERS_PAGE_SIZE,
            offset: (filter.page - 1) * TEMPLATE_CLUSTERS_PAGE_SIZE,
          },
        }),
      placeholderData: keepPreviousData,
    }),
};

/** Every cluster of the template matching the filter (all pages), for "select all matching". */
export async function fetchMatchingClusterIds(
  slug: string,
  templateId: string,
  filter: Omit<TemplateClustersFilter, 'page'>,
): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += API_MAX_PAGE) {
    const page = await api.list('/clusters', {
      schema: ClusterSchema,
      workspace: slug,
      query: {
        cluster_template_id: templateId,
        without_archived: true,
        q: filter.q,
        status: filter.status,
        sort: 'name',
        limit: API_MAX_PAGE,
        offset,
      },
    });
    ids.push(...page.items.map((c) => c.id));
    if (page.items.length < API_MAX_PAGE || ids.length >= page.total) {
      return ids;
    }
  }
}

/** Splits a list into batches the switch endpoint accepts. */
export function batches<T>(items: readonly T[], size: number = SWITCH_BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

/** Versions a new cluster may use: available ones, newest first. */
export function availableVersions(template: ClusterTemplate): ClusterTemplateVersion[] {
  return template.cluster_template_versions
    .filter((v) => v.available)
    .sort((a, b) => b.number - a.number);
}

/** The template's versions, newest first. */
export function versionsNewestFirst(template: ClusterTemplate): ClusterTemplateVersion[] {
  return [...template.cluster_template_versions].sort((a, b) => b.number - a.number);
}

/** The template's current version (or its newest), null for a template without versions. */
export function currentVersion(template: ClusterTemplate): ClusterTemplateVersion | null {
  const versions = versionsNewestFirst(template);
  return (
    versions.find((v) => v.id === template.current_cluster_template_version_id) ??
    versions[0] ??
    null
  );
}

/** The template and version a cluster uses, looked up in the template list. */
export function findVersion(
  templates: readonly ClusterTemplate[] | undefined,
  versionId: string | null,
): { template: ClusterTemplate; version: ClusterTemplateVersion } | null {
  if (!templates || versionId === null) {
    return null;
  }
  for (const template of templates) {
    const version = template.cluster_template_versions.find((v) => v.id === versionId);
    if (version) {
      return { template, version };
    }
  }
  return null;
}

function useInvalidateTemplates(slug: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: clusterTemplateQueries.all(slug) });
}

export function useCreateTemplate(slug: string) {
  const { t } = useTranslation();
  const invalidate = useInvalidateTemplates(slug);
  return useMutation({
    mutationFn: (body: CreateClusterTemplateBody) =>
      api.post('/cluster_templates', { body, schema: ClusterTemplateSchema, workspace: slug }),
    meta: { successMessage: t('tpl.create.created'), notifyError: false },
    onSuccess: invalidate,
  });
}

export type ImportTemplateInput = { content: string; name?: string };

export function useImportTemplate(slug: string) {
  const { t } = useTranslation();
  const invalidate = useInvalidateTemplates(slug);
  return useMutation({
    mutationFn: (body: ImportTemplateInput) =>
      api.post('/cluster_templates/import', {
        body,
        schema: ClusterTemplateSchema,
        workspace: slug,
      }),
    meta: { successMessage: t('tpl.import.imported'), notifyError: false },
    onSuccess: invalidate,
  });
}

export function useArchiveTemplate(slug: string) {
  const { t } = useTranslation();
  const invalidate = useInvalidateTemplates(slug);
  return useMutation({
    mutationFn: (templateId: string) =>
      api.delete(`/cluster_templates/${templateId}`, {
        schema: ClusterTemplateSchema,
        workspace: slug,
      }),
    meta: { successMessage: t('tpl.archive.archived'), errorTitle: t('tpl.archive.failed') },
    onSuccess: invalidate,
  });
}

/** Restores an archived template (409 name_taken when a live template has its name). */
export function useRestoreTemplate(slug: string) {
  const { t } = useTranslation();
  const invalidate = useInvalidateTemplates(slug);
  return useMutation({
    mutationFn: (templateId: string) =>
      api.post(`/cluster_templates/${templateId}/restore`, {
        schema: ClusterTemplateSchema,
        workspace: slug,
      }),
    meta: { successMessage: t('tpl.restore.restored'), errorTitle: t('tpl.restore.failed') },
    onSuccess: invalidate,
  });
}

/** Downloads the template's export (YAML or JSON) as a file. */
export function useExportTemplate(slug: string) {
  const { t } = useTranslation();
  return useMutation({
    mutationFn: async ({
      template,
      format,
    }: {
      template: Pick<ClusterTemplate, 'id' | 'name'>;
      format: 'yaml' | 'json';
    }) => {
      const text = await api.text(`/cluster_templates/${template.id}/export`, {
        workspace: slug,
        query: { format },
      });
      downloadText(text, `${fileSafe(template.name)}.${format}`, format);
    },
    meta: { successMessage: t('tpl.export.done'), errorTitle: t('tpl.export.failed') },
  });
}

function fileSafe(name: string): string {
  return name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'template';
}

function downloadText(text: string, fileName: string, format: 'yaml' | 'json'): void {
  const type = format === 'json' ? 'application/json' : 'application/yaml';
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoke later: some browsers start the download asynchronously.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function useCreateVersion(slug: string, templateId: string) {
  const { t } = useTranslation();
  const invalidate = useInvalidateTemplates(slug);
  return useMutation({
    mutationFn: (body: CreateTemplateVersionBody) =>
      api.post(`/cluster_templates/${templateId}/versions`, {
        body,
        schema: ClusterTemplateVersionSchema,
        workspace: slug,
      }),
    meta: { successMessage: t('tpl.save.saved'), notifyError: false },
    onSuccess: invalidate,
  });
}

export function useUpdateVersion(slug: string, templateId: string) {
  const { t } = useTranslation();
  const invalidate = useInvalidateTemplates(slug);
  return useMutation({
    mutationFn: ({
      versionId,
      ...body
    }: {
      versionId: string;
      comment?: string;
      available?: boolean;
    }) =>
      api.put(`/cluster_templates/${templateId}/versions/${versionId}`, {
        body,
        schema: ClusterTemplateVersionSchema,
        workspace: slug,
      }),
    meta: { successMessage: t('tpl.versions.updated'), errorTitle: t('tpl.versions.updateFailed') },
    onSuccess: invalidate,
  });
}

export function useSwitchVersion(slug: string, templateId: string) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  return useMutation({
    // Any number of clusters, in batches of what the endpoint takes, one after another.
    mutationFn: async (body: { cluster_template_version_id: string; cluster_ids: string[] }) => {
      const results: SwitchVersionResult[] = [];
      for (const ids of batches(body.cluster_ids)) {
        results.push(
          ...(await api.post(`/cluster_templates/${templateId}/switch_version`, {
            body: {
              cluster_template_version_id: body.cluster_template_version_id,
              cluster_ids: ids,
            },
            schema: SwitchVersionResultSchema,
            workspace: slug,
          })),
        );
      }
      return results;
    },
    meta: { successMessage: t('tpl.switch.done'), errorTitle: t('tpl.switch.failed') },
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: clusterQueries.all(slug) }),
        queryClient.invalidateQueries({ queryKey: clusterTemplateQueries.all(slug) }),
      ]);
    },
  });
}
