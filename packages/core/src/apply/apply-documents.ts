import { isDeepStrictEqual } from 'node:util';

import {
  type ApplyBody,
  ApplyBodySchema,
  type ApplyChange,
  type ApplyResult,
  CreateTemplateVersionBodySchema,
  grants,
} from '@commander/contracts';
import { parseAllDocuments, stringify as toYaml } from 'yaml';
import { z } from 'zod';

import { createOrImportCatalog } from '../catalogs/create-or-import-catalog.js';
import { createRecord } from '../catalogs/create-record.js';
import { updateCatalog } from '../catalogs/update-catalog.js';
import { createCluster } from '../clusters/create-cluster.js';
import { getCluster } from '../clusters/get-cluster.js';
import { updateCluster } from '../clusters/update-cluster.js';
import type { ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { requirePermission } from '../require-permission.js';
import { getClusterTemplate } from '../templates/get-templates.js';
import { importClusterTemplate } from '../templates/import-export.js';
import { paramsToStore } from '../templates/manage-templates.js';
import { renderPreview } from '../templates/render-preview.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';

/** At most this many documents in one apply. */
export const MAX_APPLY_DOCUMENTS = 1000;

const Values = z.record(z.string(), z.unknown());
const Name = z.string().trim().min(1).max(200);

const TemplateDoc = z.looseObject({
  kind: z.literal('ClusterTemplate'),
  name: Name,
  comment: z.string().max(2000).optional(),
  versions: z.array(z.record(z.string(), z.unknown())).min(1).max(100),
});
const CatalogDoc = z.looseObject({
  kind: z.literal('Catalog'),
  name: Name,
  slug: z.string().min(1).max(100),
  params: z.unknown().optional(),
  usage: z.enum(['shared', 'exclusive']).optional(),
  /** Records (Commander's import shape calls them `resources`). */
  records: z
    .array(z.object({ values: Values }))
    .max(10_000)
    .optional(),
  resources: z
    .array(z.object({ values: Values }))
    .max(10_000)
    .optional(),
});
const ClusterDoc = z.looseObject({
  kind: z.literal('Cluster'),
  name: Name,
  /** The template's name. */
  template: Name,
  /** The template version's number; the template's current version when absent. */
  version: z.number().int().positive().optional(),
  values: Values.default({}),
});
const Doc = z.discriminatedUnion('kind', [TemplateDoc, CatalogDoc, ClusterDoc]);
type Doc = z.infer<typeof Doc>;

/** Sections of a template version compared to decide whether a new version is needed. */
const SECTION_KEYS = [
  'kubernetes_template',
  'placement_template',
  'ssh_template',
  'installation_template',
  'primary_resources_template',
  'resources',
] as const;

/** Rendered sections (renderPreview's names) whose change dhctl may find destructive: the cluster's own configuration. */
const CLUSTER_SECTIONS = ['kubernetes', 'placement'];

/** Parses the YAML/JSON documents; each error names its document. */
export function readApplyDocuments(text: string): Doc[] {
  const parsed = parseAllDocuments(text);
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const docs: Doc[] = [];
  list.forEach((d, i) => {
    if (d.errors.length > 0) {
      throw new AppError('unprocessable', `Document ${i + 1}: ${d.errors[0]!.message}`);
    }
    let value: unknown;
    try {
      value = d.toJS({ maxAliasCount: 100 }) as unknown;
    } catch (err) {
      // Alias bombs (maxAliasCount) and other structural errors.
      throw new AppError('unprocessable', `Document ${i + 1}: ${(err as Error).message}`);
    }
    if (value === null || value === undefined) {
      return;
    }
    const result = Doc.safeParse(value);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new AppError(
        'unprocessable',
        `Document ${i + 1}: ${issue.path.join('.') || 'kind'}: ${issue.message}`,
      );
    }
    docs.push(result.data);
  });
  if (docs.length === 0) {
    throw new AppError('unprocessable', 'No documents');
  }
  if (docs.length > MAX_APPLY_DOCUMENTS) {
    throw new AppError('unprocessable', `At most ${MAX_APPLY_DOCUMENTS} documents`);
  }
  const seen = new Set<string>();
  for (const d of docs) {
    const key = `${d.kind}/${d.kind === 'Catalog' ? d.slug : d.name}`;
    if (seen.has(key)) {
      throw new AppError('unprocessable', `${key} appears twice`);
    }
    seen.add(key);
  }
  return docs;
}

