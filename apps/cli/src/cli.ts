// The Commander CLI (`pnpm commander <command>`; the operator commands of scripts/commander.ts
// stay beside these). Every call goes through @commander/client, typed by the API's OpenAPI
// document. Exit codes are meant for CI: see EXIT.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import {
  type Cluster,
  CommanderApiError,
  type CommanderClient,
  createCommanderClient,
  unwrap,
  waitForCluster,
} from '@commander/client';
import YAML from 'yaml';

import { type CliConfig, configPath, readConfig, writeConfig } from './config.js';
import { type Column, type Format, json, table } from './output.js';

/** Exit codes: stable, documented in the README. */
export const EXIT = {
  ok: 0,
  /** The API refused or failed, or the network did. */
  error: 1,
  /** The command line is wrong. */
  usage: 2,
  /** The object does not exist (or is not visible to this token). */
  notFound: 3,
  /** No credentials, or not allowed. */
  denied: 4,
  /** `wait`: the cluster reached a failure status. */
  failed: 5,
  /** `wait`: the time ran out. */
  timeout: 6,
} as const;

export type Io = {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  fetch?: typeof globalThis.fetch;
  /** Whether stderr is a terminal (progress redrawn in place). */
  tty?: boolean;
};

class UsageError extends Error {}
class CliFailure extends Error {
  readonly code: number;

  constructor(message: string, code: number) {
    super(message);
    this.code = code;
  }
}

const USAGE = `Usage: commander <command> [options]

  login --server URL [--token TOKEN]     remember the server and a token (read from stdin
                                         when --token is absent); checks them first
  logout                                 forget the token
  use-workspace SLUG                     the workspace of a user token's calls
  whoami                                 who the token is, in which workspace

  clusters list [--status S] [--template ID] [-q TEXT] [--limit N]
  clusters get CLUSTER
  clusters create --name NAME (--template NAME|ID [--version N] | --template-version ID)
                  [--values FILE] [--set key=value]... [--wait [--for S] [--timeout 20m]]
  clusters delete CLUSTER [--wait [--timeout 20m]]
  clusters wait CLUSTER [--for in_sync] [--timeout 20m]
  change-requests list [--cluster CLUSTER] [--status S]
  change-requests approve ID
  templates list
  templates import FILE [--name NAME] [--into TEMPLATE]
  plan -f FILE                           what apply would change (templates, catalogs, clusters)
  apply -f FILE [--dry-run]              make the documents true (never deletes)
  templates export TEMPLATE [--format yaml|json] [--file OUT]

  rollouts plan --template NAME|ID --version N [--clusters C1,C2|--status S|-q TEXT]
                [--waves 1,10%,rest] [--soak 5m]   per cluster: none / change / destructive
  rollouts start (the same options) [--wait [--timeout 2h]]
  rollouts list [--status S] [--template NAME|ID]
  rollouts status ROLLOUT [--wait [--timeout 2h]]   waves and each cluster's state
  rollouts pause|resume|abort ROLLOUT [--reason TEXT]

  CLUSTER and TEMPLATE are an id or an exact name.
  Options everywhere: -o table|json, --server URL, --token TOKEN, --workspace SLUG
  (or COMMANDER_URL, COMMANDER_TOKEN, COMMANDER_WORKSPACE; COMMANDER_CONFIG: the config file).
  Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 denied, 5 cluster failed (rollouts:
  paused or aborted), 6 timeout.
`;

const OPTIONS = {
  output: { type: 'string', short: 'o' },
  server: { type: 'string' },
  token: { type: 'string' },
  workspace: { type: 'string' },
  status: { type: 'string' },
  template: { type: 'string' },
  'template-version': { type: 'string' },
  version: { type: 'string' },
  q: { type: 'string', short: 'q' },
  limit: { type: 'string' },
  name: { type: 'string' },
  values: { type: 'string' },
  set: { type: 'string', multiple: true },
  wait: { type: 'boolean' },
  for: { type: 'string' },
  timeout: { type: 'string' },
  cluster: { type: 'string' },
  into: { type: 'string' },
  format: { type: 'string' },
  file: { type: 'string', short: 'f' },
  help: { type: 'boolean', short: 'h' },
  'dry-run': { type: 'boolean' },
  clusters: { type: 'string' },
  waves: { type: 'string' },
  soak: { type: 'string' },
  reason: { type: 'string' },
} as const;

