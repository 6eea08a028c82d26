import {
  type ClusterTemplate,
  type ClusterTemplateVersion as VersionDto,
  type CreateClusterTemplateBody,
  CreateClusterTemplateBodySchema,
  type CreateTemplateVersionBody,
  CreateTemplateVersionBodySchema,
  UpdateClusterTemplateBodySchema,
  UpdateTemplateVersionBodySchema,
} from '@commander/contracts';
import { isUniqueViolation, type Prisma, type Tx } from '@commander/db';
import { checkTemplateVersion, parseParams } from '@commander/renderer';
import { parse as yamlParse } from 'yaml';
import type { z } from 'zod';

import { diffChanges, recordAudit } from '../audit/record-audit.js';
import type { ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { notifyChange } from '../events/notify.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';
import { getClusterTemplate } from './get-templates.js';
import { toVersionDto } from './template-dto.js';

type VersionInput = z.output<typeof CreateTemplateVersionBodySchema>;

/**
 * Checks a version before it is saved: params schema, Go-template syntax of every section,
 * resource group names.
 * @throws AppError invalid_template with every problem found
 */
export function assertValidVersion(input: VersionInput, params: Record<string, unknown>[]): void {
  const errors = checkTemplateVersion({
    params,
    kubernetes_template: input.kubernetes_template,
    placement_template: input.placement_template,
    ssh_template: input.ssh_template,
    installation_template: input.installation_template,
    primary_resources_template: input.primary_resources_template,
    resources: input.resources,
  });
  if (errors.length > 0) {
    throw new AppError('invalid_template', 'The template has errors', errors);
  }
}

async function insertVersion(
  tx: Tx,
  ctx: ServiceContext,
  templateId: string,
  input: VersionInput,
  params: Record<string, unknown>[],
): Promise<string> {
  const last = await tx.clusterTemplateVersion.aggregate({
    where: { clusterTemplateId: templateId },
    _max: { number: true },
  });
  const version = await tx.clusterTemplateVersion.create({
    data: {
      clusterTemplateId: templateId,
      number: (last._max.number ?? 0) + 1,
      comment: input.comment,
      available: input.available,
      params: params as Prisma.InputJsonValue,
      kubernetesTemplate: input.kubernetes_template,
      placementTemplate: input.placement_template,
      sshTemplate: input.ssh_template,
      installationTemplate: input.installation_template,
      primaryResourcesTemplate: input.primary_resources_template,
      resources: input.resources,
      createdByName: ctx.actor.name,
    },
  });
  await tx.clusterTemplate.update({
    where: { id: templateId },
    data: { currentClusterTemplateVersionId: version.id, currentRevision: { increment: 1 } },
  });
  return version.id;
}

/**
 * Params as stored: a JSON list (YAML text from the editor is stored as its parsed list).
 * @throws AppError invalid_template with the schema's errors (item, line, message)
 */
export function paramsToStore(input: VersionInput): Record<string, unknown>[] {
  const parsed = parseParams(input.params);
  if (parsed.errors.length > 0) {
    throw new AppError(
      'invalid_template',
      'The input parameter schema is invalid',
      parsed.errors.map((e) => ({ section: 'params', ...e })),
    );
  }
  if (typeof input.params !== 'string') {
    return input.params;
  }
  return parseYamlList(input.params);
}

function parseYamlList(text: string): Record<string, unknown>[] {
  // parseParams accepted it, so it is a YAML list of mappings.
  return (yamlParse(text) as Record<string, unknown>[] | null) ?? [];
}

/**
 * Creates a template with its first version (an empty one when none is given).
 * @throws AppError name_taken, invalid_template
 */
export async function createClusterTemplate(
  ctx: ServiceContext,
  body: CreateClusterTemplateBody,
): Promise<ClusterTemplate> {
  const input = CreateClusterTemplateBodySchema.parse(body);
  const workspace = requireWorkspace(ctx);
  const version = CreateTemplateVersionBodySchema.parse(input.version ?? {});
  const params = paramsToStore(version);
  assertValidVersion(version, params);
  try {
    const id = await ctx.db.$transaction(async (tx) => {
      const template = await tx.clusterTemplate.create({
        data: {
          workspaceId: workspace.id,
          name: input.name,
          comment: input.comment,
          immutable: input.immutable,
        },
      });
      await insertVersion(
        tx,
        ctx,
        template.id,
        { ...version, comment: version.comment || 'Initial version' },
        params,
      );
      await recordAudit(tx, ctx, {
        action: 'create',
        auditableType: 'ClusterTemplate',
        auditableId: template.id,
        changes: { name: input.name, comment: input.comment },
      });
      await notifyChange(tx, {
        type: 'cluster_template',
        id: template.id,
        workspace_id: workspace.id,
        action: 'create',
      });
      return template.id;
    });
    return getClusterTemplate(ctx, id);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError(
        'name_taken',
        `A template named "${input.name}" already exists in this workspace`,
      );
    }
    throw error;
  }
}

