// The CLI's own logic, in process: arguments, exit codes, output, values, the config file. The
// whole path against a running system is e2e/specs/cli/cli.spec.ts.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { duration, EXIT, parseWaves, run } from '../src/cli.js';
import { table } from '../src/output.js';

type Call = { method: string; url: string; headers: Headers; body: string };

/** A fake API answering from a route table, recording what the CLI sent. */
function fakeApi(routes: Record<string, (call: Call) => [number, unknown]>) {
  const calls: Call[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const call = {
      method: request.method,
      url: url.pathname + url.search,
      headers: request.headers,
      body: request.body ? await request.text() : '',
    };
    calls.push(call);
    const route = routes[`${request.method} ${url.pathname}`];
    const [status, body] = route
      ? route(call)
      : [404, { error: { code: 'not_found', message: 'Not found' } }];
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { calls, fetchFn };
}

function harness(fetchFn: typeof fetch, env: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'commander-cli-'));
  const out: string[] = [];
  const err: string[] = [];
  const config = path.join(dir, 'config.json');
  const exec = (...argv: string[]) =>
    run(argv, {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      env: { COMMANDER_CONFIG: config, COMMANDER_WAIT_INTERVAL_MS: '1', ...env },
      fetch: fetchFn,
    });
  return { exec, out, err, config, dir };
}

const CLUSTER = {
  id: '11111111-1111-4111-8111-111111111111',
  name: 'prod-1',
  status: 'in_sync',
  agent_status: 'online',
  archived_at: null,
  last_operation: { id: 'x', kind: 'install', status: 'succeeded', progress: 100, phase: null },
};

