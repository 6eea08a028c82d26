/**
 * The dhctl servers a manager talks to: static addresses (`DHCTL_SERVERS`,
 * `DHCTL_SERVER_ADDRESS`) and, in single-machine mode, servers it runs itself from a command
 * template (`DHCTL_SERVER_COMMAND`), one process per DKP major.minor version:
 *
 * - started on first need (concurrent needs of one version share one start), on a free
 *   loopback port, and used once `dhctl.Status/GetStatus` answers;
 * - reused while it answers that health check; one that exited or stopped answering is
 *   killed and started again on the next need;
 * - stopped (SIGTERM, then SIGKILL) when no call to it has been in flight for the idle time;
 * - stopped with the manager: `close()` on shutdown, SIGKILL from an `exit` handler on every
 *   other way out, and the child gets `COMMANDER_SUPERVISOR_PID` so that it stops itself when
 *   the manager was SIGKILLed (dhctl-sim honours it; wrap a real dhctl in something that does).
 *
 * Static entries keep precedence: an exact or major.minor entry of `DHCTL_SERVERS` wins, then
 * a managed server for the cluster's version, then the static `default`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

import type { Logger } from '@commander/core';
import {
  createDhctlClient,
  type Dhctl,
  DhctlServerNotFoundError,
  DhctlTransportError,
  pickDhctlServer,
} from '@commander/dhctl';

/** A server that answered this recently is used without another health check. */
const HEALTHY_FOR_MS = 2_000;

/** gRPC status UNAVAILABLE: a managed server that could not be started is retried later. */
const UNAVAILABLE = 14;

export type ManagedDhctlSettings = {
  /** The command, split into words (see {@link parseCommandTemplate}); `{port}` is required. */
  command: string[];
  /** Stop a server after this long without a call in flight. */
  idleMs: number;
  /** Give up starting a server after this long. */
  startTimeoutMs: number;
  /** Version run for clusters whose agent has not reported one, when no static default exists. */
  defaultVersion: string | null;
  /** Working directory of the servers (default: the manager's). */
  cwd?: string;
  /** The servers' environment ({@link inheritedServerEnvironment}); the pool adds its own. */
  env: Record<string, string>;
};

/** Where a cluster's operations go: a static address, or the managed server of a version. */
export type DhctlTarget =
  { kind: 'static'; address: string } | { kind: 'managed'; version: string };

function normalize(version: string): string {
  return version.trim().replace(/^v/i, '');
}

/** The DKP major.minor of a reported version (`v1.69.3` → `1.69`), or `null`. */
export function dkpMinorVersion(version: string | undefined | null): string | null {
  if (!version) return null;
  const match = /^(\d{1,4})\.(\d{1,4})(?:\.\d+)?(?:[-+][0-9A-Za-z.+-]*)?$/.exec(normalize(version));
  return match ? `${match[1]}.${match[2]}` : null;
}

/**
 * Chooses where a cluster of `version` is served: an exact or major.minor entry of the static
 * map, else (with a command template) the managed server of its major.minor, else the static
 * `default`. A cluster that reported no version gets the static `default`, else the managed
 * `defaultVersion`.
 *
 * @throws DhctlServerNotFoundError naming the version when nothing serves it.
 */
