import { describe, expect, it } from 'vitest';

import { markdownTable, parseSections, renderDocument, type RunInfo } from '../src/report.js';

const run = (date: string): RunInfo => ({
  date: new Date(date),
  command: 'pnpm bench',
  machine: {
    cpuModel: 'Test CPU',
    cores: 2,
    memoryGiB: 8,
    node: 'v20.0.0',
    postgres: '15.0',
    postgresSource: 'test',
    os: 'Linux',
    loadAverage: [0.5, 0.25, 0.1],
  },
});

describe('markdownTable', () => {
  it('aligns numbers right, formats them and escapes pipes', () => {
    const table = markdownTable(
      ['Name', 'Rate'],
      [
        ['a|b', 1234.5],
        ['c', 7],
      ],
    );
    expect(table.split('\n')).toEqual([
      '| Name | Rate |',
      '| --- | ---: |',
      '| a\\|b | 1,235 |',
      '| c | 7 |',
    ]);
  });
});

describe('renderDocument', () => {
  it('replaces the sections it ran and keeps the others from the previous file', () => {
    const first = renderDocument(
      run('2026-01-01T00:00:00Z'),
      [
        { name: 'operations', title: 'Operations', body: 'ops v1' },
        { name: 'telemetry', title: 'Telemetry', body: 'tel v1' },
      ],
      null,
      ['operations', 'telemetry'],
    );
    const second = renderDocument(
      run('2026-02-01T00:00:00Z'),
      [{ name: 'telemetry', title: 'Telemetry', body: 'tel v2' }],
      first,
      ['operations', 'telemetry'],
    );
    const sections = parseSections(second);
    expect([...sections.keys()]).toEqual(['operations', 'telemetry']);
    expect(sections.get('operations')).toContain('ops v1');
    expect(sections.get('operations')).toContain('_Measured 2026-01-01T00:00:00Z');
    expect(sections.get('telemetry')).toContain('tel v2');
    expect(sections.get('telemetry')).toContain('_Measured 2026-02-01T00:00:00Z');
    expect(second).not.toContain('tel v1');
    expect(second).toContain('| Load average at start (1/5/15 min) | 0.50 / 0.25 / 0.10 |');
    expect(second).toContain('[telemetry](#telemetry)');
  });
});
