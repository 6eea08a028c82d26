import { randomBytes } from 'node:crypto';

import { WORKSPACE_PERMISSIONS } from '@commander/contracts';
import {
  type AuditSink,
  bootstrapInstallation,
  type ServiceContext,
  silentLogger,
} from '@commander/core';
import { createTestTemplate } from '@commander/core/testing';
import { createEncryptor, type EncryptionKeys, generateEncryptionKeys } from '@commander/crypto';
import type { Db } from '@commander/db';
import { createTestDatabase, type TestDatabase } from '@commander/db/testing';
import { type DhctlSim, startDhctlSim } from '@commander/dhctl-sim';
import { Logger, run, type Runner } from 'graphile-worker';
import { afterAll, beforeAll } from 'vitest';

import { createDeps, type ManagerDeps } from '../src/deps.js';
import { buildTaskList } from '../src/task-list.js';

export type ManagerTestEnv = {
  database: TestDatabase;
  sim: DhctlSim;
  deps: ManagerDeps;
  /** A user-like context in the default workspace (what the API would build). */
  ctx: ServiceContext;
  auditLines: Record<string, unknown>[];
  defaultTemplateVersionId: string;
  /** Starts an in-process replica (graphile runner, concurrency 1). */
  startReplica: (replicaId?: string) => Promise<Runner>;
  suffix: string;
};

/** A database, a simulator and replicas running in this process, for one test file. */
export function useManagerEnv(
  options: {
    phaseDelayMs?: number;
    /** The simulator echoes each operation's configuration into its log. */
    debugConfigLogs?: boolean;
    dhctlServers?: (defaultSim: DhctlSim) => Promise<Record<string, string>>;
  } = {},
): ManagerTestEnv {
  const env = {
    auditLines: [] as Record<string, unknown>[],
    suffix: randomBytes(3).toString('hex'),
  } as ManagerTestEnv;
  const runners: Runner[] = [];
  const extraDeps: ManagerDeps[] = [];
  beforeAll(async () => {
    const database = await createTestDatabase();
    const sim = await startDhctlSim({
      phaseDelayMs: options.phaseDelayMs ?? 0,
      debugConfigLogs: options.debugConfigLogs ?? false,
    });
    const encryptor = createEncryptor(generateEncryptionKeys());
    const boot = await bootstrapInstallation(database.db, {});
    const instance = {
      publicHost: 'commander.test',
      publicUrl: 'http://commander.test',
      caBundle: '',
      commanderUuid: boot.commanderUuid,
    };
    const auditSink: AuditSink = (line) => env.auditLines.push(line);
    const servers = options.dhctlServers
      ? await options.dhctlServers(sim)
      : { default: sim.grpcAddress };
    const makeDeps = (replicaId: string) =>
      createDeps({
        db: database.db,
        databaseUrl: database.url,
        encryptor,
        instance,
        log: silentLogger,
        replicaId,
        dhctlServers: servers,
        auditSink,
      });
    const deps = makeDeps('test-replica-1');
    const workspace = await database.db.workspace.findUniqueOrThrow({ where: { slug: 'default' } });
    const template = await createTestTemplate(database.db, workspace.id);
    Object.assign(env, {
      database,
      sim,
      deps,
      defaultTemplateVersionId: template.versionId,
      ctx: {
        db: database.db,
        actor: { type: 'user', id: null, name: 'tester@example.com' },
        workspace: { id: workspace.id, slug: workspace.slug },
        permissions: new Set<string>(WORKSPACE_PERMISSIONS),
        log: silentLogger,
        encryptor,
        instance,
        auditSink,
      } satisfies ServiceContext,
      startReplica: async (replicaId?: string) => {
        const replicaDeps = replicaId ? makeDeps(replicaId) : deps;
        if (replicaId) {
          extraDeps.push(replicaDeps);
        }
        const runner = await run({
          connectionString: database.url,
          concurrency: 1,
          noHandleSignals: true,
          pollInterval: 200,
          taskList: buildTaskList(replicaDeps),
          logger: new Logger(() => () => undefined),
        });
        runners.push(runner);
        return runner;
      },
    });
  });
  afterAll(async () => {
    for (const runner of runners) {
      await runner.stop().catch(() => undefined);
    }
    for (const d of [env.deps, ...extraDeps]) {
      await d?.close();
    }
    await env.sim?.stop();
    await env.database?.drop();
  });
  return env;
}

/** Polls until `check` returns a truthy value (or fails after `timeoutMs`). */
export async function eventually<T>(
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) {
        return value;
      }
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

/** Calls the simulator's HTTP control API. */
export async function simApi(
  env: ManagerTestEnv,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${env.sim.httpUrl}${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/**
 * A fresh installation for tests that run replicas as processes: bootstraps it, adds the test
 * template to the default workspace and returns a context acting there as `actor`.
 */
export async function installationContext(
  db: Db,
  keys: EncryptionKeys,
  actor: string,
): Promise<{ ctx: ServiceContext; versionId: string }> {
  const boot = await bootstrapInstallation(db, {});
  const workspace = await db.workspace.findUniqueOrThrow({ where: { slug: 'default' } });
  const { versionId } = await createTestTemplate(db, workspace.id);
  const ctx: ServiceContext = {
    db,
    actor: { type: 'user', id: null, name: actor },
    workspace: { id: workspace.id, slug: workspace.slug },
    permissions: new Set<string>(WORKSPACE_PERMISSIONS),
    log: silentLogger,
    encryptor: createEncryptor(keys),
    instance: {
      publicHost: 'commander.test',
      publicUrl: 'http://commander.test',
      caBundle: '',
      commanderUuid: boot.commanderUuid,
    },
    auditSink: () => undefined,
  };
  return { ctx, versionId };
}
