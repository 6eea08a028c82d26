import { poolOf } from '../client.js';
import { HotClusterQueries } from './clusters.js';

export * from './clusters.js';
export * from './operations.js';
export * from './touch.js';

const clusterQueries = new WeakMap<object, HotClusterQueries>();

/**
 * The hot cluster queries on the pool under `db` (a client made by `createDb`), or null for a
 * transaction client or any other client: the caller then takes its Prisma path.
 */
export function hotClusters(db: object): HotClusterQueries | null {
  let queries = clusterQueries.get(db);
  if (!queries) {
    const pool = poolOf(db);
    if (!pool) {
      return null;
    }
    queries = new HotClusterQueries(pool);
    clusterQueries.set(db, queries);
  }
  return queries;
}