async function loadLiveTemplate(ctx: ServiceContext, id: string) {
  const workspace = requireWorkspace(ctx);
  const row = await ctx.db.clusterTemplate.findFirst({
    where: { id, workspaceId: workspace.id, archivedAt: null },
  });
  if (!row) {
    throw notFound('Cluster template', id);
  }
  return row;
}

/** Renames a template, changes its comment or immutability. @throws AppError not_found, stale_revision, name_taken */
export async function updateClusterTemplate(
  ctx: ServiceContext,
  id: string,
  body: z.input<typeof UpdateClusterTemplateBodySchema>,
): Promise<ClusterTemplate> {
  const input = UpdateClusterTemplateBodySchema.parse(body);
  const row = await loadLiveTemplate(ctx, id);
  if (input.current_revision !== undefined && input.current_revision !== row.currentRevision) {
    throw new AppError('stale_revision', 'The template was changed by someone else; reload it', {
      current_revision: row.currentRevision,
    });
  }
  try {
    await ctx.db.$transaction(async (tx) => {
      const updated = await tx.clusterTemplate.update({
        where: { id },
        data: {
          name: input.name,
          comment: input.comment,
          immutable: input.immutable ?? row.immutable,
          currentRevision: { increment: 1 },
        },
      });
      await recordAudit(tx, ctx, {
        action: 'update',
        auditableType: 'ClusterTemplate',
        auditableId: id,
        changes: diffChanges(
          { name: row.name, comment: row.comment, immutable: row.immutable },
          { name: updated.name, comment: updated.comment, immutable: updated.immutable },
        ),
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError(
        'name_taken',
        `A template named "${input.name}" already exists in this workspace`,
      );
    }
    throw error;
  }
  return getClusterTemplate(ctx, id);
}

/**
 * Archives a template (its versions stay readable for history).
 * @throws AppError not_found; in_use while live clusters use one of its versions
 */
export async function archiveClusterTemplate(
  ctx: ServiceContext,
  id: string,
): Promise<ClusterTemplate> {
  const workspace = requireWorkspace(ctx);
  const row = await loadLiveTemplate(ctx, id);
  const used = await ctx.db.cluster.count({
    where: { archivedAt: null, clusterTemplateVersion: { clusterTemplateId: id } },
  });
  if (used > 0) {
    throw new AppError(
      'in_use',
      `${used} cluster(s) use this template; switch or delete them first`,
      { clusters: used },
    );
  }
  await ctx.db.$transaction(async (tx) => {
    const last = await tx.clusterTemplate.aggregate({
      where: { workspaceId: workspace.id, name: row.name },
      _max: { archiveNumber: true },
    });
    await tx.clusterTemplate.update({
      where: { id },
      data: {
        archivedAt: new Date(),
        archiveNumber: (last._max.archiveNumber ?? 0) + 1,
        currentRevision: { increment: 1 },
      },
    });
    await recordAudit(tx, ctx, {
      action: 'delete',
      auditableType: 'ClusterTemplate',
      auditableId: id,
      changes: { archived_at: [null, new Date().toISOString()] },
    });
    await notifyChange(tx, {
      type: 'cluster_template',
      id,
      workspace_id: workspace.id,
      action: 'archive',
    });
  });
  return getClusterTemplate(ctx, id);
}

/**
 * Restores an archived template (archive number back to 0): its name must be free among the
 * workspace's live templates.
 * @throws AppError not_found; invalid_state when it is not archived; name_taken
 */
export async function restoreClusterTemplate(
  ctx: ServiceContext,
  id: string,
): Promise<ClusterTemplate> {
  const workspace = requireWorkspace(ctx);
  const row = await ctx.db.clusterTemplate.findFirst({
    where: { id, workspaceId: workspace.id },
  });
  if (!row) {
    throw notFound('Cluster template', id);
  }
  if (!row.archivedAt) {
    throw new AppError('invalid_state', 'The template is not archived');
  }
  const archivedAt = row.archivedAt;
  const nameTaken = () =>
    new AppError('name_taken', `A template named "${row.name}" already exists in this workspace`, {
      name: row.name,
    });
  try {
    await ctx.db.$transaction(async (tx) => {
      const live = await tx.clusterTemplate.count({
        where: { workspaceId: workspace.id, name: row.name, archivedAt: null },
      });
      if (live > 0) {
        throw nameTaken();
      }
      await tx.clusterTemplate.update({
        where: { id },
        data: { archivedAt: null, archiveNumber: 0, currentRevision: { increment: 1 } },
      });
      await recordAudit(tx, ctx, {
        action: 'restore',
        auditableType: 'ClusterTemplate',
        auditableId: id,
        changes: { archived_at: [archivedAt.toISOString(), null] },
      });
      await notifyChange(tx, {
        type: 'cluster_template',
        id,
        workspace_id: workspace.id,
        action: 'restore',
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw nameTaken();
    }
    throw error;
  }
  return getClusterTemplate(ctx, id);
}

/**
 * Adds a version to a template; it becomes the template's current version.
 * @throws AppError not_found, invalid_state (immutable template), invalid_template
 */
export async function createTemplateVersion(
  ctx: ServiceContext,
  templateId: string,
  body: CreateTemplateVersionBody,
): Promise<VersionDto> {
  const row = await loadLiveTemplate(ctx, templateId);
  if (row.immutable) {
    throw new AppError(
      'invalid_state',
      `Template "${row.name}" is immutable: new versions are not accepted`,
    );
  }
  const input = CreateTemplateVersionBodySchema.parse(body);
  const params = paramsToStore(input);
  assertValidVersion(input, params);
  const versionId = await ctx.db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM cluster_templates WHERE id = ${templateId}::uuid FOR UPDATE`;
    const id = await insertVersion(tx, ctx, templateId, input, params);
    await recordAudit(tx, ctx, {
      action: 'create',
      auditableType: 'ClusterTemplateVersion',
      auditableId: id,
      changes: { cluster_template_id: templateId, comment: input.comment },
    });
    await notifyChange(tx, {
      type: 'cluster_template',
      id: templateId,
      workspace_id: row.workspaceId,
      action: 'version',
    });
    return id;
  });
  return toVersionDto(
    await ctx.db.clusterTemplateVersion.findUniqueOrThrow({ where: { id: versionId } }),
  );
}

/** Versions of a template, newest first. */
export async function listTemplateVersions(
  ctx: ServiceContext,
  templateId: string,
): Promise<VersionDto[]> {
  const workspace = requireWorkspace(ctx);
  const template = await ctx.db.clusterTemplate.findFirst({
    where: { id: templateId, workspaceId: workspace.id },
    select: { id: true },
  });
  if (!template) {
    throw notFound('Cluster template', templateId);
  }
  const rows = await ctx.db.clusterTemplateVersion.findMany({
    where: { clusterTemplateId: templateId },
    orderBy: { number: 'desc' },
  });
  return rows.map(toVersionDto);
}

/**
 * Changes a version's comment or availability (its content never changes). An unavailable
 * version cannot be chosen for new clusters or switched to.
 */
export async function updateTemplateVersion(
  ctx: ServiceContext,
  templateId: string,
  versionId: string,
  body: z.input<typeof UpdateTemplateVersionBodySchema>,
): Promise<VersionDto> {
  const input = UpdateTemplateVersionBodySchema.parse(body);
  const workspace = requireWorkspace(ctx);
  const version = await ctx.db.clusterTemplateVersion.findFirst({
    where: {
      id: versionId,
      clusterTemplateId: templateId,
      clusterTemplate: { workspaceId: workspace.id },
    },
  });
  if (!version) {
    throw notFound('Cluster template version', versionId);
  }
  const updated = await ctx.db.$transaction(async (tx) => {
    const row = await tx.clusterTemplateVersion.update({
      where: { id: versionId },
      data: {
        comment: input.comment ?? version.comment,
        available: input.available ?? version.available,
      },
    });
    await recordAudit(tx, ctx, {
      action: 'update',
      auditableType: 'ClusterTemplateVersion',
      auditableId: versionId,
      changes: diffChanges(
        { comment: version.comment, available: version.available },
        { comment: row.comment, available: row.available },
      ),
    });
    await notifyChange(tx, {
      type: 'cluster_template',
      id: templateId,
      workspace_id: workspace.id,
      action: 'version',
    });
    return row;
  });
  return toVersionDto(updated);
}
