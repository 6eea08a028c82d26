import { describe, expect, it } from 'vitest';

import { executeTemplate, parseTemplate } from '../src/index.js';

// A 200-line section with ranges, in the shape of Commander's templates.
function bigTemplate(): string {
  let tpl = '';
  for (let i = 0; i < 40; i++) {
    tpl +=
      `section${i}:\n  name: {{ .name | quote }}\n` +
      '  {{- range $i, $h := .hosts }}\n  - host{{ $i }}: {{ $h.ip }} {{ $h.name | upper }}\n  {{- end }}\n';
  }
  return tpl;
}

describe('performance', () => {
  it('renders a 200-line template with ranges in well under 1 ms after parsing', () => {
    const text = bigTemplate();
    expect(text.split('\n').length).toBeGreaterThanOrEqual(200);
    const values = {
      name: 'cluster',
      hosts: Array.from({ length: 5 }, (_, i) => ({ ip: `10.0.0.${i}`, name: `h${i}` })),
    };
    const parsed = parseTemplate(text, { name: 'bench' });
    for (let i = 0; i < 300; i++) {
      executeTemplate(parsed, values);
    }
    // CPU time of this process, so that other processes competing for the cores do not count.
    const runs = 500;
    const before = process.cpuUsage();
    for (let i = 0; i < runs; i++) {
      executeTemplate(parsed, values);
    }
    const used = process.cpuUsage(before);
    const perRun = (used.user + used.system) / 1000 / runs;
    expect(executeTemplate(parsed, values)).toContain('- host4: 10.0.0.4 H4');
    // Typically 0.1–0.4 ms of CPU per run.
    expect(perRun).toBeLessThan(1);
  });
});
