import {
  type Catalog,
  type CreateCatalogBody,
  CreateCatalogBodySchema,
} from '@commander/contracts';
import { isUniqueViolation, type Prisma } from '@commander/db';
import { parseParams, validateValues } from '@commander/renderer';

import { recordAudit } from '../audit/record-audit.js';
import { type ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { notifyChange } from '../events/notify.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';
import { getCatalog } from './get-catalog.js';
import { assertUnique, catalogParams, insertRecord, prepareRecord } from './shared.js';

/**
 * Creates a catalog with its records, or — Commander's import — adds the records to the
 * existing catalog with that slug, regardless of schema compliance (its schema is not
 * overwritten; mismatching records are marked schema_matches = false).
 * @throws AppError invalid_template (schema), invalid_values / not_unique (new catalog's records)
 */
export async function createOrImportCatalog(
  ctx: ServiceContext,
  body: CreateCatalogBody,
): Promise<{ catalog: Catalog; created: boolean }> {
  const input = CreateCatalogBodySchema.parse(body);
  const workspace = requireWorkspace(ctx);
  const existing = await ctx.db.catalog.findFirst({
    where: { workspaceId: workspace.id, slug: input.slug, archivedAt: null },
  });
  try {
    const { id, created } = await ctx.db.$transaction(async (tx) => {
      if (existing) {
        const items = parseParams(existing.params as unknown[]).fields;
        for (const r of input.resources) {
          await insertRecord(tx, ctx, existing.id, prepareRecord(items, r.values, false));
        }
        await recordAudit(tx, ctx, {
          action: 'import',
          auditableType: 'Catalog',
          auditableId: existing.id,
          changes: { records: input.resources.length },
        });
        await notifyChange(tx, {
          type: 'catalog',
          id: existing.id,
          workspace_id: workspace.id,
          action: 'import',
        });
        return { id: existing.id, created: false };
      }
      const { stored, items } = catalogParams(input.params);
      const catalog = await tx.catalog.create({
        data: {
          workspaceId: workspace.id,
          slug: input.slug,
          name: input.name,
          params: stored as Prisma.InputJsonValue,
          usage: input.usage === 'exclusive' ? 'EXCLUSIVE' : 'SHARED',
        },
      });
      for (const [i, r] of input.resources.entries()) {
        const prepared = prepareRecord(items, r.values, false);
        if (!prepared.matches) {
          const details = validateValues(items, r.values);
          throw new AppError(
            'invalid_values',
            `Record ${i + 1} does not match the data schema`,
            details.ok ? [] : details.errors,
          );
        }
        await assertUnique(tx, catalog.id, items, prepared.values, null);
        await insertRecord(tx, ctx, catalog.id, prepared);
      }
      await recordAudit(tx, ctx, {
        action: 'create',
        auditableType: 'Catalog',
        auditableId: catalog.id,
        changes: {
          name: input.name,
          slug: input.slug,
          usage: input.usage,
          records: input.resources.length,
        },
      });
      await notifyChange(tx, {
        type: 'catalog',
        id: catalog.id,
        workspace_id: workspace.id,
        action: 'create',
      });
      return { id: catalog.id, created: true };
    });
    return { catalog: await getCatalog(ctx, id), created };
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError('slug_taken', `A catalog with slug "${input.slug}" already exists`);
    }
    throw error;
  }
}
