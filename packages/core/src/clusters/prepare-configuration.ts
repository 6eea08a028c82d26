import type { RenderError } from '@commander/contracts';
import type { ClusterTemplateVersion, DbOrTx, Prisma, Tx } from '@commander/db';
import {
  applyRegistry,
  type ClusterRegistry,
  immutableViolations,
  type ParamField,
  paramFields,
  parseParams,
  RECORD_ID_KEY,
  registryVariables,
  secretKeys,
  validateValues,
} from '@commander/renderer';

import {
  publicRenderedConfig,
  publicRenderErrors,
  renderConfiguration,
  renderPublicConfiguration,
} from '../cluster-state/render-configuration.js';
import type { RenderedConfig } from '../cluster-state/rendered-config.js';
import type { ServiceContext } from '../context.js';
import { AppError } from '../errors.js';

export type PrepareInput = {
  version: ClusterTemplateVersion;
  /** Values as the caller sent them (password values may be null/absent: "keep the stored one"). */
  values: Record<string, unknown>;
  clusterId: string;
  clusterUuid: string;
  sshPublicKey: string;
  sshPrivateKey: string;
  /** The cluster's registry (written into the InitConfiguration in mode Direct). */
  registry?: ClusterRegistry | null;
  /** The cluster's current values (update), for secrets kept, immutability and record reuse. */
  previous?: {
    publicValues: Record<string, unknown>;
    secretValues: Record<string, unknown>;
  } | null;
  /**
   * The transaction that will store the cluster: `autoselect` picks free records of exclusive
   * catalogs in it with `FOR UPDATE SKIP LOCKED`, so concurrent creates get distinct records
   * (held until it commits), and fails with 409 `inventory_exhausted` when none are left.
   */
  allocateIn?: Tx;
};

/** An inventory record a cluster's values use. */
export type RecordUsage = { recordId: string; fieldKey: string; exclusive: boolean };

export type PreparedConfiguration = {
  /** Values to store in plaintext (everything but password fields). */
  publicValues: Record<string, unknown>;
  /** Values of password fields, stored encrypted. */
  secretValues: Record<string, unknown>;
  /** Null when a section failed to render; see `errors`. Holds secrets: for the manager only. */
  rendered: RenderedConfig | null;
  /**
   * The same configuration rendered with secret placeholders (`<secret:key>`) instead of the
   * secret values: what callers who do not reveal secrets see. Null when `rendered` is.
   */
  publicRendered: RenderedConfig | null;
  /**
   * Render, YAML and document errors of the real render: the cluster is in configuration_error
   * while any exist. May quote secrets: never shown; see `publicErrors`.
   */
  errors: RenderError[];
  /** The errors to store and show (no secret in them); empty exactly when `errors` is. */
  publicErrors: RenderError[];
  clusterType: string | null;
  connectionHosts: { masters: { host: string; user: string | null }[] };
  recordUsages: RecordUsage[];
};

type RecordRow = {
  id: string;
  values: Prisma.JsonValue;
  clusterId: string | null;
  catalog: { slug: string; usage: 'SHARED' | 'EXCLUSIVE' };
};

const RECORD_SELECT = {
  id: true,
  values: true,
  clusterId: true,
  catalog: { select: { slug: true, usage: true } },
} as const;

/**
 * Picks `count` free records of an exclusive catalog for a cluster, oldest first, locking them
 * in `tx` with `FOR UPDATE SKIP LOCKED`: records another transaction is taking right now are
 * skipped instead of waited for (and then found taken), so concurrent creates get distinct
 * records. Returns null for a shared (or unknown) catalog: nothing to allocate there.
 */
