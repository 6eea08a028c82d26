import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  actOnRollout,
  createCluster,
  createRollout,
  getRollout,
  type ServiceContext,
} from '@commander/core';
import { TEST_TEMPLATE_PARAMS, TEST_TEMPLATE_SECTIONS } from '@commander/core/testing';
import { generateEncryptionKeys } from '@commander/crypto';
import { createTestDatabase, type TestDatabase } from '@commander/db/testing';
import { type DhctlSim, startDhctlSim } from '@commander/dhctl-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually, installationContext } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const ALERT = 'RolloutGateTestCritical';

/**
 * The health gates of the rollout engine with real agents: the API and a manager as processes,
 * dhctl-sim with its simulated agents on (they sync resources and send telemetry to the API).
 * Three clusters in three waves of one:
 * - wave 1's cluster has a silent agent (dhctl-sim's control API silences it; the manager marks
 *   it lost): once converged it fails ("The agent was lost"), the rollout pauses, wave 2 never
 *   starts; a resume while the agent is still silent pauses again; once the agent reports, a
 *   resume finishes the wave;
 * - wave 2's cluster reports a critical alert (injected into its agent's telemetry): once
 *   converged it fails with the alert's name and the rollout pauses; wave 3 waits until the
 *   alert is gone and the rollout is resumed, then the rollout completes.
 */
