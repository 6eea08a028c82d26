// The connector (issue 14). (1) Proxy overhead: the same Kubernetes read sent straight to a
// kube-sim and through Commander (API process → the agent's tunnel → kube-sim), alternately, in
// the same run. (2) Idle tunnels: memory and CPU of a connector process (apps/connector, agent
// keys checked against PostgreSQL) holding 1,000 and 10,000 idle tunnels opened by real tunnel
// agents (WebSocket + HTTP/2) from this process.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { createAuthToken, createCluster, ensureAgentKey, silentLogger } from '@commander/core';
import { createTestTemplate } from '@commander/core/testing';
import { createEncryptor, generateEncryptionKeys, hashToken } from '@commander/crypto';
import { createKubeSim, serveKubeSim } from '@commander/kube-sim';
import { TunnelAgent } from '@commander/tunnel';

import { processCpuSeconds } from '../cpu.js';
import type { BenchEnvironment } from '../environment.js';
import { freePort, startApp, waitFor } from '../processes.js';
import { type BenchmarkReport, markdownTable } from '../report.js';
import { formatNumber, summarize } from '../stats.js';

export type ConnectorOptions = {
  /** Requests per path (direct and proxied), after a warm-up. */
  requests: number;
  /** Idle tunnel counts measured. */
  tunnels: number[];
  /** How long idle CPU is measured at each count (ms). */
  idleMs: number;
};

export const FULL_CONNECTOR: ConnectorOptions = {
  requests: 3_000,
  tunnels: [1_000, 10_000],
  idleMs: 30_000,
};
export const QUICK_CONNECTOR: ConnectorOptions = {
  requests: 500,
  tunnels: [1_000, 10_000],
  idleMs: 10_000,
};

const OVERHEAD_GOAL_MS = 2;
const PER_TUNNEL_GOAL_KIB = 20;

function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) : Number.NaN;
}