export function resolveDhctlTarget(
  servers: Readonly<Record<string, string>>,
  version: string | undefined,
  managed: { defaultVersion: string | null } | null,
): DhctlTarget {
  const specific = Object.fromEntries(Object.entries(servers).filter(([k]) => k !== 'default'));
  const hasVersion = version !== undefined && version.trim() !== '';
  if (hasVersion && Object.keys(specific).length > 0) {
    try {
      // Only exact or major.minor entries here (no default in `specific`).
      return { kind: 'static', address: pickDhctlServer(specific, version) };
    } catch {
      // not configured statically
    }
  }
  if (managed) {
    const minor = hasVersion ? dkpMinorVersion(version) : null;
    if (minor) {
      return { kind: 'managed', version: minor };
    }
    if (hasVersion) {
      // Versions come from the cluster's agent: only a plain DKP version reaches the command.
      throw new DhctlServerNotFoundError(
        `no dhctl server for DKP version ${JSON.stringify(version)}: it is not a DKP version ` +
          '(major.minor[.patch]) a dhctl server can be started for',
      );
    }
    if (servers.default === undefined && managed.defaultVersion) {
      return { kind: 'managed', version: managed.defaultVersion };
    }
  }
  try {
    return { kind: 'static', address: pickDhctlServer(servers, version) };
  } catch (error) {
    if (managed && error instanceof DhctlServerNotFoundError) {
      throw new DhctlServerNotFoundError(
        'no dhctl server for a cluster whose agent has not reported its DKP version: set ' +
          'DHCTL_SERVER_DEFAULT_VERSION (the version started for such clusters) or a "default" ' +
          'entry of DHCTL_SERVERS',
      );
    }
    throw error;
  }
}

/**
 * Splits a command template into words: whitespace separates, single or double quotes keep
 * spaces, no shell is involved (no expansion, no pipes). `{version}`, `{port}` and `{host}`
 * are replaced in each word when a server starts.
 */
export function parseCommandTemplate(template: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (const ch of template) {
    if (quote) {
      if (ch === quote) quote = null;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote) throw new Error('DHCTL_SERVER_COMMAND: unterminated quote');
  if (inWord) words.push(current);
  if (words.length === 0) throw new Error('DHCTL_SERVER_COMMAND is empty');
  if (!words.some((w) => w.includes('{port}'))) {
    throw new Error('DHCTL_SERVER_COMMAND must contain {port} (the port the server listens on)');
  }
  return words;
}

/**
 * The variables a managed server inherits from the manager's environment: PATH, HOME, TMPDIR,
 * LANG, LC_*, TZ, NODE_ENV and DHCTL_* (never DATABASE_URL or the encryption keys).
 */
export function inheritedServerEnvironment(source: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined) continue;
    if (
      ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'NODE_ENV'].includes(name) ||
      name.startsWith('LC_') ||
      name.startsWith('DHCTL_')
    ) {
      env[name] = value;
    }
  }
  return env;
}

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

type Server = {
  version: string;
  child: ChildProcess;
  address: string;
  client: Dhctl;
  inFlight: number;
  lastUsed: number;
  /** When it last answered (a health check or a call that completed). */
  lastHealthy: number;
  exited: boolean;
  /** The last lines the server wrote (for the error when it does not start). */
  tail: string[];
};

/** The managed servers of one manager process. */
export class ManagedDhctlServers {
  private readonly servers = new Map<string, Server>();
  private readonly starting = new Map<string, Promise<Server>>();
  /** Every child not yet known to have exited (starting ones included). */
  private readonly children = new Set<ChildProcess>();
  private readonly reaper: NodeJS.Timeout;
  private closed = false;
  private readonly host = '127.0.0.1';
  private readonly onExit = () => this.killAll();

  private readonly settings: ManagedDhctlSettings;
  private readonly log: Logger;

  constructor(settings: ManagedDhctlSettings, log: Logger) {
    this.settings = settings;
    this.log = log;
    this.reaper = setInterval(
      () => this.stopIdle(),
      Math.max(100, Math.min(5_000, Math.floor(settings.idleMs / 4))),
    );
    this.reaper.unref();
    // process.exit() anywhere (superseded replica, grace period over): no child outlives us.
    process.on('exit', this.onExit);
  }

  /** The running servers: version → pid and address (tests, logs). */
  list(): { version: string; pid: number; address: string }[] {
    return [...this.servers.values()]
      .filter((s) => !s.exited)
      .map((s) => ({ version: s.version, pid: s.child.pid ?? 0, address: s.address }));
  }

