import { TelemetryBodySchema, WORKSPACE_PERMISSIONS } from '@commander/contracts';
import { createEncryptor, generateEncryptionKeys } from '@commander/crypto';
import {
  createDb,
  type Db,
  selectAgentResources,
  sqlPool,
  stampResourcesVersions,
} from '@commander/db';
import { createTestDatabase, type TestDatabase } from '@commander/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type AgentContext,
  AgentResourcesCache,
  AppError,
  bootstrapInstallation,
  checkReadiness,
  collectMetrics,
  createCluster,
  ensureAgentKey,
  getAgentResources,
  recordResourcesStatus,
  reportTelemetry,
  ResourcesStampQueue,
  ResourcesStatusBatcher,
  type ServiceContext,
  silentLogger,
  TelemetryIngest,
} from '../src/index.js';
import { createTestTemplate } from '../src/testing/index.js';

/**
 * The installation's metrics and readiness, and the agent use cases through an `AgentContext`,
 * called directly (the API's /metrics, /readyz and /agent_api adapt them).
 */
describe('metrics, readiness and the agent context', () => {
  let database: TestDatabase;
  let db: Db;
  let ctx: ServiceContext;
  let agentCtx: AgentContext;
  let ingest: TelemetryIngest;
  let stamps: ResourcesStampQueue;
  let statusReports: ResourcesStatusBatcher;
  let clusterId = '';

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    const boot = await bootstrapInstallation(db, {});
    const workspaceId = boot.defaultWorkspaceId!;
    const encryptor = createEncryptor(generateEncryptionKeys());
    const instance = {
      publicHost: 'commander.test',
      publicUrl: 'http://commander.test',
      caBundle: '',
      commanderUuid: boot.commanderUuid,
    };
    ctx = {
      db,
      actor: { type: 'system', id: null, name: 'test' },
      workspace: { id: workspaceId, slug: 'default' },
      permissions: new Set<string>(WORKSPACE_PERMISSIONS),
      log: silentLogger,
      encryptor,
      instance,
      auditSink: () => undefined,
    };
    const { versionId } = await createTestTemplate(db, workspaceId);
    const cluster = await createCluster(ctx, {
      name: 'metrics-one',
      cluster_template_version_id: versionId,
      values: {},
    });
    clusterId = cluster.id;
    await db.$transaction((tx) => ensureAgentKey(tx, encryptor, cluster.id));
    const row = await db.cluster.findUniqueOrThrow({ where: { id: cluster.id } });
    ingest = new TelemetryIngest(sqlPool(db), { lingerMs: 1 });
    stamps = new ResourcesStampQueue(sqlPool(db), {
      warn: (err) => {
        throw err;
      },
    });
    statusReports = new ResourcesStatusBatcher(sqlPool(db), { lingerMs: 1 });
    agentCtx = {
      db,
      hot: sqlPool(db),
      encryptor,
      instance,
      log: silentLogger,
      agent: { id: row.id, uuid: row.uuid, workspaceId },
      actor: { type: 'agent', id: row.id, name: `agent:${row.uuid}` },
      telemetry: ingest,
      // Not listening: every poll reads PostgreSQL (the API's caches listen; see apps/api tests).
      resources: new AgentResourcesCache(),
      stamps,
      statusReports,
    };
  });
  afterAll(async () => {
    await ingest?.close();
    await statusReports?.close();
    await database?.drop();
  });

  it('collects clusters by status and agent state, queued operations and live replicas', async () => {
    const metrics = await collectMetrics(db);
    const live = await db.cluster.count({ where: { archivedAt: null } });
    expect(metrics.clusters.reduce((n, c) => n + c.n, 0)).toBe(live);
    expect(metrics.agents.reduce((n, a) => n + a.n, 0)).toBe(live);
    const queued = await db.clusterOperation.count({
      where: { status: { in: ['QUEUED', 'RUNNING'] } },
    });
    expect(metrics.operations.reduce((n, o) => n + o.n, 0)).toBe(queued);
    expect(metrics.replicas).toBe(0);
    expect(metrics.telemetryLagSeconds).toBeNull();
  });

  it('is ready while the database answers, service_unavailable when it does not', async () => {
    await expect(checkReadiness(db)).resolves.toBeUndefined();
    const away = createDb('postgresql://postgres@127.0.0.1:1/none', { poolSize: 1 });
    try {
      const error = await checkReadiness(away).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('service_unavailable');
    } finally {
      await away.$disconnect();
    }
  });

  it("serves the agent its cluster's resources, then 304 (null) for the same version", async () => {
    const resources = await getAgentResources(agentCtx, undefined);
    const body = JSON.parse(resources!.body) as { version: string; groups: { name: string }[] };
    expect(body.version).toBe(resources!.version);
    expect(body.groups.map((g) => g.name)).toContain('commander-agent');
    expect(await getAgentResources(agentCtx, `"${resources!.version}"`)).toBeNull();
    // Stored in the background: then a poll with that version is a 304 from the stored stamp.
    await stamps.flush();
    const row = await db.cluster.findUniqueOrThrow({ where: { id: clusterId } });
    expect(row.resourcesVersion?.startsWith(`${resources!.version}@`)).toBe(true);
    expect(await getAgentResources(agentCtx, `"${resources!.version}"`)).toBeNull();
  });

  it('a version computed from inputs that changed since is never stored', async () => {
    const read = (await selectAgentResources(sqlPool(db), clusterId, null))!;
    expect(read.renderMd5).not.toBeNull();
    const stale = {
      clusterId,
      stamped: 'computed-before-the-change@tag',
      renderMd5: read.renderMd5,
      keyMd5: read.keyMd5,
    };
    // The render changes after it was read (a re-render): the trigger clears the stored version.
    const row = await db.cluster.findUniqueOrThrow({ where: { id: clusterId } });
    await db.cluster.update({
      where: { id: clusterId },
      data: { desiredRenderedEncrypted: `${row.desiredRenderedEncrypted ?? ''}x` },
    });
    expect(await stampResourcesVersions(sqlPool(db), [stale])).toBe(0);
    expect(
      (await db.cluster.findUniqueOrThrow({ where: { id: clusterId } })).resourcesVersion,
    ).toBeNull();
    // Put back what was there; a stamp of the current inputs is stored.
    await db.cluster.update({
      where: { id: clusterId },
      data: { desiredRenderedEncrypted: row.desiredRenderedEncrypted },
    });
    expect(await stampResourcesVersions(sqlPool(db), [stale])).toBe(1);
    await db.cluster.update({ where: { id: clusterId }, data: { resourcesVersion: null } });
  });

  it('records apply results for the current version as configured, and the agent online', async () => {
    // No stored version: the report learns the current one from the stamp the poll queues,
    // or (not written yet) by rebuilding the resources; either way the same outcome.
    await db.cluster.update({ where: { id: clusterId }, data: { resourcesVersion: null } });
    const resources = (await getAgentResources(agentCtx, undefined))!;
    await recordResourcesStatus(agentCtx, { version: resources.version, results: [] });
    const row = await db.cluster.findUniqueOrThrow({ where: { id: clusterId } });
    expect(row.resourcesSyncState).toBe('configured');
    expect(row.agentStatus).toBe('online');
    await recordResourcesStatus(agentCtx, { version: 'older', results: [] });
    expect(
      (await db.cluster.findUniqueOrThrow({ where: { id: clusterId } })).resourcesSyncState,
    ).toBe('not_configured');
  });

  it("stores the agent's telemetry for its own cluster; the lag metric then has a value", async () => {
    const body = TelemetryBodySchema.parse({
      cpu_cores: 4,
      memory_bytes: 8e9,
      storage_bytes: 1e11,
      node_count: 3,
    });
    await reportTelemetry(agentCtx, body);
    expect(await db.telemetrySample.count({ where: { clusterId } })).toBe(1);
    expect((await collectMetrics(db)).telemetryLagSeconds).not.toBeNull();
  });
});
