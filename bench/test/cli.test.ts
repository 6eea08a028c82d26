import { describe, expect, it } from 'vitest';

import { parseArgs } from '../src/cli.js';

describe('parseArgs', () => {
  it('runs every benchmark by default, in registry order', () => {
    expect(parseArgs([])).toEqual({
      kind: 'run',
      names: ['operations', 'telemetry', 'render'],
      quick: false,
      profile: true,
      out: undefined,
    });
    expect(parseArgs(['telemetry', 'operations'])).toMatchObject({
      names: ['operations', 'telemetry'],
    });
    expect(parseArgs(['render', 'operations'])).toMatchObject({
      names: ['operations', 'render'],
    });
  });

  it('reads the flags', () => {
    expect(parseArgs(['telemetry', '--quick', '--no-profile', '--out', 'x.md'])).toEqual({
      kind: 'run',
      names: ['telemetry'],
      quick: true,
      profile: false,
      out: 'x.md',
    });
    expect(parseArgs(['--out=y.md'])).toMatchObject({ out: 'y.md' });
    expect(parseArgs(['--', 'operations'])).toMatchObject({ names: ['operations'] });
  });

  it('rejects unknown names and options', () => {
    expect(parseArgs(['nope'])).toMatchObject({ kind: 'error' });
    expect(parseArgs(['--fast'])).toMatchObject({ kind: 'error' });
    expect(parseArgs(['--out'])).toMatchObject({ kind: 'error' });
    expect(parseArgs(['-h'])).toEqual({ kind: 'help' });
  });
});
