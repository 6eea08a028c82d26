// A small simulated shell for `exec`: echo, ls, cat, env, hostname, pwd, cd, date, whoami, uname,
// true, false, sh -c, exit. Anything else is `sh: x: not found` with exit code 127.

/** What a command run produced. */
export type ShellResult = { stdout: string; stderr: string; code: number; exit: boolean };

/** The files the shell knows: path → content (directories end in `/`). */
function filesystem(hostname: string): Map<string, string> {
  return new Map([
    ['/bin/', ''],
    ['/bin/sh', ''],
    ['/etc/', ''],
    ['/etc/hostname', `${hostname}\n`],
    ['/etc/hosts', `127.0.0.1\tlocalhost\n::1\tlocalhost\n10.0.0.10\t${hostname}\n`],
    [
      '/etc/os-release',
      'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\n',
    ],
    [
      '/etc/resolv.conf',
      'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\n',
    ],
    ['/home/', ''],
    ['/proc/', ''],
    ['/root/', ''],
    ['/tmp/', ''],
    ['/usr/', ''],
    ['/var/', ''],
    ['/app/', ''],
    ['/app/README', 'Simulated container of the Commander simulator.\n'],
  ]);
}

/** Splits a command line into words (single and double quotes; no expansion but `$VAR`). */
export function splitWords(line: string, env: Record<string, string>): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | null = null;
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i] ?? '';
    if (quote) {
      if (char === quote) quote = null;
      else if (char === '$' && quote === '"') {
        const name = /^\w+/.exec(line.slice(i + 1))?.[0] ?? '';
        current += name ? (env[name] ?? '') : '$';
        i += name.length;
      } else current += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      started = true;
    } else if (/\s/.test(char)) {
      if (started) words.push(current);
      current = '';
      started = false;
    } else if (char === '$') {
      const name = /^\w+/.exec(line.slice(i + 1))?.[0] ?? '';
      current += name ? (env[name] ?? '') : '$';
      i += name.length;
      started = true;
    } else {
      current += char;
      started = true;
    }
  }
  if (started) words.push(current);
  return words;
}

/** The shell state of one exec session. */
export class SimShell {
  cwd = '/';
  lastCode = 0;
  private readonly files: Map<string, string>;

  readonly hostname: string;
  readonly env: Record<string, string>;

  constructor(hostname: string, env: Record<string, string>) {
    this.hostname = hostname;
    this.env = env;
    this.files = filesystem(hostname);
  }

  private resolve(path: string): string {
    const absolute = path.startsWith('/') ? path : `${this.cwd === '/' ? '' : this.cwd}/${path}`;
    const parts: string[] = [];
    for (const part of absolute.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') parts.pop();
      else parts.push(part);
    }
    return `/${parts.join('/')}`;
  }

  private isDir(path: string): boolean {
    return path === '/' || this.files.has(`${path}/`);
  }

  private list(dir: string): string[] {
    const prefix = dir === '/' ? '/' : `${dir}/`;
    const names = new Set<string>();
    for (const path of this.files.keys()) {
      if (path.startsWith(prefix) && path !== prefix) {
        const rest = path.slice(prefix.length);
        const name = rest.split('/')[0];
        if (name) names.add(name);
      }
    }
    return [...names].sort();
  }

  /** Runs one command line. */
  run(line: string): ShellResult {
    const words = splitWords(line, this.env);
    const result = this.exec(words);
    this.lastCode = result.code;
    return result;
  }

  /** Runs one command given as argv. */
  exec(argv: string[]): ShellResult {
    const ok = (stdout: string): ShellResult => ({ stdout, stderr: '', code: 0, exit: false });
    const fail = (stderr: string, code = 1): ShellResult => ({
      stdout: '',
      stderr,
      code,
      exit: false,
    });
    const [command, ...args] = argv;
    switch (command) {
      case undefined:
        return ok('');
      case 'echo':
      case '/bin/echo':
        return args[0] === '-n' ? ok(args.slice(1).join(' ')) : ok(`${args.join(' ')}\n`);
      case 'ls':
      case '/bin/ls': {
        const targets = args.filter((arg) => !arg.startsWith('-'));
        const out: string[] = [];
        for (const target of targets.length > 0 ? targets : ['.']) {
          const path = this.resolve(target);
          if (this.isDir(path)) out.push(...this.list(path));
          else if (this.files.has(path)) out.push(target);
          else return fail(`ls: ${target}: No such file or directory\n`, 1);
        }
        return ok(out.length > 0 ? `${out.join('\n')}\n` : '');
      }
      case 'cat':
      case '/bin/cat': {
        let stdout = '';
        for (const target of args) {
          const path = this.resolve(target);
          if (this.isDir(path))
            return { stdout, stderr: `cat: read error: Is a directory\n`, code: 1, exit: false };
          const content = this.files.get(path);
          if (content === undefined) {
            return {
              stdout,
              stderr: `cat: can't open '${target}': No such file or directory\n`,
              code: 1,
              exit: false,
            };
          }
          stdout += content;
        }
        return ok(stdout);
      }
      case 'env':
      case 'printenv':
        return ok(
          Object.entries(this.env)
            .map(([name, value]) => `${name}=${value}\n`)
            .join(''),
        );
      case 'hostname':
        return ok(`${this.hostname}\n`);
      case 'pwd':
        return ok(`${this.cwd}\n`);
      case 'cd': {
        const path = this.resolve(args[0] ?? this.env.HOME ?? '/');
        if (!this.isDir(path))
          return fail(`sh: cd: can't cd to ${args[0] ?? ''}: No such file or directory\n`, 2);
        this.cwd = path;
        return ok('');
      }
      case 'date':
        return ok(`${new Date().toUTCString().replace('GMT', 'UTC')}\n`);
      case 'whoami':
        return ok('root\n');
      case 'uname':
        return ok(
          args.includes('-a')
            ? `Linux ${this.hostname} 6.1.0-sim #1 SMP x86_64 Linux\n`
            : 'Linux\n',
        );
      case 'true':
        return ok('');
      case 'false':
        return fail('', 1);
      case 'exit': {
        const code = args[0] === undefined ? this.lastCode : Number.parseInt(args[0], 10);
        return { stdout: '', stderr: '', code: Number.isNaN(code) ? 2 : code & 255, exit: true };
      }
      case 'sh':
      case '/bin/sh':
      case 'bash':
      case '/bin/bash':
        if (args[0] === '-c' && args[1] !== undefined) {
          let last: ShellResult = ok('');
          let stdout = '';
          let stderr = '';
          for (const part of args[1].split(/;|&&|\n/)) {
            last = this.run(part);
            stdout += last.stdout;
            stderr += last.stderr;
            if (last.exit) break;
          }
          return { stdout, stderr, code: last.code, exit: false };
        }
        return ok('');
      default:
        return fail(`sh: ${command}: not found\n`, 127);
    }
  }
}
