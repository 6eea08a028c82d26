import {
  type ClusterTemplate,
  ClusterTemplateSchema,
  type ClusterTemplateVersion,
} from '@commander/contracts';
import { queryOptions } from '@tanstack/react-query';

import { api } from '../../lib/api-client.js';
import { workspaceQueries } from '../workspaces/workspaces.api.js';

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
};

/** Versions a new cluster may use: available ones, newest first. */
export function availableVersions(template: ClusterTemplate): ClusterTemplateVersion[] {
  return template.cluster_template_versions
    .filter((v) => v.available)
    .sort((a, b) => b.number - a.number);
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
