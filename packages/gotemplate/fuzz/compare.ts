// Renders fuzz cases with the engine and the Go oracle and classifies the differences.

import { render, TemplateError, TemplateLimitError } from '../src/index.js';
import type { FuzzCase } from './generate.js';
import type { Oracle, OracleResult } from './oracle.js';

export type Outcome =
  | 'same' // identical output, or identical error message
  | 'errorText' // both fail, with different messages
  | 'limit' // the engine's render budget stopped it (Go has none)
  | 'divergence'; // output differs, or only one of them fails

export type Finding = FuzzCase & { outcome: Outcome; go: OracleResult; engine: OracleResult };

/** The engine's result in the oracle's format. */
export function engineResult(c: FuzzCase): OracleResult | 'limit' {
  try {
    // The values as the engine gets them from an API: JSON (so -0 arrives as 0, as in Go).
    return { output: render(c.template, JSON.parse(JSON.stringify(c.values))) };
  } catch (e) {
    if (e instanceof TemplateLimitError) {
      return 'limit';
    }
    if (e instanceof TemplateError) {
      return { error: e.message };
    }
    return { error: `engine crash: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` };
  }
}

export function classify(go: OracleResult, engine: OracleResult | 'limit'): Outcome {
  if (engine === 'limit') {
    return 'limit';
  }
  if ('output' in go && 'output' in engine) {
    return go.output === engine.output ? 'same' : 'divergence';
  }
  if ('error' in go && 'error' in engine) {
    return go.error === engine.error ? 'same' : 'errorText';
  }
  return 'divergence';
}

/** Compares one batch; returns every case that is not 'same', and counts. */
export async function compareBatch(
  oracle: Oracle,
  cases: FuzzCase[],
): Promise<{ findings: Finding[]; counts: Record<Outcome, number>; goErrors: number }> {
  const goResults = await oracle.render(cases);
  const counts: Record<Outcome, number> = { same: 0, errorText: 0, limit: 0, divergence: 0 };
  const findings: Finding[] = [];
  let goErrors = 0;
  cases.forEach((c, i) => {
    const go = goResults[i] as OracleResult;
    if ('error' in go) {
      goErrors++;
    }
    const eng = engineResult(c);
    const outcome = classify(go, eng);
    counts[outcome]++;
    if (outcome !== 'same') {
      findings.push({ ...c, outcome, go, engine: eng === 'limit' ? { error: 'limit' } : eng });
    }
  });
  return { findings, counts, goErrors };
}