type Flags = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
}

/** Runs one command; resolves to the process's exit code. */
export async function run(argv: string[], io: Io): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    io.stderr(`error: ${(err as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { values: flags, positionals } = parsed;
  if (flags.help || positionals.length === 0) {
    (flags.help ? io.stdout : io.stderr)(USAGE);
    return flags.help ? EXIT.ok : EXIT.usage;
  }
  try {
    await dispatch(positionals, flags, io);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`error: ${err.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    if (err instanceof CliFailure) {
      io.stderr(`error: ${err.message}\n`);
      return err.code;
    }
    if (err instanceof CommanderApiError) {
      io.stderr(`error: ${err.message} (${err.code}, HTTP ${err.status})\n`);
      if (err.status === 401 || err.status === 403) {
        return EXIT.denied;
      }
      return err.status === 404 ? EXIT.notFound : EXIT.error;
    }
    io.stderr(`error: ${(err as Error).message ?? String(err)}\n`);
    return EXIT.error;
  }
}

function settings(flags: Flags, io: Io): { file: string; config: CliConfig; merged: CliConfig } {
  const file = configPath(io.env);
  const config = readConfig(file);
  return {
    file,
    config,
    merged: {
      server: flags.server ?? io.env.COMMANDER_URL ?? config.server,
      token: flags.token ?? io.env.COMMANDER_TOKEN ?? config.token,
      workspace: flags.workspace ?? io.env.COMMANDER_WORKSPACE ?? config.workspace,
    },
  };
}

function clientFor(c: CliConfig, io: Io): CommanderClient {
  if (!c.server) {
    throw new UsageError('no server: run `commander login --server URL` or set COMMANDER_URL');
  }
  if (!c.token) {
    throw new CliFailure(
      'not logged in: run `commander login` or set COMMANDER_TOKEN',
      EXIT.denied,
    );
  }
  return createCommanderClient({
    baseUrl: c.server,
    token: c.token,
    workspace: c.workspace,
    fetch: io.fetch,
  });
}

function format(flags: Flags): Format {
  const f = flags.output ?? 'table';
  if (f !== 'table' && f !== 'json') {
    throw new UsageError(`-o ${f}: expected table or json`);
  }
  return f;
}

function one(positionals: string[], index: number, what: string): string {
  const value = positionals[index];
  if (!value) {
    throw new UsageError(`missing ${what}`);
  }
  if (positionals.length > index + 1) {
    throw new UsageError(`unexpected argument: ${positionals[index + 1]}`);
  }
  return value;
}

async function dispatch(positionals: string[], flags: Flags, io: Io): Promise<void> {
  const [command, sub] = positionals;
  const { file, config, merged } = settings(flags, io);
  switch (command) {
    case 'login': {
      const server = flags.server ?? io.env.COMMANDER_URL;
      if (!server) {
        throw new UsageError('login needs --server URL');
      }
      const token = (flags.token ?? io.env.COMMANDER_TOKEN ?? readStdin()).trim();
      if (!token) {
        throw new UsageError('login needs a token (--token, COMMANDER_TOKEN or stdin)');
      }
      const me = await whoami(clientFor({ ...merged, server, token }, io), merged.workspace);
      writeConfig(file, { ...config, server, token });
      io.stdout(`Logged in to ${server} as ${me}\n`);
      return;
    }
    case 'logout':
      writeConfig(file, { ...config, token: undefined });
      io.stdout('Logged out\n');
      return;
    case 'use-workspace': {
      const slug = one(positionals, 1, 'workspace slug');
      const client = clientFor({ ...merged, workspace: slug }, io);
      const workspaces = await unwrap(client.GET('/api/v1/workspaces/'));
      if (!workspaces.some((w) => w.slug === slug)) {
        throw new CliFailure(`no workspace ${slug} visible to this token`, EXIT.notFound);
      }
      writeConfig(file, { ...config, workspace: slug });
      io.stdout(`Using workspace ${slug}\n`);
      return;
    }
    case 'whoami':
      io.stdout(`${await whoami(clientFor(merged, io), merged.workspace)}\n`);
      return;
    case 'clusters':
      return clusters(sub, positionals, flags, clientFor(merged, io), io);
    case 'change-requests':
      return changeRequests(sub, positionals, flags, clientFor(merged, io), io);
    case 'templates':
      return templates(sub, positionals, flags, clientFor(merged, io), io);
    case 'rollouts':
      return rollouts(sub, positionals, flags, clientFor(merged, io), io);
    case 'plan':
    case 'apply':
      return applyFile(
        command === 'plan' || flags['dry-run'] === true,
        flags,
        clientFor(merged, io),
        io,
      );
    default:
      throw new UsageError(`unknown command: ${command}`);
  }
}

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