describe('commander CLI', () => {
  it('usage errors exit 2, help exits 0', async () => {
    const { exec, err } = harness(fakeApi({}).fetchFn);
    expect(await exec()).toBe(EXIT.usage);
    expect(await exec('--bogus')).toBe(EXIT.usage);
    expect(await exec('clusters', 'frobnicate', '--server', 'http://x', '--token', 't')).toBe(
      EXIT.usage,
    );
    expect(err.join('')).toContain('Usage: commander');
    expect(await exec('--help')).toBe(EXIT.ok);
  });

  it('login checks the token first, then stores it in a 0600 file', async () => {
    const api = fakeApi({
      'GET /api/v1/auth/me': ({ headers }) =>
        headers.get('x-auth-token') === 'good'
          ? [200, { user: null, token: { name: 'ci' }, workspaces: [{ slug: 'default' }] }]
          : [401, { error: { code: 'unauthorized', message: 'Invalid token' } }],
    });
    const { exec, config, out } = harness(api.fetchFn);
    expect(await exec('login', '--server', 'http://cmdr.test', '--token', 'bad')).toBe(EXIT.denied);
    expect(() => readFileSync(config)).toThrow();
    expect(await exec('login', '--server', 'http://cmdr.test/', '--token', 'good')).toBe(EXIT.ok);
    expect(out.join('')).toContain('token ci (workspace default)');
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({
      server: 'http://cmdr.test/',
      token: 'good',
    });
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(api.calls.at(-1)?.url).toBe('/api/v1/auth/me');
    expect(await exec('logout')).toBe(EXIT.ok);
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({ server: 'http://cmdr.test/' });
  });

  it('lists clusters as a table or JSON, sends the workspace header', async () => {
    const api = fakeApi({ 'GET /api/v1/clusters/': () => [200, [CLUSTER]] });
    const { exec, out } = harness(api.fetchFn, {
      COMMANDER_URL: 'http://cmdr.test',
      COMMANDER_TOKEN: 't',
      COMMANDER_WORKSPACE: 'team-a',
    });
    expect(await exec('clusters', 'list', '--status', 'in_sync')).toBe(EXIT.ok);
    expect(out.join('')).toMatch(/^NAME\s+STATUS\s+AGENT\s+LAST OPERATION\s+ID\nprod-1\s+in_sync/);
    expect(api.calls[0]?.url).toBe('/api/v1/clusters/?status=in_sync');
    expect(api.calls[0]?.headers.get('x-workspace')).toBe('team-a');
    out.length = 0;
    expect(await exec('clusters', 'list', '-o', 'json')).toBe(EXIT.ok);
    expect(JSON.parse(out.join(''))).toEqual([CLUSTER]);
  });

  it('maps API refusals to exit codes', async () => {
    const api = fakeApi({
      'GET /api/v1/clusters/': () => [200, []],
      'POST /api/v1/clusters/': () => [403, { error: { code: 'forbidden', message: 'No' } }],
    });
    const { exec, err } = harness(api.fetchFn, { COMMANDER_URL: 'http://c', COMMANDER_TOKEN: 't' });
    expect(await exec('clusters', 'get', 'missing')).toBe(EXIT.notFound);
    expect(await exec('clusters', 'create', '--name', 'x', '--template-version', CLUSTER.id)).toBe(
      EXIT.denied,
    );
    expect(err.join('')).toContain('No (forbidden, HTTP 403)');
    // A POST carries an Idempotency-Key, so a retried create acts once.
    expect(api.calls.at(-1)?.headers.get('idempotency-key')).toBeTruthy();
  });

  it('create builds values from a file and --set, and waits to the end', async () => {
    let polls = 0;
    const api = fakeApi({
      'POST /api/v1/clusters/': () => [201, { ...CLUSTER, status: 'new' }],
      [`GET /api/v1/clusters/${CLUSTER.id}`]: () => {
        polls += 1;
        return [200, { ...CLUSTER, status: polls < 3 ? 'creating' : 'in_sync' }];
      },
    });
    const { exec, err, dir } = harness(api.fetchFn, {
      COMMANDER_URL: 'http://c',
      COMMANDER_TOKEN: 't',
    });
    const file = path.join(dir, 'values.yaml');
    writeFileSync(file, 'region: eu\nnodes:\n  count: 1\n');
    const code = await exec(
      'clusters',
      'create',
      '--name',
      'prod-1',
      '--template-version',
      CLUSTER.id,
      '--values',
      file,
      '--set',
      'nodes.count=3',
      '--set',
      'ha=true',
      '--wait',
    );
    expect(code).toBe(EXIT.ok);
    expect(JSON.parse(api.calls[0]!.body)).toEqual({
      name: 'prod-1',
      cluster_template_version_id: CLUSTER.id,
      values: { region: 'eu', nodes: { count: 3 }, ha: true },
    });
    expect(err.join('')).toContain('prod-1: creating');
    expect(err.join('')).toContain('prod-1: in_sync');
  });

  it('wait exits 5 on a failure status and 6 on timeout', async () => {
    const failing = fakeApi({
      [`GET /api/v1/clusters/${CLUSTER.id}`]: () => [
        200,
        { ...CLUSTER, status: 'creation_failed' },
      ],
    });
    const a = harness(failing.fetchFn, { COMMANDER_URL: 'http://c', COMMANDER_TOKEN: 't' });
    expect(await a.exec('clusters', 'wait', CLUSTER.id)).toBe(EXIT.failed);
    const stuck = fakeApi({
      [`GET /api/v1/clusters/${CLUSTER.id}`]: () => [200, { ...CLUSTER, status: 'creating' }],
    });
    const b = harness(stuck.fetchFn, { COMMANDER_URL: 'http://c', COMMANDER_TOKEN: 't' });
    expect(await b.exec('clusters', 'wait', CLUSTER.id, '--timeout', '20ms')).toBe(EXIT.timeout);
    expect(b.err.join('')).toContain('did not reach in_sync in time (now creating)');
  });

  it('refuses prototype keys in --set', async () => {
    const { exec } = harness(fakeApi({}).fetchFn, {
      COMMANDER_URL: 'http://c',
      COMMANDER_TOKEN: 't',
    });
    const args = ['clusters', 'create', '--name', 'x', '--template-version', CLUSTER.id];
    expect(await exec(...args, '--set', '__proto__.polluted=1')).toBe(EXIT.usage);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('plan prints each object with its values diff; secrets never', async () => {
    const api = fakeApi({
      'POST /api/v1/apply/': ({ body }) => [
        200,
        {
          dry_run: (JSON.parse(body) as { dry_run: boolean }).dry_run,
          changes: [
            {
              kind: 'ClusterTemplate',
              name: 'static',
              action: 'unchanged',
              id: CLUSTER.id,
              details: [],
            },
            {
              kind: 'Cluster',
              name: 'prod-1',
              action: 'update',
              id: CLUSTER.id,
              details: ['2 value(s)'],
              destructive: 'possible',
              values_diff: [
                { path: 'nodes.count', before: 1, after: 3, secret: false },
                { path: 'password', before: null, after: null, secret: true },
              ],
            },
            { kind: 'Cluster', name: 'prod-2', action: 'create', id: null, details: [] },
          ],
          summary: { create: 1, update: 1, unchanged: 1 },
        },
      ],
    });
    const { exec, out, dir } = harness(api.fetchFn, {
      COMMANDER_URL: 'http://c',
      COMMANDER_TOKEN: 't',
    });
    const file = path.join(dir, 'fleet.yaml');
    writeFileSync(file, 'kind: Cluster\nname: prod-1\n');
    expect(await exec('plan', '-f', file)).toBe(EXIT.ok);
    expect(JSON.parse(api.calls[0]!.body)).toEqual({
      documents: 'kind: Cluster\nname: prod-1\n',
      dry_run: true,
    });
    expect(out.join('')).toBe(
      '= ClusterTemplate static\n' +
        '~ Cluster prod-1 (2 value(s); may be destructive: approval if dhctl says so)\n' +
        '    nodes.count: 1 -> 3\n' +
        '    password: (secret) -> (secret)\n' +
        '+ Cluster prod-2\n' +
        'Plan: 1 to create, 1 to update, 1 unchanged\n',
    );
    out.length = 0;
    expect(await exec('apply', '-f', file)).toBe(EXIT.ok);
    expect(JSON.parse(api.calls[1]!.body).dry_run).toBe(false);
    expect(out.join('')).toContain('Applied: 1 created, 1 updated, 1 unchanged');
    expect(await exec('apply')).toBe(EXIT.usage);
  });

  it('parses durations and keeps table rows on one line', () => {
    expect(duration('90s', 0)).toBe(90_000);
    expect(duration('20m', 0)).toBe(1_200_000);
    expect(duration('1h', 0)).toBe(3_600_000);
    expect(duration('250ms', 0)).toBe(250);
    expect(duration(undefined, 7)).toBe(7);
    expect(() => duration('soon', 0)).toThrow();
    expect(table([{ n: 'a\nb' }], [{ header: 'N', value: (r) => r.n }])).toBe('N\na b\n');
  });
  describe('rollouts', () => {
    const TEMPLATE = {
      id: '22222222-2222-4222-8222-222222222222',
      name: 'edge',
      clusters_count: 2,
      archived_at: null,
      current_cluster_template_version_id: null,
      cluster_template_versions: [{ id: '33333333-3333-4333-8333-333333333333', number: 2 }],
    };
    const ROLLOUT_ID = '44444444-4444-4444-8444-444444444444';
    const member = (name: string, state: string, error: string | null = null) => ({
      cluster_id: CLUSTER.id,
      cluster_name: name,
      wave: 0,
      state,
      change: 'change',
      cluster_status: 'in_sync',
      error,
    });
    const rollout = (status: string, pauseReason: string | null = null) => ({
      id: ROLLOUT_ID,
      cluster_template_name: 'edge',
      target_version_number: 2,
      status,
      pause_reason: pauseReason,
      current_wave: 0,
      wave_count: 1,
      soak_seconds: 60,
      counts: {
        total: 1,
        pending: 0,
        updating: 0,
        awaiting_approval: 0,
        soaking: 0,
        done: 0,
        failed: 1,
        skipped: 0,
      },
      waves: [{ index: 0, status: 'running', clusters: [member('prod-1', 'failed', 'boom')] }],
      skipped: [],
    });
    const env = { COMMANDER_URL: 'http://c', COMMANDER_TOKEN: 't' };

    it('parses waves', () => {
      expect(parseWaves('1,10%,rest')).toEqual([{ size: 1 }, { percent: 10 }, { rest: true }]);
      expect(parseWaves(undefined)).toBeUndefined();
      expect(() => parseWaves('1,x')).toThrow();
      expect(() => parseWaves('0')).toThrow();
      expect(() => parseWaves('1.5')).toThrow();
    });

    it('plan sends the selection and prints each cluster by wave', async () => {
      const api = fakeApi({
        'GET /api/v1/cluster_templates/': () => [200, [TEMPLATE]],
        'POST /api/v1/rollouts/': () => [
          200,
          {
            dry_run: true,
            target_version_number: 2,
            waves: [
              {
                index: 0,
                clusters: [
                  {
                    cluster_name: 'prod-1',
                    change: 'destructive',
                    from_version_number: 1,
                    status: 'in_sync',
                    error: null,
                  },
                ],
              },
            ],
            skipped: [
              {
                cluster_name: 'prod-2',
                change: 'none',
                from_version_number: 2,
                status: 'in_sync',
                error: null,
              },
            ],
            invalid: [],
            counts: { total: 2, none: 1, change: 0, destructive: 1, invalid: 0 },
          },
        ],
      });
      const { exec, out } = harness(api.fetchFn, env);
      expect(
        await exec(
          'rollouts',
          'plan',
          '--template',
          'edge',
          '--version',
          '2',
          '--waves',
          '1,rest',
          '--soak',
          '5m',
        ),
      ).toBe(EXIT.ok);
      expect(JSON.parse(api.calls[1]!.body)).toEqual({
        cluster_template_id: TEMPLATE.id,
        cluster_template_version_id: TEMPLATE.cluster_template_versions[0]!.id,
        waves: [{ size: 1 }, { rest: true }],
        soak_seconds: 300,
        dry_run: true,
      });
      expect(out.join('')).toContain('1     prod-1   destructive');
      expect(out.join('')).toContain('Plan: 1 wave(s) to version 2; 0 change, 1 destructive');
      expect(await exec('rollouts', 'plan', '--template', 'edge', '--version', '9')).toBe(
        EXIT.notFound,
      );
      expect(await exec('rollouts', 'plan')).toBe(EXIT.usage);
    });

    it('status --wait exits 5 when the rollout pauses; pause sends the reason', async () => {
      const api = fakeApi({
        [`GET /api/v1/rollouts/${ROLLOUT_ID}`]: () => [
          200,
          rollout('paused', 'Cluster prod-1 failed'),
        ],
        [`POST /api/v1/rollouts/${ROLLOUT_ID}/pause`]: () => [200, rollout('paused', 'window')],
      });
      const { exec, err, out } = harness(api.fetchFn, env);
      expect(await exec('rollouts', 'status', ROLLOUT_ID, '--wait')).toBe(EXIT.failed);
      expect(err.join('')).toContain('rollout paused: Cluster prod-1 failed');
      expect(out.join('')).toContain('prod-1   failed');
      expect(await exec('rollouts', 'pause', ROLLOUT_ID, '--reason', 'window')).toBe(EXIT.ok);
      expect(JSON.parse(api.calls.at(-1)!.body)).toEqual({ reason: 'window' });
      expect(await exec('rollouts', 'frobnicate')).toBe(EXIT.usage);
    });
  });
});
