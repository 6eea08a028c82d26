/**
 * `pnpm bench [name…] [--quick] [--no-profile] [--out <file>]`: runs the benchmarks (all, or the named ones)
 * and writes their results to BENCHMARKS.md at the repository root. `--quick` is a smoke run
 * (small sizes) written to bench/.out/BENCHMARKS.quick.md unless `--out` says otherwise, so CI
 * never rewrites the committed numbers. See bench/README.md.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { BENCHMARKS, parseArgs, usage } from './src/cli.js';
import { openEnvironment } from './src/environment.js';
import { REPO_ROOT } from './src/processes.js';
import { type BenchmarkReport, describeMachine, renderDocument } from './src/report.js';

function say(line: string): void {
  process.stdout.write(`[bench] ${line}\n`);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.kind === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  if (args.kind === 'error') {
    process.stderr.write(`${args.message}\n\n${usage()}`);
    return 2;
  }
  const started = new Date();
  const env = await openEnvironment({
    databaseUrl: process.env.DATABASE_URL,
    quick: args.quick,
    profile: args.profile,
  });
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) {
      return;
    }
    interrupted = true;
    say('interrupted: stopping processes and dropping databases …');
    void env.close().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const source = process.env.DATABASE_URL
    ? 'the server of DATABASE_URL'
    : env.isEmbedded
      ? 'embedded, started for this run'
      : 'local server on 127.0.0.1:5432, shared with other work on the machine';
  const machine = describeMachine(env.postgresVersion, `${source}; autovacuum ${env.autovacuum}`);
  const reports: BenchmarkReport[] = [];
  let failed = false;
  for (const name of args.names) {
    const benchmark = BENCHMARKS.find((b) => b.name === name)!;
    const at = performance.now();
    say(`${name}: starting${args.quick ? ' (quick)' : ''}`);
    try {
      reports.push(
        await benchmark.run(env, args.quick, (line) => say(`${name}: ${line}`), args.sizes),
      );
      say(`${name}: done in ${((performance.now() - at) / 1000).toFixed(0)} s`);
    } catch (error) {
      failed = true;
      process.stderr.write(
        `[bench] ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
  }
  const keep = process.env.BENCH_KEEP_WORKDIR === '1';
  await env.close({ keepWorkDir: failed || keep });
  if (failed || keep) {
    process.stderr.write(`[bench] process logs kept in ${env.workDir}\n`);
  }
  if (reports.length === 0) {
    return 1;
  }
  const out = path.resolve(
    REPO_ROOT,
    args.out ?? (args.quick ? 'bench/.out/BENCHMARKS.quick.md' : 'BENCHMARKS.md'),
  );
  mkdirSync(path.dirname(out), { recursive: true });
  const previous = existsSync(out) ? readFileSync(out, 'utf8') : null;
  const command = ['pnpm bench', ...process.argv.slice(2)].join(' ');
  const document = renderDocument(
    { date: started, command, machine },
    reports,
    previous,
    BENCHMARKS.map((b) => b.name),
  );
  writeFileSync(out, document);
  say(`results written to ${path.relative(process.cwd(), out) || out}`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `[bench] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
