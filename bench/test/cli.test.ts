import { describe, expect, it } from 'vitest';

import { parseArgs } from '../src/cli.js';

describe('parseArgs', () => {
  it('runs every benchmark by default, in registry order', () => {
    expect(parseArgs([])).toEqual({
      kind: 'run',
      names: ['operations', 'telemetry', 'api', 'render', 'web', 'connector'],
      quick: false,
      profile: true,
      out: undefined,
      sizes: {},
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
      sizes: {},
    });
    expect(parseArgs(['--out=y.md'])).toMatchObject({ out: 'y.md' });
    expect(parseArgs(['--', 'operations'])).toMatchObject({ names: ['operations'] });
  });

  it('runs the fleet soak only when named, sized by --clusters and --duration', () => {
    expect(parseArgs(['fleet', '--clusters', '500', '--duration', '60s'])).toMatchObject({
      names: ['fleet'],
      sizes: { clusters: 500, durationMs: 60_000 },
    });
    expect(parseArgs(['fleet', '--clusters=20', '--duration=10m'])).toMatchObject({
      sizes: { clusters: 20, durationMs: 600_000 },
    });
    expect(parseArgs(['fleet', '--duration', '1.5h'])).toMatchObject({
      sizes: { durationMs: 5_400_000 },
    });
    expect(parseArgs(['fleet', '--clusters', '0'])).toMatchObject({ kind: 'error' });
    expect(parseArgs(['fleet', '--duration', 'soon'])).toMatchObject({ kind: 'error' });
  });

  it('rejects unknown names and options', () => {
    expect(parseArgs(['nope'])).toMatchObject({ kind: 'error' });
    expect(parseArgs(['--fast'])).toMatchObject({ kind: 'error' });
    expect(parseArgs(['--out'])).toMatchObject({ kind: 'error' });
    expect(parseArgs(['-h'])).toEqual({ kind: 'help' });
  });
});
