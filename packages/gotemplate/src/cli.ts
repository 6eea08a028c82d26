// `pnpm render-template`: the same contract as ../shared/tools/gotmpl-oracle, so outputs diff.
//   stdin {"template", "values", "name"} → stdout output, or "ERROR: <message>" on stderr (exit 1)
//   --batch: stdin [{…}, …] → stdout [{"output": …} | {"error": …}, …] (Go's encoder format)

import { readFileSync } from 'node:fs';

import { encodeString } from './go/json.js';
import { render } from './template.js';

type Input = { template?: unknown; values?: unknown; name?: unknown };

function renderOne(input: Input): { output: string } | { error: string } {
  const template = typeof input.template === 'string' ? input.template : '';
  const name = typeof input.name === 'string' ? input.name : '';
  try {
    return { output: render(template, input.values ?? null, { name }) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** Go's json.Encoder (SetIndent("", "  "), SetEscapeHTML(false)) for the result array. */
function encodeResults(results: ({ output: string } | { error: string })[]): string {
  if (results.length === 0) {
    return '[]\n';
  }
  const items = results.map((r) => {
    const [key, value] = 'output' in r ? ['output', r.output] : ['error', r.error];
    return `  {\n    "${key}": ${encodeString(value, false)}\n  }`;
  });
  return `[\n${items.join(',\n')}\n]\n`;
}

function isInput(x: unknown): x is Input {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function main(): void {
  const batch =
    process.argv.slice(2).includes('--batch') || process.argv.slice(2).includes('-batch');
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(0, 'utf8'));
  } catch (e) {
    process.stderr.write(`ERROR: bad input: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  }
  if (batch) {
    if (!Array.isArray(parsed) || !parsed.every(isInput)) {
      process.stderr.write('ERROR: bad input: expected a JSON array of objects\n');
      process.exit(2);
    }
    process.stdout.write(encodeResults(parsed.map(renderOne)));
    return;
  }
  if (!isInput(parsed)) {
    process.stderr.write('ERROR: bad input: expected a JSON object\n');
    process.exit(2);
  }
  const result = renderOne(parsed);
  if ('error' in result) {
    process.stderr.write(`ERROR: ${result.error}\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(result.output);
}

main();
