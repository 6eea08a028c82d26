import { TelemetryBodySchema } from '@commander/contracts';
import fc from 'fast-check';
import { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';

import { compileAjv, compileZodBodyValidator } from './compiled-validator.js';

/** Strings with what length counting and patterns get wrong first: astral characters, surrogates. */
const text = (maxLength: number) =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: 'grapheme', maxLength: Math.ceil(maxLength / 2) }),
    fc.constantFrom('\ud800', '\ud83d\ude00'.repeat(50), 'x'.repeat(100), 'x'.repeat(101), ''),
  );
/** Anything JSON can hold, as a wrong value for any field. */
const anyJson = fc.jsonValue({ maxDepth: 2 });
const number = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -5, max: 1_000_000 }),
  fc.constantFrom(
    0,
    -0,
    1e300,
    -1e-300,
    5e-324,
    2 ** 53,
    2 ** 53 - 1,
    2 ** 53 + 2,
    0.5,
    1,
    1.0000001,
  ),
);
const timestamp = fc.oneof(
  fc
    .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z') })
    .filter((d) => !Number.isNaN(d.getTime()))
    .map((d) => d.toISOString()),
  fc.constantFrom(
    '2026-12-07T01:02:03Z',
    '2026-12-07T01:02:03+05:30',
    '2026-12-07T01:02:03.123456-08:00',
    '2024-02-29T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2026-12-07T24:00:00Z',
    '2026-12-07 01:02:03Z',
    '2026-12-07T01:02:03',
    '2026-12-07T01:02:03+0530',
    '2026-12-07',
  ),
  text(30),
);
const component = fc.record(
  {
    name: fc.oneof(text(210), anyJson),
    availability: fc.oneof(fc.double({ min: -0.5, max: 1.5, noNaN: true }), anyJson),
    extra: anyJson,
  },
  { requiredKeys: [] },
);
const alert = fc.record(
  {
    name: fc.oneof(text(210), anyJson),
    severity: fc.oneof(fc.constantFrom('critical', 'warning', 'info', 'error', 'Warning'), anyJson),
    message: fc.oneof(text(40), fc.constantFrom('m'.repeat(2000), 'm'.repeat(2001)), anyJson),
    extra: anyJson,
  },
  { requiredKeys: [] },
);
const list = <T>(item: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.array(item, { maxLength: 5 }) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(500, 501)
        .chain((n) => fc.array(item, { minLength: n, maxLength: n })),
    },
    { weight: 1, arbitrary: anyJson },
  );
const version = fc.oneof(text(110), fc.constant(null), anyJson);
/** Telemetry bodies, valid and not, field by field; any field may be missing. */
const telemetryBody = fc.record(
  {
    ts: timestamp,
    cpu_cores: fc.oneof({ weight: 4, arbitrary: number }, anyJson),
    cpu_usage: fc.oneof({ weight: 4, arbitrary: number }, anyJson),
    memory_bytes: fc.oneof({ weight: 4, arbitrary: number }, anyJson),
    memory_used_bytes: fc.oneof({ weight: 4, arbitrary: number }, anyJson),
    storage_bytes: fc.oneof({ weight: 4, arbitrary: number }, anyJson),
    storage_used_bytes: fc.oneof({ weight: 4, arbitrary: number }, anyJson),
    node_count: fc.oneof({ weight: 4, arbitrary: number }, anyJson),
    dkp_version: version,
    kubernetes_version: version,
    update_channel: version,
    update_available: fc.oneof(fc.boolean(), anyJson),
    components: list(component),
    alerts: list(alert),
    unknown_key: anyJson,
    constructor: anyJson,
  },
  {
    requiredKeys: ['cpu_cores', 'memory_bytes', 'storage_bytes', 'node_count'],
  },
);
const nonNegative = fc.oneof(
  fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, 1e300, 5e-324, 2 ** 53),
);
const validText = (maxCodePoints: number) =>
  fc.oneof(
    fc.string({ maxLength: maxCodePoints }),
    fc.string({ unit: 'binary', maxLength: maxCodePoints }),
    fc.constantFrom('\ud83d\ude00'.repeat(maxCodePoints), 'x'.repeat(maxCodePoints), '\ud800'),
  );
