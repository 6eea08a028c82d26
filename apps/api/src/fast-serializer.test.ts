import { type Cluster, CLUSTER_STATUSES, ClusterSchema } from '@commander/contracts';
import { RawJson } from '@commander/core';
import fc from 'fast-check';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { compileRawSplicedListSerializer, compileZodSerializer } from './fast-serializer.js';

/** Strings a serializer gets wrong first: lone surrogates, control characters, markup, quotes. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'binary', minLength: 40, maxLength: 200 }),
  fc.constantFrom(
    '\ud800',
    '\udfff',
    'a\ud83dz',
    '\ud83d\ude00',
    'nul\u0000byte',
    '</script><script>alert(1)</script>',
    '\u2028\u2029',
    '"\\\b\f\n\r\t',
    '\u007f\u0080\u00ff',
    ''.padEnd(100, '\u0001'),
  ),
);
/**
 * Keys of records. A `__proto__` key is left to its own test below: zod's record parsing assigns
 * it as the prototype (the key disappears from zod's output), while the compiled serializer
 * writes it as the data it is; neither pollutes a prototype.
 */
const key = hostile.filter((k) => k !== '__proto__');
const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const uuid = fc.uuid({ version: 4 });
const timestamp = fc
  .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z') })
  .filter((d) => !Number.isNaN(d.getTime()))
  .map((d) => d.toISOString());
const hugeNumber = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(1e21, -1e300, 5e-324, Number.MAX_VALUE, Number.MAX_SAFE_INTEGER, -0),
);
const safeInt = fc.maxSafeInteger();
/** JSON values with hostile strings and huge numbers (what `values` and agent data hold). */
const json: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostile,
    hugeNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
})).value;

const cluster: fc.Arbitrary<Cluster & Record<string, unknown>> = fc.record({
  id: uuid,
  uuid,
  workspace_id: uuid,
  name: hostile,
  status: fc.constantFrom(...CLUSTER_STATUSES),
  values: fc.dictionary(key, json, { maxKeys: 5 }) as fc.Arbitrary<Cluster['values']>,
  secret_values: fc.dictionary(key, fc.record({ has_value: fc.boolean() }), { maxKeys: 3 }),
  cluster_template_version_id: nullable(uuid),
  cluster_template_id: nullable(uuid),
  cluster_template_name: nullable(hostile),
  cluster_template_version_number: nullable(safeInt),
  registry_id: nullable(uuid),
  registry_mode: nullable(hostile),
  current_revision: safeInt,
  was_created: fc.boolean(),
  is_locked: fc.boolean(),
  cluster_type: nullable(hostile),
  settings: fc.record({
    change_mode: fc.constantFrom('auto' as const, 'manual' as const),
    check_interval: fc.integer({ min: 1, max: 10080 }),
  }),
  created_at: timestamp,
  updated_at: timestamp,
  archived_at: nullable(timestamp),
  archive_number: nullable(safeInt),
  render_errors: nullable(
    fc.array(
      fc.record(
        {
          section: hostile,
          document: nullable(safeInt),
          line: nullable(safeInt),
          column: nullable(safeInt),
          field: nullable(hostile),
          message: hostile,
        },
        { requiredKeys: ['section', 'message'] },
      ),
      { maxLength: 3 },
    ),
  ),
  desired_cluster_configuration_rendered: nullable(hostile),
  desired_provider_specific_cluster_configuration_rendered: nullable(hostile),
  desired_resources_rendered: nullable(hostile),
  desired_init_configuration_rendered: nullable(hostile),
  applied_cluster_configuration_rendered: nullable(hostile),
  applied_provider_specific_cluster_configuration_rendered: nullable(hostile),
  applied_resources_rendered: nullable(hostile),
  cluster_configuration_checked_at: nullable(timestamp),
  cluster_configuration_applied_at: nullable(timestamp),
  cluster_template_version_switched_at: nullable(timestamp),
  resources_sync_state: hostile,
  resources_state_results: fc.array(json, { maxLength: 3 }),
  agent_status: hostile,
  cluster_agent_data: fc.array(fc.record({ source: hostile, data: json }), { maxLength: 3 }),
  connection_hosts: fc.record({
    masters: fc.array(fc.record({ host: hostile, user: nullable(hostile) }), { maxLength: 3 }),
  }),
  last_operation: nullable(
    fc.record({
      id: uuid,
      kind: hostile,
      status: hostile,
      progress: hugeNumber,
      phase: nullable(hostile),
    }),
  ),
  // Not in the schema: neither serializer may write it.
  secret_values_encrypted: hostile,
});

