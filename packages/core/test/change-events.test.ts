import { describe, expect, it } from 'vitest';

import { changeEventsOf } from '../src/events/notify.js';

const W = '8f6c2d4e-1b3a-4c5d-9e7f-0a1b2c3d4e5f';
const C1 = '11111111-1111-4111-8111-111111111111';
const C2 = '22222222-2222-4222-8222-222222222222';

describe('changeEventsOf (a notification on commander_events → the events it carries)', () => {
  it('passes one change event through as it is', () => {
    const event = { type: 'operation', id: 'op', workspace_id: W, cluster_id: C1, action: 'x' };
    expect(changeEventsOf(JSON.stringify(event))).toEqual([event]);
  });

  it('fans a telemetry notice out into one event per cluster, as sent one by one before', () => {
    // As PostgreSQL's json_build_object writes it.
    const payload = `{"type" : "telemetry", "workspace_id" : "${W}", "cluster_ids" : ["${C1}", "${C2}"]}`;
    const events = changeEventsOf(payload);
    expect(events).toEqual([
      { type: 'telemetry', id: C1, workspace_id: W, cluster_id: C1 },
      { type: 'telemetry', id: C2, workspace_id: W, cluster_id: C2 },
    ]);
    // The same JSON as the per-cluster NOTIFY's json_build_object('type', 'id', 'workspace_id', 'cluster_id').
    expect(JSON.stringify(events[0])).toBe(
      `{"type":"telemetry","id":"${C1}","workspace_id":"${W}","cluster_id":"${C1}"}`,
    );
  });

  it('carries nothing for what it does not understand', () => {
    for (const payload of [
      '',
      'not json',
      'null',
      '"telemetry"',
      '[1,2]',
      '{"id":"x"}',
      `{"type":"cluster","workspace_id":"${W}","cluster_ids":["${C1}"]}`,
      `{"type":"telemetry","workspace_id":7,"cluster_ids":["${C1}"]}`,
      `{"type":"telemetry","workspace_id":"${W}","cluster_ids":"${C1}"}`,
    ]) {
      expect(changeEventsOf(payload)).toEqual([]);
    }
    // Ids that are not strings are skipped, the rest delivered.
    expect(
      changeEventsOf(`{"type":"telemetry","workspace_id":"${W}","cluster_ids":[1,null,"${C1}"]}`),
    ).toEqual([{ type: 'telemetry', id: C1, workspace_id: W, cluster_id: C1 }]);
  });
});
