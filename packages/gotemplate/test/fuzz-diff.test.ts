// A short differential run against the real Go engine (fuzz/: fast-check templates and values,
// rendered by the engine and by the Go oracle built from Debian's Go and sprig). The long run is
// `pnpm --filter @commander/gotemplate fuzz:diff --runs 100000`. Without Go, this is skipped
// with the reason.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { compareBatch, type Finding } from '../fuzz/compare.js';
import { caseArb } from '../fuzz/generate.js';
import { ensureOracle, Oracle } from '../fuzz/oracle.js';

const built = ensureOracle();
const skip = 'skip' in built ? built.skip : null;
if (skip) {
  console.warn(`differential fuzzing against Go skipped: ${skip}`);
}

const RUNS = 400;
const SEED = 17;

if (skip !== null) {
  describe('differential fuzzing against Go (skipped)', () => {
    it.skip(`needs Go: ${skip}`, () => {});
  });
}

describe.skipIf(skip !== null)('differential fuzzing against Go text/template + sprig', () => {
  let oracle: Oracle;
  beforeAll(() => {
    oracle = new Oracle((built as { path: string }).path);
  });
  afterAll(() => oracle.close());

  it(`renders ${RUNS} random templates exactly as Go does (seed ${SEED})`, async () => {
    const cases = fc.sample(caseArb, { numRuns: RUNS, seed: SEED });
    const { findings, counts, goErrors } = await compareBatch(oracle, cases);
    const show = (f: Finding): string =>
      `${f.outcome}: ${JSON.stringify(f.template)}\n  values ${JSON.stringify(f.values)}\n` +
      `  go     ${JSON.stringify(f.go)}\n  engine ${JSON.stringify(f.engine)}`;
    expect(findings.map(show)).toEqual([]);
    expect(counts.same).toBe(RUNS);
    // The generator must mostly produce templates that execute, not just errors.
    expect(goErrors).toBeLessThan(RUNS * 0.6);
  });
});