const ORDER: Record<Doc['kind'], number> = { ClusterTemplate: 0, Catalog: 1, Cluster: 2 };

/**
 * Makes the documents true in the workspace, or (dry_run) says what that would change. Templates
 * first (a new template, or a new version when the last version's sections differ from the
 * current one's), then catalogs (created, params updated, missing records added; nothing is ever
 * deleted), then clusters (created, or updated when their template version or the values the
 * document names differ: a value the document leaves out keeps the cluster's).
 * Each object goes through the same use case as the API (permissions, audit, events), one after
 * another; a failure stops the apply with what was done before it done (the next apply continues).
 * @throws AppError unprocessable (documents), forbidden, and any error of the use cases
 */
export async function applyDocuments(ctx: ServiceContext, body: ApplyBody): Promise<ApplyResult> {
  const input = ApplyBodySchema.parse(body);
  const workspace = requireWorkspace(ctx);
  const docs = readApplyDocuments(input.documents).sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
  const dryRun = input.dry_run;
  const changes: ApplyChange[] = [];
  /** Template name → its current version (id, number) and versions, as this apply leaves it. */
  const plannedTemplates = new Map<string, { id: string | null; versions: Map<number, string> }>();

  const templatesByName = async () =>
    new Map(
      (
        await ctx.db.clusterTemplate.findMany({
          where: { workspaceId: workspace.id, archivedAt: null },
          select: { id: true, name: true },
        })
      ).map((t) => [t.name, t.id]),
    );
  let templateIds = await templatesByName();

  for (const doc of docs) {
    if (doc.kind === 'ClusterTemplate') {
      requirePermission(ctx, dryRun ? 'cluster_templates:read' : 'cluster_templates:write');
      const change = await applyTemplate(ctx, doc, templateIds.get(doc.name) ?? null, dryRun);
      changes.push(change);
      if (!dryRun && change.action === 'create') {
        templateIds = await templatesByName();
      }
      plannedTemplates.set(doc.name, {
        id: templateIds.get(doc.name) ?? null,
        versions: new Map(),
      });
    } else if (doc.kind === 'Catalog') {
      requirePermission(ctx, dryRun ? 'catalogs:read' : 'catalogs:write');
      changes.push(await applyCatalog(ctx, doc, dryRun));
    } else {
      requirePermission(ctx, dryRun ? 'clusters:read' : 'clusters:write');
      const templateId = templateIds.get(doc.template) ?? null;
      changes.push(
        await applyCluster(ctx, doc, templateId, dryRun, plannedTemplates.has(doc.template)),
      );
    }
  }
  const count = (a: ApplyChange['action']) => changes.filter((c) => c.action === a).length;
  return {
    dry_run: dryRun,
    changes,
    summary: { create: count('create'), update: count('update'), unchanged: count('unchanged') },
  };
}

const VERSION_KEYS = ['comment', 'available', 'params', ...SECTION_KEYS] as const;

function comparableSections(v: Record<string, unknown>) {
  const picked = Object.fromEntries(VERSION_KEYS.filter((k) => k in v).map((k) => [k, v[k]]));
  const result = CreateTemplateVersionBodySchema.safeParse(picked);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new AppError(
      'unprocessable',
      `Template version: ${issue.path.join('.')}: ${issue.message}`,
    );
  }
  const parsed = result.data;
  return {
    params: paramsToStore(parsed),
    ...Object.fromEntries(SECTION_KEYS.map((k) => [k, parsed[k]])),
  };
}

async function applyTemplate(
  ctx: ServiceContext,
  doc: z.infer<typeof TemplateDoc>,
  existingId: string | null,
  dryRun: boolean,
): Promise<ApplyChange> {
  const { kind: _kind, ...rest } = doc;
  const content = toYaml({
    apiVersion: 'commander.deckhouse.io/v1',
    kind: 'ClusterTemplate',
    ...rest,
  });
  if (!existingId) {
    // Validated the same way as the import will (sections, params).
    doc.versions.forEach((v) => comparableSections(v));
    const created = dryRun ? null : await importClusterTemplate(ctx, { content, name: doc.name });
    return {
      kind: 'ClusterTemplate',
      name: doc.name,
      action: 'create',
      id: created?.id ?? null,
      details: [`${doc.versions.length} version(s)`],
    };
  }
  const template = await getClusterTemplate(ctx, existingId);
  const current = template.cluster_template_versions.find(
    (v) => v.id === template.current_cluster_template_version_id,
  );
  const wanted = doc.versions.at(-1)!;
  const same =
    current !== undefined &&
    isDeepStrictEqual(comparableSections(wanted), comparableSections(current));
  if (same) {
    return {
      kind: 'ClusterTemplate',
      name: doc.name,
      action: 'unchanged',
      id: existingId,
      details: [],
    };
  }
  const next = Math.max(0, ...template.cluster_template_versions.map((v) => v.number)) + 1;
  if (!dryRun) {
    await importClusterTemplate(ctx, {
      content: toYaml({
        ...rest,
        apiVersion: 'commander.deckhouse.io/v1',
        kind: 'ClusterTemplate',
        versions: [wanted],
      }),
      cluster_template_id: existingId,
    });
  }
  return {
    kind: 'ClusterTemplate',
    name: doc.name,
    action: 'update',
    id: existingId,
    details: [
      `new version ${next} (the last version in the document differs from version ${current?.number ?? '-'})`,
    ],
  };
}