async function whoami(client: CommanderClient, workspace?: string): Promise<string> {
  const me = await unwrap(client.GET('/api/v1/auth/me'));
  const who = me.user?.email ?? (me.token ? `token ${me.token.name}` : 'an API token');
  const slugs = me.workspaces.map((w) => w.slug);
  const ws =
    workspace && slugs.includes(workspace)
      ? `workspace ${workspace}`
      : slugs.length === 1
        ? `workspace ${slugs[0]}`
        : `${slugs.length} workspaces`;
  return `${who} (${ws})`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A cluster's id from an id or an exact name (live clusters first). */
async function clusterId(client: CommanderClient, ref: string): Promise<string> {
  if (UUID.test(ref)) {
    return ref;
  }
  const found = await unwrap(client.GET('/api/v1/clusters/', { params: { query: { q: ref } } }));
  const exact = found.filter((c) => c.name === ref && c.archived_at === null);
  if (exact.length === 0) {
    throw new CliFailure(`no cluster named ${ref}`, EXIT.notFound);
  }
  return exact[0]!.id;
}

const CLUSTER_COLUMNS: Column<Cluster>[] = [
  { header: 'NAME', value: (c) => c.name },
  { header: 'STATUS', value: (c) => c.status },
  { header: 'AGENT', value: (c) => c.agent_status },
  {
    header: 'LAST OPERATION',
    value: (c) =>
      c.last_operation ? `${c.last_operation.kind} ${c.last_operation.status}` : undefined,
  },
  { header: 'ID', value: (c) => c.id },
];

function printClusters(rows: Cluster[], flags: Flags, io: Io): void {
  io.stdout(format(flags) === 'json' ? json(rows) : table(rows, CLUSTER_COLUMNS));
}

function printCluster(cluster: Cluster, flags: Flags, io: Io): void {
  if (format(flags) === 'json') {
    io.stdout(json(cluster));
    return;
  }
  const op = cluster.last_operation;
  const lines: [string, unknown][] = [
    ['Name', cluster.name],
    ['ID', cluster.id],
    ['Status', cluster.status],
    ['Agent', cluster.agent_status],
    ['Template version', cluster.cluster_template_version_id],
    ['Revision', cluster.current_revision],
    ['Last operation', op ? `${op.kind} ${op.status} ${Math.round(op.progress)}%` : null],
    ['Created', cluster.created_at],
    ['Updated', cluster.updated_at],
  ];
  io.stdout(
    table(
      lines.map(([k, v]) => ({ k, v })),
      [
        { header: 'FIELD', value: (r) => r.k },
        { header: 'VALUE', value: (r) => r.v },
      ],
    ).replace(/^.*\n/, ''),
  );
}

/** `20m`, `90s`, `1h`, `1500ms` or plain seconds. */
export function duration(text: string | undefined, fallbackMs: number): number {
  if (text === undefined) {
    return fallbackMs;
  }
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) {
    throw new UsageError(`--timeout ${text}: expected e.g. 90s, 20m or 1h`);
  }
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000;
  return Number(m[1]) * unit;
}

