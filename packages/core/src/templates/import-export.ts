import {
  type ClusterTemplate,
  CreateTemplateVersionBodySchema,
  ImportClusterTemplateBodySchema,
} from '@commander/contracts';
import { isUniqueViolation } from '@commander/db';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import type { z } from 'zod';

import { recordAudit } from '../audit/record-audit.js';
import type { ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { notifyChange } from '../events/notify.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';
import { getClusterTemplate } from './get-templates.js';
import { assertValidVersion, paramsToStore } from './manage-templates.js';

/** Document kind of exported templates. */
export const TEMPLATE_EXPORT_KIND = {
  apiVersion: 'commander.deckhouse.io/v1',
  kind: 'ClusterTemplate',
} as const;

/** A template and all its versions as a YAML (or JSON) document that import reads back. */
export async function exportClusterTemplate(
  ctx: ServiceContext,
  id: string,
  format: 'yaml' | 'json',
): Promise<string> {
  const template = await getClusterTemplate(ctx, id);
  const document = {
    ...TEMPLATE_EXPORT_KIND,
    name: template.name,
    comment: template.comment,
    versions: [...template.cluster_template_versions]
      .sort((a, b) => a.number - b.number)
      .map((v) => ({
        number: v.number,
        comment: v.comment,
        available: v.available,
        params: v.params,
        kubernetes_template: v.kubernetes_template,
        placement_template: v.placement_template,
        ssh_template: v.ssh_template,
        installation_template: v.installation_template,
        primary_resources_template: v.primary_resources_template,
        resources: v.resources,
      })),
  };
  return format === 'json'
    ? `${JSON.stringify(document, null, 2)}\n`
    : toYaml(document, { lineWidth: 0, blockQuote: 'literal' });
}

type ImportedVersion = z.output<typeof CreateTemplateVersionBodySchema>;

/** Reads an export document (or a bare version with a name) from YAML or JSON text. */
function readDocument(content: string): {
  name: string | null;
  comment: string;
  versions: ImportedVersion[];
} {
  let doc: unknown;
  try {
    doc = parseYaml(content); // YAML is a superset of JSON
  } catch (error) {
    throw new AppError(
      'unprocessable',
      `The document is not valid YAML or JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new AppError('unprocessable', 'The document must be a mapping (a template export)');
  }
  const d = doc as Record<string, unknown>;
  const rawVersions = Array.isArray(d.versions) ? (d.versions as unknown[]) : [d];
  if (rawVersions.length === 0) {
    throw new AppError('unprocessable', 'The document has no versions');
  }
  const versions = rawVersions.map((raw, i) => {
    const v = { ...(raw as Record<string, unknown>) };
    for (const key of [
      'number',
      'name',
      'apiVersion',
      'kind',
      'versions',
      'id',
      'cluster_template_id',
      'created_at',
      'updated_at',
      'created_by',
    ]) {
      delete v[key];
    }
    if (d.versions === undefined) {
      delete v.comment;
    }
    const parsed = CreateTemplateVersionBodySchema.safeParse(v);
    if (!parsed.success) {
      throw new AppError(
        'unprocessable',
        `Version ${i + 1} of the document is invalid`,
        parsed.error.issues.map((x) => ({ path: x.path.join('.'), message: x.message })),
      );
    }
    return parsed.data;
  });
  return {
    name: typeof d.name === 'string' ? d.name : null,
    comment: typeof d.comment === 'string' ? d.comment : '',
    versions,
  };
}

/**
 * Imports a template from its exported text: a new template with the document's versions
 * (renumbered from 1, in order), or those versions added to an existing template.
 * @throws AppError unprocessable (document), invalid_template (a version), name_taken, not_found
 */
export async function importClusterTemplate(
  ctx: ServiceContext,
  body: z.input<typeof ImportClusterTemplateBodySchema>,
): Promise<ClusterTemplate> {
  const input = ImportClusterTemplateBodySchema.parse(body);
  const workspace = requireWorkspace(ctx);
  const doc = readDocument(input.content);
  const prepared = doc.versions.map((v) => {
    const params = paramsToStore(v);
    assertValidVersion(v, params);
    return { v, params };
  });
  const name = input.name ?? doc.name;
  if (!input.cluster_template_id && !name) {
    throw new AppError('unprocessable', 'The document has no name: give one in `name`');
  }
  try {
    const id = await ctx.db.$transaction(async (tx) => {
      let templateId = input.cluster_template_id;
      if (templateId) {
        const existing = await tx.clusterTemplate.findFirst({
          where: { id: templateId, workspaceId: workspace.id, archivedAt: null },
        });
        if (!existing) {
          throw new AppError('not_found', `Cluster template ${templateId} not found`);
        }
        if (existing.immutable) {
          throw new AppError('invalid_state', `Template "${existing.name}" is immutable`);
        }
        await tx.$executeRaw`SELECT 1 FROM cluster_templates WHERE id = ${templateId}::uuid FOR UPDATE`;
      } else {
        templateId = (
          await tx.clusterTemplate.create({
            data: { workspaceId: workspace.id, name: name!, comment: doc.comment },
          })
        ).id;
      }
      let number =
        (
          await tx.clusterTemplateVersion.aggregate({
            where: { clusterTemplateId: templateId },
            _max: { number: true },
          })
        )._max.number ?? 0;
      let lastId: string | null = null;
      for (const { v, params } of prepared) {
        number += 1;
        const created = await tx.clusterTemplateVersion.create({
          data: {
            clusterTemplateId: templateId,
            number,
            comment: v.comment || `Imported`,
            available: v.available,
            params: params as never,
            kubernetesTemplate: v.kubernetes_template,
            placementTemplate: v.placement_template,
            sshTemplate: v.ssh_template,
            installationTemplate: v.installation_template,
            primaryResourcesTemplate: v.primary_resources_template,
            resources: v.resources as never,
            createdByName: ctx.actor.name,
          },
        });
        lastId = created.id;
      }
      await tx.clusterTemplate.update({
        where: { id: templateId },
        data: { currentClusterTemplateVersionId: lastId, currentRevision: { increment: 1 } },
      });
      await recordAudit(tx, ctx, {
        action: 'import',
        auditableType: 'ClusterTemplate',
        auditableId: templateId,
        changes: { name: name ?? null, versions: prepared.length },
      });
      await notifyChange(tx, {
        type: 'cluster_template',
        id: templateId,
        workspace_id: workspace.id,
        action: 'import',
      });
      return templateId;
    });
    return getClusterTemplate(ctx, id);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError(
        'name_taken',
        `A template named "${name ?? ''}" already exists in this workspace; import under another name or into it`,
      );
    }
    throw error;
  }
}