/** A measured request (raw fetch, the same for the direct and the proxied path). */
async function timed(url: string, headers: Record<string, string>): Promise<number> {
  const start = process.hrtime.bigint();
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  if (!res.ok) {
    throw new Error(`${url} answered ${res.status}`);
  }
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function runConnectorBenchmark(
  env: BenchEnvironment,
  options: ConnectorOptions,
  log: (line: string) => void,
): Promise<BenchmarkReport> {
  const database = await env.createDatabase('connector');
  const db = database.db;
  const keys = generateEncryptionKeys();
  const encryptor = createEncryptor(keys);
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const api = startApp(
    'api',
    'apps/api/src/main.ts',
    {
      DATABASE_URL: database.url,
      HOST: '127.0.0.1',
      PORT: String(apiPort),
      LOG_LEVEL: 'warn',
      COMMANDER_PUBLIC_URL: apiUrl,
      COMMANDER_ADMIN_EMAIL: 'admin@bench.local',
      COMMANDER_ADMIN_PASSWORD: randomBytes(12).toString('base64url'),
      ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: keys.primaryKey as string,
      ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: keys.deterministicKey,
      ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: keys.keyDerivationSalt,
    },
    env.workDir,
    { profileDir: env.profileDir ?? undefined },
  );
  env.defer('stop api', () => api.stop());
  await waitFor('the API to be ready', async () => (await fetch(`${apiUrl}/readyz`)).ok, {
    timeoutMs: 120_000,
    everyMs: 250,
    watch: [api],
  });

  // One cluster whose agent (here) tunnels to the API and serves a kube-sim.
  const workspace = await db.workspace.findUniqueOrThrow({ where: { slug: 'default' } });
  const ctx = {
    db,
    actor: { type: 'system' as const, id: null, name: 'bench' },
    workspace: { id: workspace.id, slug: workspace.slug },
    permissions: new Set(['clusters:write', 'global_tokens:write', 'global_tokens:read']),
    log: silentLogger,
    encryptor,
    instance: { publicHost: '127.0.0.1', publicUrl: apiUrl, caBundle: '', commanderUuid: '' },
    auditSink: () => undefined,
  };
  const { versionId } = await createTestTemplate(db, workspace.id);
  const cluster = await createCluster(ctx, {
    name: 'bench-kube',
    cluster_template_version_id: versionId,
    values: {},
  });
  const key = await db.$transaction((tx) => ensureAgentKey(tx, encryptor, cluster.id));
  const sim = createKubeSim({ clusterName: 'bench', nodeCount: 2 });
  const served = await serveKubeSim(sim);
  env.defer('stop kube-sim', () => served.close());
  const agent = new TunnelAgent({
    url: `${apiUrl.replace('http', 'ws')}/agent_api/${cluster.uuid}/tunnel`,
    key,
    target: { baseUrl: served.url },
  });
  agent.start();
  env.defer('stop agent', async () => agent.stop());
  await agent.waitConnected();
  const token = await createAuthToken(
    { ...ctx, workspace: null },
    { name: 'bench', workspace_id: workspace.id, scope: 'read' },
  );
  const headers = { 'x-auth-token': token.token };
  const path = '/api/v1/namespaces/default/configmaps';
  const direct = `${served.url}${path}`;
  const proxied = `${apiUrl}/api/v1/clusters/${cluster.id}/kubernetes${path}`;
  await waitFor('the proxy to answer', async () => (await fetch(proxied, { headers })).ok, {
    timeoutMs: 30_000,
    watch: [api],
  });
  log(`proxy overhead: ${options.requests} requests each way, alternating`);
  for (let i = 0; i < 200; i++) {
    await timed(direct, {});
    await timed(proxied, headers);
  }
  const d: number[] = [];
  const p: number[] = [];
  for (let i = 0; i < options.requests; i++) {
    d.push(await timed(direct, {}));
    p.push(await timed(proxied, headers));
  }
  const ds = summarize(d);
  const ps = summarize(p);
  const overheadP50 = ps.p50 - ds.p50;
  agent.stop();

  // Idle tunnels: a connector process, clusters with agent keys, real tunnel agents.
  const max = Math.max(...options.tunnels);
  log(`idle tunnels: creating ${max} clusters with agent keys`);
  const agentKey = `cmdra_${randomBytes(24).toString('base64url')}`;
  const uuids: string[] = [];
  for (let start = 0; start < max; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, max - start) }, (_, i) => ({
      uuid: randomUUID(),
      name: `idle-${start + i}`,
    }));
    await db.cluster.createMany({
      data: batch.map((b) => ({
        uuid: b.uuid,
        name: b.name,
        workspaceId: workspace.id,
        agentKeyHash: hashToken(agentKey),
      })),
    });
    uuids.push(...batch.map((b) => b.uuid));
  }
  const connectorPort = await freePort();
  const internalPort = await freePort();
  const connector = startApp(
    'connector',
    'apps/connector/src/main.ts',
    {
      DATABASE_URL: database.url,
      HOST: '127.0.0.1',
      PORT: String(connectorPort),
      COMMANDER_CONNECTOR_INTERNAL_HOST: '127.0.0.1',
      COMMANDER_CONNECTOR_INTERNAL_PORT: String(internalPort),
      COMMANDER_CONNECTOR_SECRET: randomBytes(24).toString('hex'),
      AGENT_KEY_CACHE_TTL_SECONDS: '600',
      LOG_LEVEL: 'warn',
    },
    env.workDir,
  );
  env.defer('stop connector', () => connector.stop());
  const health = `http://127.0.0.1:${connectorPort}/healthz`;
  await waitFor('the connector', async () => (await fetch(health)).ok, {
    timeoutMs: 60_000,
    watch: [connector],
  });
  const tunnelCount = async () =>
    ((await (await fetch(health)).json()) as { tunnels: number }).tunnels;
  // Settle, then the baseline.
  await new Promise((r) => setTimeout(r, 3_000));
  const baseRss = rssKiB(connector.pid);
  const agents: TunnelAgent[] = [];
  env.defer('stop idle agents', async () => agents.forEach((a) => a.stop()));
  const rows: (string | number)[][] = [];
  let worstPerTunnel = 0;
  // The slope between two counts: what each added tunnel costs, free of the baseline's noise
  // (the connector's RSS falls after start-up garbage is released, so rss − baseline can even
  // be negative at 1,000 tunnels).
  let worstAdded = Number.NaN;
  let previous: { count: number; rss: number } | null = null;
  for (const count of options.tunnels) {
    log(`idle tunnels: opening up to ${count}`);
    while (agents.length < count) {
      const uuid = uuids[agents.length]!;
      const a = new TunnelAgent({
        url: `ws://127.0.0.1:${connectorPort}/agent_api/${uuid}/tunnel`,
        key: agentKey,
        target: { baseUrl: 'http://127.0.0.1:9' },
        idleTimeoutMs: 600_000,
      });
      a.start();
      agents.push(a);
      if (agents.length % 200 === 0) {
        await waitFor(
          `${agents.length} tunnels`,
          async () => (await tunnelCount()) >= agents.length,
          {
            timeoutMs: 120_000,
            everyMs: 100,
            watch: [connector],
          },
        );
      }
    }
    await waitFor(`${count} tunnels`, async () => (await tunnelCount()) >= count, {
      timeoutMs: 120_000,
      everyMs: 250,
      watch: [connector],
    });
    await new Promise((r) => setTimeout(r, 3_000));
    const cpu0 = processCpuSeconds(connector.pid) ?? Number.NaN;
    await new Promise((r) => setTimeout(r, options.idleMs));
    const cpu1 = processCpuSeconds(connector.pid) ?? Number.NaN;
    const rss = rssKiB(connector.pid);
    const perTunnel = (rss - baseRss) / count;
    worstPerTunnel = Math.max(worstPerTunnel, perTunnel);
    const added = previous ? (rss - previous.rss) / (count - previous.count) : Number.NaN;
    if (previous) {
      worstAdded = Number.isNaN(worstAdded) ? added : Math.max(worstAdded, added);
    }
    previous = { count, rss };
    rows.push([
      formatNumber(count, 0),
      formatNumber(rss / 1024, 1),
      formatNumber(perTunnel, 1),
      Number.isNaN(added) ? '—' : formatNumber(added, 1),
      `${formatNumber(((cpu1 - cpu0) / (options.idleMs / 1000)) * 100, 2)} %`,
    ]);
  }
  agents.forEach((a) => a.stop());

  const body = [
    `Proxy overhead: \`GET ${path}\` (kube-sim's seeded config maps) sent ${formatNumber(options.requests, 0)} times straight to the kube-sim and through Commander (API process: authentication, cluster lookup, impersonation; the agent's tunnel: WebSocket + HTTP/2; the agent in the bench process), alternately, one at a time, on loopback.`,
    '',
    markdownTable(
      ['path', 'p50 ms', 'p95 ms', 'p99 ms'],
      [
        ['kube-sim direct', ds.p50, ds.p95, ds.p99],
        ['through Commander', ps.p50, ps.p95, ps.p99],
      ].map((r) => [r[0] as string, ...r.slice(1).map((v) => formatNumber(v as number, 2))]),
    ),
    '',
    `p50 overhead: **${formatNumber(overheadP50, 2)} ms** (goal ≤ ${OVERHEAD_GOAL_MS} ms: ${overheadP50 <= OVERHEAD_GOAL_MS ? 'met' : 'not met'}).`,
    '',
    `Idle tunnels: \`apps/connector\` (agent keys checked against PostgreSQL, cached) holding tunnels opened by real tunnel agents (WebSocket + HTTP/2 session each) from the bench process; RSS of the connector process (baseline ${formatNumber(baseRss / 1024, 1)} MiB with none), CPU while idle for ${formatNumber(options.idleMs / 1000, 0)} s (pings every 25 s).`,
    '',
    markdownTable(
      [
        'tunnels',
        'RSS MiB',
        'KiB per tunnel (vs baseline)',
        'KiB per added tunnel (vs previous row)',
        'idle CPU (one core)',
      ],
      rows,
    ),
    '',
    (() => {
      // The goal is read on the larger of both figures: the cost of each added tunnel (the slope
      // between rows) and the cost against the baseline, which is taken before start-up garbage
      // is released and so can read low (even negative) at the first row.
      const perTunnel = Number.isNaN(worstAdded)
        ? worstPerTunnel
        : Math.max(worstAdded, worstPerTunnel);
      const basis = Number.isNaN(worstAdded)
        ? 'against the baseline'
        : `the larger of: per added tunnel between rows, at most ${formatNumber(worstAdded, 1)} KiB; against the baseline, at most ${formatNumber(worstPerTunnel, 1)} KiB`;
      return `Per idle tunnel: at most **${formatNumber(perTunnel, 1)} KiB** (${basis}; goal ≤ ${PER_TUNNEL_GOAL_KIB} KiB: ${perTunnel <= PER_TUNNEL_GOAL_KIB ? 'met' : 'not met'}).`;
    })(),
  ].join('\n');
  return {
    name: 'connector',
    title: 'Connector: proxy overhead and idle tunnels (issue 14)',
    body,
  };
}