  /**
   * A client of the managed server of `version` (a DKP major.minor), started if needed. Every
   * call through it counts as use: a server is never stopped as idle during a call.
   */
  async clientFor(version: string): Promise<Dhctl> {
    const server = await this.ensure(version);
    server.lastUsed = Date.now();
    return this.tracked(version, server.address);
  }

  private async ensure(version: string): Promise<Server> {
    if (this.closed) {
      throw new DhctlTransportError('Start', UNAVAILABLE, 'the manager is stopping');
    }
    const pending = this.starting.get(version);
    if (pending) return pending;
    const current = this.servers.get(version);
    if (current) {
      // A need is a use: the idle reaper leaves it alone while its health is checked.
      current.lastUsed = Date.now();
    }
    if (
      current &&
      !current.exited &&
      (current.inFlight > 0 ||
        Date.now() - current.lastHealthy < HEALTHY_FOR_MS ||
        (await this.healthy(current))) &&
      this.servers.get(version) === current
    ) {
      return current;
    }
    if (current && this.servers.get(version) === current) {
      this.log.warn(
        { dhctlVersion: version, pid: current.child.pid, exited: current.exited },
        'managed dhctl server is not answering; starting it again',
      );
      void this.stopServer(current);
    }
    // Re-check: another caller may have begun a start while we were checking health.
    const again = this.starting.get(version);
    if (again) return again;
    const replaced = this.servers.get(version);
    if (replaced && replaced !== current && !replaced.exited) return replaced;
    const start = this.start(version).finally(() => this.starting.delete(version));
    this.starting.set(version, start);
    return start;
  }

  private async healthy(server: Server, deadlineMs = 5_000): Promise<boolean> {
    try {
      await server.client.getStatus({ deadlineMs });
      server.lastHealthy = Date.now();
      return !server.exited;
    } catch {
      return false;
    }
  }

