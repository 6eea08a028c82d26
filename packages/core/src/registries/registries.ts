import {
  CreateRegistryBodySchema,
  type Registry,
  UpdateRegistryBodySchema,
} from '@commander/contracts';
import type { Registry as RegistryRow } from '@commander/db';
import { type ClusterRegistry, dockerCfgProblem, type RegistryMode } from '@commander/renderer';
import type { z } from 'zod';

import { recordAudit } from '../audit/record-audit.js';
import type { ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';

function toDto(row: RegistryRow): Registry {
  return {
    id: row.id,
    workspace_id: row.workspaceId,
    name: row.name,
    images_repo: row.imagesRepo,
    scheme: row.scheme === 'HTTP' ? 'HTTP' : 'HTTPS',
    ca: row.ca,
    has_auth: row.dockerConfigEncrypted !== null,
    current_revision: row.currentRevision,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    archived_at: row.archivedAt?.toISOString() ?? null,
  };
}

function checkAuth(auth: string | undefined): void {
  if (auth === undefined || auth === '') {
    return;
  }
  const problem = dockerCfgProblem(auth);
  if (problem !== null) {
    // The message never quotes the value (it is a credential).
    throw new AppError('validation_failed', `auth ${problem}`, { field: 'auth' });
  }
}

export async function listRegistries(ctx: ServiceContext): Promise<Registry[]> {
  const workspace = requireWorkspace(ctx);
  const rows = await ctx.db.registry.findMany({
    where: { workspaceId: workspace.id },
    orderBy: { name: 'asc' },
  });
  return rows.map(toDto);
}

async function load(ctx: ServiceContext, id: string): Promise<RegistryRow> {
  const workspace = requireWorkspace(ctx);
  const row = await ctx.db.registry.findFirst({ where: { id, workspaceId: workspace.id } });
  if (!row) {
    throw notFound('Registry', id);
  }
  return row;
}

export async function getRegistry(ctx: ServiceContext, id: string): Promise<Registry> {
  return toDto(await load(ctx, id));
}

/** Adds a registry; its credentials are stored encrypted and never returned. */
export async function createRegistry(
  ctx: ServiceContext,
  body: z.input<typeof CreateRegistryBodySchema>,
): Promise<Registry> {
  const input = CreateRegistryBodySchema.parse(body);
  checkAuth(input.auth);
  const workspace = requireWorkspace(ctx);
  const row = await ctx.db.$transaction(async (tx) => {
    const created = await tx.registry.create({
      data: {
        workspaceId: workspace.id,
        name: input.name,
        imagesRepo: input.images_repo,
        scheme: input.scheme,
        ca: input.ca,
        dockerConfigEncrypted: input.auth ? ctx.encryptor.encrypt(input.auth) : null,
      },
    });
    await recordAudit(tx, ctx, {
      action: 'create',
      auditableType: 'Registry',
      auditableId: created.id,
      changes: {
        name: input.name,
        images_repo: input.images_repo,
        auth: input.auth ? '[FILTERED]' : null,
      },
    });
    return created;
  });
  return toDto(row);
}

/** Replaces a registry's settings; omitted credentials are kept. */
export async function updateRegistry(
  ctx: ServiceContext,
  id: string,
  body: z.input<typeof UpdateRegistryBodySchema>,
): Promise<Registry> {
  const input = UpdateRegistryBodySchema.parse(body);
  checkAuth(input.auth);
  const row = await load(ctx, id);
  if (input.current_revision !== undefined && input.current_revision !== row.currentRevision) {
    throw new AppError('stale_revision', 'The registry was changed meanwhile', {
      current_revision: row.currentRevision,
    });
  }
  const updated = await ctx.db.$transaction(async (tx) => {
    const saved = await tx.registry.update({
      where: { id },
      data: {
        name: input.name,
        imagesRepo: input.images_repo,
        scheme: input.scheme,
        ca: input.ca,
        ...(input.auth !== undefined
          ? { dockerConfigEncrypted: input.auth ? ctx.encryptor.encrypt(input.auth) : null }
          : {}),
        currentRevision: { increment: 1 },
      },
    });
    await recordAudit(tx, ctx, {
      action: 'update',
      auditableType: 'Registry',
      auditableId: id,
      changes: {
        name: [row.name, saved.name],
        images_repo: [row.imagesRepo, saved.imagesRepo],
        ...(input.auth !== undefined ? { auth: '[FILTERED]' } : {}),
      },
    });
    return saved;
  });
  return toDto(updated);
}

/** Deletes a registry no live cluster uses. @throws AppError in_use */
export async function deleteRegistry(ctx: ServiceContext, id: string): Promise<void> {
  await load(ctx, id);
  await ctx.db.$transaction(async (tx) => {
    // The row lock waits for a cluster being saved with this registry (its foreign key holds a
    // KEY SHARE lock), so the count below sees it: no cluster is left pointing at nothing.
    await tx.$executeRaw`SELECT 1 FROM registries WHERE id = ${id}::uuid FOR UPDATE`;
    const used = await tx.cluster.count({ where: { registryId: id, archivedAt: null } });
    if (used > 0) {
      throw new AppError('in_use', `${used} cluster(s) use this registry`);
    }
    await tx.registry.delete({ where: { id } });
    await recordAudit(tx, ctx, { action: 'delete', auditableType: 'Registry', auditableId: id });
  });
}

/** A registry id given for a cluster must be one of the workspace's. @throws AppError not_found */
export async function assertRegistry(
  ctx: ServiceContext,
  id: string | null | undefined,
): Promise<void> {
  if (id) {
    await load(ctx, id);
  }
}

/**
 * The registry a cluster installs from, with its credentials decrypted (for the real render
 * only), and the effective mode: `Direct` when a registry is chosen without a mode.
 * @throws AppError not_found (not one of the workspace's registries), validation_failed (a mode
 *   without a registry)
 */
export async function clusterRegistry(
  ctx: ServiceContext,
  id: string | null | undefined,
  mode: RegistryMode | null | undefined,
): Promise<{ registry: ClusterRegistry | null; mode: RegistryMode | null }> {
  if (!id) {
    if (mode) {
      throw new AppError('validation_failed', 'registry_mode needs a registry_id', {
        field: 'registry_mode',
      });
    }
    return { registry: null, mode: null };
  }
  const row = await load(ctx, id);
  const effective = mode ?? 'Direct';
  return {
    mode: effective,
    registry: {
      mode: effective,
      imagesRepo: row.imagesRepo,
      scheme: row.scheme === 'HTTP' ? 'HTTP' : 'HTTPS',
      ca: row.ca,
      dockerCfg: row.dockerConfigEncrypted
        ? ctx.encryptor.decrypt(row.dockerConfigEncrypted)
        : null,
    },
  };
}