async function wait(
  client: CommanderClient,
  id: string,
  flags: Flags,
  io: Io,
  wanted = flags.for ?? 'in_sync',
): Promise<void> {
  let last = '';
  const started = Date.now();
  const result = await waitForCluster(client, id, {
    for: wanted,
    timeoutMs: duration(flags.timeout, 20 * 60_000),
    intervalMs: Number(io.env.COMMANDER_WAIT_INTERVAL_MS ?? 1000),
    onProgress: (c) => {
      const op = c.last_operation;
      const line = `${c.name}: ${c.status}${
        op && (op.status === 'running' || op.status === 'queued')
          ? ` (${op.kind} ${Math.round(op.progress)}%${op.phase ? `, ${op.phase}` : ''})`
          : ''
      }`;
      if (line !== last) {
        const secs = Math.round((Date.now() - started) / 1000);
        io.stderr(io.tty ? `\r\u001b[2K[${secs}s] ${line}` : `[${secs}s] ${line}\n`);
        last = line;
      }
    },
  });
  if (io.tty && last) {
    io.stderr('\n');
  }
  const name = result.cluster?.name ?? id;
  if (result.outcome === 'failed') {
    throw new CliFailure(`${name} is ${result.cluster.status}`, EXIT.failed);
  }
  if (result.outcome === 'timeout') {
    throw new CliFailure(
      `${name} did not reach ${wanted} in time (now ${result.cluster?.status ?? 'unknown'})`,
      EXIT.timeout,
    );
  }
  io.stderr(`${name}: ${wanted}\n`);
}

function values(flags: Flags): Record<string, unknown> {
  let result: Record<string, unknown> = {};
  if (flags.values) {
    const parsed = YAML.parse(readFileSync(flags.values, 'utf8')) as unknown;
    if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) {
      throw new UsageError(`--values ${flags.values}: expected a mapping of values`);
    }
    result = (parsed ?? {}) as Record<string, unknown>;
  }
  for (const pair of flags.set ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new UsageError(`--set ${pair}: expected key=value`);
    }
    const keys = pair.slice(0, eq).split('.');
    let target = result;
    for (const key of keys.slice(0, -1)) {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
        throw new UsageError(`--set ${pair}: ${key} is not a value name`);
      }
      const next = target[key];
      target = (
        next && typeof next === 'object' && !Array.isArray(next) ? next : (target[key] = {})
      ) as Record<string, unknown>;
    }
    const last = keys.at(-1)!;
    if (last === '__proto__' || last === 'constructor' || last === 'prototype') {
      throw new UsageError(`--set ${pair}: ${last} is not a value name`);
    }
    target[last] = YAML.parse(pair.slice(eq + 1)) as unknown;
  }
  return result;
}

async function templateByRef(client: CommanderClient, ref: string) {
  const templates = await unwrap(
    client.GET('/api/v1/cluster_templates/', { params: { query: { without_archived: 'true' } } }),
  );
  const found = templates.find((t) => t.id === ref) ?? templates.find((t) => t.name === ref);
  if (!found) {
    throw new CliFailure(`no template ${ref}`, EXIT.notFound);
  }
  return found;
}

async function templateVersionId(client: CommanderClient, flags: Flags): Promise<string> {
  if (flags['template-version']) {
    return flags['template-version'];
  }
  if (!flags.template) {
    throw new UsageError('clusters create needs --template NAME|ID or --template-version ID');
  }
  const template = await templateByRef(client, flags.template);
  if (flags.version !== undefined) {
    const v = template.cluster_template_versions.find((x) => String(x.number) === flags.version);
    if (!v) {
      throw new CliFailure(
        `template ${template.name} has no version ${flags.version}`,
        EXIT.notFound,
      );
    }
    return v.id;
  }
  if (!template.current_cluster_template_version_id) {
    throw new CliFailure(`template ${template.name} has no current version`, EXIT.notFound);
  }
  return template.current_cluster_template_version_id;
}

