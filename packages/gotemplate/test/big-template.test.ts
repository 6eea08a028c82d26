import { describe, expect, it } from 'vitest';

import { executeTemplate, parseTemplate } from '../src/index.js';
import {
  bigTemplate,
  bigTemplateBaseline,
  bigTemplateValues,
} from '../src/testing/big-template.js';

// Its speed is measured by `pnpm bench render` (CPU per render against a hand-written JS
// function producing the same text); here only what it renders.
describe('a 200-line template with ranges, in the shape of Commander templates', () => {
  it('renders exactly what the hand-written baseline of the benchmark produces', () => {
    const text = bigTemplate();
    expect(text.split('\n').length).toBeGreaterThanOrEqual(200);
    const parsed = parseTemplate(text, { name: 'bench' });
    const values = bigTemplateValues();
    const out = executeTemplate(parsed, values);
    expect(out).toContain('- host4: 10.0.0.4 H4');
    expect(out).toBe(bigTemplateBaseline(values));
  });
});
