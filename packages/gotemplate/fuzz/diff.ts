// Differential fuzzing of the engine against Go's text/template + sprig (the oracle):
//
//   pnpm --filter @commander/gotemplate fuzz:diff [--runs 100000] [--seed N] [--batch 500]
//                                                 [--out divergences.json] [--oracle PATH]
//
// Generates random templates and values (fuzz/generate.ts), renders each with both, and writes
// every case that differs to --out (default: fuzz-divergences.json in the OS temp directory).

import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import fc from 'fast-check';

import { compareBatch, type Finding, type Outcome } from './compare.js';
import { caseArb } from './generate.js';
import { ensureOracle, Oracle } from './oracle.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    batch: { type: 'string', default: '500' },
    out: { type: 'string', default: path.join(tmpdir(), 'fuzz-divergences.json') },
    oracle: { type: 'string' },
  },
});

const runs = Number(args.runs);
const batchSize = Number(args.batch);
const seed = args.seed !== undefined ? Number(args.seed) : Date.now() % 2 ** 31;

const built = ensureOracle(args.oracle);
if ('skip' in built) {
  console.error(built.skip);
  process.exit(2);
}
const oracle = new Oracle(built.path);
const totals: Record<Outcome, number> = { same: 0, errorText: 0, limit: 0, divergence: 0 };
const findings: Finding[] = [];
let goErrors = 0;
const started = Date.now();
try {
  for (let done = 0, b = 0; done < runs; b++) {
    const n = Math.min(batchSize, runs - done);
    const cases = fc.sample(caseArb, { numRuns: n, seed: seed + b });
    const r = await compareBatch(oracle, cases);
    for (const k of Object.keys(totals) as Outcome[]) {
      totals[k] += r.counts[k];
    }
    goErrors += r.goErrors;
    findings.push(...r.findings);
    done += n;
    if (r.findings.length > 0) {
      // Written as they come, so a long run can be inspected while it goes on.
      writeFileSync(args.out, JSON.stringify(findings.slice(0, 5000), null, 2) + '\n');
    }
    if (b % 10 === 0 || done === runs) {
      const s = ((Date.now() - started) / 1000).toFixed(0);
      console.log(
        `${done}/${runs} compared in ${s}s: ${totals.same} same, ${totals.divergence} divergences, ` +
          `${totals.errorText} error texts, ${totals.limit} budget stops (Go errors: ${goErrors})`,
      );
    }
  }
} finally {
  oracle.close();
}
writeFileSync(args.out, JSON.stringify(findings.slice(0, 5000), null, 2) + '\n');
console.log(`seed ${seed}; ${findings.length} findings written to ${args.out}`);
process.exit(totals.divergence + totals.errorText > 0 ? 1 : 0);
