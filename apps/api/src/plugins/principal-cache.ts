import { type Grants, type Principal, TOUCH_INTERVAL_MS } from '@commander/core';
import { hashToken } from '@commander/crypto';
import { type LastUsedBatch, touchLastUsed } from '@commander/db';
import pg from 'pg';

/** The PostgreSQL channel the auth-change triggers notify (migration 20261206041700). */
export const AUTH_CHANNEL = 'commander_auth';

type Workspace = { id: string; slug: string } | null;

/** What authentication established for one credential. */
export type CachedPrincipal = {
  principal: Principal;
  grants: Grants;
  /** A token's own workspace (users choose theirs per request, see `workspaceBySlug`). */
  workspace: Workspace;
};

type Entry = CachedPrincipal & { until: number };

export type PrincipalCacheOptions = {
  databaseUrl: string;
  /** The pool the last-use batches are written through. */
  pool: pg.Pool | null;
  /** How long an entry is trusted without a notification (ms). */
  ttlMs: number;
  /** How often pending last-use times are written (ms). */
  flushEveryMs: number;
  warn: (err: unknown, message: string) => void;
};

/**
 * Principals by credential hash (API token or session cookie), and workspaces by slug, kept in
 * process for `ttlMs`. PostgreSQL triggers notify `commander_auth` on every change that can
 * alter a credential's identity or rights (revocation, expiry, user disabled, role or binding
 * changed, workspace renamed or archived); each API process LISTENs and empties its cache, and
 * trusts the cache ONLY while that LISTEN connection is up (a lost connection could have missed
 * a notification). The last-use times of cache hits are written in batches, one statement per
 * flush, at most `flushEveryMs` late, and once more at close.
 */
export class PrincipalCache {
  readonly #options: PrincipalCacheOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #workspaces = new Map<string, { workspace: Workspace; until: number }>();
  #pending: LastUsedBatch = { tokens: new Map(), sessions: new Map(), users: new Map() };
  #client: pg.Client | null = null;
  #listening = false;
  #stopped = false;
  #retry: NodeJS.Timeout | null = null;
  #flushTimer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();
  #generation = 0;

  constructor(options: PrincipalCacheOptions) {
    this.#options = options;
  }

  /** Connects the LISTEN connection and starts the flush timer. */
  async start(): Promise<void> {
    await this.#connect(0);
    this.#flushTimer = setInterval(() => void this.flush(), this.#options.flushEveryMs);
    this.#flushTimer.unref();
  }

  /** True while invalidations are being received (the cache is used only then). */
  get listening(): boolean {
    return this.#listening;
  }

  /**
   * Changes on every clear. Take it BEFORE reading from the database and pass it to `set`: an
   * entry read before a notification arrived is then not stored.
   */
  get generation(): number {
    return this.#generation;
  }

  /** The key of a raw credential: its hash, so raw secrets are never kept as keys. */
  key(kind: 'token' | 'session', raw: string): string {
    return `${kind}:${hashToken(raw)}`;
  }

  get(key: string): CachedPrincipal | null {
    if (!this.#listening) {
      return null;
    }
    const entry = this.#entries.get(key);
    if (!entry) {
      return null;
    }
    if (entry.until <= Date.now()) {
      this.#entries.delete(key);
      return null;
    }
    this.#noteUse(entry.principal);
    return entry;
  }

  set(key: string, value: CachedPrincipal, generation: number): void {
    if (!this.#listening || generation !== this.#generation) {
      return;
    }
    const now = Date.now();
    let until = now + this.#options.ttlMs;
    const p = value.principal;
    const expiry =
      p.kind === 'auth_token'
        ? (p.validUntil ?? p.token.expiresAt)
        : (p.session?.expiresAt ?? null);
    if (expiry) {
      until = Math.min(until, expiry.getTime());
    }
    if (until > now) {
      this.#entries.set(key, { ...value, until });
    }
  }

  workspaceBySlug(slug: string): Workspace | undefined {
    if (!this.#listening) {
      return undefined;
    }
    const hit = this.#workspaces.get(slug);
    if (!hit || hit.until <= Date.now()) {
      return undefined;
    }
    return hit.workspace;
  }

  setWorkspace(slug: string, workspace: Workspace, generation: number): void {
    if (this.#listening && generation === this.#generation) {
      this.#workspaces.set(slug, { workspace, until: Date.now() + this.#options.ttlMs });
    }
  }

  /** Forgets everything (a notification, a change made by this process, a lost connection). */
  clear(): void {
    this.#generation += 1;
    this.#entries.clear();
    this.#workspaces.clear();
  }

  /** Writes the pending last-use times (one statement); keeps them on failure for the next try. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      const batch = this.#pending;
      if (batch.tokens.size + batch.sessions.size + batch.users.size === 0 || !this.#options.pool) {
        return;
      }
      this.#pending = { tokens: new Map(), sessions: new Map(), users: new Map() };
      try {
        await touchLastUsed(this.#options.pool, batch);
      } catch (err) {
        for (const kind of ['tokens', 'sessions', 'users'] as const) {
          for (const [id, at] of batch[kind]) {
            if (!this.#pending[kind].has(id)) {
              this.#pending[kind].set(id, at);
            }
          }
        }
        this.#options.warn(err, 'could not record last use of credentials; retrying');
      }
    });
    return this.#flushing;
  }

  /** Stops listening and writes what is pending. */
  async close(): Promise<void> {
    this.#stopped = true;
    this.#listening = false;
    if (this.#retry) {
      clearTimeout(this.#retry);
    }
    if (this.#flushTimer) {
      clearInterval(this.#flushTimer);
    }
    this.clear();
    await this.#client?.end().catch(() => undefined);
    await this.flush();
  }

  #noteUse(principal: Principal): void {
    const now = new Date();
    if (principal.kind === 'auth_token') {
      const { token } = principal;
      if (
        token.lastUsedAt === null ||
        now.getTime() - token.lastUsedAt.getTime() > TOUCH_INTERVAL_MS
      ) {
        token.lastUsedAt = now;
        this.#pending.tokens.set(token.id, now);
      }
    } else if (principal.session) {
      const { session } = principal;
      if (now.getTime() - session.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
        session.lastUsedAt = now;
        this.#pending.sessions.set(session.id, now);
        this.#pending.users.set(principal.user.id, now);
      }
    }
  }

  async #connect(attempt: number): Promise<void> {
    if (this.#stopped || this.#client) {
      return;
    }
    const c = new pg.Client({
      connectionString: this.#options.databaseUrl,
      application_name: 'commander-api-auth',
    });
    this.#client = c;
    c.on('notification', () => this.clear());
    const reconnect = () => {
      this.#listening = false;
      this.clear();
      if (this.#client === c) {
        this.#client = null;
      }
      c.removeAllListeners();
      c.on('error', () => undefined);
      void c.end().catch(() => undefined);
      if (!this.#stopped) {
        this.#retry = setTimeout(
          () => void this.#connect(attempt + 1),
          Math.min(10_000, 250 * 2 ** Math.min(attempt, 6)),
        );
        this.#retry.unref();
      }
    };
    c.on('error', (err) => {
      this.#options.warn(err, 'auth-change connection lost; principal cache off until it is back');
      reconnect();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${AUTH_CHANNEL}`);
      // Whatever changed while not listening is unknown: start empty.
      this.clear();
      this.#listening = !this.#stopped;
    } catch (err) {
      this.#options.warn(err, 'cannot listen for auth changes yet; principal cache off, retrying');
      reconnect();
    }
  }
}
