// Staged rollouts (issue 16), the API: the plan, creation, the pause/resume/abort state machine,
// refusals (no credentials, read token, another workspace, odd input), Idempotency-Key.
import { actOnRollout, advanceRollout, createRollout } from '@commander/core';
import {
  createTestTemplate,
  TEST_TEMPLATE_PARAMS,
  TEST_TEMPLATE_SECTIONS,
} from '@commander/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

describe('/api/v1/rollouts', () => {
  const t = useTestApp();
  let templateId = '';
  let v1 = '';
  let v2 = '';
  let v3Invalid = '';
  const clusterIds: string[] = [];

  beforeAll(async () => {
    const created = await createTestTemplate(t.db, t.defaultWorkspaceId, {
      name: `rollout-${t.suffix}`,
    });
    templateId = created.templateId;
    v1 = created.versionId;
    // v2 changes the cluster configuration's default Kubernetes version (destructive for
    // clusters that use the default) and nothing else.
    v2 = (
      await t.db.clusterTemplateVersion.create({
        data: {
          clusterTemplateId: templateId,
          number: 2,
          params: TEST_TEMPLATE_PARAMS,
          ...TEST_TEMPLATE_SECTIONS,
          kubernetesTemplate: TEST_TEMPLATE_SECTIONS.kubernetesTemplate.replace(
            'default "1.33"',
            'default "1.34"',
          ),
          resources: TEST_TEMPLATE_SECTIONS.resources,
        },
      })
    ).id;
    // v3 needs a value no cluster has: it does not render for them.
    v3Invalid = (
      await t.db.clusterTemplateVersion.create({
        data: {
          clusterTemplateId: templateId,
          number: 3,
          params: [...TEST_TEMPLATE_PARAMS, { key: 'region', type: 'string', title: 'Region' }],
          ...TEST_TEMPLATE_SECTIONS,
          resources: TEST_TEMPLATE_SECTIONS.resources,
        },
      })
    ).id;
    for (let i = 0; i < 5; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/clusters',
        headers: t.headers(),
        payload: {
          name: `ro-${t.suffix}-${i}`,
          cluster_template_version_id: v1,
          // The last one pins its Kubernetes version: v2 changes nothing of its configuration.
          values: i === 4 ? { kubeVersion: '1.30' } : {},
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      clusterIds.push(res.json().id);
    }
  });

  const post = (payload: unknown, token?: string, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/rollouts',
      headers: { ...t.headers(token), ...headers },
      payload: payload as never,
    });

  it('plans per cluster (change, destructive, invalid) and in waves, changing nothing', async () => {
    const plan = await post({
      cluster_template_id: templateId,
      cluster_template_version_id: v2,
      waves: [{ size: 1 }, { percent: 40 }, { rest: true }],
      dry_run: true,
    });
    expect(plan.statusCode, plan.body).toBe(200);
    const body = plan.json();
    expect(body.counts).toEqual({ total: 5, none: 0, change: 1, destructive: 4, invalid: 0 });
    expect(body.waves.map((w: { clusters: unknown[] }) => w.clusters.length)).toEqual([1, 2, 2]);
    const pinned = body.waves
      .flatMap((w: { clusters: { cluster_id: string; change: string }[] }) => w.clusters)
      .find((c: { cluster_id: string }) => c.cluster_id === clusterIds[4]);
    expect(pinned.change).toBe('change');
    expect(await t.db.rollout.count()).toBe(0);

    const invalid = await post({
      cluster_template_id: templateId,
      cluster_template_version_id: v3Invalid,
      cluster_ids: clusterIds.slice(0, 2),
      dry_run: true,
    });
    expect(invalid.statusCode, invalid.body).toBe(200);
    expect(invalid.json().invalid).toHaveLength(2);
    expect(invalid.json().invalid[0].error).toContain('region');
    // Creating it is refused: those clusters would be left behind broken.
    const refused = await post({
      cluster_template_id: templateId,
      cluster_template_version_id: v3Invalid,
      cluster_ids: clusterIds.slice(0, 2),
    });
    expect(refused.statusCode).toBe(422);

    // Already on the target: skipped.
    const same = await post({
      cluster_template_id: templateId,
      cluster_template_version_id: v1,
      filter: { q: `ro-${t.suffix}-1` },
      dry_run: true,
    });
    expect(same.json().counts).toMatchObject({ total: 1, none: 1 });
    expect(same.json().waves).toEqual([]);
  });

  it('refuses odd input, strangers, read tokens and other workspaces', async () => {
    const body = {
      cluster_template_id: templateId,
      cluster_template_version_id: v2,
      dry_run: true,
    };
    expect((await post(body, 'not-a-token')).statusCode).toBe(401);
    const reader = await t.issueToken({ workspaceId: t.defaultWorkspaceId, scope: 'read' });
    expect((await post(body, reader)).statusCode).toBe(403);
    expect((await post({ ...body, waves: [] })).statusCode).toBe(400);
    expect((await post({ ...body, waves: [{ size: 0 }] })).statusCode).toBe(400);
    expect((await post({ ...body, soak_seconds: -1 })).statusCode).toBe(400);
    expect((await post({ ...body, extra: 1 })).statusCode).toBe(400);
    expect((await post({ ...body, cluster_template_version_id: 'x' })).statusCode).toBe(400);
    // A cluster of no template of this rollout.
    const notOurs = await post({ ...body, cluster_ids: ['00000000-0000-4000-8000-000000000001'] });
    expect(notOurs.statusCode).toBe(422);
    // Another template's version.
    const other = await createTestTemplate(t.db, t.defaultWorkspaceId, { name: `o-${t.suffix}` });
    expect((await post({ ...body, cluster_template_version_id: other.versionId })).statusCode).toBe(
      404,
    );

    const ws = await t.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: t.headers(t.globalToken),
      payload: { name: `Other ${t.suffix}`, slug: `other-ro-${t.suffix}` },
    });
    const stranger = await t.issueToken({ workspaceId: ws.json().id, scope: 'write' });
    expect((await post(body, stranger)).statusCode).toBe(404);
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/rollouts',
      headers: t.headers(stranger),
    });
    expect(list.json()).toEqual([]);
  });

  it('creates and starts a rollout; pause, resume and abort follow the state machine', async () => {
    const key = `ro-create-${t.suffix}`;
    const payload = {
      cluster_template_id: templateId,
      cluster_template_version_id: v2,
      cluster_ids: clusterIds.slice(0, 4),
      waves: [{ size: 1 }, { rest: true }],
      soak_seconds: 5,
    };
    const created = await post(payload, undefined, { 'idempotency-key': key });
    expect(created.statusCode, created.body).toBe(201);
    const rollout = created.json();
    expect(rollout).toMatchObject({
      status: 'running',
      wave_count: 2,
      current_wave: 0,
      soak_seconds: 5,
      counts: { total: 4, pending: 4 },
    });
    expect(rollout.waves.map((w: { clusters: unknown[] }) => w.clusters.length)).toEqual([1, 3]);
    // The same key and body: the first answer, no second rollout.
    const again = await post(payload, undefined, { 'idempotency-key': key });
    expect(again.statusCode).toBe(201);
    expect(again.json().id).toBe(rollout.id);
    expect(await t.db.rollout.count()).toBe(1);
    // The engine's first step is queued, once per rollout.
    expect(await t.queuedJobs('rollout/advance')).toEqual([{ payload: { rolloutId: rollout.id } }]);
    // Its clusters cannot be in a second unfinished rollout.
    const overlap = await post({ ...payload, cluster_ids: clusterIds.slice(3, 5) });
    expect(overlap.statusCode).toBe(409);

    const act = (action: string, body?: unknown, token?: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/rollouts/${rollout.id}/${action}`,
        headers: t.headers(token),
        ...(body === undefined ? {} : { payload: body as never }),
      });
    const reader = await t.issueToken({ workspaceId: t.defaultWorkspaceId, scope: 'read' });
    expect((await act('pause', undefined, reader)).statusCode).toBe(403);
    const notPaused = await act('resume');
    expect(notPaused.statusCode, notPaused.body).toBe(409);
    const paused = await act('pause', { reason: 'maintenance window' });
    expect(paused.statusCode, paused.body).toBe(200);
    expect(paused.json()).toMatchObject({ status: 'paused', pause_reason: 'maintenance window' });
    expect((await act('pause')).statusCode).toBe(409);
    expect((await act('resume', { current_revision: 1 })).statusCode).toBe(409);
    const resumed = await act('resume');
    expect(resumed.json()).toMatchObject({ status: 'running', pause_reason: null });
    expect((await act('pause', { bogus: true })).statusCode).toBe(400);
    const aborted = await act('abort');
    expect(aborted.json()).toMatchObject({ status: 'aborted' });
    expect(aborted.json().finished_at).not.toBeNull();
    expect((await act('abort')).statusCode).toBe(409);
    expect((await act('resume')).statusCode).toBe(409);

    const got = await t.app.inject({
      method: 'GET',
      url: `/api/v1/rollouts/${rollout.id}`,
      headers: t.headers(reader),
    });
    expect(got.statusCode).toBe(200);
    expect(got.headers.etag).toBe(`"${got.json().current_revision}"`);
    const list = await t.app.inject({
      method: 'GET',
      url: `/api/v1/rollouts?status=aborted&cluster_template_id=${templateId}`,
      headers: t.headers(reader),
    });
    expect(list.json().map((r: { id: string }) => r.id)).toEqual([rollout.id]);
    expect(list.headers['x-total-count']).toBe('1');

    const audit = await t.db.auditEvent.findMany({
      where: { auditableType: 'Rollout', auditableId: rollout.id },
      orderBy: { ts: 'asc' },
    });
    expect(audit.map((a) => a.action)).toEqual(['create', 'pause', 'resume', 'abort']);
    // Aborted: its clusters are free for another rollout.
    expect(
      (await post({ ...payload, cluster_ids: clusterIds.slice(3, 5), dry_run: true })).statusCode,
    ).toBe(200);
  });
  it('the engine, step by step: approval wait, soak, next wave, pause on a failure, abort', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/clusters',
        headers: t.headers(),
        payload: { name: `eng-${t.suffix}-${i}`, cluster_template_version_id: v1, values: {} },
      });
      ids.push(res.json().id);
    }
    // No manager here: the engine is stepped by hand and cluster outcomes are written directly.
    await t.db.clusterOperation.updateMany({
      where: { clusterId: { in: ids } },
      data: { status: 'SUCCEEDED' },
    });
    await t.db.cluster.updateMany({
      where: { id: { in: ids } },
      data: { status: 'IN_SYNC', appliedRevision: 1, wasCreated: true },
    });
    const ctx = {
      ...t.systemContext(),
      workspace: { id: t.defaultWorkspaceId, slug: 'default' },
      permissions: new Set(['clusters:write', 'rollouts:write']),
      actor: { type: 'user' as const, id: null, name: 'tester' },
    };
    const created = await createRollout(ctx, {
      cluster_template_id: templateId,
      cluster_template_version_id: v2,
      cluster_ids: ids,
      waves: [{ size: 1 }, { rest: true }],
      soak_seconds: 0,
    });
    if (created.dryRun) {
      throw new Error('not created');
    }
    const id = created.rollout.id;
    const settings = { tickMs: 60_000, startsPerTick: 1 };
    const step = () => advanceRollout(t.systemContext(), id, settings);
    const states = async () =>
      Object.fromEntries(
        (await t.db.rolloutCluster.findMany({ where: { rolloutId: id } })).map((m) => [
          m.clusterId,
          m.state,
        ]),
      );
    const [first, second, third] = ids as [string, string, string];

    expect(await step()).toEqual({ status: 'running', next: true });
    expect(await states()).toEqual({
      [first]: 'updating',
      [second]: 'pending',
      [third]: 'pending',
    });
    const moved = await t.db.cluster.findUniqueOrThrow({ where: { id: first } });
    expect(moved).toMatchObject({ clusterTemplateVersionId: v2, desiredRevision: 2 });
    expect(
      (await t.db.rolloutCluster.findFirstOrThrow({ where: { rolloutId: id, clusterId: first } }))
        .targetRevision,
    ).toBe(2);
    // Stepping again changes nothing (no second update).
    await step();
    expect((await t.db.cluster.findUniqueOrThrow({ where: { id: first } })).desiredRevision).toBe(
      2,
    );
    // The converge found a destructive change: waiting for approval, not a failure.
    await t.db.clusterOperation.updateMany({
      where: { clusterId: first, status: 'QUEUED' },
      data: { status: 'SUCCEEDED' },
    });
    await t.db.cluster.update({ where: { id: first }, data: { status: 'DESTRUCTIVE_CHANGES' } });
    await step();
    expect((await states())[first]).toBe('awaiting_approval');
    // Approved and applied: done (no soak), the wave is over, the next one starts.
    await t.db.cluster.update({
      where: { id: first },
      data: { status: 'IN_SYNC', appliedRevision: 2 },
    });
    expect(await step()).toEqual({ status: 'running', next: true });
    expect((await t.db.rollout.findUniqueOrThrow({ where: { id } })).currentWave).toBe(1);
    await step();
    // One start per step (startsPerTick 1); the next step starts the other.
    expect(Object.values(await states()).sort()).toEqual(['done', 'pending', 'updating']);
    await step();
    expect(await states()).toEqual({ [first]: 'done', [second]: 'updating', [third]: 'updating' });
    // A failed converge pauses the rollout with the reason.
    await t.db.clusterOperation.updateMany({
      where: { clusterId: { in: [second, third] }, status: 'QUEUED' },
      data: { status: 'FAILED' },
    });
    await t.db.cluster.update({
      where: { id: second },
      data: { status: 'SYNCHRONIZATION_FAILURE' },
    });
    expect(await step()).toEqual({ status: 'paused', next: true });
    const paused = await t.db.rollout.findUniqueOrThrow({ where: { id } });
    expect(paused.pauseReason).toContain(`eng-${t.suffix}-1 failed in wave 2`);
    // Abort: the engine stops.
    await actOnRollout(ctx, id, 'abort', { reason: 'enough' });
    expect(await step()).toEqual({ status: 'aborted', next: false });
    const audit = await t.db.auditEvent.findMany({
      where: { auditableType: 'Rollout', auditableId: id },
      orderBy: { ts: 'asc' },
    });
    expect(audit.map((a) => [a.action, a.actorName])).toEqual([
      ['create', 'tester'],
      ['pause', `rollout ${id}`],
      ['abort', 'tester'],
    ]);
  });
});
