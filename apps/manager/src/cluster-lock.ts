import {
  type LockedOperationHeader,
  lockOperationCluster,
  type OperationTimes,
  unlockClusterReadOperation,
} from '@commander/db';
import pg from 'pg';

/** Advisory-lock namespace of "one running operation per cluster". */
const CLUSTER_LOCK_CLASS = 727100;

/**
 * Per-cluster mutual exclusion across replicas: a PostgreSQL session advisory lock held on a
 * dedicated connection for the whole operation. PostgreSQL releases it when the replica dies,
 * so a crashed replica never blocks a cluster.
 */
export class ClusterLocks {
  readonly #url: string;
  #client: pg.Client | null = null;
  readonly #held = new Set<string>();
  readonly #onError: (err: Error) => void;

  constructor(databaseUrl: string, onError: (err: Error) => void) {
    this.#url = databaseUrl;
    this.#onError = onError;
  }

  async #connection(): Promise<pg.Client> {
    if (this.#client) {
      return this.#client;
    }
    const client = new pg.Client({
      connectionString: this.#url,
      application_name: 'commander-manager-locks',
    });
    client.on('error', (err) => {
      // The connection (and with it every lock) is gone; the next call reconnects.
      this.#held.clear();
      if (this.#client === client) {
        this.#client = null;
      }
      this.#onError(err);
    });
    await client.connect();
    this.#client = client;
    return client;
  }

  /** Takes the cluster's lock if free; false when another replica holds it. */
  async tryLock(clusterId: string): Promise<boolean> {
    const client = await this.#connection();
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked',
      [CLUSTER_LOCK_CLASS, clusterId],
    );
    const locked = rows[0]?.locked === true;
    if (locked) {
      this.#held.add(clusterId);
    }
    return locked;
  }

  /**
   * Reads the operation's header and, while it is runnable, takes its cluster's lock if free,
   * in one statement (null: no such operation; `locked` false: not runnable, or another replica
   * holds the lock).
   */
  async lockForOperation(operationId: string): Promise<LockedOperationHeader | null> {
    const client = await this.#connection();
    const header = await lockOperationCluster(client, CLUSTER_LOCK_CLASS, operationId);
    if (header?.locked) {
      this.#held.add(header.clusterId);
    }
    return header;
  }

  /**
   * Releases the cluster's lock and reads the operation's status and times (for the metrics)
   * in one statement; null when the lock was not held here or the read failed (the lock is
   * then gone with its connection).
   */
  async unlockAndRead(clusterId: string, operationId: string): Promise<OperationTimes | null> {
    if (!this.#held.delete(clusterId) || !this.#client) {
      return null;
    }
    return unlockClusterReadOperation(
      this.#client,
      CLUSTER_LOCK_CLASS,
      clusterId,
      operationId,
    ).catch((err: Error) => {
      this.#onError(err);
      return null;
    });
  }

  async unlock(clusterId: string): Promise<void> {
    if (!this.#held.delete(clusterId) || !this.#client) {
      return;
    }
    await this.#client
      .query('SELECT pg_advisory_unlock($1, hashtext($2))', [CLUSTER_LOCK_CLASS, clusterId])
      .catch((err: Error) => this.#onError(err));
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    this.#held.clear();
    await client?.end().catch(() => undefined);
  }
}