async function clusters(
  sub: string | undefined,
  positionals: string[],
  flags: Flags,
  client: CommanderClient,
  io: Io,
): Promise<void> {
  switch (sub) {
    case 'list': {
      const limit = flags.limit === undefined ? undefined : Number(flags.limit);
      if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
        throw new UsageError(`--limit ${flags.limit}: expected a positive number`);
      }
      const rows = await unwrap(
        client.GET('/api/v1/clusters/', {
          params: {
            query: {
              status: flags.status as never,
              cluster_template_id: flags.template,
              q: flags.q,
              limit,
            },
          },
        }),
      );
      printClusters(rows, flags, io);
      return;
    }
    case 'get': {
      const id = await clusterId(client, one(positionals, 2, 'CLUSTER'));
      printCluster(
        await unwrap(client.GET('/api/v1/clusters/{id}', { params: { path: { id } } })),
        flags,
        io,
      );
      return;
    }
    case 'create': {
      if (!flags.name) {
        throw new UsageError('clusters create needs --name');
      }
      const created = await unwrap(
        client.POST('/api/v1/clusters/', {
          body: {
            name: flags.name,
            cluster_template_version_id: await templateVersionId(client, flags),
            values: values(flags) as never,
          },
        }),
      );
      if (flags.wait) {
        await wait(client, created.id, flags, io);
        printCluster(
          await unwrap(
            client.GET('/api/v1/clusters/{id}', { params: { path: { id: created.id } } }),
          ),
          flags,
          io,
        );
      } else {
        printCluster(created, flags, io);
      }
      return;
    }
    case 'delete': {
      const id = await clusterId(client, one(positionals, 2, 'CLUSTER'));
      await unwrap(client.DELETE('/api/v1/clusters/{id}', { params: { path: { id } } }));
      io.stderr(`deleting ${id}\n`);
      if (flags.wait) {
        await wait(client, id, flags, io, 'deleted');
      }
      return;
    }
    case 'wait': {
      const id = await clusterId(client, one(positionals, 2, 'CLUSTER'));
      await wait(client, id, flags, io);
      return;
    }
    default:
      throw new UsageError(`clusters ${sub ?? ''}: expected list, get, create, delete or wait`);
  }
}

async function changeRequests(
  sub: string | undefined,
  positionals: string[],
  flags: Flags,
  client: CommanderClient,
  io: Io,
): Promise<void> {
  switch (sub) {
    case 'list': {
      const clusterIdValue = flags.cluster ? await clusterId(client, flags.cluster) : undefined;
      const rows = await unwrap(
        client.GET('/api/v1/cluster_change_requests/', {
          params: { query: { cluster_id: clusterIdValue, status: flags.status as never } },
        }),
      );
      io.stdout(
        format(flags) === 'json'
          ? json(rows)
          : table(rows, [
              { header: 'ID', value: (r) => r.id },
              { header: 'CLUSTER', value: (r) => r.cluster_id },
              { header: 'STATUS', value: (r) => r.status },
              { header: 'DESTRUCTIVE', value: (r) => (r.destructive ? 'yes' : 'no') },
              { header: 'CREATED', value: (r) => r.created_at },
            ]),
      );
      return;
    }
    case 'approve': {
      const id = one(positionals, 2, 'change request ID');
      const approved = await unwrap(
        client.POST('/api/v1/cluster_change_requests/{id}/approve', { params: { path: { id } } }),
      );
      io.stdout(format(flags) === 'json' ? json(approved) : `approved ${approved.id}\n`);
      return;
    }
    default:
      throw new UsageError(`change-requests ${sub ?? ''}: expected list or approve`);
  }
}