  private async start(version: string): Promise<Server> {
    let lastError = '';
    // A port taken between choosing and binding it makes the server exit: try a few ports.
    for (let attempt = 1; attempt <= 3; attempt++) {
      const port = await freePort(this.host);
      const server = this.spawn(version, port);
      const deadline = Date.now() + this.settings.startTimeoutMs;
      while (!server.exited && Date.now() < deadline && !this.closed) {
        if (await this.healthy(server, 1_000)) {
          this.servers.set(version, server);
          this.log.info(
            { dhctlVersion: version, pid: server.child.pid, address: server.address },
            'managed dhctl server started',
          );
          return server;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      const exitedByItself = server.exited;
      lastError = server.exited
        ? `it exited (${server.child.exitCode ?? server.child.signalCode})`
        : `it did not answer within ${this.settings.startTimeoutMs} ms`;
      if (server.tail.length) lastError += `: ${server.tail.slice(-5).join(' | ')}`;
      await this.stopServer(server);
      // Only an early exit (a port taken meanwhile) is worth another port.
      if (!exitedByItself || this.closed) break;
    }
    throw new DhctlTransportError(
      'Start',
      UNAVAILABLE,
      `the dhctl server for DKP version ${version} did not start: ${lastError}`,
    );
  }

  private spawn(version: string, port: number): Server {
    const fill = (word: string) =>
      word
        .replaceAll('{version}', version)
        .replaceAll('{port}', String(port))
        .replaceAll('{host}', this.host);
    const [command, ...args] = this.settings.command.map(fill);
    const child = spawn(command!, args, {
      cwd: this.settings.cwd,
      env: {
        ...this.settings.env,
        DHCTL_SERVER_VERSION: version,
        DHCTL_SERVER_PORT: String(port),
        DHCTL_SERVER_HOST: this.host,
        // The server stops itself when this manager is gone (SIGKILL included).
        COMMANDER_SUPERVISOR_PID: String(process.pid),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.children.add(child);
    const address = `${this.host}:${port}`;
    const server: Server = {
      version,
      child,
      address,
      // Loopback and our own child: plaintext, whatever DHCTL_TLS says for remote servers.
      client: createDhctlClient(address, { tls: null }),
      inFlight: 0,
      lastUsed: Date.now(),
      lastHealthy: 0,
      exited: false,
      tail: [],
    };
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim()) server.tail.push(line.trim().slice(0, 500));
      }
      server.tail.splice(0, Math.max(0, server.tail.length - 20));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.stdin?.on('error', () => undefined);
    child.on('error', (err) => {
      server.tail.push(err.message);
      server.exited = true;
    });
    child.on('exit', (code, signal) => {
      server.exited = true;
      this.children.delete(child);
      if (this.servers.get(version) === server) {
        this.log.warn(
          { dhctlVersion: version, pid: child.pid, code, signal },
          'managed dhctl server exited; it is started again when next needed',
        );
      }
    });
    return server;
  }

  /**
   * A client of the version's server whatever process serves it: each call takes the current
   * server (started again if it was stopped as idle or crashed since) and marks it in use
   * until the call settles.
   */
  private tracked(version: string, address: string): Dhctl {
    const call =
      <A extends unknown[], R>(pick: (client: Dhctl) => (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        const server = await this.ensure(version);
        server.inFlight++;
        try {
          const result = await pick(server.client)(...args);
          server.lastHealthy = Date.now();
          return result;
        } finally {
          server.inFlight--;
          server.lastUsed = Date.now();
        }
      };
    return {
      address,
      bootstrap: call((c) => c.bootstrap.bind(c)),
      converge: call((c) => c.converge.bind(c)),
      check: call((c) => c.check.bind(c)),
      destroy: call((c) => c.destroy.bind(c)),
      abort: call((c) => c.abort.bind(c)),
      commanderAttach: call((c) => c.commanderAttach.bind(c)),
      commanderDetach: call((c) => c.commanderDetach.bind(c)),
      getStatus: call((c) => c.getStatus.bind(c)),
      validation: {
        validateResources: call((c) => c.validation.validateResources.bind(c.validation)),
        validateInitConfig: call((c) => c.validation.validateInitConfig.bind(c.validation)),
        validateClusterConfig: call((c) => c.validation.validateClusterConfig.bind(c.validation)),
        validateStaticClusterConfig: call((c) =>
          c.validation.validateStaticClusterConfig.bind(c.validation),
        ),
        validateProviderSpecificClusterConfig: call((c) =>
          c.validation.validateProviderSpecificClusterConfig.bind(c.validation),
        ),
        validateChanges: call((c) => c.validation.validateChanges.bind(c.validation)),
        parseConnectionConfig: call((c) => c.validation.parseConnectionConfig.bind(c.validation)),
        configExtender: call((c) => c.validation.configExtender.bind(c.validation)),
      },
      // The channel belongs to the pool (shared by every operation of the version).
      close: () => undefined,
    };
  }

  private stopIdle(): void {
    const now = Date.now();
    for (const server of this.servers.values()) {
      if (server.exited) continue;
      if (server.inFlight === 0 && now - server.lastUsed >= this.settings.idleMs) {
        this.log.info(
          { dhctlVersion: server.version, pid: server.child.pid, idleMs: now - server.lastUsed },
          'stopping idle managed dhctl server',
        );
        void this.stopServer(server);
      }
    }
  }

  /** SIGTERM, SIGKILL after 10 s; forgets the server at once. */
  private stopServer(server: Server): Promise<void> {
    if (this.servers.get(server.version) === server) this.servers.delete(server.version);
    server.client.close();
    if (server.exited) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
      timer.unref();
      server.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      server.child.kill('SIGTERM');
    });
  }

  private killAll(): void {
    for (const child of this.children) {
      child.kill('SIGKILL');
    }
  }

  /** Stops every server (the manager is stopping). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.reaper);
    await Promise.allSettled([...this.starting.values()]);
    await Promise.all([...this.servers.values()].map((s) => this.stopServer(s)));
    process.off('exit', this.onExit);
  }
}