async function allocateFreeRecords(
  tx: Tx,
  workspaceId: string,
  clusterId: string,
  catalogSlug: string,
  count: number,
): Promise<RecordRow[] | null> {
  const catalog = await tx.catalog.findFirst({
    where: { workspaceId, slug: catalogSlug, archivedAt: null },
    select: { id: true, usage: true },
  });
  if (!catalog || catalog.usage !== 'EXCLUSIVE') {
    return null;
  }
  const locked = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM records
    WHERE catalog_id = ${catalog.id}::uuid AND archived_at IS NULL AND schema_matches
      AND (cluster_id IS NULL OR cluster_id = ${clusterId}::uuid)
    ORDER BY created_at, id
    LIMIT ${count}
    FOR UPDATE SKIP LOCKED`;
  if (locked.length === 0) {
    return [];
  }
  const rows = await tx.record.findMany({
    where: { id: { in: locked.map((r) => r.id) } },
    select: RECORD_SELECT,
  });
  const order = new Map(locked.map((r, i) => [r.id, i]));
  return rows.sort((x, y) => order.get(x.id)! - order.get(y.id)!);
}

function recordIdOf(value: unknown): string | null {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const id = (value as Record<string, unknown>)[RECORD_ID_KEY];
    return typeof id === 'string' ? id : null;
  }
  return null;
}

/**
 * Resolves catalog fields: every referenced record must exist in the workspace (its current
 * values replace what the caller sent, so templates see the inventory as it is), records of
 * exclusive catalogs must be free or already this cluster's, and `autoselect` fields left empty
 * get free records.
 */
export async function resolveCatalogValues(
  ctx: ServiceContext,
  workspaceId: string,
  clusterId: string,
  fields: ParamField[],
  values: Record<string, unknown>,
  allocateIn: Tx | null = null,
): Promise<{
  values: Record<string, unknown>;
  usages: RecordUsage[];
  errors: { path: string; message: string }[];
}> {
  // In the caller's transaction when there is one (its connection; no second one from the pool).
  const db: DbOrTx = allocateIn ?? ctx.db;
  const out = { ...values };
  const usages: RecordUsage[] = [];
  const errors: { path: string; message: string }[] = [];
  for (const field of fields.filter((f) => f.catalog !== undefined)) {
    const multi = field.minItems !== undefined || field.maxItems !== undefined;
    const raw = values[field.key];
    const given =
      raw === undefined || raw === null || raw === '' ? [] : Array.isArray(raw) ? raw : [raw];
    const wanted = given.map(recordIdOf);
    if (wanted.some((id) => id === null)) {
      continue; // malformed: values validation reports it
    }
    const ids = wanted as string[];
    const rows: RecordRow[] = ids.length
      ? await db.record.findMany({
          where: { id: { in: ids }, archivedAt: null, catalog: { workspaceId, archivedAt: null } },
          select: {
            id: true,
            values: true,
            clusterId: true,
            catalog: { select: { slug: true, usage: true } },
          },
        })
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const chosen: RecordRow[] = [];
    for (const id of ids) {
      const row = byId.get(id);
      if (!row) {
        errors.push({
          path: field.key,
          message: `Record ${id} does not exist in this workspace's inventory`,
        });
      } else if (
        row.catalog.usage === 'EXCLUSIVE' &&
        row.clusterId !== null &&
        row.clusterId !== clusterId
      ) {
        errors.push({
          path: field.key,
          message: `Record ${id} of catalog "${row.catalog.slug}" is used by another cluster`,
        });
      } else {
        chosen.push(row);
      }
    }
    if (ids.length === 0 && field.autoselect && field.catalog) {
      const count = Math.max(1, field.minItems ?? 1);
      const allocated = allocateIn
        ? await allocateFreeRecords(allocateIn, workspaceId, clusterId, field.catalog, count)
        : null;
      if (allocated && allocated.length < count) {
        throw new AppError(
          'inventory_exhausted',
          `Catalog "${field.catalog}" has ${allocated.length} free record(s) left; ${count} needed`,
          [{ path: field.key, message: `No free record left in catalog "${field.catalog}"` }],
        );
      }
      const free =
        allocated ??
        (await db.record.findMany({
          where: {
            archivedAt: null,
            schemaMatches: true,
            catalog: { workspaceId, slug: field.catalog, archivedAt: null },
            OR: [{ catalog: { usage: 'SHARED' } }, { clusterId: null }, { clusterId }],
          },
          select: RECORD_SELECT,
          orderBy: { createdAt: 'asc' },
          take: count,
        }));
      if (free.length < count) {
        errors.push({
          path: field.key,
          message: `Catalog "${field.catalog}" has ${free.length} free record(s); ${count} needed to choose automatically`,
        });
        continue;
      }
      chosen.push(...free);
    }
    if (chosen.length === 0) {
      continue;
    }
    const resolved = chosen.map((r) => ({
      ...(r.values as Record<string, unknown>),
      [RECORD_ID_KEY]: r.id,
    }));
    out[field.key] = multi ? resolved : resolved[0];
    for (const r of chosen) {
      usages.push({
        recordId: r.id,
        fieldKey: field.key,
        exclusive: r.catalog.usage === 'EXCLUSIVE',
      });
    }
  }
  return { values: out, usages, errors };
}

/**
 * Turns a template version and input values into the cluster's desired configuration:
 * values are checked against the version's input schema (422 `invalid_values` with per-field
 * details), immutable fields may not change, unique fields may not repeat another live
 * cluster's value in the workspace, password values are split off to be encrypted (an omitted
 * one keeps the stored value), catalog fields resolve to their records, and every section is
 * rendered with the special variables and validated. Render problems are returned as `errors`
 * (configuration_error), never thrown.
 * @throws AppError invalid_values, immutable_field, not_unique
 */
