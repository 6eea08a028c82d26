import { randomUUID } from 'node:crypto';

import { BUILT_IN_ROLES, tokenScopePermissions } from '@commander/contracts';
import { hashToken } from '@commander/crypto';
import type { Db } from '@commander/db';
import { createTestDatabase, type TestDatabase } from '@commander/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  BOOTSTRAP_TOKEN_MIN_LENGTH,
  bootstrapInstallation,
  foldChain,
  MAX_TOKEN_CHAIN_DEPTH,
  tokenRights,
} from '../src/index.js';

/** The issuer chain token → token → … → user, computed in one recursive query. */
describe('token rights (recursive issuer chain)', () => {
  let database: TestDatabase;
  let db: Db;
  let workspaceId = '';
  const bootstrapToken = 'core-test-bootstrap-token-0123456789abcdef';

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    const boot = await bootstrapInstallation(db, {
      adminEmail: 'admin@core.test',
      adminPassword: 'core-test-password-1',
      bootstrapToken,
    });
    workspaceId = boot.defaultWorkspaceId!;
  });
  afterAll(async () => {
    await database?.drop();
  });

  async function userWith(permissions: string[], scope: 'GLOBAL' | 'WORKSPACE') {
    const user = await db.user.create({
      data: { email: `${randomUUID()}@core.test`, name: 'u', passwordHash: 'x' },
    });
    const role = await db.role.create({
      data: { name: `r-${randomUUID().slice(0, 8)}`, scope, permissions },
    });
    await db.roleBinding.create({
      data: {
        userId: user.id,
        roleId: role.id,
        workspaceId: scope === 'GLOBAL' ? null : workspaceId,
      },
    });
    return user;
  }

  async function token(input: {
    workspaceId: string | null;
    scope?: 'READ' | 'WRITE';
    permissions: string[];
    userId?: string | null;
    tokenId?: string | null;
    expiresAt?: Date | null;
  }) {
    const value = randomUUID();
    const row = await db.authToken.create({
      data: {
        name: 't',
        workspaceId: input.workspaceId,
        tokenHash: hashToken(value),
        prefix: value.slice(0, 8),
        scope: input.scope ?? 'WRITE',
        permissions: input.permissions,
        createdByUserId: input.userId ?? null,
        createdByTokenId: input.tokenId ?? null,
        expiresAt: input.expiresAt ?? null,
      },
    });
    return { id: row.id, hash: hashToken(value) };
  }

  const wsAdmin = [...BUILT_IN_ROLES.workspace.admin.permissions] as string[];

  it('intersects stored permissions, scope and every issuer up to the user', async () => {
    const user = await userWith(['clusters:write', 'workspace_tokens:write'], 'WORKSPACE');
    const t1 = await token({
      workspaceId,
      permissions: ['clusters:read', 'clusters:write', 'workspace_tokens:write', 'catalogs:read'],
      userId: user.id,
    });
    const t2 = await token({
      workspaceId,
      scope: 'READ',
      // Stored more than a read scope allows: the scope bounds it again.
      permissions: ['clusters:read', 'clusters:write', 'workspace_tokens:read'],
      tokenId: t1.id,
    });
    const r1 = await tokenRights(db, { tokenHash: t1.hash });
    // catalogs:read was stored but the user does not hold it; a :write implies its :read.
    expect([...r1!.permissions].sort()).toEqual([
      'clusters:read',
      'clusters:write',
      'workspace_tokens:write',
    ]);
    const r2 = await tokenRights(db, { tokenHash: t2.hash });
    expect([...r2!.permissions].sort()).toEqual(['clusters:read']);
    expect(r2!.token.id).toBe(t2.id);

    await db.user.update({ where: { id: user.id }, data: { isDisabled: true } });
    expect(await tokenRights(db, { tokenHash: t2.hash })).toBeNull();
    await db.user.update({ where: { id: user.id }, data: { isDisabled: false } });
    expect(await tokenRights(db, { tokenHash: t2.hash })).not.toBeNull();
    await db.authToken.update({ where: { id: t1.id }, data: { expiresAt: new Date(1000) } });
    expect(await tokenRights(db, { tokenHash: t2.hash })).toBeNull();
    await db.user.delete({ where: { id: user.id } });
    expect(await tokenRights(db, { id: t1.id })).toBeNull();
  });

  it(`follows at most ${MAX_TOKEN_CHAIN_DEPTH} issuers; loops and missing issuers fail`, async () => {
    const user = await userWith(wsAdmin, 'WORKSPACE');
    let parent = await token({ workspaceId, permissions: wsAdmin, userId: user.id });
    const chain = [parent];
    for (let i = 0; i < MAX_TOKEN_CHAIN_DEPTH + 1; i++) {
      parent = await token({ workspaceId, permissions: wsAdmin, tokenId: parent.id });
      chain.push(parent);
    }
    // chain[8] has 8 issuing tokens above it (depth 8): usable; chain[9] is one too deep.
    expect(await tokenRights(db, { id: chain[MAX_TOKEN_CHAIN_DEPTH]!.id })).not.toBeNull();
    expect(await tokenRights(db, { id: chain[MAX_TOKEN_CHAIN_DEPTH + 1]!.id })).toBeNull();

    const orphan = await token({ workspaceId, permissions: wsAdmin, tokenId: randomUUID() });
    expect(await tokenRights(db, { id: orphan.id })).toBeNull();
    const a = await token({ workspaceId, permissions: wsAdmin, tokenId: randomUUID() });
    const b = await token({ workspaceId, permissions: wsAdmin, tokenId: a.id });
    await db.authToken.update({ where: { id: a.id }, data: { createdByTokenId: b.id } });
    expect(await tokenRights(db, { id: b.id })).toBeNull();
  });

  it('a global token bounds the workspace tokens it issues by its issuer’s rights there', async () => {
    const admin = await db.user.findUniqueOrThrow({ where: { email: 'admin@core.test' } });
    const global = await token({
      workspaceId: null,
      permissions: tokenScopePermissions('global', 'write'),
      userId: admin.id,
    });
    const inWorkspace = await tokenRights(db, { id: global.id }, workspaceId);
    expect([...inWorkspace!.permissions].sort()).toEqual(
      [...tokenScopePermissions('global', 'write')].sort(),
    );
    const limited = await userWith(['global_tokens:write'], 'GLOBAL');
    const g2 = await token({
      workspaceId: null,
      permissions: tokenScopePermissions('global', 'write'),
      userId: limited.id,
    });
    expect([...(await tokenRights(db, { id: g2.id }, workspaceId))!.permissions].sort()).toEqual([
      'global_tokens:read',
      'global_tokens:write',
    ]);
    // A workspace token never holds rights in another workspace.
    const w = await token({ workspaceId, permissions: wsAdmin, userId: admin.id });
    expect(await tokenRights(db, { id: w.id }, randomUUID())).toBeNull();
  });

  it('foldChain: a root token (bootstrap, system) is bounded by the tokens alone', () => {
    const row = {
      id: randomUUID(),
      name: 'x',
      workspace_id: null,
      token_hash: 'h',
      prefix: 'p',
      scope: 'READ' as const,
      expires_at: null,
      last_used_at: null,
      revoked_at: null,
      created_by_id: null,
      created_by_name: null,
      created_at: new Date(),
      permissions: ['users:read', 'users:write'],
      created_by_user_id: null,
      created_by_token_id: null,
      user_found: false,
      user_disabled: null,
      user_permissions: null,
    };
    expect([...foldChain([row], null, new Date())!]).toEqual(['users:read']);
    expect(foldChain([{ ...row, revoked_at: new Date() }], null, new Date())).toBeNull();
  });

  it('the bootstrap token: root rights, at least 32 characters, a revoked one stays revoked', async () => {
    const rights = await tokenRights(db, { tokenHash: hashToken(bootstrapToken) });
    expect([...rights!.permissions].sort()).toEqual(
      [...tokenScopePermissions('global', 'write')].sort(),
    );
    await expect(
      bootstrapInstallation(db, { bootstrapToken: 'x'.repeat(BOOTSTRAP_TOKEN_MIN_LENGTH - 1) }),
    ).rejects.toThrow(/at least 32 characters/);

    await db.authToken.update({
      where: { tokenHash: hashToken(bootstrapToken) },
      data: { revokedAt: new Date() },
    });
    const again = await bootstrapInstallation(db, { bootstrapToken });
    expect(again.warnings).toEqual([expect.stringContaining('stays revoked')]);
    expect(await tokenRights(db, { tokenHash: hashToken(bootstrapToken) })).toBeNull();
  });
});