async function templates(
  sub: string | undefined,
  positionals: string[],
  flags: Flags,
  client: CommanderClient,
  io: Io,
): Promise<void> {
  switch (sub) {
    case 'list': {
      const rows = await unwrap(client.GET('/api/v1/cluster_templates/'));
      io.stdout(
        format(flags) === 'json'
          ? json(rows)
          : table(rows, [
              { header: 'NAME', value: (r) => r.name },
              { header: 'VERSIONS', value: (r) => r.cluster_template_versions.length },
              { header: 'CLUSTERS', value: (r) => r.clusters_count },
              { header: 'ARCHIVED', value: (r) => (r.archived_at ? 'yes' : 'no') },
              { header: 'ID', value: (r) => r.id },
            ]),
      );
      return;
    }
    case 'import': {
      const file = one(positionals, 2, 'FILE');
      const into = flags.into ? (await templateByRef(client, flags.into)).id : undefined;
      const imported = await unwrap(
        client.POST('/api/v1/cluster_templates/import', {
          body: {
            content: readFileSync(file, 'utf8'),
            cluster_template_id: into,
            name: flags.name,
          },
        }),
      );
      io.stdout(
        format(flags) === 'json' ? json(imported) : `imported ${imported.name} (${imported.id})\n`,
      );
      return;
    }
    case 'export': {
      const template = await templateByRef(client, one(positionals, 2, 'TEMPLATE'));
      const fmt = flags.format ?? 'yaml';
      if (fmt !== 'yaml' && fmt !== 'json') {
        throw new UsageError(`--format ${fmt}: expected yaml or json`);
      }
      const text = String(
        await unwrap(
          client.GET('/api/v1/cluster_templates/{id}/export', {
            params: { path: { id: template.id }, query: { format: fmt } },
            parseAs: 'text',
          }),
        ),
      );
      if (flags.file) {
        writeFileSync(flags.file, text);
        io.stderr(`wrote ${flags.file}\n`);
      } else {
        io.stdout(text);
      }
      return;
    }
    default:
      throw new UsageError(`templates ${sub ?? ''}: expected list, import or export`);
  }
}

async function applyFile(
  dryRun: boolean,
  flags: Flags,
  client: CommanderClient,
  io: Io,
): Promise<void> {
  if (!flags.file) {
    throw new UsageError('plan and apply need -f FILE (YAML documents; - for stdin)');
  }
  const documents = flags.file === '-' ? readStdin() : readFileSync(flags.file, 'utf8');
  const result = await unwrap(
    client.POST('/api/v1/apply/', { body: { documents, dry_run: dryRun } }),
  );
  if (format(flags) === 'json') {
    io.stdout(json(result));
    return;
  }
  const mark = { create: '+', update: '~', unchanged: '=' } as const;
  for (const c of result.changes) {
    const notes = [
      ...c.details,
      ...(c.destructive === 'possible' ? ['may be destructive: approval if dhctl says so'] : []),
    ];
    io.stdout(
      `${mark[c.action]} ${c.kind} ${c.name}${notes.length ? ` (${notes.join('; ')})` : ''}\n`,
    );
    for (const d of c.values_diff ?? []) {
      const show = (v: unknown) =>
        d.secret ? '(secret)' : v === null ? '(absent)' : JSON.stringify(v);
      io.stdout(`    ${d.path}: ${show(d.before)} -> ${show(d.after)}\n`);
    }
  }
  const { create, update, unchanged } = result.summary;
  io.stdout(
    dryRun
      ? `Plan: ${create} to create, ${update} to update, ${unchanged} unchanged\n`
      : `Applied: ${create} created, ${update} updated, ${unchanged} unchanged\n`,
  );
}

/** `1,10%,rest` (sizes, percentages, the rest) as the API's wave list. */
export function parseWaves(
  text: string | undefined,
): ({ size: number } | { percent: number } | { rest: true })[] | undefined {
  if (text === undefined) {
    return undefined;
  }
  return text.split(',').map((part) => {
    const p = part.trim();
    if (p === 'rest') {
      return { rest: true as const };
    }
    const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(p);
    if (!m || Number(m[1]) <= 0 || (m[2] === '' && !Number.isInteger(Number(m[1])))) {
      throw new UsageError(`--waves ${text}: expected e.g. 1,10%,rest`);
    }
    return m[2] === '%' ? { percent: Number(m[1]) } : { size: Number(m[1]) };
  });
}