export async function prepareConfiguration(
  ctx: ServiceContext,
  input: PrepareInput,
): Promise<PreparedConfiguration> {
  const workspaceId = ctx.workspace?.id;
  if (!workspaceId) {
    throw new AppError('workspace_required', 'A workspace is needed to prepare a configuration');
  }
  const params = parseParams(input.version.params as unknown[]);
  const fields = paramFields(params.fields);
  const secrets = new Set(secretKeys(params.fields));
  const previous = input.previous ?? null;

  // Passwords come back from the API as null: absent or null means "keep the stored value".
  const incoming: Record<string, unknown> = { ...input.values };
  for (const key of secrets) {
    if (
      (incoming[key] === undefined || incoming[key] === null) &&
      previous?.secretValues[key] !== undefined
    ) {
      incoming[key] = previous.secretValues[key];
    }
  }
  const catalogs = await resolveCatalogValues(
    ctx,
    workspaceId,
    input.clusterId,
    fields,
    incoming,
    input.allocateIn ?? null,
  );
  const validation = validateValues(params.fields, catalogs.values);
  const valueErrors = [...catalogs.errors, ...(validation.ok ? [] : validation.errors)];
  if (valueErrors.length > 0 || !validation.ok) {
    throw new AppError(
      'invalid_values',
      "The values do not match the template's input parameters",
      valueErrors,
    );
  }
  const values = validation.values;
  if (previous) {
    const violations = immutableViolations(
      params.fields,
      { ...previous.publicValues, ...previous.secretValues },
      values,
    );
    if (violations.length > 0) {
      throw new AppError(
        'immutable_field',
        'Immutable parameters cannot change once set',
        violations,
      );
    }
  }
  for (const field of fields.filter((f) => f.unique && !secrets.has(f.key))) {
    const value = values[field.key];
    if (value === undefined || value === null || value === '') {
      continue;
    }
    const clash = await (input.allocateIn ?? ctx.db).$queryRaw<{ name: string }[]>`
      SELECT name FROM clusters
      WHERE workspace_id = ${workspaceId}::uuid AND archived_at IS NULL AND id <> ${input.clusterId}::uuid
        AND values -> ${field.key} = ${JSON.stringify(value)}::jsonb
      LIMIT 1`;
    if (clash.length > 0) {
      throw new AppError(
        'not_unique',
        `"${field.title}" must be unique in the workspace; cluster "${clash[0]?.name ?? ''}" uses this value`,
        [{ path: field.key, message: `Already used by cluster "${clash[0]?.name ?? ''}"` }],
      );
    }
  }

  const publicValues: Record<string, unknown> = {};
  const secretValues: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    (secrets.has(key) ? secretValues : publicValues)[key] = value;
  }
  const sections = {
    kubernetes_template: input.version.kubernetesTemplate,
    placement_template: input.version.placementTemplate,
    ssh_template: input.version.sshTemplate,
    installation_template: input.version.installationTemplate,
    primary_resources_template: input.version.primaryResourcesTemplate,
    resources: input.version.resources as never,
  };
  const specials = {
    dc_sshPublicKey: input.sshPublicKey,
    dc_sshPrivateKey: input.sshPrivateKey,
    dc_clusterUUID: input.clusterUuid,
    dc_domain: ctx.instance.publicHost,
    dc_caBundle: ctx.instance.caBundle,
    ...registryVariables(input.registry ?? null),
  };
  // Rendered twice: with the real values for the manager, and with placeholders for callers.
  const result = await renderConfiguration(ctx, sections, values, specials);
  const publicResult = await renderPublicConfiguration(ctx, sections, values, specials, secrets);
  const paramErrors = params.errors.map((e) => ({
    section: 'params',
    line: e.line,
    message: e.message,
  }));
  const errors = [...paramErrors, ...result.errors];
  const valid = errors.length === 0 && result.rendered !== null;
  const registry = input.registry ?? null;
  const publicRendered = valid ? publicRenderedConfig(sections, publicResult) : null;
  return {
    publicValues,
    secretValues,
    rendered:
      valid && result.rendered
        ? {
            ...result.rendered,
            init_configuration: applyRegistry(result.rendered.init_configuration, registry),
          }
        : null,
    // Credentials only as the `<secret:registryDockerCfg>` placeholder.
    publicRendered: publicRendered
      ? {
          ...publicRendered,
          init_configuration: applyRegistry(publicRendered.init_configuration, registry, true),
        }
      : null,
    errors,
    publicErrors: [...paramErrors, ...publicRenderErrors(result.errors, publicResult.errors)],
    clusterType: result.facts.clusterType,
    connectionHosts: result.facts.connectionHosts,
    recordUsages: catalogs.usages,
  };
}
