import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..', '..');

type Result = { status: number | null; stdout: string; stderr: string };

/** Runs the CLI with node + tsx (or through `pnpm render-template` with viaPnpm). */
function cli(input: unknown, args: string[] = [], viaPnpm = false): Result {
  const [cmd, argv] = viaPnpm
    ? ['pnpm', ['-s', 'render-template', ...args]]
    : [process.execPath, ['--import', 'tsx', 'packages/gotemplate/src/cli.ts', ...args]];
  const res = spawnSync(cmd, argv, { cwd: root, input: JSON.stringify(input), encoding: 'utf8' });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('render-template CLI', () => {
  it('renders one template from stdin', () => {
    const res = cli({ template: 'host: {{ .ip | quote }}', values: { ip: '10.0.0.1' } }, [], true);
    expect(res).toEqual({ status: 0, stdout: 'host: "10.0.0.1"', stderr: '' });
  });

  it('reports errors like the oracle', () => {
    const res = cli({ template: '{{ toYaml . }}', values: {}, name: 'kubernetes' });
    expect(res.status).toBe(1);
    expect(res.stderr).toBe('ERROR: template: kubernetes:1: function "toYaml" not defined\n');
  });

  it('writes the oracle batch format (2-space indent, no HTML escaping, Go string escapes)', () => {
    const res = cli(
      [
        { template: '<{{ .a }}>&\u2028\b', values: { a: 1 } },
        { template: '{{ .x.y }}', values: { x: 's' } },
      ],
      ['--batch'],
    );
    expect(res.status).toBe(0);
    expect(res.stdout).toBe(
      '[\n  {\n    "output": "<1>&\\u2028\\u0008"\n  },\n  {\n    "error": "template: template:1:5: executing \\"template\\" at <.x.y>: can\'t evaluate field y in type interface {}"\n  }\n]\n',
    );
  });
});