async function applyCatalog(
  ctx: ServiceContext,
  doc: z.infer<typeof CatalogDoc>,
  dryRun: boolean,
): Promise<ApplyChange> {
  const workspace = requireWorkspace(ctx);
  const records = doc.records ?? doc.resources ?? [];
  const existing = await ctx.db.catalog.findFirst({
    where: { workspaceId: workspace.id, slug: doc.slug, archivedAt: null },
    include: { records: { where: { archivedAt: null }, select: { values: true } } },
  });
  if (!existing) {
    const created = dryRun
      ? null
      : (
          await createOrImportCatalog(ctx, {
            name: doc.name,
            slug: doc.slug,
            params: (doc.params ?? []) as never,
            usage: doc.usage,
            resources: records,
          })
        ).catalog;
    return {
      kind: 'Catalog',
      name: doc.name,
      action: 'create',
      id: created?.id ?? null,
      details: [`${records.length} record(s)`],
    };
  }
  const details: string[] = [];
  const paramsChanged =
    doc.params !== undefined &&
    !isDeepStrictEqual(paramsToStore({ params: doc.params } as never), existing.params);
  const nameChanged = doc.name !== existing.name;
  const usageChanged =
    doc.usage !== undefined &&
    doc.usage !== (existing.usage === 'EXCLUSIVE' ? 'exclusive' : 'shared');
  if (paramsChanged) details.push('params');
  if (nameChanged) details.push(`name ${existing.name} → ${doc.name}`);
  if (usageChanged) details.push(`usage → ${doc.usage}`);
  const have = existing.records.map((r) => r.values as unknown);
  const missing = records.filter((r) => !have.some((v) => isDeepStrictEqual(v, r.values)));
  if (missing.length > 0) details.push(`${missing.length} record(s) added`);
  if (!dryRun) {
    if (paramsChanged || nameChanged || usageChanged) {
      await updateCatalog(ctx, existing.id, {
        name: doc.name,
        ...(doc.params !== undefined ? { params: doc.params as never } : {}),
        ...(doc.usage !== undefined ? { usage: doc.usage } : {}),
      });
    }
    for (const r of missing) {
      await createRecord(ctx, { catalog_id: existing.id, values: r.values });
    }
  }
  return {
    kind: 'Catalog',
    name: doc.name,
    action: details.length > 0 ? 'update' : 'unchanged',
    id: existing.id,
    details,
  };
}

/** Dotted-path differences between two value trees (objects compared key by key). */
function diffValues(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  prefix = '',
): { path: string; before: unknown; after: unknown }[] {
  const out: { path: string; before: unknown; after: unknown }[] = [];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const key of keys) {
    const b = before[key];
    const a = after[key];
    const path = prefix ? `${prefix}.${key}` : key;
    const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
    if (isObj(a) && isObj(b)) {
      out.push(...diffValues(b as Record<string, unknown>, a as Record<string, unknown>, path));
    } else if (!isDeepStrictEqual(a, b)) {
      out.push({ path, before: b ?? null, after: a ?? null });
    }
  }
  return out;
}

