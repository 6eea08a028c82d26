import { ClusterSchema } from '@commander/contracts';
import { agentDataFromJson, RawJson } from '@commander/core';
import { createTestTemplate } from '@commander/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { compileZodSerializer } from '../src/fast-serializer.js';
import { useTestApp } from './helpers.js';

/**
 * The cluster list writes each agent snapshot from its jsonb text (projected, never parsed):
 * byte for byte what parsing the text (as pg did) and serializing through the response schema
 * wrote before, hostile content included, and never a key outside the allowlist.
 */
describe('cluster list: agent snapshots written from their jsonb text', () => {
  const t = useTestApp();
  const agentSchema = ClusterSchema.shape.cluster_agent_data;
  const writeAgent = compileZodSerializer(agentSchema);
  const writeList = compileZodSerializer(z.array(ClusterSchema));

  /** What the list wrote before: pg's JSON.parse of the text, then the compiled serializer. */
  const before = (text: string | null): string => {
    const parsed = text === null ? null : (JSON.parse(text) as unknown);
    return writeAgent(parsed ?? []);
  };
  const after = (text: string | null): string => {
    const value = agentDataFromJson(text);
    return value instanceof RawJson ? value.json : writeAgent(value);
  };
  /** The jsonb text PostgreSQL stores for a JSON document, or null if jsonb refuses it. */
  const jsonbText = async (doc: string): Promise<string | null> => {
    try {
      const rows = await t.db.$queryRawUnsafe<{ t: string }[]>('SELECT $1::jsonb::text AS t', doc);
      return rows[0]!.t;
    } catch {
      return null;
    }
  };
  /** Same outcome: the same bytes, or both throw. */
  const same = (text: string | null) => {
    let expected: string | Error;
    try {
      expected = before(text);
    } catch (error) {
      expected = error as Error;
    }
    if (expected instanceof Error) {
      expect(() => after(text)).toThrow();
    } else {
      expect(after(text)).toBe(expected);
    }
  };

  const hostileDocs = [
    null,
    '[]',
    'null',
    '{}',
    '"text"',
    '[1, 2]',
    '[null]',
    '[{"source": "overview"}]',
    '[{"data": {}}]',
    '[{"source": 5, "data": {}}]',
    '[{"source": null, "data": {}}]',
    '[{"source": "s", "data": null}]',
    '[{"source": "s", "data": []}, {"source": "t", "data": "x"}]',
    '[{"source": "overview", "data": {"a": 1}, "secret_extra": "must not leave", "zz": [1]}]',
    '[{"aaaaaaaaaaaaa": 1, "source": "s", "data": {"k": "v"}, "b": {"source": "no"}}]',
    '[{"source": "</script><script>alert(1)</script>", "data": {"html": "</script>"}}]',
    '[{"source": "é ü 😀 \\u2028\\u2029 \\u007f", "data": {"ключ": "значение 😀"}}]',
    '[{"source": "\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f", "data": {"\\u0002k": "\\u0003"}}]',
    '[{"source": "s", "data": {"big": 12345678901234567890}}]',
    '[{"source": "s", "data": {"huge": 1e400}}]',
    '[{"source": "s", "data": {"tiny": 1e-400}}]',
    '[{"source": "s", "data": {"exp": 1e21, "small": 1.5e-7, "neg0": -0}}]',
    '[{"source": "s", "data": {"trailing": 1.50, "int": 1.0, "plain": 2.671}}]',
    '[{"source": "s", "data": {"max": 9007199254740993, "f": 0.1, "g": -123.456}}]',
    '[{"source": "s", "data": {"b": 1, "10": 2, "2": 3, "x1": 4}}]',
    '[{"source": "s", "data": {"__proto__": {"polluted": true}, "toJSON": 1}}]',
    '[{"source": "s", "data": {"a": "x, y: z", "b": "{\\"not\\": [\\"json\\"]}", "c": "\\\\"}}]',
    '[{"source": "s", "data": [true, false, null, [], {}, [[]], {"": ""}]}]',
    '[{"source": "", "data": ""}]',
    '[{"source": "lone \\ud800 surrogate", "data": 1}]',
    '[{"source": "nul \\u0000", "data": 1}]',
    JSON.stringify([{ source: 'long', data: { s: 'x'.repeat(5000), n: [1, 2, 3] } }]),
  ];

  it('hostile snapshots: the same bytes as parsing and serializing (or the same failure)', async () => {
    let stored = 0;
    for (const doc of hostileDocs) {
      const text = doc === null ? null : await jsonbText(doc);
      if (doc !== null && text === null) {
        // jsonb refuses it (lone surrogate, NUL): no cluster can hold it.
        continue;
      }
      stored++;
      same(text);
    }
    expect(stored).toBeGreaterThan(25);
    // The projection took most of them (the rest are parsed, as before).
    const projected = await Promise.all(
      hostileDocs.filter((d) => d !== null).map(async (d) => jsonbText(d)),
    );
    expect(
      projected.filter((p) => p !== null && agentDataFromJson(p) instanceof RawJson).length,
    ).toBeGreaterThan(10);
    const extra = await jsonbText(hostileDocs[13]!);
    expect(after(extra)).toBe('[{"source":"overview","data":{"a":1}}]');
  });

  it('generated snapshots: the same bytes as parsing and serializing', async () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.constantFrom('</script>', '\u2028', '"\\', '\u0001\u001f\u007f', '😀', '10', ''),
    );
    const number = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.constantFrom(1e21, 1e-7, 0.000001, 123456789012345680000, -0, 5e-324),
    );
    const json: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        text,
        number,
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(text, tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    const snapshot = fc.array(
      fc.record(
        { source: fc.oneof(text, number), data: json, extra: json, 7: json },
        { requiredKeys: [] },
      ),
      { maxLength: 3 },
    );
    await fc.assert(
      fc.asyncProperty(snapshot, async (s) => {
        const stored = await jsonbText(JSON.stringify(s));
        if (stored !== null) {
          same(stored);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('GET /clusters writes the page byte for byte as before, extra keys left out', async () => {
    const { versionId } = await createTestTemplate(t.db, t.defaultWorkspaceId, { name: 'agent' });
    const docs = hostileDocs.filter(
      (d) => d !== null && !d.includes('\\ud800') && !d.includes('\\u0000'),
    );
    const ids: string[] = [];
    for (const [i, doc] of docs.entries()) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/clusters',
        headers: t.headers(),
        payload: { name: `agent-${i}`, cluster_template_version_id: versionId, values: {} },
      });
      expect(res.statusCode).toBe(201);
      const id = res.json<{ id: string }>().id;
      ids.push(id);
      await t.db.$executeRawUnsafe(
        'UPDATE clusters SET agent_data = $1::jsonb WHERE id = $2::uuid',
        doc,
        id,
      );
    }
    // Clusters whose snapshot the serializer cannot write fail as before: keep the writable ones.
    const writable = new Set<string>();
    for (const id of ids) {
      const rows = await t.db.$queryRawUnsafe<{ t: string | null }[]>(
        'SELECT agent_data::text AS t FROM clusters WHERE id = $1::uuid',
        id,
      );
      try {
        before(rows[0]!.t);
        writable.add(id);
      } catch {
        await t.db.$executeRawUnsafe(
          'UPDATE clusters SET agent_data = NULL WHERE id = $1::uuid',
          id,
        );
        writable.add(id);
      }
    }
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/clusters?limit=100&sort=name',
      headers: t.headers(),
    });
    expect(res.statusCode).toBe(200);
    const body = res.body;
    expect(body).not.toContain('secret_extra');
    expect(body).not.toContain('must not leave');
    // Before: every item as the compiled serializer wrote it, its snapshot parsed by pg.
    const texts = new Map(
      (
        await t.db.$queryRawUnsafe<{ id: string; t: string | null }[]>(
          'SELECT id::text AS id, agent_data::text AS t FROM clusters',
        )
      ).map((r) => [r.id, r.t]),
    );
    const items = (JSON.parse(body) as Record<string, unknown>[]).map((item) => {
      const text = texts.get(item.id as string) ?? null;
      return { ...item, cluster_agent_data: text === null ? [] : (JSON.parse(text) ?? []) };
    });
    expect(items.length).toBe(docs.length);
    expect(body).toBe(writeList(items));
  });
});