type RolloutDetail = Awaited<ReturnType<typeof getRollout>>;

async function getRollout(client: CommanderClient, id: string) {
  return unwrap(client.GET('/api/v1/rollouts/{id}', { params: { path: { id } } }));
}

function printRollout(r: RolloutDetail, flags: Flags, io: Io): void {
  if (format(flags) === 'json') {
    io.stdout(json(r));
    return;
  }
  const c = r.counts;
  io.stdout(
    `Rollout ${r.id}: ${r.status}${r.pause_reason ? ` (${r.pause_reason})` : ''}\n` +
      `Template ${r.cluster_template_name} → version ${r.target_version_number}, wave ` +
      `${Math.min(r.current_wave + 1, r.wave_count)}/${r.wave_count}, soak ${r.soak_seconds}s: ` +
      `${c.done} done, ${c.updating + c.soaking + c.awaiting_approval} under way, ` +
      `${c.pending} pending, ${c.failed} failed, ${c.skipped} skipped\n`,
  );
  const rows = [
    ...r.waves.flatMap((w) => w.clusters.map((cl) => ({ ...cl, waveLabel: String(w.index + 1) }))),
    ...r.skipped.map((cl) => ({ ...cl, waveLabel: '-' })),
  ];
  io.stdout(
    table(rows, [
      { header: 'WAVE', value: (x) => x.waveLabel },
      { header: 'CLUSTER', value: (x) => x.cluster_name },
      { header: 'STATE', value: (x) => x.state },
      { header: 'CHANGE', value: (x) => x.change },
      { header: 'STATUS', value: (x) => x.cluster_status },
      { header: 'ERROR', value: (x) => x.error },
    ]),
  );
}

async function rolloutBody(client: CommanderClient, flags: Flags, dryRun: boolean) {
  if (!flags.template || flags.version === undefined) {
    throw new UsageError('rollouts plan/start need --template NAME|ID and --version N');
  }
  const template = await templateByRef(client, flags.template);
  const version = template.cluster_template_versions.find(
    (x) => String(x.number) === flags.version,
  );
  if (!version) {
    throw new CliFailure(
      `template ${template.name} has no version ${flags.version}`,
      EXIT.notFound,
    );
  }
  const clusterIds = flags.clusters
    ? await Promise.all(
        flags.clusters
          .split(',')
          .filter(Boolean)
          .map((ref) => clusterId(client, ref.trim())),
      )
    : undefined;
  const filter =
    flags.status || flags.q ? { status: flags.status as never, q: flags.q } : undefined;
  return {
    cluster_template_id: template.id,
    cluster_template_version_id: version.id,
    cluster_ids: clusterIds,
    filter,
    waves: parseWaves(flags.waves),
    soak_seconds: flags.soak === undefined ? undefined : Math.round(duration(flags.soak, 0) / 1000),
    dry_run: dryRun,
  };
}