/** Bodies zod accepts, boundaries included (sizes, 100-code-point strings, 500 items). */
const validBody = fc.record(
  {
    ts: fc
      .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z') })
      .filter((d) => !Number.isNaN(d.getTime()))
      .map((d) => d.toISOString()),
    cpu_cores: nonNegative,
    cpu_usage: nonNegative,
    memory_bytes: nonNegative,
    memory_used_bytes: nonNegative,
    storage_bytes: nonNegative,
    storage_used_bytes: nonNegative,
    node_count: fc.oneof(fc.nat(), fc.constant(2 ** 53 - 1)),
    dkp_version: fc.option(validText(100), { nil: null }),
    kubernetes_version: fc.option(validText(100), { nil: null }),
    update_channel: fc.option(validText(100), { nil: null }),
    update_available: fc.boolean(),
    components: fc.array(
      fc.record({ name: validText(200), availability: fc.double({ min: 0, max: 1, noNaN: true }) }),
      { maxLength: 8 },
    ),
    alerts: fc.array(
      fc.record(
        {
          name: validText(200),
          severity: fc.constantFrom('critical', 'warning', 'info'),
          message: validText(2000),
        },
        { requiredKeys: ['name'] },
      ),
      { maxLength: 4 },
    ),
    unknown_key: anyJson,
  },
  { requiredKeys: ['cpu_cores', 'memory_bytes', 'storage_bytes', 'node_count'] },
);
const FIELDS = Object.keys(TelemetryBodySchema.shape);
/** A valid body with one field replaced by a wrong value, or removed. */
const oneWrong = fc
  .tuple(validBody, fc.constantFrom(...FIELDS), fc.option(fc.oneof(anyJson, number, text(210))))
  .map(([b, field, value]) => {
    const copy: Record<string, unknown> = { ...b };
    if (value === null) {
      delete copy[field];
    } else {
      copy[field] = value;
    }
    return copy;
  });
const body = fc.oneof(
  { weight: 3, arbitrary: validBody },
  { weight: 3, arbitrary: oneWrong },
  { weight: 3, arbitrary: telemetryBody },
  { weight: 1, arbitrary: anyJson },
);
/** What Fastify's JSON parser hands the validator: a fresh parse of the body as sent. */
const parsed = (value: unknown): unknown => JSON.parse(JSON.stringify(value) ?? 'null');

describe('compiled body validator (Ajv) of TelemetryBodySchema', () => {
  const compiled = compileZodBodyValidator(TelemetryBodySchema);
  const ajvOnly = compileAjv(TelemetryBodySchema);
  const zod = zodValidatorCompiler({
    schema: TelemetryBodySchema,
    method: 'POST',
    url: '',
    httpPart: 'body',
  }) as (data: unknown) => { value?: unknown; error?: unknown };

  it('accepts exactly what zod accepts, yields the same value, and refuses with the same issues', () => {
    let accepted = 0;
    fc.assert(
      fc.property(body, (raw) => {
        const viaZod = TelemetryBodySchema.safeParse(parsed(raw));
        // Ajv alone: its fast path is taken for exactly the bodies zod accepts.
        const forAjv = parsed(raw);
        expect(ajvOnly(forAjv)).toBe(viaZod.success);
        const result = compiled(parsed(raw)) as { value?: unknown; error?: unknown };
        if (viaZod.success) {
          accepted++;
          expect(result.error).toBeUndefined();
          expect(result.value).toStrictEqual(viaZod.data);
          expect(forAjv).toStrictEqual(viaZod.data);
        } else {
          expect(result.value).toBeUndefined();
          expect(result.error).toStrictEqual(zod(parsed(raw)).error);
        }
      }),
      { numRuns: 1500 },
    );
    // The generator reaches both sides.
    expect(accepted).toBeGreaterThan(300);
  });

  it('fills defaults and drops unknown keys as zod does', () => {
    const value = {
      cpu_cores: 4,
      memory_bytes: 1,
      storage_bytes: 1,
      node_count: 2,
      extra: { deep: true },
      alerts: [{ name: 'a', junk: 1 }],
    };
    const result = compiled(parsed(value)) as { value: unknown };
    expect(result.value).toStrictEqual({
      cpu_cores: 4,
      memory_bytes: 1,
      storage_bytes: 1,
      node_count: 2,
      components: [],
      alerts: [{ name: 'a', severity: 'warning', message: '' }],
    });
  });

  it('counts string length in code points, as zod does', () => {
    const base = { cpu_cores: 1, memory_bytes: 1, storage_bytes: 1, node_count: 1 };
    for (const [text, valid] of [
      ['\ud83d\ude00'.repeat(100), true], // 100 code points, 200 UTF-16 units
      ['\ud83d\ude00'.repeat(101), false],
      ['\ud800'.repeat(100), true], // lone surrogates count one each
      ['\ud800'.repeat(101), false],
      ['x'.repeat(101), false],
    ] as const) {
      const value = { ...base, dkp_version: text };
      expect(TelemetryBodySchema.safeParse(value).success).toBe(valid);
      expect(ajvOnly({ ...value })).toBe(valid);
    }
  });
});