describe('rollout gates with real agents (API and manager processes, dhctl-sim agents)', () => {
  let database: TestDatabase;
  let sim: DhctlSim;
  let ctx: ServiceContext;
  let v1 = '';
  let v2 = '';
  let templateId = '';
  const keys = generateEncryptionKeys();
  const output: string[] = [];
  const children: ChildProcess[] = [];
  const clusters: { id: string; uuid: string; name: string }[] = [];
  let apiUrl = '';

  function launch(name: string, script: string, env: Record<string, string>): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        LOG_LEVEL: 'warn',
        ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: keys.primaryKey as string,
        ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: keys.deterministicKey,
        ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: keys.keyDerivationSalt,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c: Buffer) => output.push(`[${name}] ${c.toString()}`));
    child.stderr?.on('data', (c: Buffer) => output.push(`[${name}] ${c.toString()}`));
    children.push(child);
    return child;
  }

  async function agentInjection(uuid: string, body: unknown): Promise<void> {
    const res = await fetch(`${sim.httpUrl}/sim/clusters/${uuid}/agent`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status, await res.text()).toBe(200);
  }

  const cluster = (id: string) => database.db.cluster.findUniqueOrThrow({ where: { id } });

  /** The alert names of the cluster's last telemetry (agent_data overview warnings). */
  async function firingAlerts(id: string): Promise<string[]> {
    const data = (await cluster(id)).agentData as
      { source?: string; data?: { warnings?: { firing_alerts?: { alert?: string }[] } } }[] | null;
    const overview = Array.isArray(data) ? data.find((d) => d.source === 'overview') : undefined;
    return (overview?.data?.warnings?.firing_alerts ?? []).map((a) => a.alert ?? '');
  }

  const rollout = async (id: string) => getRollout(ctx, id);

  beforeAll(async () => {
    database = await createTestDatabase();
    ({ ctx, versionId: v1 } = await installationContext(database.db, keys, 'tester'));
    const version = await database.db.clusterTemplateVersion.findUniqueOrThrow({
      where: { id: v1 },
    });
    templateId = version.clusterTemplateId;
    v2 = (
      await database.db.clusterTemplateVersion.create({
        data: {
          clusterTemplateId: templateId,
          number: 2,
          params: TEST_TEMPLATE_PARAMS,
          ...TEST_TEMPLATE_SECTIONS,
          primaryResourcesTemplate: `${TEST_TEMPLATE_SECTIONS.primaryResourcesTemplate}---
apiVersion: v1
kind: ConfigMap
metadata:
  name: rollout-marker
  namespace: default
data:
  version: "2"
`,
          resources: TEST_TEMPLATE_SECTIONS.resources,
        },
      })
    ).id;

    // The API on a port of its choosing (it prints the port it bound).
    const api = launch('api', 'apps/api/src/main.ts', {
      PORT: '0',
      HOST: '127.0.0.1',
      COMMANDER_WEB_DIST: '/nonexistent',
    });
    const port = await eventually(
      () => {
        const line = output.join('').match(/\[api\] Listening on port (\d+)/);
        if (api.exitCode !== null) {
          throw new Error(`the API exited (${api.exitCode}): ${output.join('')}`);
        }
        return Promise.resolve(line ? Number(line[1]) : null);
      },
      60_000,
      'the API listening',
    );
    apiUrl = `http://127.0.0.1:${port}`;
    await eventually(async () => (await fetch(`${apiUrl}/readyz`)).ok, 60_000, 'API ready');

    // Agents report every 250 ms; a constant random source keeps the simulated telemetry free
    // of component failures (and so of alerts other than the injected one).
    sim = await startDhctlSim({
      phaseDelayMs: 0,
      agentPollMs: 250,
      agentTelemetryMs: 250,
      commanderUrl: apiUrl,
      tunnels: false,
      agentRandom: () => 0.5,
    });
    launch('manager', 'apps/manager/src/main.ts', {
      DHCTL_SERVER_ADDRESS: sim.grpcAddress,
      MANAGER_REPLICA_ID: 'gates-1',
      MANAGER_HEARTBEAT_MS: '300',
      MANAGER_RECONCILE_EVERY_MS: '1000',
      // 12 telemetry intervals: only the silenced agent goes lost.
      MANAGER_AGENT_SILENT_AFTER_MS: '3000',
      ROLLOUT_TICK_MS: '200',
      COMMANDER_PUBLIC_URL: apiUrl,
    });

    for (const name of ['gate-a', 'gate-b', 'gate-c']) {
      const created = await createCluster(ctx, {
        name,
        cluster_template_version_id: v1,
        values: {},
      });
      clusters.push({ id: created.id, uuid: created.uuid, name });
    }
    await eventually(
      async () =>
        (await database.db.cluster.count({
          where: {
            id: { in: clusters.map((c) => c.id) },
            status: 'IN_SYNC',
            agentStatus: 'online',
          },
        })) === 3,
      120_000,
      'three clusters installed, their agents online',
    );
  }, 240_000);

  afterAll(async () => {
    if (process.env.DEBUG_ROLLOUTS) {
      process.stderr.write(output.join(''));
    }
    for (const child of children) {
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
    }
    await sim?.stop();
    await database?.drop();
  });

  it('holds a wave on a lost agent and on a critical alert until they clear', async () => {
    const [a, b, c] = clusters as [
      (typeof clusters)[0],
      (typeof clusters)[0],
      (typeof clusters)[0],
    ];

    // a's agent falls silent: the manager marks it lost.
    await agentInjection(a.uuid, { silent: true });
    await eventually(
      async () => (await cluster(a.id)).agentStatus === 'lost',
      30_000,
      "a's agent lost",
    );
    // b's agent reports a critical alert.
    await agentInjection(b.uuid, {
      alerts: [{ name: ALERT, severity: 'critical', message: 'injected by the test' }],
    });
    await eventually(async () => (await firingAlerts(b.id)).includes(ALERT), 30_000, "b's alert");

    const created = await createRollout(ctx, {
      cluster_template_id: templateId,
      cluster_template_version_id: v2,
      waves: [{ size: 1 }, { size: 1 }, { rest: true }],
      soak_seconds: 1,
    });
    if (created.dryRun) {
      throw new Error('not created');
    }
    const id = created.rollout.id;
    expect(created.rollout.waves.map((w) => w.clusters.map((x) => x.cluster_name))).toEqual([
      ['gate-a'],
      ['gate-b'],
      ['gate-c'],
    ]);

    // Wave 1: a converges to v2 without its agent, then fails on the lost agent; paused.
    const paused = await eventually(
      async () => {
        const r = await rollout(id);
        return r.status === 'paused' ? r : null;
      },
      90_000,
      'paused on the lost agent',
    );
    expect(paused.current_wave, output.join('')).toBe(0);
    expect(paused.waves[0]!.clusters[0]).toMatchObject({
      cluster_name: 'gate-a',
      state: 'failed',
      error: 'The agent was lost',
    });
    expect(paused.pause_reason).toContain('gate-a');
    expect((await cluster(a.id)).clusterTemplateVersionId).toBe(v2);
    expect(paused.waves[1]!.clusters[0]!.state).toBe('pending');
    expect(paused.waves[2]!.clusters[0]!.state).toBe('pending');

    // Resumed while the agent is still silent: the wave holds (paused again, same reason).
    const resumed = await actOnRollout(ctx, id, 'resume', undefined);
    expect(resumed.status).toBe('running');
    const pausedAgain = await eventually(
      async () => {
        const r = await rollout(id);
        return r.status === 'paused' && r.current_revision > resumed.current_revision ? r : null;
      },
      60_000,
      'paused again while the agent is lost',
    );
    expect(pausedAgain.current_wave).toBe(0);
    expect(pausedAgain.waves[0]!.clusters[0]).toMatchObject({
      state: 'failed',
      error: 'The agent was lost',
    });
    expect(pausedAgain.waves[1]!.clusters[0]!.state).toBe('pending');

    // The agent reports again: a resume finishes wave 1 and starts wave 2 (b).
    await agentInjection(a.uuid, { silent: false });
    await eventually(
      async () => (await cluster(a.id)).agentStatus === 'online',
      30_000,
      "a's agent back",
    );
    await actOnRollout(ctx, id, 'resume', undefined);

    // Wave 2: b converges, then fails on its critical alert; paused, wave 3 untouched.
    const onAlert = await eventually(
      async () => {
        const r = await rollout(id);
        return r.status === 'paused' && r.current_wave === 1 ? r : null;
      },
      90_000,
      'paused on the critical alert',
    );
    expect(onAlert.waves[0]!.status).toBe('completed');
    expect(onAlert.waves[0]!.clusters[0]!.state).toBe('done');
    expect(onAlert.waves[1]!.clusters[0]).toMatchObject({
      cluster_name: 'gate-b',
      state: 'failed',
      error: `Critical alert firing: ${ALERT}`,
    });
    expect(onAlert.pause_reason).toContain('gate-b');
    expect((await cluster(b.id)).clusterTemplateVersionId).toBe(v2);
    expect(onAlert.waves[2]!.clusters[0]!.state).toBe('pending');
    expect((await cluster(c.id)).clusterTemplateVersionId).toBe(v1);

    // The alert clears (the next telemetry no longer has it); resume: the rollout completes.
    await agentInjection(b.uuid, { alerts: [] });
    await eventually(
      async () => !(await firingAlerts(b.id)).includes(ALERT),
      30_000,
      "b's alert gone",
    );
    await actOnRollout(ctx, id, 'resume', undefined);
    const done = await eventually(
      async () => {
        const r = await rollout(id);
        expect(r.status, r.pause_reason ?? '').not.toBe('paused');
        return r.status === 'completed' ? r : null;
      },
      90_000,
      'the rollout completed',
    );
    expect(done.counts).toMatchObject({ total: 3, done: 3, failed: 0, pending: 0 });
    for (const x of clusters) {
      expect(await cluster(x.id)).toMatchObject({
        clusterTemplateVersionId: v2,
        status: 'IN_SYNC',
        agentStatus: 'online',
      });
    }
    const audit = await database.db.auditEvent.findMany({
      where: { auditableType: 'Rollout', auditableId: id },
      orderBy: { ts: 'asc' },
    });
    expect(audit.map((e) => e.action)).toEqual([
      'create',
      'pause',
      'resume',
      'pause',
      'resume',
      'pause',
      'resume',
      'complete',
    ]);
  }, 300_000);
});
