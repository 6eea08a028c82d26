import {
  CreateRolloutBodySchema,
  type RolloutChange,
  type RolloutPlan,
  type RolloutPlanCluster,
  type RolloutWaveSpec,
} from '@commander/contracts';
import type { ClusterTemplateVersion, Prisma } from '@commander/db';
import type { z } from 'zod';

import type { ServiceContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { renderPreview } from '../templates/render-preview.js';
import { valuesForVersion } from '../templates/switch-versions.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';

/** Statuses whose clusters a rollout never chooses (they cannot take a new configuration). */
export const ROLLOUT_EXCLUDED_STATUSES = [
  'DELETE',
  'DELETED',
  'DETACHED',
  'READY_TO_JOIN',
  'JOINING',
] as const;

/** Rendered sections (renderPreview's names) whose change dhctl may find destructive: the cluster's own configuration. */
const CLUSTER_SECTIONS = ['kubernetes', 'placement'];

const PLAN_CONCURRENCY = 4;

/** `fn` over `items`, at most `limit` at a time, results in order. */
async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export type PlannedCluster = RolloutPlanCluster & { wave: number | null };

export type ComputedPlan = {
  template: { id: string; name: string };
  target: ClusterTemplateVersion;
  input: z.infer<typeof CreateRolloutBodySchema>;
  plan: RolloutPlan;
  /** Every chosen cluster in order, with its wave (null: skipped or invalid). */
  clusters: PlannedCluster[];
};

/**
 * The plan of a rollout: the chosen clusters, what the target version changes for each (by
 * rendering it with the target, as apply's plan does), and the waves of those that change.
 * @throws AppError not_found (template, version), template_version_unavailable, unprocessable
 *   (a listed cluster is not one of the template's)
 */
export async function computeRolloutPlan(
  ctx: ServiceContext,
  body: z.input<typeof CreateRolloutBodySchema>,
): Promise<ComputedPlan> {
  const input = CreateRolloutBodySchema.parse(body);
  const workspace = requireWorkspace(ctx);
  const template = await ctx.db.clusterTemplate.findFirst({
    where: { id: input.cluster_template_id, workspaceId: workspace.id },
    select: { id: true, name: true, archivedAt: true },
  });
  if (!template) {
    throw notFound('Cluster template', input.cluster_template_id);
  }
  const target = await ctx.db.clusterTemplateVersion.findFirst({
    where: { id: input.cluster_template_version_id, clusterTemplateId: template.id },
  });
  if (!target) {
    throw notFound('Cluster template version', input.cluster_template_version_id);
  }
  if (!target.available || template.archivedAt !== null) {
    throw new AppError(
      'template_version_unavailable',
      `Version ${target.number} of template "${template.name}" is not available for use`,
      { cluster_template_version_id: target.id },
    );
  }
  const where: Prisma.ClusterWhereInput = {
    workspaceId: workspace.id,
    archivedAt: null,
    clusterTemplateVersion: { clusterTemplateId: template.id },
    status: { notIn: [...ROLLOUT_EXCLUDED_STATUSES] },
  };
  if (input.cluster_ids) {
    where.id = { in: input.cluster_ids };
  }
  if (input.filter?.status) {
    where.AND = [{ status: input.filter.status.toUpperCase() as never }];
  }
  if (input.filter?.q) {
    where.name = { contains: input.filter.q, mode: 'insensitive' };
  }
  const rows = await ctx.db.cluster.findMany({
    where,
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    select: {
      id: true,
      name: true,
      status: true,
      values: true,
      clusterTemplateVersionId: true,
      clusterTemplateVersion: { select: { number: true } },
    },
  });
  if (input.cluster_ids) {
    const found = new Set(rows.map((r) => r.id));
    const missing = [...new Set(input.cluster_ids)].filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw new AppError(
        'unprocessable',
        'Some clusters are not clusters of this template that can change now',
        { cluster_ids: missing },
      );
    }
  }
  // Renders run a few at a time (the API's render pool spreads them over its workers).
  const verdicts = await mapLimit(rows, PLAN_CONCURRENCY, (row) =>
    row.clusterTemplateVersionId === target.id
      ? Promise.resolve({ change: 'none' as const, error: null })
      : judgeChange(ctx, row, target),
  );
  const clusters: PlannedCluster[] = rows.map((row, i) => ({
    cluster_id: row.id,
    cluster_name: row.name,
    status: row.status.toLowerCase(),
    from_version_id: row.clusterTemplateVersionId,
    from_version_number: row.clusterTemplateVersion?.number ?? null,
    change: verdicts[i]!.change,
    error: verdicts[i]!.error,
    wave: null,
  }));
  const changing = clusters.filter((c) => c.change === 'change' || c.change === 'destructive');
  const waves = assignWaves(
    changing.map((c) => c.cluster_id),
    input.waves,
  );
  waves.forEach((ids, index) => {
    for (const id of ids) {
      changing.find((c) => c.cluster_id === id)!.wave = index;
    }
  });
  const strip = ({ wave: _wave, ...rest }: PlannedCluster): RolloutPlanCluster => rest;
  const count = (change: RolloutChange) => clusters.filter((c) => c.change === change).length;
  const plan: RolloutPlan = {
    dry_run: true,
    cluster_template_id: template.id,
    cluster_template_version_id: target.id,
    target_version_number: target.number,
    soak_seconds: input.soak_seconds,
    waves: waves.map((ids, index) => ({
      index,
      clusters: ids.map((id) => strip(changing.find((c) => c.cluster_id === id)!)),
    })),
    skipped: clusters.filter((c) => c.change === 'none').map(strip),
    invalid: clusters.filter((c) => c.change === 'invalid').map(strip),
    counts: {
      total: clusters.length,
      none: count('none'),
      change: count('change'),
      destructive: count('destructive'),
      invalid: count('invalid'),
    },
  };
  return { template, target, input, plan, clusters };
}

