import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { REPO_ROOT } from '../src/migrate.js';
import { quoteIdent, withDatabase } from '../src/server.js';
import { injectedTestDatabase } from '../src/testing/index.js';

const MIGRATIONS = path.join(REPO_ROOT, 'prisma/migrations');
const sql = (name: string) => readFile(path.join(MIGRATIONS, name, 'migration.sql'), 'utf8');

/**
 * The token_rights migration on a database with tokens from before it: issuers are filled in,
 * permissions are the scope's bounded by the issuing user's bindings, tokens of deleted users
 * are revoked, the bootstrap token keeps full rights.
 */
describe('migration 20261205141500_token_rights (backfill)', () => {
  const info = injectedTestDatabase();
  const name = `commander_backfill_${process.pid}_${Date.now()}`;
  let client: pg.Client;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: info.adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    await admin.end();
    client = new pg.Client({ connectionString: withDatabase(info.adminUrl, name) });
    await client.connect();
    await client.query(await sql('20261128144552_init'));
    await client.query(await sql('20261128155814_agent_keys'));
  }, 60_000);

  afterAll(async () => {
    await client?.end();
    const admin = new pg.Client({ connectionString: info.adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    await admin.end();
  });

  it('fills issuers and permissions, revokes tokens of deleted users', async () => {
    const ws = randomUUID();
    await client.query(
      `INSERT INTO workspaces (id, slug, name, updated_at) VALUES ($1, 'default', 'Default', now())`,
      [ws],
    );
    const user = randomUUID();
    await client.query(
      `INSERT INTO users (id, email, name, password_hash, updated_at) VALUES ($1, 'm@x', 'm', 'x', now())`,
      [user],
    );
    const role = randomUUID();
    await client.query(
      `INSERT INTO roles (id, name, scope, permissions, updated_at)
       VALUES ($1, 'minter', 'WORKSPACE', ARRAY['workspace_tokens:write', 'clusters:read'], now())`,
      [role],
    );
    await client.query(
      `INSERT INTO role_bindings (user_id, role_id, workspace_id, updated_at) VALUES ($1, $2, $3, now())`,
      [user, role, ws],
    );
    const insert = async (workspaceId: string | null, scope: string, createdBy: string | null) => {
      const id = randomUUID();
      await client.query(
        `INSERT INTO auth_tokens (id, name, workspace_id, token_hash, prefix, scope, created_by_id)
         VALUES ($1, 't', $2, $3, 'p', $4::"TokenScope", $5)`,
        [id, workspaceId, randomUUID(), scope, createdBy],
      );
      return id;
    };
    const bootstrap = await insert(null, 'WRITE', null);
    const byUser = await insert(ws, 'WRITE', user);
    const byToken = await insert(ws, 'READ', byUser);
    const byDeleted = await insert(ws, 'WRITE', randomUUID());
    const globalByUser = await insert(null, 'WRITE', user);

    await client.query(await sql('20261205141500_token_rights'));

    const rows = new Map(
      (
        await client.query<{
          id: string;
          permissions: string[];
          created_by_user_id: string | null;
          created_by_token_id: string | null;
          revoked_at: Date | null;
        }>(
          'SELECT id, permissions, created_by_user_id, created_by_token_id, revoked_at FROM auth_tokens',
        )
      ).rows.map((r) => [r.id, r]),
    );
    expect(rows.get(bootstrap)).toMatchObject({ created_by_user_id: null, revoked_at: null });
    expect(rows.get(bootstrap)!.permissions).toHaveLength(25);
    expect(rows.get(byUser)).toMatchObject({
      created_by_user_id: user,
      created_by_token_id: null,
      revoked_at: null,
      permissions: ['clusters:read', 'workspace_tokens:read', 'workspace_tokens:write'],
    });
    expect(rows.get(byToken)).toMatchObject({
      created_by_user_id: null,
      created_by_token_id: byUser,
      revoked_at: null,
    });
    expect(rows.get(byToken)!.permissions).toContain('clusters:read');
    expect(rows.get(byToken)!.permissions).not.toContain('clusters:write');
    expect(rows.get(byDeleted)!.revoked_at).not.toBeNull();
    // The user holds no global permission: a global token issued by them keeps none.
    expect(rows.get(globalByUser)!.permissions).toEqual([]);
  });
});