/** Follows a rollout until it completes (0), pauses or is aborted (5), or the time runs out (6). */
async function waitRollout(client: CommanderClient, id: string, flags: Flags, io: Io) {
  const deadline = Date.now() + duration(flags.timeout, 2 * 3_600_000);
  const interval = Number(io.env.COMMANDER_WAIT_INTERVAL_MS ?? 2000);
  let last = '';
  for (;;) {
    const r = await getRollout(client, id);
    const c = r.counts;
    const line = `${r.status}: wave ${Math.min(r.current_wave + 1, r.wave_count)}/${r.wave_count}, ${c.done + c.skipped}/${c.total} done`;
    if (line !== last) {
      io.stderr(`${line}\n`);
      last = line;
    }
    if (r.status === 'completed') {
      return r;
    }
    if (r.status === 'paused' || r.status === 'aborted') {
      printRollout(r, flags, io);
      throw new CliFailure(
        `rollout ${r.status}${r.pause_reason ? `: ${r.pause_reason}` : ''}`,
        EXIT.failed,
      );
    }
    if (Date.now() > deadline) {
      throw new CliFailure(`rollout not finished in time (now ${r.status})`, EXIT.timeout);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

async function rollouts(
  sub: string | undefined,
  positionals: string[],
  flags: Flags,
  client: CommanderClient,
  io: Io,
): Promise<void> {
  switch (sub) {
    case 'plan': {
      const plan = await unwrap(
        client.POST('/api/v1/rollouts/', { body: await rolloutBody(client, flags, true) }),
      );
      if (!('dry_run' in plan)) {
        throw new CliFailure('the server did not answer a plan', EXIT.error);
      }
      if (format(flags) === 'json') {
        io.stdout(json(plan));
        return;
      }
      const rows = [
        ...plan.waves.flatMap((w) => w.clusters.map((c) => ({ wave: String(w.index + 1), ...c }))),
        ...plan.skipped.map((c) => ({ wave: '-', ...c })),
        ...plan.invalid.map((c) => ({ wave: '!', ...c })),
      ];
      io.stdout(
        table(rows, [
          { header: 'WAVE', value: (x) => x.wave },
          { header: 'CLUSTER', value: (x) => x.cluster_name },
          { header: 'CHANGE', value: (x) => x.change },
          { header: 'FROM', value: (x) => x.from_version_number },
          { header: 'STATUS', value: (x) => x.status },
          { header: 'ERROR', value: (x) => x.error },
        ]),
      );
      const n = plan.counts;
      io.stdout(
        `Plan: ${plan.waves.length} wave(s) to version ${plan.target_version_number}; ` +
          `${n.change} change, ${n.destructive} destructive (approval if dhctl says so), ` +
          `${n.none} unchanged, ${n.invalid} invalid\n`,
      );
      return;
    }
    case 'start': {
      const created = await unwrap(
        client.POST('/api/v1/rollouts/', { body: await rolloutBody(client, flags, false) }),
      );
      if (!('waves' in created) || 'dry_run' in created) {
        throw new CliFailure('the server did not create a rollout', EXIT.error);
      }
      io.stderr(`started rollout ${created.id}\n`);
      printRollout(
        flags.wait ? await waitRollout(client, created.id, flags, io) : created,
        flags,
        io,
      );
      return;
    }
    case 'list': {
      const template = flags.template ? await templateByRef(client, flags.template) : undefined;
      const rows = await unwrap(
        client.GET('/api/v1/rollouts/', {
          params: { query: { status: flags.status as never, cluster_template_id: template?.id } },
        }),
      );
      io.stdout(
        format(flags) === 'json'
          ? json(rows)
          : table(rows, [
              { header: 'ID', value: (r) => r.id },
              { header: 'TEMPLATE', value: (r) => r.cluster_template_name },
              { header: 'VERSION', value: (r) => r.target_version_number },
              { header: 'STATUS', value: (r) => r.status },
              {
                header: 'WAVE',
                value: (r) => `${Math.min(r.current_wave + 1, r.wave_count)}/${r.wave_count}`,
              },
              {
                header: 'DONE',
                value: (r) => `${r.counts.done + r.counts.skipped}/${r.counts.total}`,
              },
              { header: 'CREATED', value: (r) => r.created_at },
            ]),
      );
      return;
    }
    case 'status': {
      const id = one(positionals, 2, 'ROLLOUT');
      printRollout(
        flags.wait ? await waitRollout(client, id, flags, io) : await getRollout(client, id),
        flags,
        io,
      );
      return;
    }
    case 'pause':
    case 'resume':
    case 'abort': {
      const id = one(positionals, 2, 'ROLLOUT');
      const path = `/api/v1/rollouts/{id}/${sub}` as const;
      const result = await unwrap(
        client.POST(path, {
          params: { path: { id } },
          body: flags.reason ? { reason: flags.reason } : {},
        }),
      );
      printRollout(result, flags, io);
      return;
    }
    default:
      throw new UsageError(
        `rollouts ${sub ?? ''}: expected plan, start, list, status, pause, resume or abort`,
      );
  }
}
