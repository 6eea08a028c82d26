// The Go oracle for differential runs: built on demand from fuzz/oracle (Debian's Go and sprig,
// cached in the OS temp directory by a hash of its source) and driven in -stream mode, one
// process for many batches.

import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';

export type OracleInput = { template: string; values: unknown; name?: string };
export type OracleResult = { output: string } | { error: string };

const dir = path.join(import.meta.dirname, 'oracle');

/**
 * The path of a built oracle, building it if needed (about 10 s with Debian's golang-go and
 * golang-github-masterminds-sprig-dev installed), or why there is none.
 */
export function ensureOracle(explicit?: string): { path: string } | { skip: string } {
  if (explicit !== undefined) {
    return existsSync(explicit) ? { path: explicit } : { skip: `no oracle at ${explicit}` };
  }
  const hash = createHash('sha256')
    .update(readFileSync(path.join(dir, 'main.go')))
    .update(readFileSync(path.join(dir, 'build.sh')))
    .digest('hex')
    .slice(0, 12);
  const out = path.join(tmpdir(), `commander-gotmpl-oracle-${hash}`);
  if (existsSync(out)) {
    return { path: out };
  }
  if (spawnSync('go', ['version']).status !== 0) {
    return {
      skip:
        'Go is not installed: `apt-get install golang-go golang-github-masterminds-sprig-dev` ' +
        '(Debian 12: Go 1.19, sprig 3.2.3) to compare with the Go engine',
    };
  }
  const res = spawnSync(path.join(dir, 'build.sh'), [out], { encoding: 'utf8' });
  if (res.status !== 0) {
    return { skip: `could not build the Go oracle: ${res.stderr.trim() || res.status}` };
  }
  return { path: out };
}

/** One running `gotmpl-oracle -stream` process. */
export class Oracle {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly waiting: ((line: string) => void)[] = [];
  private failure: Error | null = null;

  constructor(binary: string) {
    this.proc = spawn(binary, ['-stream'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    this.proc.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    this.proc.on('exit', (code) => {
      this.failure = new Error(`oracle exited (${code}): ${stderr.trim()}`);
      for (const w of this.waiting.splice(0)) {
        w('');
      }
    });
    this.lines = createInterface({ input: this.proc.stdout, crlfDelay: Infinity });
    this.lines.on('line', (line) => this.waiting.shift()?.(line));
  }

  /** Renders a batch with Go; results in order. */
  async render(batch: OracleInput[]): Promise<OracleResult[]> {
    if (this.failure) {
      throw this.failure;
    }
    const line = new Promise<string>((resolve) => this.waiting.push(resolve));
    this.proc.stdin.write(JSON.stringify(batch.map((c) => ({ ...c, name: c.name ?? '' }))) + '\n');
    const text = await line;
    const failure = this.failed();
    if (failure) {
      throw failure;
    }
    return JSON.parse(text) as OracleResult[];
  }

  private failed(): Error | null {
    return this.failure;
  }

  close(): void {
    this.proc.stdin.end();
    this.lines.close();
  }
}
