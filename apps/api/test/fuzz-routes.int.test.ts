import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

/**
 * Property-based fuzzing of every route in the OpenAPI document the API serves, as an admin:
 * random and hostile bodies, query strings and path parameters (NUL, lone surrogates, huge
 * strings, deep nesting, wrong types). Property: never a 5xx.
 *
 * FUZZ_SEED fixes the seed, FUZZ_RUNS the number of runs (default: as many as fit in
 * FUZZ_SECONDS, 60). The seed is printed on failure; replay with FUZZ_SEED=<seed>.
 */
const SEED = process.env.FUZZ_SEED
  ? Number(process.env.FUZZ_SEED)
  : Date.now() ^ (Math.random() * 2 ** 31);
const RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 1_000_000;
const SECONDS = process.env.FUZZ_SECONDS ? Number(process.env.FUZZ_SECONDS) : 60;

type Operation = { method: string; path: string; params: string[]; query: string[] };

const HOSTILE = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\ud83d\ude00',
  '../../etc/passwd',
  '%00',
  '%',
  "' OR 1=1 --",
  '{{ .Values }}',
  '__proto__',
  'constructor',
  ' ',
  '',
  '-1',
  '1e309',
  'null',
  'true',
];

const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.string() },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 300_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.uuid() },
);

/** JSON text nested `depth` levels deep (built without recursion). */
const deepJson = fc
  .tuple(fc.integer({ min: 30, max: 5000 }), fc.boolean())
  .map(([depth, arrays]) =>
    arrays
      ? `${'['.repeat(depth)}${']'.repeat(depth)}`
      : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
  );

const { value: jsonValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 5 }),
  ),
}));

/** A body: a JSON object (often with hostile values under likely field names), raw junk or deep nesting. */
const body = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .dictionary(
        fc.oneof(
          fc.constantFrom(
            'name',
            'slug',
            'values',
            'email',
            'password',
            'params',
            'version',
            'scope',
            'workspace_id',
            'resources',
            'sections',
            'comment',
            'settings',
          ),
          hostileString,
        ),
        jsonValue,
        { maxKeys: 6 },
      )
      .map((o) => JSON.stringify(o)),
  },
  { weight: 2, arbitrary: jsonValue.map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 1, arbitrary: deepJson },
  { weight: 1, arbitrary: deepJson.map((d) => `{"name":"x","values":${d}}`) },
  { weight: 1, arbitrary: fc.string().map((s) => `{"name":${s}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('{"name":"\\ud800"}', '{"a\\u0000":1}', '{"name":"\\u0000"}'),
  },
);

/** encodeURIComponent, keeping lone surrogates as the (invalid) UTF-8 bytes a client could send. */
function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...s]
      .map((c) => {
        try {
          return encodeURIComponent(c);
        } catch {
          return '%ED%A0%80';
        }
      })
      .join('');
  }
}

describe('fuzzing every route of the OpenAPI document', () => {
  const t = useTestApp();
  const operations: Operation[] = [];

  beforeAll(async () => {
    const res = await t.app.inject({ method: 'GET', url: '/documentation/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{
      paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>;
    }>();
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (path.replace(/\/$/, '') === '/api/v1/events') {
          // An allowed caller gets a never-ending event stream (the document names it
          // `/api/v1/events/`): one such request held every later run until the time limit.
          continue;
        }
        operations.push({
          method: method.toUpperCase(),
          path,
          params: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
          query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        });
      }
    }
  });

  it(
    'never answers 5xx',
    async () => {
      expect(operations.length).toBeGreaterThan(40);
      const request = fc.record({
        operation: fc.constantFrom(...operations),
        token: fc.constantFrom('global', 'workspace'),
        params: fc.array(hostileString, { minLength: 4, maxLength: 4 }),
        query: fc.array(fc.tuple(fc.option(fc.nat(10)), hostileString), { maxLength: 4 }),
        body: fc.option(body, { freq: 6 }),
        contentType: fc.constantFrom(
          'application/json',
          'application/json',
          'text/plain',
          'application/x-www-form-urlencoded',
        ),
      });
      let runs = 0;
      try {
        await fc.assert(
          fc.asyncProperty(request, async (r) => {
            runs++;
            const op = r.operation;
            let i = 0;
            const path = op.path.replace(/\{[^}]+\}/g, () => encode(r.params[i++] ?? ''));
            const query = r.query
              .map(([which, value]) => {
                const name =
                  which !== null && which < op.query.length
                    ? op.query[which]!
                    : encode(value.slice(0, 20));
                return `${name}=${encode(value)}`;
              })
              .join('&');
            const hasBody = r.body !== null && op.method !== 'GET' && op.method !== 'HEAD';
            const res = await t.app.inject({
              method: op.method as 'GET',
              url: query ? `${path}?${query}` : path,
              headers: {
                'x-auth-token': r.token === 'global' ? t.globalToken : t.token,
                ...(hasBody ? { 'content-type': r.contentType } : {}),
              },
              ...(hasBody ? { payload: r.body! } : {}),
            });
            if (res.statusCode >= 500) {
              throw new Error(
                `${op.method} ${path}${query ? `?${query.slice(0, 300)}` : ''} → ${res.statusCode} ${res.body.slice(0, 300)}\nbody: ${(r.body ?? '').slice(0, 300)}`,
              );
            }
          }),
          {
            seed: SEED,
            numRuns: RUNS,
            interruptAfterTimeLimit: SECONDS * 1000,
            markInterruptAsFailure: false,
            endOnFailure: true,
          },
        );
      } catch (error) {
        console.error(`fuzz-routes failed: replay with FUZZ_SEED=${SEED}`);
        throw error;
      }
      console.info(`fuzz-routes: ${runs} requests, seed ${SEED}`);
      expect(runs).toBeGreaterThan(0);
    },
    (SECONDS + 120) * 1000,
  );
});