async function applyCluster(
  ctx: ServiceContext,
  doc: z.infer<typeof ClusterDoc>,
  templateId: string | null,
  dryRun: boolean,
  templateInThisApply: boolean,
): Promise<ApplyChange> {
  const workspace = requireWorkspace(ctx);
  if (!templateId) {
    if (dryRun && templateInThisApply) {
      return {
        kind: 'Cluster',
        name: doc.name,
        action: 'create',
        id: null,
        details: [`from template ${doc.template} (created by this apply)`],
        destructive: 'no',
      };
    }
    throw new AppError('not_found', `Cluster ${doc.name}: no template named ${doc.template}`);
  }
  const template = await getClusterTemplate(ctx, templateId);
  const version =
    doc.version === undefined
      ? template.cluster_template_versions.find(
          (v) => v.id === template.current_cluster_template_version_id,
        )
      : template.cluster_template_versions.find((v) => v.number === doc.version);
  if (!version) {
    if (dryRun && templateInThisApply && doc.version !== undefined) {
      // The version may be the one this apply adds.
      return {
        kind: 'Cluster',
        name: doc.name,
        action: 'update',
        id: null,
        details: [`template ${doc.template} version ${doc.version} (added by this apply)`],
        destructive: 'possible',
      };
    }
    throw new AppError(
      'not_found',
      `Cluster ${doc.name}: template ${doc.template} has no version ${doc.version ?? '(current)'}`,
    );
  }
  const existing = await ctx.db.cluster.findFirst({
    where: { workspaceId: workspace.id, name: doc.name, archivedAt: null },
    select: { id: true },
  });
  if (!existing) {
    const created = dryRun
      ? null
      : await createCluster(ctx, {
          name: doc.name,
          cluster_template_version_id: version.id,
          values: doc.values as never,
        });
    return {
      kind: 'Cluster',
      name: doc.name,
      action: 'create',
      id: created?.id ?? null,
      details: [`template ${doc.template} version ${version.number}`],
      destructive: 'no',
    };
  }
  // Secret values are compared only for a caller who may read them: otherwise a plan would
  // tell whether a guessed secret is the stored one. Unreadable secrets given are sent as given.
  const mayReadSecrets = grants(ctx.permissions, 'clusters:secrets:read');
  const cluster = await getCluster(ctx, existing.id, { reveal: mayReadSecrets });
  const secretKeys = new Set(Object.keys(cluster.secret_values));
  const current = cluster.values as Record<string, unknown>;
  // The document manages the values it names (top-level keys); the others keep what the cluster
  // has (defaults filled in at creation, records picked from catalogs, secrets).
  const named = Object.fromEntries(Object.keys(doc.values).map((k) => [k, current[k]]));
  const wanted: Record<string, unknown> = { ...current, ...doc.values };
  const diff = diffValues(named, doc.values).map((d) => {
    const secret = secretKeys.has(d.path.split('.')[0]!);
    return {
      path: d.path,
      before: secret ? null : (d.before as never),
      after: secret ? null : (d.after as never),
      secret,
    };
  });
  const versionChanged = cluster.cluster_template_version_id !== version.id;
  if (!versionChanged && diff.length === 0) {
    return { kind: 'Cluster', name: doc.name, action: 'unchanged', id: cluster.id, details: [] };
  }
  const currentVersion = template.cluster_template_versions.find(
    (v) => v.id === cluster.cluster_template_version_id,
  );
  const details = [
    ...(versionChanged
      ? [`template version ${currentVersion?.number ?? '(another template)'} → ${version.number}`]
      : []),
    ...(diff.length > 0 ? [`${diff.length} value(s)`] : []),
  ];
  const destructive = await mayBeDestructive(ctx, cluster.id, cluster, version.id, wanted);
  if (!dryRun) {
    await updateCluster(ctx, cluster.id, {
      name: doc.name,
      cluster_template_version_id: version.id,
      values: wanted as never,
      current_revision: cluster.current_revision,
    });
  }
  return {
    kind: 'Cluster',
    name: doc.name,
    action: 'update',
    id: cluster.id,
    details,
    values_diff: diff,
    destructive,
  };
}

/** Whether the change renders a different cluster configuration (secrets as placeholders). */
async function mayBeDestructive(
  ctx: ServiceContext,
  clusterId: string,
  cluster: { cluster_template_version_id: string | null; values: Record<string, unknown> },
  versionId: string,
  values: Record<string, unknown>,
): Promise<'no' | 'possible'> {
  if (!cluster.cluster_template_version_id) {
    return 'possible';
  }
  const render = (v: string, vals: Record<string, unknown>) =>
    renderPreview(ctx, { cluster_template_version_id: v, values: vals, cluster_id: clusterId });
  const [before, after] = await Promise.all([
    render(cluster.cluster_template_version_id, cluster.values),
    render(versionId, values),
  ]);
  return CLUSTER_SECTIONS.every((s) => before.sections[s] === after.sections[s])
    ? 'no'
    : 'possible';
}
