import type { Db, Prisma } from '@commander/db';

import { PRESET_CATALOGS, PRESET_TEMPLATES, type PresetTemplate } from './presets/index.js';

function sameContent(version: Record<string, unknown>, preset: PresetTemplate): boolean {
  return (
    JSON.stringify(version.params) === JSON.stringify(preset.params) &&
    version.kubernetesTemplate === preset.kubernetes_template &&
    version.placementTemplate === preset.placement_template &&
    version.sshTemplate === preset.ssh_template &&
    version.installationTemplate === preset.installation_template &&
    version.primaryResourcesTemplate === preset.primary_resources_template &&
    JSON.stringify(version.resources) === JSON.stringify(preset.resources)
  );
}

/**
 * Installs the preset templates into a workspace: creates missing ones and adds a new version
 * when a shipped preset changed. Archived presets are left alone (the user archived them).
 */
export async function installPresetTemplates(db: Db, workspaceId: string): Promise<void> {
  for (const catalog of PRESET_CATALOGS) {
    await db.$transaction(async (tx) => {
      const existing = await tx.catalog.findFirst({ where: { workspaceId, slug: catalog.slug } });
      if (existing) {
        return;
      }
      const created = await tx.catalog.create({
        data: {
          workspaceId,
          slug: catalog.slug,
          name: catalog.name,
          usage: catalog.usage,
          params: catalog.params as Prisma.InputJsonValue,
        },
      });
      await tx.record.createMany({
        data: catalog.records.map((values) => ({
          catalogId: created.id,
          values: values as Prisma.InputJsonValue,
        })),
      });
    });
  }
  for (const preset of PRESET_TEMPLATES) {
    await db.$transaction(async (tx) => {
      const existing = await tx.clusterTemplate.findFirst({
        where: { workspaceId, name: preset.name },
        include: { versions: { orderBy: { number: 'desc' }, take: 1 } },
        orderBy: { archiveNumber: 'asc' },
      });
      if (existing?.archivedAt) {
        return;
      }
      const latest = existing?.versions[0];
      if (latest && sameContent(latest, preset)) {
        return;
      }
      const template =
        existing ??
        (await tx.clusterTemplate.create({
          data: { workspaceId, name: preset.name, comment: preset.comment },
        }));
      const version = await tx.clusterTemplateVersion.create({
        data: {
          clusterTemplateId: template.id,
          number: (latest?.number ?? 0) + 1,
          comment: latest ? 'Updated preset' : 'Preset',
          params: preset.params as Prisma.InputJsonValue,
          kubernetesTemplate: preset.kubernetes_template,
          placementTemplate: preset.placement_template,
          sshTemplate: preset.ssh_template,
          installationTemplate: preset.installation_template,
          primaryResourcesTemplate: preset.primary_resources_template,
          resources: preset.resources,
          createdByName: 'system',
        },
      });
      await tx.clusterTemplate.update({
        where: { id: template.id },
        data: {
          currentClusterTemplateVersionId: version.id,
          currentRevision: { increment: existing ? 1 : 0 },
        },
      });
    });
  }
}