/**
 * Splits the clusters that change into waves: `size` n, `percent` of all of them (rounded up,
 * at least one), `rest`, or an explicit group (those of its ids that change and are not in an
 * earlier wave). Clusters left after the last spec form one more wave; empty waves are dropped.
 */
export function assignWaves(ids: string[], specs: RolloutWaveSpec[]): string[][] {
  const remaining = [...ids];
  const total = ids.length;
  const waves: string[][] = [];
  for (const spec of specs) {
    if (remaining.length === 0) {
      break;
    }
    let wave: string[];
    if ('size' in spec) {
      wave = remaining.splice(0, spec.size);
    } else if ('percent' in spec) {
      wave = remaining.splice(0, Math.max(1, Math.ceil((total * spec.percent) / 100)));
    } else if ('rest' in spec) {
      wave = remaining.splice(0);
    } else {
      const group = new Set(spec.cluster_ids);
      wave = remaining.filter((id) => group.has(id));
      for (const id of wave) {
        remaining.splice(remaining.indexOf(id), 1);
      }
    }
    if (wave.length > 0) {
      waves.push(wave);
    }
  }
  if (remaining.length > 0) {
    waves.push(remaining);
  }
  return waves;
}

/**
 * What moving the cluster to the target changes: its configuration rendered now and with the
 * target (secrets as placeholders: nothing secret is read), compared section by section.
 */
async function judgeChange(
  ctx: ServiceContext,
  cluster: { id: string; values: unknown; clusterTemplateVersionId: string | null },
  target: ClusterTemplateVersion,
): Promise<{ change: RolloutChange; error: string | null }> {
  const values = cluster.values as Record<string, unknown>;
  const after = await renderPreview(ctx, {
    cluster_template_version_id: target.id,
    values: valuesForVersion(values, target.params),
    cluster_id: cluster.id,
  });
  const problems = [
    ...after.errors.map((e) => `${e.section}: ${e.message}`),
    ...after.value_errors.map((e) => `${e.path}: ${e.message}`),
  ];
  if (problems.length > 0) {
    return { change: 'invalid', error: problems.slice(0, 3).join('; ') };
  }
  if (!cluster.clusterTemplateVersionId) {
    return { change: 'destructive', error: null };
  }
  const before = await renderPreview(ctx, {
    cluster_template_version_id: cluster.clusterTemplateVersionId,
    values: values,
    cluster_id: cluster.id,
  });
  const destructive = !CLUSTER_SECTIONS.every((s) => before.sections[s] === after.sections[s]);
  return { change: destructive ? 'destructive' : 'change', error: null };
}
