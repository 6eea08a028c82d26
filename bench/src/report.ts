import os from 'node:os';

import { formatNumber } from './stats.js';

/** The machine a run measured (the numbers mean little without it). */
export type MachineInfo = {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  postgres: string;
  /** Where PostgreSQL runs (the shared local server, DATABASE_URL's, or embedded). */
  postgresSource: string;
  os: string;
  /** 1, 5 and 15 minute load averages when the run started (other work on the machine). */
  loadAverage: [number, number, number];
};

/** The result of one benchmark as a section of BENCHMARKS.md. */
export type BenchmarkReport = {
  /** CLI name (`operations`, `telemetry`); also the section marker. */
  name: string;
  title: string;
  /** Markdown of the section body (tables, findings), without the title. */
  body: string;
};

/** One invocation of `pnpm bench`. */
export type RunInfo = {
  date: Date;
  command: string;
  machine: MachineInfo;
};

/** Collects the machine description (Linux /proc where available, `os` otherwise). */
export function describeMachine(postgres: string, postgresSource: string): MachineInfo {
  const cpus = os.cpus();
  const load = os.loadavg();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    postgres,
    postgresSource,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: [load[0] ?? 0, load[1] ?? 0, load[2] ?? 0],
  };
}

/** A Markdown table; cells are escaped for `|`. */
export function markdownTable(
  columns: string[],
  rows: (string | number)[][],
  align?: ('l' | 'r')[],
): string {
  const cell = (value: string | number) =>
    String(
      typeof value === 'number' ? formatNumber(value, Number.isInteger(value) ? 0 : 1) : value,
    ).replace(/\|/g, '\\|');
  const separator = columns.map((_, i) =>
    (align?.[i] ?? (i === 0 ? 'l' : 'r')) === 'r' ? '---:' : '---',
  );
  return [
    `| ${columns.map(cell).join(' | ')} |`,
    `| ${separator.join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

function machineLine(run: RunInfo): string {
  const m = run.machine;
  return `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB.toFixed(1)} GiB, Node ${m.node}, PostgreSQL ${m.postgres}`;
}

const START = (name: string) => `<!-- bench:${name} -->`;
const END = (name: string) => `<!-- /bench:${name} -->`;

/** The sections of an existing BENCHMARKS.md by name, with their markers, in file order. */
export function parseSections(document: string): Map<string, string> {
  const sections = new Map<string, string>();
  const pattern = /<!-- bench:([a-z0-9-]+) -->[\s\S]*?<!-- \/bench:\1 -->/g;
  for (const match of document.matchAll(pattern)) {
    if (match[1]) {
      sections.set(match[1], match[0]);
    }
  }
  return sections;
}

/** A section as it appears in the file: markers, title, the run it comes from, the body. */
export function renderSection(run: RunInfo, report: BenchmarkReport): string {
  return [
    START(report.name),
    `## ${report.title}`,
    '',
    `_Measured ${run.date.toISOString().replace(/\.\d+Z$/, 'Z')} by \`${run.command}\` on ${machineLine(run)}; load average at start ${run.machine.loadAverage.map((l) => l.toFixed(2)).join(' / ')} (1/5/15 min)._`,
    '',
    report.body.trim(),
    END(report.name),
  ].join('\n');
}

/**
 * The whole BENCHMARKS.md: the latest run's machine and command, then every section. Sections
 * of benchmarks not run this time are kept from `previous` (each says when it was measured).
 * @param order section names in the order they should appear.
 */
export function renderDocument(
  run: RunInfo,
  reports: BenchmarkReport[],
  previous: string | null,
  order: string[],
): string {
  const sections = previous ? parseSections(previous) : new Map<string, string>();
  for (const report of reports) {
    sections.set(report.name, renderSection(run, report));
  }
  const names = [
    ...order.filter((n) => sections.has(n)),
    ...[...sections.keys()].filter((n) => !order.includes(n)),
  ];
  const m = run.machine;
  const header = [
    '# Benchmarks',
    '',
    'Written by `pnpm bench` ([bench/README.md](bench/README.md) explains each benchmark and how to',
    'read the ratios). Do not edit by hand: run the benchmarks again. Every ratio compares numbers',
    'measured in the same run, so it says more than an absolute figure on a shared 2-core machine.',
    '',
    '## Latest run',
    '',
    markdownTable(
      ['', ''],
      [
        ['Date', run.date.toISOString().replace(/\.\d+Z$/, 'Z')],
        ['Command', `\`${run.command}\``],
        ['Benchmarks', reports.map((r) => r.name).join(', ')],
        ['CPU', `${m.cpuModel}, ${m.cores} cores`],
        ['Memory', `${m.memoryGiB.toFixed(1)} GiB`],
        ['OS', m.os],
        ['Node', m.node],
        ['PostgreSQL', `${m.postgres} (${m.postgresSource})`],
        ['Load average at start (1/5/15 min)', m.loadAverage.map((l) => l.toFixed(2)).join(' / ')],
      ],
      ['l', 'l'],
    ),
    '',
    'Contents: ' + names.map((n) => `[${n}](#${anchorOf(sections.get(n) ?? n)})`).join(' · '),
  ].join('\n');
  return `${[header, ...names.map((n) => sections.get(n) ?? '')].join('\n\n')}\n`;
}

/** GitHub's anchor of a section's `## Title` line. */
function anchorOf(section: string): string {
  const title = /^## (.+)$/m.exec(section)?.[1] ?? section;
  return title
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}
