// Renders every committed oracle fixture (fixtures/*.json) and requires Go's exact result:
// identical output, or the identical error message (which includes the position).

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { render, TemplateError } from '../src/index.js';

type Fixture = {
  id: string;
  template: string;
  values: unknown;
  name?: string;
  expected: { output: string } | { error: string };
  divergence?: string;
};

const dir = path.resolve(import.meta.dirname, '..', 'fixtures');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

function run(f: Fixture): { output: string } | { error: string } {
  try {
    return { output: render(f.template, f.values, { name: f.name }) };
  } catch (e) {
    if (e instanceof TemplateError) {
      return { error: e.message };
    }
    throw e;
  }
}

describe('conformance with Go text/template + sprig', () => {
  it('has a corpus of at least 400 fixtures', () => {
    const count = files.reduce(
      (n, file) => n + (JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Fixture[]).length,
      0,
    );
    expect(count).toBeGreaterThanOrEqual(400);
  });

  for (const file of files) {
    const fixtures = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Fixture[];
    describe(file, () => {
      for (const f of fixtures) {
        if (f.divergence !== undefined) {
          // Listed in the README's known differences; when it starts to agree, drop the mark.
          it(`${f.id} (known divergence: ${f.divergence})`, () => {
            expect(run(f)).not.toEqual(f.expected);
          });
          continue;
        }
        it(f.id, () => {
          expect(run(f)).toEqual(f.expected);
        });
      }
    });
  }
});