const zodWrite = (schema: z.ZodType) =>
  zodSerializerCompiler({ schema, method: 'GET', url: '/test', httpStatus: '200' });

describe('compileZodSerializer (the cluster routes’ response serializer)', () => {
  it('writes a cluster exactly as zod’s serializer does, hostile strings and huge numbers included', () => {
    const fast = compileZodSerializer(ClusterSchema);
    const reference = zodWrite(ClusterSchema);
    fc.assert(
      fc.property(cluster, (c) => {
        const out = fast(c);
        expect(JSON.parse(out)).toStrictEqual(JSON.parse(reference(c)));
        expect(out).not.toContain('secret_values_encrypted');
      }),
      { numRuns: 300 },
    );
  });

  it('writes a page of clusters exactly as zod’s serializer does', () => {
    const schema = z.array(ClusterSchema);
    const fast = compileZodSerializer(schema);
    const reference = zodWrite(schema);
    fc.assert(
      fc.property(fc.array(cluster, { maxLength: 5 }), (page) => {
        expect(JSON.parse(fast(page))).toStrictEqual(JSON.parse(reference(page)));
      }),
      { numRuns: 100 },
    );
  });

  it('escapes lone surrogates and NUL as JSON.stringify does (well-formed output)', () => {
    const fast = compileZodSerializer(z.object({ s: z.string() }));
    for (const s of ['\ud800', 'x\udc00y', '\u0000', '</script>']) {
      expect(fast({ s })).toBe(JSON.stringify({ s }));
    }
  });

  it('writes a stored `__proto__` key as plain data and pollutes no prototype', () => {
    const fast = compileZodSerializer(
      z.object({
        values: ClusterSchema.shape.values,
        secret_values: ClusterSchema.shape.secret_values,
      }),
    );
    // As a JSONB column reads back: an own property named __proto__.
    const values = JSON.parse('{"__proto__":{"polluted":true},"region":"eu"}') as Cluster['values'];
    const secrets = JSON.parse('{"__proto__":{"has_value":true}}') as Cluster['secret_values'];
    const out = fast({ values, secret_values: secrets });
    expect(out).toBe(
      '{"values":{"__proto__":{"polluted":true},"region":"eu"},"secret_values":{"__proto__":{"has_value":true}}}',
    );
    const parsed = JSON.parse(out) as { values: Record<string, unknown> };
    expect(Object.getPrototypeOf(parsed.values)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('compileRawSplicedListSerializer (the cluster list: agent snapshots spliced as text)', () => {
  const schema = z.array(ClusterSchema);
  const whole = compileZodSerializer(schema);
  const spliced = compileRawSplicedListSerializer(schema, 'cluster_agent_data');
  const agent = compileZodSerializer(ClusterSchema.shape.cluster_agent_data);

  it('writes a page byte for byte as the whole-array serializer, parsed or spliced', () => {
    fc.assert(
      fc.property(fc.array(cluster, { maxLength: 5 }), fc.boolean(), (page, raw) => {
        const expected = whole(page);
        expect(spliced(page)).toBe(expected);
        const withRaw = page.map((c) => ({
          ...c,
          cluster_agent_data: raw ? new RawJson(agent(c.cluster_agent_data)) : c.cluster_agent_data,
        }));
        const out = spliced(withRaw);
        expect(out).toBe(expected);
        expect(out).not.toContain('secret_values_encrypted');
      }),
      { numRuns: 200 },
    );
    expect(spliced([])).toBe('[]');
  });

  it('RawJson written by JSON.stringify is the same value', () => {
    expect(JSON.stringify({ a: new RawJson('[{"source":"x","data":{"n":1}}]') })).toBe(
      '{"a":[{"source":"x","data":{"n":1}}]}',
    );
  });
});
