// Regrows the conformance corpus: runs every case source in fixtures/cases/*.ts through the Go
// oracle (../shared/tools/gotmpl-oracle, `-batch` mode) and writes fixtures/<topic>.json.
//
//   pnpm exec tsx packages/gotemplate/scripts/generate-fixtures.ts [--oracle PATH] [topic…]
//
// Build the oracle first: /work/shared/tools/gotmpl-oracle/build.sh /tmp/gotmpl-oracle
// Only the generator needs the oracle; the conformance test reads the committed JSON.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import type { CaseSource } from '../fixtures/cases/case.js';

type Expected = { output: string } | { error: string };

const root = path.resolve(import.meta.dirname, '..');
const casesDir = path.join(root, 'fixtures', 'cases');
const args = process.argv.slice(2);
const oracleFlag = args.indexOf('--oracle');
const oracle = oracleFlag >= 0 ? (args[oracleFlag + 1] ?? '') : '/tmp/gotmpl-oracle';
const only = args.filter((a, i) => a !== '--oracle' && (oracleFlag < 0 || i !== oracleFlag + 1));

function runOracle(cases: CaseSource[]): Expected[] {
  const input = cases.map((c) => ({
    template: c.template,
    values: c.values ?? {},
    name: c.name ?? '',
  }));
  const res = spawnSync(oracle, ['-batch'], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (res.status !== 0) {
    throw new Error(`oracle failed (${res.status}): ${res.stderr}`);
  }
  return JSON.parse(res.stdout) as Expected[];
}

async function main(): Promise<void> {
  if (!existsSync(oracle)) {
    console.error(
      `No oracle at ${oracle}. Build it: /work/shared/tools/gotmpl-oracle/build.sh ${oracle}`,
    );
    process.exit(2);
  }
  const files = readdirSync(casesDir)
    .filter((f) => f.endsWith('.ts') && f !== 'case.ts')
    .filter((f) => only.length === 0 || only.includes(path.basename(f, '.ts')));
  const seen = new Set<string>();
  let total = 0;
  for (const file of files) {
    const mod = (await import(pathToFileURL(path.join(casesDir, file)).href)) as {
      cases: CaseSource[];
    };
    for (const c of mod.cases) {
      if (seen.has(c.id)) {
        throw new Error(`duplicate case id ${c.id}`);
      }
      seen.add(c.id);
    }
    const expected = runOracle(mod.cases);
    const fixtures = mod.cases.map((c, i) => ({
      ...c,
      values: c.values ?? {},
      expected: expected[i],
    }));
    const out = path.join(root, 'fixtures', `${path.basename(file, '.ts')}.json`);
    writeFileSync(out, JSON.stringify(fixtures, null, 2) + '\n');
    total += fixtures.length;
    console.log(`${path.relative(process.cwd(), out)}: ${fixtures.length} cases`);
  }
  console.log(`${total} cases`);
}

await main();
