import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type FleetResult,
  renderFleet,
  runFleetSoak,
  tallyErrors,
} from '../src/benchmarks/fleet.js';
import { type BenchEnvironment, openEnvironment } from '../src/environment.js';

/**
 * The fleet soak harness end to end on a small fleet: the real API, two manager replicas and
 * dhctl-sim as processes, the load generator as its own process. Asserts behaviour (every
 * agent's telemetry stored, every cluster checked by the system's own scheduler, no errors),
 * never timing.
 */
describe('fleet soak harness (small fleet)', () => {
  let env: BenchEnvironment;
  let result: FleetResult;
  const clusters = 12;

  beforeAll(async () => {
    env = await openEnvironment({
      databaseUrl: process.env.DATABASE_URL,
      quick: true,
      profile: false,
    });
    result = await runFleetSoak(
      env,
      {
        clusters,
        durationMs: 25_000,
        // Short intervals so a 25 s window holds every kind of request and every cluster's check.
        checkIntervalSeconds: 6,
        telemetryMs: 5_000,
        pollMs: 5_000,
        listingPerSecond: 2,
        reconcileEveryMs: 1_000,
        replicas: 2,
      },
      () => undefined,
    );
  }, 240_000);
  afterAll(async () => {
    await env?.close();
  }, 60_000);

  it('stores every agent telemetry and answers every agent request', () => {
    expect(result.agents.agentsWithTelemetry).toBe(clusters);
    expect(result.agents.agentsSynced).toBe(clusters);
    expect(result.telemetry.clustersWithSamples).toBe(clusters);
    expect(result.telemetry.clustersSeenByAgent).toBe(clusters);
    // Every accepted sample is a row.
    expect(result.telemetry.rowsStored).toBe(result.agents.telemetry.statuses['204']);
    // A poll after the first one carries the ETag and gets a 304.
    expect(result.agents.poll.statuses['304']).toBeGreaterThan(0);
    for (const tally of [
      result.agents.telemetry,
      result.agents.poll,
      result.agents.status,
      result.agents.listing,
    ]) {
      expect(tally.sent).toBeGreaterThan(0);
      expect(tallyErrors(tally)).toBe('none');
    }
  });

  it("checks every cluster through the managers' own scheduler, without failures", () => {
    for (const timing of result.checks.timings) {
      expect(timing.checks, timing.clusterId).toBeGreaterThanOrEqual(1);
    }
    expect(result.checks.failed).toBe(0);
    expect(result.checks.succeeded).toBeGreaterThanOrEqual(clusters);
  });

  it('measures CPU, database size and errors, and renders them', () => {
    expect(result.exited).toEqual([]);
    expect(Object.values(result.processErrors).every((n) => n === 0)).toBe(true);
    expect(result.database.endBytes).toBeGreaterThan(result.database.startBytes);
    // The size by table: the raw telemetry partitions summed (a few samples may fit the pages
    // already there, so no growth is asserted), and every table of the schema.
    const raw = result.database.tables.find((t) => t.name === 'telemetry_samples (raw)');
    expect(raw?.endBytes).toBeGreaterThan(0);
    expect(raw!.endBytes).toBeGreaterThanOrEqual(raw!.startBytes);
    expect(result.database.tables.map((t) => t.name)).toContain('clusters');
    expect(result.cpu.groups.map((g) => g.name)).toEqual([
      'API',
      'manager-1',
      'manager-2',
      'dhctl-sim',
      'load generator',
      'PostgreSQL',
      'bench process',
    ]);
    // The load generator exits before the meter stops: its own count is its line (it was 0).
    expect(result.cpu.groups.find((g) => g.name === 'load generator')!.cores).toBeGreaterThan(0);
    expect(result.agents.cpuSeconds).toBeGreaterThan(0);
    // The API's CPU per request by route: every phase answered, the 304 phase all 304.
    expect(result.routeCpu.phases.map((p) => p.name)).toEqual([
      'POST /agent_api/:uuid/telemetry',
      'GET /agent_api/:uuid/resources (200)',
      'GET /agent_api/:uuid/resources (304)',
      'POST /agent_api/:uuid/resources/status',
      'GET /api/v1/clusters?limit=100',
    ]);
    for (const p of result.routeCpu.phases) {
      expect(
        Object.keys(p.statuses).every((code) => /^(2\d\d|304)$/.test(code)),
        p.name,
      ).toBe(true);
      expect(Number.isFinite(p.cpuMsPerRequest), p.name).toBe(true);
    }
    expect(result.routeCpu.phases[2]!.statuses).toEqual({ '304': clusters });
    // Event loop delay of the API and each replica, scraped from their /metrics.
    expect(result.eventLoop.map((d) => d.name)).toEqual(['API', 'manager-1', 'manager-2']);
    for (const d of result.eventLoop) {
      expect(d.windows.length, d.name).toBeGreaterThan(0);
    }
    // The API's own durations by route, and the wall time of each check.
    expect(result.serverSlow.map((r) => r.route)).toContain('/agent_api/:cluster_uuid/telemetry');
    expect(result.checks.runMs.count).toBeGreaterThan(0);
    // Requests after the first poll interval are the steady state.
    expect(result.agents.telemetry.steadyLatenciesMs.length).toBeGreaterThan(0);
    expect(result.agents.telemetry.steadyLatenciesMs.length).toBeLessThan(
      result.agents.telemetry.latenciesMs.length,
    );
    const text = renderFleet(result);
    expect(text).toContain('Event loop delay');
    expect(text).toContain('wall time per check');
    expect(text).toContain('overdue by more than one interval');
    expect(text).toContain('growth extrapolated per day');
    // What the operation tables are made of, and what retention levels them off at.
    const written = result.database.operations;
    expect(written.inSyncChecks).toBeGreaterThan(0);
    expect(written.lines).toBeGreaterThan(written.inSyncChecks);
    expect(text).toContain('growth per day net of retention');
    expect(text).toContain('operations at steady state under retention');
    expect(text).toContain('`telemetry_samples (raw)`');
    expect(text).toContain('API CPU per request, by route');
    expect(text).toContain('The load generator** used');
  });
});
