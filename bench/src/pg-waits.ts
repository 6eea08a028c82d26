import pg from 'pg';

/** What the backends of one database were doing while a benchmark ran (sampled). */
export type WaitProfile = {
  samples: number;
  /** Average number of backends in state `active` (running a statement). */
  avgActive: number;
  /** Average number of backends `idle in transaction` (waiting for the client mid-transaction). */
  avgIdleInTransaction: number;
  /** Active backend-samples by wait event, most frequent first; `CPU` = no wait event (running). */
  events: { event: string; share: number; avgBackends: number }[];
  /** Backend PIDs seen (for CPU accounting). */
  pids: number[];
};

type Row = { state: string | null; event: string; pid: number };

/**
 * Samples `pg_stat_activity` for one database every `intervalMs` (its own connection, excluded
 * from the counts). `Lock:object` on `pg_database` is PostgreSQL's NOTIFY commit lock;
 * `IO:WALSync`/`LWLock:WALWrite` are commits waiting for the WAL flush; `CPU` is executing.
 */
export class WaitSampler {
  readonly #url: string;
  readonly #database: string;
  readonly #intervalMs: number;
  #client: pg.Client | null = null;
  #timer: NodeJS.Timeout | null = null;
  #inFlight: Promise<void> | null = null;
  #samples = 0;
  #active = 0;
  #idleInTransaction = 0;
  readonly #events = new Map<string, number>();
  readonly #pids = new Set<number>();

  constructor(url: string, database: string, intervalMs = 20) {
    this.#url = url;
    this.#database = database;
    this.#intervalMs = intervalMs;
  }

  /** Connects and starts sampling. */
  async start(): Promise<void> {
    this.#client = new pg.Client({
      connectionString: this.#url,
      application_name: 'commander-bench sampler',
    });
    await this.#client.connect();
    this.#timer = setInterval(() => {
      if (!this.#inFlight) {
        this.#inFlight = this.#sample().finally(() => {
          this.#inFlight = null;
        });
      }
    }, this.#intervalMs);
  }

  /** The backends of the database right now (PIDs), e.g. for CPU accounting. */
  async backendPids(): Promise<number[]> {
    const client = this.#client;
    if (!client) {
      return [];
    }
    const { rows } = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [this.#database],
    );
    return rows.map((r) => r.pid);
  }

  async #sample(): Promise<void> {
    const client = this.#client;
    if (!client) {
      return;
    }
    try {
      const { rows } = await client.query<Row>(
        `SELECT state, coalesce(wait_event_type || ':' || wait_event, 'CPU') AS event, pid
           FROM pg_stat_activity
          WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
        [this.#database],
      );
      this.#samples += 1;
      for (const row of rows) {
        this.#pids.add(row.pid);
        if (row.state === 'active') {
          this.#active += 1;
          this.#events.set(row.event, (this.#events.get(row.event) ?? 0) + 1);
        } else if (row.state === 'idle in transaction') {
          this.#idleInTransaction += 1;
        }
      }
    } catch {
      // A failed sample (connection hiccup) is skipped: the profile is statistical anyway.
    }
  }

  /** Stops sampling, disconnects and returns the profile. */
  async stop(): Promise<WaitProfile> {
    if (this.#timer) {
      clearInterval(this.#timer);
    }
    await this.#inFlight;
    await this.#client?.end().catch(() => undefined);
    this.#client = null;
    const samples = Math.max(1, this.#samples);
    const events = [...this.#events.entries()]
      .map(([event, count]) => ({
        event,
        share: this.#active > 0 ? count / this.#active : 0,
        avgBackends: count / samples,
      }))
      .sort((a, b) => b.share - a.share);
    return {
      samples: this.#samples,
      avgActive: this.#active / samples,
      avgIdleInTransaction: this.#idleInTransaction / samples,
      events,
      pids: [...this.#pids],
    };
  }
}

/** The top `n` wait events of a profile as `CPU 62 %, Lock:object 20 %, …`. */
export function describeWaits(profile: WaitProfile, n = 4): string {
  if (profile.events.length === 0) {
    return 'no active backends sampled';
  }
  return profile.events
    .slice(0, n)
    .map((e) => `${e.event} ${Math.round(e.share * 100)} %`)
    .join(', ');
}
