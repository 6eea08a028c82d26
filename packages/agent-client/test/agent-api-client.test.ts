import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AgentApiClient, AgentApiError } from '../src/index.js';
import { type FakeAgentApi, startFakeAgentApi } from '../src/testing.js';

const CLUSTER = '3f2a1c9e-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const TOKEN = 'agent-key-1';
const GROUP = {
  name: 'base',
  sync_mode: 'managed' as const,
  resources: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } }],
};

let api: FakeAgentApi;

beforeAll(async () => {
  api = await startFakeAgentApi({ pollIntervalSeconds: 7, telemetryIntervalSeconds: 9 });
  api.addCluster(CLUSTER, TOKEN, [GROUP]);
});

afterAll(async () => {
  await api.close();
});

describe('AgentApiClient', () => {
  it('fetches resources with their ETag, then gets 304 for the same version', async () => {
    const client = new AgentApiClient({ baseUrl: `${api.baseUrlFor(CLUSTER)}/`, token: TOKEN });
    expect(client.baseUrl).toBe(api.baseUrlFor(CLUSTER));
    const first = await client.getResources(null);
    expect(first).toEqual({
      status: 'ok',
      etag: `"${api.versionOf(CLUSTER)}"`,
      resources: {
        version: api.versionOf(CLUSTER),
        groups: [GROUP],
        poll_interval_seconds: 7,
        telemetry_interval_seconds: 9,
      },
    });
    if (first.status !== 'ok') {
      throw new Error('expected resources');
    }
    expect(await client.getResources(first.etag)).toEqual({ status: 'not_modified' });
    expect(api.requests.at(-1)).toMatchObject({ status: 304, ifNoneMatch: first.etag });

    api.setGroups(CLUSTER, []);
    const changed = await client.getResources(first.etag);
    expect(changed).toMatchObject({ status: 'ok', resources: { groups: [] } });
    api.setGroups(CLUSTER, [GROUP]);
  });

  it('posts status and telemetry bodies the contract accepts', async () => {
    const client = new AgentApiClient({ baseUrl: api.baseUrlFor(CLUSTER), token: TOKEN });
    await client.reportStatus({
      version: 'v1',
      results: [
        { group: 'base', api_version: 'v1', kind: 'Namespace', name: 'apps', status: 'applied' },
      ],
    });
    await client.sendTelemetry({
      cpu_cores: 4,
      memory_bytes: 8e9,
      storage_bytes: 1e11,
      node_count: 1,
    });
    expect(api.statuses(CLUSTER).at(-1)?.results[0]?.status).toBe('applied');
    expect(api.telemetry(CLUSTER).at(-1)).toMatchObject({ cpu_cores: 4, node_count: 1 });
    expect(api.invalidBodies).toEqual([]);
  });

  it('maps error answers to AgentApiError with the API code', async () => {
    const wrongKey = new AgentApiClient({ baseUrl: api.baseUrlFor(CLUSTER), token: 'nope' });
    const error = await wrongKey.getResources(null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentApiError);
    expect(error).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', isUnauthorized: true });
    expect((error as AgentApiError).isRetryable).toBe(false);

    api.failNext('/telemetry', 503);
    const client = new AgentApiClient({ baseUrl: api.baseUrlFor(CLUSTER), token: TOKEN });
    const unavailable = await client
      .sendTelemetry({ cpu_cores: 1, memory_bytes: 1, storage_bytes: 1, node_count: 1 })
      .catch((e: unknown) => e);
    expect(unavailable).toMatchObject({ status: 503, code: 'INJECTED', isRetryable: true });
  });

  it('reports network failures as retryable errors without a status', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const client = new AgentApiClient({
      baseUrl: `http://127.0.0.1:${port}/agent_api/${CLUSTER}`,
      token: TOKEN,
    });
    const error = await client.getResources(null).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: null, code: 'NETWORK', isRetryable: true });
  });

  it('times out a server that never answers', async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const client = new AgentApiClient({
      baseUrl: `http://127.0.0.1:${port}/agent_api/${CLUSTER}`,
      token: TOKEN,
      timeoutMs: 100,
    });
    const error = await client.getResources(null).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NETWORK', isRetryable: true });
    expect((error as Error).message).toMatch(/no answer within 100 ms/);
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('rejects a body that does not match the contract', async () => {
    const odd = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ version: 1 }));
    });
    await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
    const port = (odd.address() as AddressInfo).port;
    const client = new AgentApiClient({ baseUrl: `http://127.0.0.1:${port}/x`, token: TOKEN });
    const error = await client.getResources(null).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 200, code: 'INVALID_RESPONSE' });
    odd.closeAllConnections();
    await new Promise<void>((resolve) => odd.close(() => resolve()));
  });
});
