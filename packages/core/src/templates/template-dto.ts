import type { ClusterTemplate, ClusterTemplateVersion as VersionDto } from '@commander/contracts';
import type { ClusterTemplate as TemplateRow, ClusterTemplateVersion } from '@commander/db';

export function toVersionDto(row: ClusterTemplateVersion): VersionDto {
  return {
    id: row.id,
    cluster_template_id: row.clusterTemplateId,
    number: row.number,
    comment: row.comment,
    available: row.available,
    params: row.params as VersionDto['params'],
    kubernetes_template: row.kubernetesTemplate,
    placement_template: row.placementTemplate,
    ssh_template: row.sshTemplate,
    installation_template: row.installationTemplate,
    primary_resources_template: row.primaryResourcesTemplate,
    resources: row.resources as VersionDto['resources'],
    created_by: row.createdByName,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function toTemplateDto(
  row: TemplateRow & { versions: ClusterTemplateVersion[] },
  clustersCount: number,
): ClusterTemplate {
  return {
    id: row.id,
    workspace_id: row.workspaceId,
    name: row.name,
    comment: row.comment,
    current_cluster_template_version_id: row.currentClusterTemplateVersionId,
    current_revision: row.currentRevision,
    immutable: row.immutable,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    archived_at: row.archivedAt?.toISOString() ?? null,
    archive_number: row.archiveNumber === 0 ? null : row.archiveNumber,
    clusters_count: clustersCount,
    cluster_template_versions: [...row.versions]
      .sort((a, b) => b.number - a.number)
      .map(toVersionDto),
  };
}
