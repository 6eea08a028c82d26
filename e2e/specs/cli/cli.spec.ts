import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { expect, test } from '../../fixtures.js';
import { E2E } from '../../playwright.config.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

type Result = { code: number | null; stdout: string; stderr: string };

/** `pnpm commander …` as a CI job runs it: a real process against the running system. */
function commander(args: string[], env: Record<string, string>, input?: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/commander.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/**
 * The CLI against the real system (API, managers, simulated dhctl): log in with a token from
 * stdin, create a cluster and wait until it is in sync, read it, export and import a template,
 * delete the cluster and wait until it is gone; exit codes for CI.
 */
test('the CLI creates a cluster, waits for it, and deletes it', async ({ api }) => {
  test.setTimeout(240_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'commander-cli-e2e-'));
  const env = {
    COMMANDER_CONFIG: path.join(dir, 'config.json'),
    COMMANDER_WAIT_INTERVAL_MS: '500',
  };
  const name = `cli-${Date.now().toString(36)}`;

  const login = await commander(['login', '--server', E2E.baseURL], env, `${api.token}\n`);
  expect(login.code, login.stderr).toBe(0);
  expect(login.stdout).toContain('workspace default');
  expect(statSync(env.COMMANDER_CONFIG).mode & 0o777).toBe(0o600);
  expect(readFileSync(env.COMMANDER_CONFIG, 'utf8')).toContain(E2E.baseURL);

  const created = await commander(
    [
      'clusters',
      'create',
      '--name',
      name,
      '--template',
      'Static cluster',
      '--wait',
      '--timeout',
      '3m',
    ],
    env,
  );
  expect(created.code, created.stderr).toBe(0);
  expect(created.stderr).toContain(`${name}: in_sync`);
  expect(created.stdout).toMatch(/Status\s+in_sync/);

  const listed = await commander(['clusters', 'list', '-q', name, '-o', 'json'], env);
  expect(listed.code, listed.stderr).toBe(0);
  const rows = JSON.parse(listed.stdout) as { name: string; status: string }[];
  expect(rows.map((r) => [r.name, r.status])).toEqual([[name, 'in_sync']]);

  const exported = path.join(dir, 'static.yaml');
  const exp = await commander(['templates', 'export', 'Static cluster', '--file', exported], env);
  expect(exp.code, exp.stderr).toBe(0);
  expect(readFileSync(exported, 'utf8')).toContain('kubernetes_template');
  const imp = await commander(['templates', 'import', exported, '--name', `${name} copy`], env);
  expect(imp.code, imp.stderr).toBe(0);
  expect(imp.stdout).toContain(`imported ${name} copy`);

  const missing = await commander(['clusters', 'get', `${name}-missing`], env);
  expect(missing.code).toBe(3);
  const denied = await commander(['clusters', 'list'], { ...env, COMMANDER_TOKEN: 'not-a-token' });
  expect(denied.code).toBe(4);

  // Declarative apply: a fleet file planned, applied, applied again (nothing changes).
  const fleet = path.join(dir, 'fleet.yaml');
  writeFileSync(
    fleet,
    `kind: Cluster\nname: ${name}-apply\ntemplate: Static cluster\nvalues: {}\n---\nkind: Cluster\nname: ${name}\ntemplate: Static cluster\nvalues: {}\n`,
  );
  const plan = await commander(['plan', '-f', fleet], env);
  expect(plan.code, plan.stderr).toBe(0);
  expect(plan.stdout).toContain(`+ Cluster ${name}-apply`);
  expect(plan.stdout).toContain(`= Cluster ${name}\n`);
  expect(plan.stdout).toContain('Plan: 1 to create, 0 to update, 1 unchanged');
  const applied = await commander(['apply', '-f', fleet], env);
  expect(applied.code, applied.stderr).toBe(0);
  expect(applied.stdout).toContain('Applied: 1 created, 0 updated, 1 unchanged');
  const again = await commander(['apply', '-f', fleet], env);
  expect(again.stdout).toContain('Applied: 0 created, 0 updated, 2 unchanged');
  const waited = await commander(['clusters', 'wait', `${name}-apply`, '--timeout', '3m'], env);
  expect(waited.code, waited.stderr).toBe(0);

  // The preset's static-hosts catalog holds 8 exclusive hosts shared by every spec: give back both.
  const deletedApply = await commander(
    ['clusters', 'delete', `${name}-apply`, '--wait', '--timeout', '3m'],
    env,
  );
  expect(deletedApply.code, deletedApply.stderr).toBe(0);
  const deleted = await commander(['clusters', 'delete', name, '--wait', '--timeout', '3m'], env);
  expect(deleted.code, deleted.stderr).toBe(0);
  expect(deleted.stderr).toContain(`${name}: deleted`);
});
