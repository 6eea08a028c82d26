import { randomBytes } from 'node:crypto';

import {
  type AuditSink,
  bootstrapInstallation,
  createAuthToken,
  type ServiceContext,
  silentLogger,
} from '@commander/core';
import { createEncryptor, generateEncryptionKeys } from '@commander/crypto';
import type { Db } from '@commander/db';
import { createTestDatabase, type TestDatabase } from '@commander/db/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';

import { type AppDeps, buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

export type TestApp = {
  app: FastifyInstance;
  db: Db;
  database: TestDatabase;
  /** The bootstrap (global admin) token. */
  globalToken: string;
  /** A write token of the default workspace. */
  token: string;
  defaultWorkspaceId: string;
  adminEmail: string;
  adminPassword: string;
  auditLines: Record<string, unknown>[];
  /** A unique suffix for names in this file. */
  suffix: string;
  /** Headers for an API token. */
  headers: (token?: string) => Record<string, string>;
  /** Issues a token (global caller): a workspace token when workspaceId is given. */
  issueToken: (input: { workspaceId?: string | null; scope?: 'read' | 'write' }) => Promise<string>;
  /** graphile jobs queued for a task. */
  queuedJobs: (task: string) => Promise<{ payload: unknown }[]>;
  systemContext: () => ServiceContext;
  /** The encryption keys of this app (for a spawned process on the same database). */
  encryptionKeys: ReturnType<typeof generateEncryptionKeys>;
};

/**
 * A fresh database (cloned from the migrated template), a bootstrapped installation and the
 * app on it, for one test file. Closed and dropped after the file.
 */
export function useTestApp(
  env: Record<string, string> | (() => Record<string, string>) = {},
  extraDeps: () => Partial<AppDeps> = () => ({}),
): TestApp {
  const t = {
    auditLines: [] as Record<string, unknown>[],
    suffix: randomBytes(3).toString('hex'),
  } as TestApp;
  beforeAll(async () => {
    const database = await createTestDatabase();
    const globalToken = `test-bootstrap-${randomBytes(12).toString('hex')}`;
    const adminPassword = 'correct horse battery staple';
    const config = loadConfig({
      DATABASE_URL: database.url,
      LOG_LEVEL: 'silent',
      COMMANDER_BOOTSTRAP_TOKEN: globalToken,
      COMMANDER_ADMIN_EMAIL: 'admin@example.com',
      COMMANDER_ADMIN_PASSWORD: adminPassword,
      COMMANDER_WEB_DIST: '/nonexistent',
      ...(typeof env === 'function' ? env() : env),
    });
    const encryptionKeys = generateEncryptionKeys();
    const encryptor = createEncryptor(encryptionKeys);
    const boot = await bootstrapInstallation(database.db, {
      adminEmail: config.adminEmail,
      adminPassword: config.adminPassword,
      bootstrapToken: globalToken,
    });
    const instance = {
      publicHost: 'commander.test',
      publicUrl: 'http://commander.test',
      caBundle: '',
      commanderUuid: boot.commanderUuid,
      agentImage: config.agentImage,
    };
    const auditSink: AuditSink = (line) => t.auditLines.push(line);
    const app = await buildApp(config, {
      db: database.db,
      encryptor,
      instance,
      auditSink,
      ...extraDeps(),
    });
    const systemContext = (): ServiceContext => ({
      db: database.db,
      actor: { type: 'system', id: null, name: 'test' },
      workspace: null,
      permissions: new Set(['global_tokens:write', 'global_tokens:read']),
      log: silentLogger,
      encryptor,
      instance,
      auditSink,
    });
    Object.assign(t, {
      app,
      db: database.db,
      database,
      globalToken,
      encryptionKeys,
      adminEmail: 'admin@example.com',
      adminPassword,
      defaultWorkspaceId: boot.defaultWorkspaceId,
      systemContext,
      headers: (token?: string) => ({ 'x-auth-token': token ?? t.token }),
      issueToken: async ({
        workspaceId,
        scope,
      }: {
        workspaceId?: string | null;
        scope?: 'read' | 'write';
      }) => {
        const created = await createAuthToken(systemContext(), {
          name: `test-${randomBytes(3).toString('hex')}`,
          workspace_id: workspaceId ?? null,
          scope: scope ?? 'write',
        });
        return created.token;
      },
      queuedJobs: async (task: string) =>
        // The public jobs view has no payload; tests may read the private table.
        database.db.$queryRaw<{ payload: unknown }[]>`
          SELECT j.payload FROM graphile_worker._private_jobs j
          JOIN graphile_worker._private_tasks k ON k.id = j.task_id WHERE k.identifier = ${task}`,
    });
    t.token = await t.issueToken({ workspaceId: boot.defaultWorkspaceId });
  });
  afterAll(async () => {
    await t.app?.close();
    await t.database?.drop();
  });
  return t;
}
